package mailbox

import (
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
)

// TestNewLeavesTheAppAlone: the mailbox's intake reads whole e-mails; the
// app's own intake — the web form's — is as it was.
func TestNewLeavesTheAppAlone(t *testing.T) {
	a := app.New(config.Default(), nil, app.Adapters{})
	before := a.Intake.Readers
	m := New(a)
	if a.Intake.Readers != nil || before != nil {
		t.Errorf("the app's intake readers changed: %d", len(a.Intake.Readers))
	}
	if m.Intake == a.Intake || m.Intake.Readers[formdoc.Email] == nil {
		t.Error("the mailbox's intake does not read whole e-mails")
	}
	if m.Inbox.Intake != m.Intake {
		t.Error("the inbox reads with another intake")
	}
}
