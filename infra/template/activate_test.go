package template

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = &testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, moto) }

// TestActivateMailbox runs scripts/activate-mailbox with the AWS CLI
// against moto's SES: it activates the stack's rule set when none is
// active, changes nothing when it is, and refuses to switch off another
// active set unless told that set's name.
func TestActivateMailbox(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		if testenv.Required() {
			t.Fatal("the AWS CLI is not installed (it comes with the machine image)")
		}
		t.Skip("the AWS CLI is not installed")
	}
	endpoint := moto.Endpoint(t)
	run := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(filepath.Join(root, "scripts", "activate-mailbox"), args...)
		cmd.Env = append(awsFree(), "AWS_ENDPOINT_URL="+endpoint, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
			"AWS_REGION=eu-west-2", "AWS_DEFAULT_REGION=eu-west-2", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	aws := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", endpoint, "--region", "eu-west-2", "--output", "text"}, args...)...)
		cmd.Env = append(awsFree(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	active := func() string { return aws("ses", "describe-active-receipt-rule-set", "--query", "Metadata.Name") }
	aws("ses", "create-receipt-rule-set", "--rule-set-name", "cspr-MailboxRules-1")
	aws("ses", "create-receipt-rule-set", "--rule-set-name", "council-other-service")

	if out, code := run("no-such-set"); code != 1 || !strings.Contains(out, "no receipt rule set named no-such-set") {
		t.Errorf("an unknown set: %d %s", code, out)
	}
	if out, code := run(); code != 2 || !strings.Contains(out, "usage") {
		t.Errorf("no argument: %d %s", code, out)
	}
	if out, code := run("cspr-MailboxRules-1"); code != 0 || active() != "cspr-MailboxRules-1" {
		t.Fatalf("none active: %d %s (active %s)", code, out, active())
	}
	if out, code := run("cspr-MailboxRules-1"); code != 0 || !strings.Contains(out, "already") {
		t.Errorf("ours active: %d %s", code, out)
	}

	aws("ses", "set-active-receipt-rule-set", "--rule-set-name", "council-other-service")
	if out, code := run("cspr-MailboxRules-1"); code != 1 || !strings.Contains(out, "council-other-service is the active") || active() != "council-other-service" {
		t.Errorf("another active: %d %s (active %s)", code, out, active())
	}
	if out, code := run("cspr-MailboxRules-1", "--replace", "something-else"); code != 1 || active() != "council-other-service" {
		t.Errorf("replacing a set that is not the active one: %d %s", code, out)
	}
	if out, code := run("cspr-MailboxRules-1", "--replace", "council-other-service"); code != 0 || active() != "cspr-MailboxRules-1" || !strings.Contains(out, "replaced council-other-service") {
		t.Errorf("replacing the active one by name: %d %s (active %s)", code, out, active())
	}
}

// awsFree is the environment without the machine's AWS settings: the
// test never reaches a real account.
func awsFree() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}
