package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFunctionsLinkTheirOwn: each Lambda links the handlers of its own
// audience and not another's — the public form no sign-in (OIDC), no API
// and no mailbox or MIME reader, the API no pages, the reminder no reader
// of Word, PDF or mail.
func TestFunctionsLinkTheirOwn(t *testing.T) {
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
			for _, b := range banned {
				if strings.HasPrefix(strings.TrimPrefix(dep, module), b) {
					t.Errorf("functions/%s links %s", fn, dep)
				}
			}
		}
	}
}
