package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFunctionsLinkTheirOwn: each Lambda links the handlers of its own
// audience and not another's — the public form no sign-in (OIDC), no API
// and no mailbox or MIME reader, the API no pages, the reminder no reader
// of Word, PDF or mail. Each calls AWS through the SDK's own service
// clients, and links only those it calls; none links the SDK's
// configuration loader (its STS, SSO and shared-file providers: a Lambda
// function's credentials are in its environment).
func TestFunctionsLinkTheirOwn(t *testing.T) {
	const sdk = "github.com/aws/aws-sdk-go-v2/"
	intake := []string{"service/dynamodb", "service/s3", "service/sesv2"}
	clients := map[string][]string{
		"form-intake":  intake,
		"intake-api":   intake,
		"email-intake": intake,
		"workspace":    append(intake, "service/secretsmanager", "service/sqs"),
		"reminder":     {"service/dynamodb", "service/sesv2"},
		"settle":       {"service/dynamodb", "service/scheduler", "service/sesv2"}, // the one that schedules
	}
	never := map[string][]string{
		"form-intake":  {"shared/web/workspace", "shared/web/api", "github.com/coreos/go-oidc", "shared/inbox", "shared/mailparse", "github.com/emersion/go-message/charset"},
		"intake-api":   {"shared/web/workspace", "shared/web/form", "github.com/coreos/go-oidc"},
		"workspace":    {"shared/web/form", "shared/web/api"},
		"email-intake": {"shared/web/"},
		"reminder":     {"shared/web", "shared/formdoc", "shared/mailparse", "github.com/emersion/go-message/charset"},
		"settle":       {"shared/web", "shared/inbox", "shared/mailparse", "github.com/emersion/go-message/charset"},
	}
	for fn, banned := range never {
		out, err := exec.Command("go", "list", "-deps", module+"functions/"+fn).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", fn, err)
		}
		linked := map[string]bool{}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if strings.HasPrefix(strings.TrimPrefix(dep, module), b) {
					t.Errorf("functions/%s links %s", fn, dep)
				}
			}
			if name, ok := strings.CutPrefix(dep, sdk); ok && (name == "config" || strings.HasPrefix(name, "service/") && strings.Count(name, "/") == 1) {
				linked[name] = true
			}
		}
		for _, c := range clients[fn] {
			if !linked[c] {
				t.Errorf("functions/%s does not call AWS through the SDK's %s client", fn, c)
			}
			delete(linked, c)
		}
		for name := range linked {
			t.Errorf("functions/%s links the SDK's %s, which it does not call", fn, name)
		}
	}
}
