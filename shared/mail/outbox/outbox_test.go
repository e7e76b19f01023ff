package outbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
)

func TestSend(t *testing.T) {
	o, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := mail.Message{
		From: "Darlington Safeguarding Partnership <DSP@darlington.gov.uk>", To: []string{"ssp@example.gov.uk"},
		Subject: "[DSP-2026-0042] Rapid Review due Tue 13 Jan 2027 — 2 working days", Text: "Plain £ text", HTML: "<p>HTML £ text</p>",
		MessageID: "DSP-2026-0042.rapid-review.before@cspr-intake", Date: time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC),
	}
	for range 2 {
		if err := o.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	names, err := o.List()
	if err != nil || len(names) != 1 {
		t.Fatalf("outbox holds %v, %v; want one message", names, err)
	}
	f, err := os.Open(filepath.Join(o.Dir, names[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gomail.CreateReader(f)
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := r.Header.Subject()
	id, _ := r.Header.MessageID()
	if subject != m.Subject || id != m.MessageID || r.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("header: subject %q id %q", subject, id)
	}
	var bodies []string
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		b := new(strings.Builder)
		buf := make([]byte, 4096)
		n, _ := p.Body.Read(buf)
		b.Write(buf[:n])
		bodies = append(bodies, b.String())
	}
	if len(bodies) != 2 || bodies[0] != "Plain £ text" || bodies[1] != "<p>HTML £ text</p>" {
		t.Errorf("bodies %q", bodies)
	}
	if err := o.Send(context.Background(), mail.Message{From: "DSP@darlington.gov.uk", Text: "x"}); err == nil {
		t.Error("a message without recipients was written")
	}
}

// TestReadOnlyListed: Read gives a message List names, and nothing
// outside the outbox for any name.
func TestReadOnlyListed(t *testing.T) {
	dir := t.TempDir()
	o, err := New(filepath.Join(dir, "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Send(context.Background(), mail.Message{To: []string{"bu@example.gov.uk"}, From: "dsp@example.gov.uk", Subject: "s", Text: "t", MessageID: "a@b"}); err != nil {
		t.Fatal(err)
	}
	names, err := o.List()
	if err != nil || len(names) != 1 {
		t.Fatalf("List = %v, %v", names, err)
	}
	if data, err := o.Read(names[0]); err != nil || !strings.Contains(string(data), "Subject: s") {
		t.Errorf("Read(%s) = %q, %v", names[0], data, err)
	}
	os.WriteFile(filepath.Join(dir, "secret.eml"), []byte("x"), 0o600)
	for _, name := range []string{"../secret.eml", "..\\secret.eml", ".hidden.eml", "none.eml", "x.txt", ""} {
		if _, err := o.Read(name); errs.Code(err) != errs.NotFound {
			t.Errorf("Read(%q) = %v, want not found", name, err)
		}
	}
}
