package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFunctionsLinkTheirOwn: each Lambda links the handlers of its own
// audience and not another's — the public form no sign-in (OIDC), no API
// and no mailbox or MIME reader, the API no pages, the reminder no reader
// of Word, PDF or mail. And none links the AWS SDK's clients for what
// shared/awscall calls directly (S3, SES, DynamoDB, Secrets Manager,
// SQS, Scheduler) or its configuration
// loader: each cost milliseconds of every cold start.
func TestFunctionsLinkTheirOwn(t *testing.T) {
	sdk := []string{"github.com/aws/aws-sdk-go-v2/service/s3", "github.com/aws/aws-sdk-go-v2/service/sesv2",
		"github.com/aws/aws-sdk-go-v2/service/dynamodb", "github.com/aws/aws-sdk-go-v2/service/secretsmanager",
		"github.com/aws/aws-sdk-go-v2/service/sqs", "github.com/aws/aws-sdk-go-v2/service/scheduler", "github.com/aws/aws-sdk-go-v2/config"}
	never := map[string][]string{
		"form-intake":  {"shared/web/workspace", "shared/web/api", "github.com/coreos/go-oidc", "shared/inbox", "shared/mailparse", "github.com/emersion/go-message/charset"},
		"intake-api":   {"shared/web/workspace", "shared/web/form", "github.com/coreos/go-oidc"},
		"workspace":    {"shared/web/form", "shared/web/api"},
		"email-intake": {"shared/web/"},
		"reminder":     {"shared/web", "shared/formdoc", "shared/mailparse", "github.com/emersion/go-message/charset"},
	}
	for fn, banned := range never {
		out, err := exec.Command("go", "list", "-deps", module+"functions/"+fn).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", fn, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range append(banned, sdk...) {
				if strings.HasPrefix(strings.TrimPrefix(dep, module), b) {
					t.Errorf("functions/%s links %s", fn, dep)
				}
			}
		}
	}
}
