package inbox

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail/outbox"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
)

type env struct {
	svc    *Service
	store  *bolt.Store
	blobs  *dir.Store
	outbox *outbox.Outbox
	logs   *bytes.Buffer
	now    time.Time
	mu     sync.Mutex
}

var received = time.Date(2026, time.March, 16, 23, 5, 3, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	data := t.TempDir()
	st, err := bolt.Open(filepath.Join(data, "cspr.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := dir.New(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := outbox.New(filepath.Join(data, "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cal, err := cfg.Calendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{store: st, blobs: blobs, outbox: out, logs: &bytes.Buffer{}, now: received}
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	in := &intake.Service{Blobs: blobs, Store: st, Prefix: "DSP", Location: config.London, MaxBytes: cfg.MaxInputBytes, Log: log,
		Calendar: cal, Rules: cfg.Rules(), Now: e.clock}
	e.svc = &Service{Intake: in, Store: st, Blobs: blobs, Mail: out, Rules: cfg.Rules(),
		Partnership: cfg.Partnership, Mailbox: cfg.Mailbox, Prefix: "DSP", SecureDomains: cfg.SecureDomains,
		BusinessUnit: []string{"business.unit@darlington.gov.uk"}, Location: config.London, Now: e.clock, Log: log}
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func sampleEmail(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sent returns the outbox's messages, parsed.
func (e *env) sent(t *testing.T) []*gomail.Header {
	t.Helper()
	names, err := e.outbox.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []*gomail.Header
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(e.outbox.Dir, n))
		if err != nil {
			t.Fatal(err)
		}
		m, err := gomessage.Read(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &gomail.Header{Header: m.Header})
	}
	return out
}

func (e *env) body(t *testing.T, i int) string {
	t.Helper()
	names, _ := e.outbox.List()
	data, err := os.ReadFile(filepath.Join(e.outbox.Dir, names[i]))
	if err != nil {
		t.Fatal(err)
	}
	m, err := gomail.CreateReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(p.Body)
	return b.String()
}

func (e *env) receive(t *testing.T, data []byte, v Verdicts) Report {
	t.Helper()
	rep, err := e.svc.Receive(context.Background(), Delivery{Data: data, Verdicts: v, ReceivedAt: e.clock()})
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return rep
}

var pass = Verdicts{"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}

func TestWordFormMakesCaseAndAcknowledgement(t *testing.T) {
	e := newEnv(t)
	rep := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
	if rep.Outcome != casefile.OutcomeCase || len(rep.Refs) != 1 || rep.Refs[0] != "DSP-2026-0001" || rep.Duplicate {
		t.Fatalf("report %+v", rep)
	}
	c, err := e.store.GetCase(context.Background(), "DSP-2026-0001")
	if err != nil || c.Channel != "email" || c.Sender != "sam.referrer@darlington.gov.uk" || c.Filename != "Referral form.docx" || c.MessageKey != rep.Key {
		t.Errorf("case %+v %v", c, err)
	}
	if c.Referral.Children == nil || c.Referral.Children[0].FullName == "" {
		t.Error("the Word form was not read")
	}
	sent := e.sent(t)
	if len(sent) != 1 {
		t.Fatalf("%d e-mails sent, want 1 acknowledgement", len(sent))
	}
	h := sent[0]
	subject, _ := h.Subject()
	to, _ := h.AddressList("To")
	irt, _ := h.MsgIDList("In-Reply-To")
	refs, _ := h.MsgIDList("References")
	if !strings.HasPrefix(subject, "[DSP-2026-0001] Referral received") || len(to) != 1 || to[0].Address != "sam.referrer@darlington.gov.uk" ||
		len(irt) != 1 || irt[0] != "outlook-1@darlington.gov.uk" || len(refs) == 0 || refs[len(refs)-1] != "outlook-1@darlington.gov.uk" {
		t.Errorf("acknowledgement headers: subject %q to %v in-reply-to %v references %v", subject, to, irt, refs)
	}
	body := e.body(t, 0)
	for _, want := range []string{"Reference: DSP-2026-0001", "Statutory deadlines now running", "Inform the Statutory Safeguarding Partners: by the end of Tuesday 17 March 2026", "Read from: your Word form"} {
		if !strings.Contains(body, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, body)
		}
	}
	child := c.Referral.Children[0].FullName
	if strings.Contains(subject, child) || strings.Contains(body, child) || strings.Contains(e.logs.String(), child) {
		t.Error("the child's name was echoed in the acknowledgement or the logs")
	}
	m, err := e.store.GetMessage(context.Background(), rep.Key)
	if err != nil || m.State != casefile.Done || m.Outcome != casefile.OutcomeCase || len(m.Attachments) != 2 || m.RawLocation == "" {
		t.Errorf("message record %+v %v", m, err)
	}
	if _, err := e.blobs.Get(context.Background(), m.RawLocation); err != nil {
		t.Errorf("raw message not kept: %v", err)
	}
}

func TestRedeliveryIsOneCaseAndOneAcknowledgement(t *testing.T) {
	e := newEnv(t)
	data := sampleEmail(t, "outlook-word-form.eml")
	first := e.receive(t, data, pass)
	e.advance(3 * time.Hour)
	again := e.receive(t, data, pass)
	if !again.Duplicate || again.Outcome != first.Outcome || again.Refs[0] != first.Refs[0] {
		t.Errorf("redelivery: %+v", again)
	}
	// Concurrent deliveries of a new message: one does the work, the
	// others are told to retry (errs.Conflict) or see it done.
	other := outlook(t, "sam.referrer@darlington.gov.uk", "concurrent@darlington.gov.uk", "Referral")
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := map[string]bool{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := e.svc.Receive(context.Background(), Delivery{Data: other, Verdicts: pass})
			if err != nil && errs.Code(err) != errs.Conflict {
				t.Error(err)
			}
			mu.Lock()
			for _, r := range rep.Refs {
				made[r] = true
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(made) != 1 {
		t.Errorf("concurrent deliveries made cases %v, want one", made)
	}
	if n := len(e.sent(t)); n != 2 {
		t.Errorf("%d acknowledgements for two messages", n)
	}
}

func TestDeliveryThatDiedIsTakenOver(t *testing.T) {
	e := newEnv(t)
	data := sampleEmail(t, "outlook-word-form.eml")
	// A first delivery claimed the message and died.
	rec := casefile.Message{Key: "id-" + hash("outlook-1@darlington.gov.uk")[:32], RawKey: intake.RawKey(data), State: casefile.InProgress,
		LockedUntil: e.clock().Add(time.Minute), UpdatedAt: e.clock()}
	if _, _, err := e.store.BeginMessage(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Receive(context.Background(), Delivery{Data: data, Verdicts: pass}); errs.Code(err) != errs.Conflict {
		t.Fatalf("while locked: %v, want a conflict to retry", err)
	}
	e.advance(e.svc.lock() + time.Minute)
	if rep := e.receive(t, data, pass); rep.Outcome != casefile.OutcomeCase || len(rep.Refs) != 1 {
		t.Errorf("after the lock expired: %+v", rep)
	}
}

func TestMessageIDReusedByAnotherMessage(t *testing.T) {
	e := newEnv(t)
	a := outlook(t, "sam.referrer@darlington.gov.uk", "same-id@darlington.gov.uk", "Referral")
	b := outlook(t, "sam.referrer@darlington.gov.uk", "same-id@darlington.gov.uk", "Referral (second child)", attachment("Second.docx", docxType, form(t, "generated-complete.docx")))
	ra, rb := e.receive(t, a, pass), e.receive(t, b, pass)
	if ra.Key == rb.Key || rb.Duplicate || len(rb.Refs) != 2 {
		t.Errorf("a different message with the same Message-ID was dropped: %+v %+v", ra, rb)
	}
}

func TestQuarantine(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		v       Verdicts
		reasons string
	}{
		{"untrusted domain", sampleEmail(t, "untrusted-sender.eml"), pass, ReasonUntrusted},
		{"DMARC fail (spoofed From)", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"spam": "PASS", "virus": "PASS", "spf": "FAIL", "dkim": "FAIL", "dmarc": "FAIL"}, ReasonDMARC},
		{"virus", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"virus": "FAIL", "spam": "PASS", "dmarc": "PASS"}, ReasonVirus},
		{"virus scan failed", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"virus": "PROCESSING_FAILED", "spam": "PASS", "dmarc": "PASS"}, ReasonVirus},
		{"spam", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"spam": "FAIL", "virus": "PASS", "dmarc": "PASS"}, ReasonSpam},
		{"no SPF or DKIM pass", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"spam": "PASS", "virus": "PASS", "spf": "FAIL", "dkim": "FAIL", "dmarc": "GRAY"}, ReasonUnauthed},
		{"no virus or spam verdict", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"dmarc": "PASS"}, ReasonNotScanned},
		{"a gray virus verdict", sampleEmail(t, "outlook-word-form.eml"), Verdicts{"spam": "PASS", "virus": "GRAY", "dmarc": "PASS"}, ReasonNotScanned},
		{"two senders in one From", bytes.Replace(sampleEmail(t, "outlook-word-form.eml"), []byte(`From: "Referrer, Sam" <sam.referrer@darlington.gov.uk>`), []byte(`From: "Referrer, Sam" <sam.referrer@darlington.gov.uk>, <someone@darlington.gov.uk>`), 1), pass, ReasonManySenders},
		{"two From fields", bytes.Replace(sampleEmail(t, "outlook-word-form.eml"), []byte(`From: "Referrer, Sam" <sam.referrer@darlington.gov.uk>`), []byte("From: \"Referrer, Sam\" <sam.referrer@darlington.gov.uk>\r\nFrom: <jo@darlington.gov.uk>"), 1), pass, ReasonManySenders},
		{"an address we cannot write back to", bytes.Replace(sampleEmail(t, "outlook-word-form.eml"), []byte(`<sam.referrer@darlington.gov.uk>`), []byte(`<"x\"y"@darlington.gov.uk>`), 1), pass, ReasonUnanswerable},
		{"a direction-changing character in the address", bytes.Replace(sampleEmail(t, "outlook-word-form.eml"), []byte(`<sam.referrer@darlington.gov.uk>`), []byte("<\"sam\u202e\"@darlington.gov.uk>"), 1), pass, ReasonUnanswerable},
		{"auto-reply", append([]byte("Auto-Submitted: auto-replied\r\n"), sampleEmail(t, "outlook-word-form.eml")...), pass, ReasonAutomatic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			rep := e.receive(t, tt.data, tt.v)
			if rep.Outcome != casefile.OutcomeQuarantined || strings.Join(rep.Reasons, ",") != tt.reasons || len(rep.Refs) != 0 {
				t.Fatalf("report %+v", rep)
			}
			sent := e.sent(t)
			if len(sent) != 1 {
				t.Fatalf("%d e-mails sent; want the Business Unit's notice only", len(sent))
			}
			to, _ := sent[0].AddressList("To")
			subject, _ := sent[0].Subject()
			if to[0].Address != "business.unit@darlington.gov.uk" || strings.Contains(subject, "Referral") {
				t.Errorf("notice to %v subject %q", to, subject)
			}
			list, _ := e.store.ListMessages(context.Background(), casefile.OutcomeQuarantined)
			if len(list) != 1 || list[0].Key != rep.Key {
				t.Errorf("quarantine list %+v", list)
			}
			// An officer releases it: it is read and answered.
			rel, err := e.svc.Release(context.Background(), rep.Key, "officer.jones")
			if err != nil || rel.Outcome != casefile.OutcomeCase || len(rel.Refs) != 1 {
				t.Fatalf("release: %+v %v", rel, err)
			}
			m, _ := e.store.GetMessage(context.Background(), rep.Key)
			if m.ReleasedBy != "officer.jones" || m.Outcome != casefile.OutcomeCase {
				t.Errorf("released message record %+v", m)
			}
			if _, err := e.svc.Release(context.Background(), rep.Key, "officer.jones"); errs.Code(err) != errs.Conflict {
				t.Errorf("second release: %v", err)
			}
			wantSent := 2
			switch tt.reasons {
			case ReasonAutomatic, ReasonManySenders, ReasonUnanswerable:
				wantSent = 1 // a machine, no one sender, or an address we do not write to: never answered, even once released
			}
			if n := len(e.sent(t)); n != wantSent {
				t.Errorf("%d e-mails after release, want %d", n, wantSent)
			}
		})
	}
}

func TestOwnMessagesAreNotProcessed(t *testing.T) {
	e := newEnv(t)
	data := crlf("From: Darlington Safeguarding Partnership <DSP@darlington.gov.uk>\nTo: business.unit@darlington.gov.uk\nSubject: Message held for review\nMessage-ID: <held.x@cspr-intake>\nAuto-Submitted: auto-generated\n\nA message was held.\n")
	rep := e.receive(t, data, pass)
	if rep.Outcome != casefile.OutcomeRefused || rep.Reasons[0] != ReasonOwnMessage || len(e.sent(t)) != 0 {
		t.Errorf("own message: %+v, %d sent", rep, len(e.sent(t)))
	}
}

func TestCorrectionReplyUpdatesTheCase(t *testing.T) {
	e := newEnv(t)
	first := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
	e.advance(11 * time.Hour)
	ackID := e.svc.AckID(first.Refs[0], first.Key, false)
	rep := e.receive(t, correction(t, ackID), pass)
	if rep.Outcome != casefile.OutcomeCorrection || len(rep.Refs) != 1 || rep.Refs[0] != first.Refs[0] {
		t.Fatalf("correction: %+v", rep)
	}
	c, _ := e.store.GetCase(context.Background(), first.Refs[0])
	if c.Version != 1 || c.Filename != "Referral form v2.docx" {
		t.Errorf("case after correction: version %d file %q", c.Version, c.Filename)
	}
	sent := e.sent(t)
	if len(sent) != 2 {
		t.Fatalf("%d e-mails", len(sent))
	}
	subject, _ := sent[1].Subject()
	if !strings.HasPrefix(subject, "[DSP-2026-0001] Correction received") {
		t.Errorf("second acknowledgement %q", subject)
	}
	// The subject alone names the case too; another organisation's reply
	// naming it is held, and changes nothing.
	bySubject := bytes.Replace(correction(t, "unrelated@example"), []byte("correction-1@"), []byte("correction-2@"), 1)
	bySubject = bytes.Replace(bySubject, []byte("Referral form v2.docx"), []byte("Referral form v3.docx"), 2)
	if rep := e.receive(t, bySubject, pass); rep.Outcome != casefile.OutcomeCorrection {
		t.Errorf("reference in the subject: %+v", rep)
	}
	stranger := bytes.Replace(correction(t, ackID), []byte("sam.referrer@darlington.gov.uk"), []byte("someone@durham.gov.uk"), 1)
	stranger = bytes.Replace(stranger, []byte("correction-1@"), []byte("correction-3@"), 1)
	if rep := e.receive(t, stranger, pass); rep.Outcome != casefile.OutcomeQuarantined || rep.Reasons[0] != ReasonMayCorrect {
		t.Errorf("another organisation's reply: %+v", rep)
	}
}

// reply is a reply to the acknowledgement of DSP-2026-0001 from an
// address, with a Reply-To, carrying one answer in its body.
func reply(from, replyTo, id, body string) []byte {
	return crlf(`From: <` + from + `>
Reply-To: <` + replyTo + `>
To: DSP@darlington.gov.uk
Subject: Re: [DSP-2026-0001] Referral received
Date: Tue, 17 Mar 2026 10:30:00 +0000
Message-ID: <` + id + `>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

` + body + `
`)
}

// TestCorrectionNeedsTheSameSenderAndChecks: references are guessable and
// domains shared, so only the address the case came from, with the sender
// checks passed, may change a case; anything else naming it is held.
func TestCorrectionNeedsTheSameSenderAndChecks(t *testing.T) {
	ctx := context.Background()
	one := "SECTION 1\nEMAIL: sam.new@darlington.gov.uk\n"
	noDMARC := Verdicts{"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "GRAY", "dmarc": "GRAY"}
	tests := []struct {
		name     string
		msg      []byte
		verdicts Verdicts
		corrects bool
	}{
		{"another person at the same domain", reply("someone.else@darlington.gov.uk", "x@elsewhere.example", "r1@darlington.gov.uk", one), pass, false},
		{"the same address, DMARC failed", reply("sam.referrer@darlington.gov.uk", "sam.referrer@darlington.gov.uk", "r2@darlington.gov.uk", one),
			Verdicts{"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "FAIL"}, false},
		{"the same address, nothing authenticated", reply("sam.referrer@darlington.gov.uk", "sam.referrer@darlington.gov.uk", "r3@darlington.gov.uk", one),
			Verdicts{"spam": "PASS", "virus": "PASS", "spf": "GRAY", "dkim": "GRAY", "dmarc": "GRAY"}, false},
		{"a quoted local part that holds the address", reply(`"sam.referrer@darlington.gov.uk"@evil.example`, "a@evil.example", "r4@evil.example", one), pass, false},
		{"the same address, no DMARC policy but SPF passed", reply("SAM.Referrer@darlington.gov.uk", "elsewhere@gmail.com", "r5@darlington.gov.uk", one), noDMARC, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			first := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
			before, _ := e.store.GetCase(ctx, first.Refs[0])
			e.advance(time.Hour)
			rep := e.receive(t, tt.msg, tt.verdicts)
			after, _ := e.store.GetCase(ctx, first.Refs[0])
			sent := e.sent(t)
			if !tt.corrects {
				if rep.Outcome != casefile.OutcomeQuarantined || after.Version != 0 || !reflect.DeepEqual(after.Referral, before.Referral) {
					t.Errorf("report %+v; case version %d: want held and the case unchanged", rep, after.Version)
				}
				if len(sent) != 2 { // the acknowledgement, then the Business Unit's notice
					t.Fatalf("%d e-mails; want the first acknowledgement and the Business Unit's notice", len(sent))
				}
				to, _ := sent[1].AddressList("To")
				body := e.body(t, 1)
				if len(to) != 1 || to[0].Address != "business.unit@darlington.gov.uk" || !strings.Contains(body, "held for review") {
					t.Errorf("notice to %v:\n%s", to, body)
				}
				if slices.Contains(rep.Reasons, ReasonMayCorrect) && !strings.Contains(body, "Possible correction of DSP-2026-0001") {
					t.Errorf("notice to %v:\n%s", to, body)
				}
				return
			}
			if rep.Outcome != casefile.OutcomeCorrection || after.Version != 1 {
				t.Fatalf("report %+v, version %d: want a correction", rep, after.Version)
			}
			// It merged: one answer changed, every other kept.
			want := before.Referral
			want.Referrer.Email = "sam.new@darlington.gov.uk"
			if !reflect.DeepEqual(after.Referral, want) {
				t.Errorf("after the correction:\n%+v\nwant\n%+v", after.Referral, want)
			}
			// Answered at the address it came from, never the Reply-To,
			// saying what changed.
			to, _ := sent[1].AddressList("To")
			body := e.body(t, 1)
			if len(to) != 1 || to[0].Address != "sam.referrer@darlington.gov.uk" || !strings.Contains(body, "Section 1: your email address") {
				t.Errorf("correction acknowledged to %v:\n%s", to, body)
			}
		})
	}
}

// TestReleasedPossibleCorrectionApplies: an officer's release of a held
// possible correction applies it.
func TestReleasedPossibleCorrectionApplies(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
	held := e.receive(t, reply("jo.manager@darlington.gov.uk", "jo.manager@darlington.gov.uk", "r6@darlington.gov.uk", "SECTION 1\nEMAIL: sam.new@darlington.gov.uk\n"), pass)
	if held.Outcome != casefile.OutcomeQuarantined {
		t.Fatalf("held: %+v", held)
	}
	rep, err := e.svc.Release(ctx, held.Key, "officer-1")
	if err != nil || rep.Outcome != casefile.OutcomeCorrection || rep.Refs[0] != first.Refs[0] {
		t.Fatalf("release: %+v %v", rep, err)
	}
	if c, _ := e.store.GetCase(ctx, first.Refs[0]); c.Version != 1 || c.Referral.Referrer.Email != "sam.new@darlington.gov.uk" {
		t.Errorf("after release: version %d email %q", c.Version, c.Referral.Referrer.Email)
	}
}

// TestNoNamesEchoed: a file name or subject that holds a child's name is
// never repeated in our mail; a quoted local part is answered.
func TestNoNamesEchoed(t *testing.T) {
	e := newEnv(t)
	msg := outlook(t, "sam.referrer@darlington.gov.uk", "name-1@darlington.gov.uk", "Referral - Jane Doe DOB 01.02.2020")
	msg = bytes.ReplaceAll(msg, []byte("Referral form.docx"), []byte("Referral - Jane Doe DOB 01.02.2020.docx"))
	msg = bytes.Replace(msg, []byte("<sam.referrer@darlington.gov.uk>"), []byte(`<"sam referrer"@darlington.gov.uk>`), 1)
	rep := e.receive(t, msg, pass)
	if rep.Outcome != casefile.OutcomeCase {
		t.Fatalf("report %+v", rep)
	}
	sent := e.sent(t)
	if len(sent) != 1 {
		t.Fatalf("%d e-mails, want the acknowledgement", len(sent))
	}
	subject, _ := sent[0].Subject()
	to, _ := sent[0].AddressList("To")
	body := e.body(t, 0)
	if strings.Contains(subject+body, "Jane") || strings.Contains(subject+body, "01.02.2020") {
		t.Errorf("a name was echoed: %q\n%s", subject, body)
	}
	if len(to) != 1 || to[0].Address != "sam referrer@darlington.gov.uk" || !strings.Contains(body, "Read from: your Word form") {
		t.Errorf("acknowledgement to %v:\n%s", to, body)
	}
}

func TestWhichPartIsTheReferral(t *testing.T) {
	tests := []struct {
		file    string
		cases   int
		file0   string
		problem string // a problem code the first case has
		others  string // in the acknowledgement
	}{
		{"form-and-chronology.eml", 1, "Referral form.docx", "", "2 other attachments were kept"}, // the chronology and Outlook's inline logo
		{"two-forms.eml", 2, "Referral form.docx", "", ""},
		{"text-body-latin1.eml", 1, "message.eml", "", ""},
		{"forwarded.eml", 1, "Referral form.docx", "", ""},
		{"macro-enabled-form.eml", 2, "Referral form.docx", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newEnv(t)
			rep := e.receive(t, sampleEmail(t, tt.file), pass)
			if rep.Outcome != casefile.OutcomeCase || len(rep.Refs) != tt.cases {
				t.Fatalf("report %+v", rep)
			}
			c, _ := e.store.GetCase(context.Background(), rep.Refs[0])
			if c.Filename != tt.file0 {
				t.Errorf("read %q, want %q", c.Filename, tt.file0)
			}
			if len(e.sent(t)) != tt.cases {
				t.Errorf("%d acknowledgements for %d cases", len(e.sent(t)), tt.cases)
			}
			if tt.others != "" && !strings.Contains(e.body(t, 0), tt.others) {
				t.Errorf("acknowledgement does not mention the other attachments:\n%s", e.body(t, 0))
			}
		})
	}
	t.Run("an Excel chronology and a forwarded Outlook message are not forms", func(t *testing.T) {
		// Office files of the older kind that are not Word's: kept, not
		// read, and no case of their own (they had each opened one, read as
		// "an old-style Word document").
		ole := func(stream string) []byte {
			var b bytes.Buffer
			b.WriteString("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
			b.Write(make([]byte, 504))
			for _, r := range stream {
				b.Write([]byte{byte(r), 0})
			}
			return b.Bytes()
		}
		e := newEnv(t)
		msg := outlook(t, "sam.referrer@darlington.gov.uk", "outlook-9@darlington.gov.uk", "Referral",
			attachment("Chronology.xls", "application/vnd.ms-excel", ole("Workbook")),
			attachment("Earlier e-mail.msg", "application/vnd.ms-outlook", ole("__substg1.0_0037001F")))
		rep := e.receive(t, msg, pass)
		if rep.Outcome != casefile.OutcomeCase || len(rep.Refs) != 1 {
			t.Fatalf("report %+v", rep)
		}
		if body := e.body(t, 0); !strings.Contains(body, "3 other attachments were kept") {
			t.Errorf("acknowledgement:\n%s", body)
		}
	})
	t.Run("latin-1 body is decoded", func(t *testing.T) {
		e := newEnv(t)
		rep := e.receive(t, sampleEmail(t, "text-body-latin1.eml"), pass)
		c, _ := e.store.GetCase(context.Background(), rep.Refs[0])
		if c.Referral.Referrer.FullName != "Sam Referrer" || c.Sender != "alex.nurse@nhs.net" {
			t.Errorf("text body case: referrer %q sender %q", c.Referral.Referrer.FullName, c.Sender)
		}
	})
	t.Run("macro-enabled document is refused with a reason", func(t *testing.T) {
		e := newEnv(t)
		rep := e.receive(t, sampleEmail(t, "macro-enabled-form.eml"), pass)
		c, _ := e.store.GetCase(context.Background(), rep.Refs[1])
		if c.Filename != "Referral.docm" || len(c.Problems) == 0 || !strings.Contains(c.Problems[0].Message, "Macro-enabled") {
			t.Errorf("macro case: %q %+v", c.Filename, c.Problems)
		}
		if !strings.Contains(e.body(t, 1), "Macro-enabled documents are not accepted") {
			t.Errorf("the referrer is not told why:\n%s", e.body(t, 1))
		}
	})
}

// TestBadInput: every hostile or broken message ends in a stored outcome,
// the raw message kept, no panic.
func TestBadInput(t *testing.T) {
	head := "From: sam.referrer@darlington.gov.uk\nTo: DSP@darlington.gov.uk\nSubject: Referral\nMIME-Version: 1.0\n"
	nested := head + "Message-ID: <nested@x>\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"
	for i := 0; i < 100; i++ {
		nested += fmt.Sprintf("--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i, i+1)
	}
	many := head + "Message-ID: <many@x>\nContent-Type: multipart/mixed; boundary=\"m\"\n\n"
	for i := 0; i < 1000; i++ {
		many += fmt.Sprintf("--m\nContent-Type: image/png\nContent-Disposition: attachment; filename=\"p%d.png\"\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n", i)
	}
	many += "--m--\n"
	bomb := zipBomb(t)
	photo := make([]byte, 40<<20)
	for i := range photo {
		photo[i] = byte(i * 7)
	}
	big := crlf(head + "Message-ID: <big@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\nPhotographs attached; form to follow.\n--x\n" + attachment("photos.jpg", "image/jpeg", photo) + "--x--\n")
	tests := []struct {
		name    string
		data    []byte
		outcome casefile.Outcome
	}{
		{"empty", nil, casefile.OutcomeQuarantined},                                         // no sender: held
		{"headers only", crlf(head + "Message-ID: <h@x>\n\n"), casefile.OutcomeQuarantined}, // not the form: held, the sender told
		{"not an e-mail", []byte{0xff, 0xfe, 0, 1, 2}, casefile.OutcomeRefused},
		{"100-level nesting", crlf(nested), casefile.OutcomeRefused},
		{"1,000 attachments", crlf(many), casefile.OutcomeRefused},
		{"malformed base64", crlf(head + "Message-ID: <b64@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: " + docxType + "; name=\"f.docx\"\nContent-Transfer-Encoding: base64\n\n!!!not base64@@@\n--x--\n"), casefile.OutcomeCase},
		{"unknown charset", crlf(head + "Message-ID: <cs@x>\nContent-Type: text/plain; charset=x-klingon\n\nFULL NAME: Sam Referrer\n"), casefile.OutcomeCase},
		{".exe attachment", crlf(head + "Message-ID: <exe@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\nSee attached.\n--x\n" + attachment("setup.exe", "application/octet-stream", []byte("MZ\x90\x00 program")) + "--x--\n"), casefile.OutcomeQuarantined},
		{"zip bomb named .docx", crlf(head + "Message-ID: <bomb@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\n" + attachment("Referral.docx", docxType, bomb) + "--x--\n"), casefile.OutcomeCase},
		{"40 MB attachment", big, casefile.OutcomeQuarantined}, // photographs and "form to follow": not the form
		{"random bytes named .docx", crlf(head + "Message-ID: <rnd@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\nSee attached.\n--x\n" + attachment("Referral.docx", docxType, randomBytes(4096)) + "--x--\n"), casefile.OutcomeQuarantined}, // not the form: held, the sender told
		{"path in the file name", crlf(head + "Message-ID: <path@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\n" + attachment("../../etc/passwd", "application/octet-stream", []byte("root:x:0:0")) + "--x--\n"), casefile.OutcomeQuarantined},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			rep := e.receive(t, tt.data, pass)
			if rep.Outcome != tt.outcome {
				t.Errorf("outcome %s (%v), want %s", rep.Outcome, rep.Reasons, tt.outcome)
			}
			if tt.name == "random bytes named .docx" {
				told := false
				for _, h := range e.sent(t) {
					to, _ := h.AddressList("To")
					told = told || (len(to) == 1 && to[0].Address == "sam.referrer@darlington.gov.uk")
				}
				if !slices.Contains(rep.Reasons, ReasonNotTheForm) || !told {
					t.Errorf("random bytes named .docx: reasons %v, sender told %v; want not-the-form and the sender told", rep.Reasons, told)
				}
			}
			m, err := e.store.GetMessage(context.Background(), rep.Key)
			if err != nil || m.State != casefile.Done {
				t.Fatalf("message record %+v %v", m, err)
			}
			if kept, err := e.blobs.Get(context.Background(), m.RawLocation); err != nil || !bytes.Equal(kept, tt.data) {
				t.Errorf("raw message not kept: %v", err)
			}
			for _, a := range m.Attachments {
				if strings.ContainsAny(a.Name, `/\`) || strings.HasPrefix(a.Name, ".") {
					t.Errorf("attachment name %q keeps a path", a.Name)
				}
			}
			for _, ref := range rep.Refs {
				if c, err := e.store.GetCase(context.Background(), ref); err != nil || ((tt.name == "zip bomb named .docx" || tt.name == "40 MB attachment") && c.Problems[0].Code != "unreadable") {
					t.Errorf("case %s: %+v %v", ref, c.Problems, err)
				}
			}
		})
	}
}

// randomBytes are n bytes of no kind of document, the same every run.
func randomBytes(n int) []byte {
	out := make([]byte, n)
	x := uint32(2463534242)
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = byte(x)
	}
	return out
}

// zipBomb declares 10 GB in one entry.
func zipBomb(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: 8, UncompressedSize64: 10 << 30, CompressedSize64: 4})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{3, 0, 0, 0})
	zw.Close()
	return buf.Bytes()
}

func TestProblemLinesSaySectionOnce(t *testing.T) {
	got := problemLines([]referral.Problem{
		{Section: 5, Message: "Section 5: choose the main cause"},
		{Section: 7, Message: "add at least one agency"},
		{Message: "We could not read the form"},
	})
	want := []string{"Section 5: choose the main cause", "Section 7: add at least one agency", "We could not read the form"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problemLines = %q, want %q", got, want)
	}
}

// TestSweepPicksUpCutOffMessages: a message whose processing was cut off
// after it was claimed is processed by the sweep once its lock expires;
// one cut off again and again is held as processing-failed, not lost.
func TestSweepPicksUpCutOffMessages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	data := sampleEmail(t, "outlook-word-form.eml")
	// A delivery that claimed the message, kept it, and died.
	loc := "mail/" + intake.RawKey(data)
	if err := e.blobs.Put(ctx, loc, data); err != nil {
		t.Fatal(err)
	}
	cut := casefile.Message{Key: "id-" + hash("outlook-1@darlington.gov.uk")[:32], RawKey: intake.RawKey(data), RawLocation: loc,
		ReceivedAt: received, State: casefile.InProgress, UpdatedAt: received, LockedUntil: received.Add(defaultLock), Verdicts: pass}
	if _, began, err := e.store.BeginMessage(ctx, cut); err != nil || !began {
		t.Fatal(began, err)
	}
	if n, err := e.svc.Sweep(ctx); err != nil || n != 0 {
		t.Errorf("sweep while the lock holds: %d, %v", n, err)
	}
	e.advance(defaultLock + time.Second)
	if n, err := e.svc.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after the lock: %d, %v", n, err)
	}
	m, _ := e.store.GetMessage(ctx, cut.Key)
	if m.State != casefile.Done || m.Outcome != casefile.OutcomeCase || len(m.Refs) != 1 || len(e.sent(t)) != 1 {
		t.Errorf("after the sweep: %+v, %d sent", m, len(e.sent(t)))
	}

	// Cut off for the last time: held for the Business Unit.
	other := cut
	other.Key, other.Attempts = "raw-stuck", maxAttempts-1
	other.UpdatedAt, other.LockedUntil = e.clock(), e.clock().Add(defaultLock)
	if _, began, err := e.store.BeginMessage(ctx, other); err != nil || !began {
		t.Fatal(began, err)
	}
	e.advance(defaultLock + time.Second)
	if _, err := e.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ = e.store.GetMessage(ctx, "raw-stuck")
	held, _ := e.store.ListMessages(ctx, casefile.OutcomeQuarantined)
	if m.State != casefile.Done || m.Outcome != casefile.OutcomeQuarantined || len(m.Reasons) != 1 || m.Reasons[0] != ReasonFailed || len(held) != 1 {
		t.Errorf("after the last attempt: %+v (%d held)", m, len(held))
	}
	if stuck, _ := e.store.ListStuckMessages(ctx, e.clock().Add(time.Hour)); len(stuck) != 0 {
		t.Errorf("still stuck: %+v", stuck)
	}
}

// TestReleaseOfUntrustedMailNamingACase: mail held for another reason (an
// address outside the secure domains) that names a case is not applied to
// that case on release: it is held again, as a possible correction of it,
// so the officer sees which case it would change.
func TestReleaseOfUntrustedMailNamingACase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
	held := e.receive(t, reply("sam.home@gmail.com", "sam.home@gmail.com", "r7@gmail.com", "SECTION 1\nEMAIL: sam.new@darlington.gov.uk\n"), pass)
	if held.Outcome != casefile.OutcomeQuarantined || held.Reasons[0] != ReasonUntrusted {
		t.Fatalf("held: %+v", held)
	}
	rep, err := e.svc.Release(ctx, held.Key, "officer-1")
	if err != nil || rep.Outcome != casefile.OutcomeQuarantined || rep.Reasons[0] != ReasonMayCorrect || rep.Refs[0] != first.Refs[0] {
		t.Fatalf("first release: %+v %v", rep, err)
	}
	if c, _ := e.store.GetCase(ctx, first.Refs[0]); c.Version != 0 {
		t.Errorf("the case changed on the first release: version %d", c.Version)
	}
	// Released again, now held as the possible correction it is: applied.
	if rep, err := e.svc.Release(ctx, held.Key, "officer-1"); err != nil || rep.Outcome != casefile.OutcomeCorrection {
		t.Errorf("second release: %+v %v", rep, err)
	}
}

// exchangeForwarded is a referral from an NHS sender to DSP@ as it reaches
// SES through the council's Microsoft 365 forwarding (a transport rule that
// forwards to the intake subdomain): Microsoft's Received and ARC headers
// and its loop marker on top, the sender's message — From, To DSP@, its
// own DKIM signature when it had one — unchanged beneath.
func exchangeForwarded(t *testing.T, signed bool) []byte {
	t.Helper()
	original := string(sampleEmail(t, "outlook-word-form.eml"))
	original = strings.Replace(original, `From: "Referrer, Sam" <sam.referrer@darlington.gov.uk>`, `From: "Nurse, Sam" <sam.nurse@nhs.net>`, 1)
	_, original, _ = strings.Cut(original, "From: ") // the sender's own Received line is below Microsoft's
	original = "From: " + original
	if signed {
		original = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=nhs.net; s=selector1;\r\n" +
			"\th=From:To:Subject:Date:Message-ID; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=dGhlIHNpZ25hdHVyZQ==\r\n" + original
	}
	arc := "spf=pass smtp.mailfrom=nhs.net; dmarc=pass action=none header.from=nhs.net; dkim=pass header.d=nhs.net"
	if !signed {
		arc = "spf=pass smtp.mailfrom=nhs.net; dmarc=pass action=none header.from=nhs.net; dkim=none (message not signed)"
	}
	head := "Received: from EUR02-DB5-obe.outbound.protection.outlook.com (mail-db5eur02on2112.outbound.protection.outlook.com [40.107.249.112])\r\n" +
		"\tby inbound-smtp.eu-west-2.amazonaws.com with SMTP id 9q1tc0f7m3s1\r\n" +
		"\tfor referrals@referrals.darlington.gov.uk; Mon, 16 Mar 2026 23:05:03 +0000 (UTC)\r\n" +
		"ARC-Seal: i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none;\r\n\tb=c2VhbA==\r\n" +
		"ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com;\r\n" +
		"\ts=arcselector10001; h=From:Date:Subject:Message-ID:Content-Type:MIME-Version;\r\n\tbh=Ym9keQ==; b=c2ln\r\n" +
		"ARC-Authentication-Results: i=1; mx.microsoft.com 1; " + arc + "\r\n" +
		"Received: from AM9PR08MB6210.eurprd08.prod.outlook.com (2603:10a6:20b:2d4::9)\r\n" +
		"\tby DB8PR08MB5388.eurprd08.prod.outlook.com with HTTPS; Mon, 16 Mar 2026 23:05:02 +0000\r\n" +
		"X-MS-Exchange-Inbox-Rules-Loop: DSP@darlington.gov.uk\r\n" +
		"X-MS-Exchange-Organization-AuthAs: Anonymous\r\n" +
		"X-MS-Exchange-CrossTenant-OriginalArrivalTime: 16 Mar 2026 23:05:02.1234 (UTC)\r\n"
	return []byte(head + original)
}

// TestForwardedByExchange: mail to DSP@ forwarded by the council's
// Microsoft 365 to the intake address. SES checks the forwarded message:
// SPF is Microsoft's envelope, DKIM survives when the sender signed, and
// DMARC passes through that signature. The referrer is the original From,
// answered there (never DSP@, the forwarding mailbox); what Microsoft's
// ARC headers say is not taken as a verdict, because anyone can write them:
// an unsigned message that fails DMARC at SES is held however its headers
// read.
func TestForwardedByExchange(t *testing.T) {
	e := newEnv(t)
	rep := e.receive(t, exchangeForwarded(t, true), Verdicts{"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"})
	if rep.Outcome != casefile.OutcomeCase || len(rep.Refs) != 1 {
		t.Fatalf("signed, forwarded: %+v", rep)
	}
	c, err := e.store.GetCase(context.Background(), rep.Refs[0])
	if err != nil || c.Sender != "sam.nurse@nhs.net" {
		t.Errorf("the case's sender: %q %v", c.Sender, err)
	}
	var acked bool
	for _, h := range e.sent(t) {
		to, _ := h.AddressList("To")
		for _, a := range to {
			if strings.EqualFold(a.Address, "DSP@darlington.gov.uk") {
				t.Error("an e-mail went to the forwarding mailbox: a loop")
			}
			acked = acked || a.Address == "sam.nurse@nhs.net"
		}
	}
	if !acked {
		t.Error("the referrer was not acknowledged at the original From")
	}

	e = newEnv(t)
	rep = e.receive(t, exchangeForwarded(t, false), Verdicts{"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "GRAY", "dmarc": "FAIL"})
	if rep.Outcome != casefile.OutcomeQuarantined || strings.Join(rep.Reasons, ",") != ReasonDMARC {
		t.Fatalf("unsigned, forwarded, DMARC failed at SES: %+v", rep)
	}
	for _, h := range e.sent(t) {
		if to, _ := h.AddressList("To"); len(to) != 1 || to[0].Address != "business.unit@darlington.gov.uk" {
			t.Errorf("a held message was answered: %v", to)
		}
	}
}

// TestHeldMessageAndDismiss: a held message read as text with its
// record, then marked not a referral: kept, off the held list, never
// answered, and not released afterwards.
func TestHeldMessageAndDismiss(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rep := e.receive(t, sampleEmail(t, "untrusted-sender.eml"), pass)
	h, err := e.svc.HeldMessage(ctx, rep.Key)
	if err != nil || h.Message.Key != rep.Key || h.Subject == "" || h.Text == "" {
		t.Fatalf("held message: %+v %v", h, err)
	}
	before := len(e.sent(t))
	if err := e.svc.Dismiss(ctx, rep.Key, "officer.jones"); err != nil {
		t.Fatal(err)
	}
	m, _ := e.store.GetMessage(ctx, rep.Key)
	if m.Outcome != casefile.OutcomeDismissed || m.DismissedBy != "officer.jones" {
		t.Errorf("dismissed record %+v", m)
	}
	if list, _ := e.store.ListMessages(ctx, casefile.OutcomeQuarantined); len(list) != 0 {
		t.Errorf("still held: %+v", list)
	}
	if _, err := e.svc.Release(ctx, rep.Key, "officer.jones"); errs.Code(err) != errs.Conflict {
		t.Errorf("release after dismissing: %v", err)
	}
	if err := e.svc.Dismiss(ctx, rep.Key, "officer.jones"); errs.Code(err) != errs.Conflict {
		t.Errorf("dismissed twice: %v", err)
	}
	if _, err := e.svc.HeldMessage(ctx, rep.Key); errs.Code(err) != errs.Conflict {
		t.Errorf("reading a message no longer held: %v", err)
	}
	if len(e.sent(t)) != before {
		t.Error("the sender was answered")
	}
}

// TestReadOnce: a delivery parses the message once and reads each
// attachment that may be the form once — choosing it and making the case
// share the one read — and the body once when no form is attached.
func TestReadOnce(t *testing.T) {
	for _, tt := range []struct {
		file  string
		reads int64
	}{
		{"two-forms.eml", 2},
		{"outlook-word-form.eml", 1},
		{"text-body-latin1.eml", 1},
	} {
		e := newEnv(t)
		var p, r int64
		e.svc.Parse = func(in io.Reader, l mailparse.Limits) (*mailparse.Message, error) {
			p++
			return mailparse.Parse(in, l)
		}
		e.svc.Read = func(format string, data []byte) formdoc.Read {
			r++
			return formdoc.ReadAs(format, data)
		}
		rep := e.receive(t, sampleEmail(t, tt.file), pass)
		if rep.Outcome != casefile.OutcomeCase {
			t.Fatalf("%s: %+v", tt.file, rep)
		}
		if p != 1 || r != tt.reads {
			t.Errorf("%s: %d parses and %d reads, want 1 and %d", tt.file, p, r, tt.reads)
		}
	}
}

// TestOneDefinitionOfAConditionalQuestionInTheAcknowledgement: a required
// follow-up question added in the form's definition alone is what the
// mailbox's acknowledgement asks for (shared/web's
// TestOneDefinitionOfAConditionalQuestion is its twin).
func TestOneDefinitionOfAConditionalQuestionInTheAcknowledgement(t *testing.T) {
	var f *referral.Field
	for i := range referral.Form {
		for j := range referral.Form[i].Fields {
			if referral.Form[i].Fields[j].Path == "children.nationality" {
				f = &referral.Form[i].Fields[j]
			}
		}
	}
	saved, savedRequired := referral.FollowUps, f.Required
	referral.FollowUps = append(append([]referral.FollowUp(nil), referral.FollowUps...),
		referral.FollowUp{Parent: "children.staffConduct", When: "no", Fields: []string{"children.nationality"}, Reveal: true})
	f.Required = true
	t.Cleanup(func() { referral.FollowUps, f.Required = saved, savedRequired })

	body, err := os.ReadFile("../formdoc/testdata/forms/text-in-body.txt") // staff conduct NO, no nationality
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	msg := crlf("From: Sam Nurse <sam.nurse@nhs.net>\nTo: DSP@darlington.gov.uk\nSubject: Referral\nMessage-ID: <hypothetical-1@nhs.net>\n" +
		"Content-Type: text/plain; charset=utf-8\n\n" + string(body))
	if rep := e.receive(t, msg, pass); rep.Outcome != casefile.OutcomeCase {
		t.Fatalf("report %+v", rep)
	}
	if ack := e.body(t, 0); !strings.Contains(ack, "enter the child's nationality") {
		t.Errorf("the acknowledgement does not ask for it:\n%s", ack)
	}
}

// TestAcknowledgementAsksToCheckUnreadable: a PDF printed from a form whose
// ticks are check-box fields shows the options with no tick to be seen;
// the acknowledgement asks the referrer to check those answers, rather
// than guessing them or saying they are missing.
func TestAcknowledgementAsksToCheckUnreadable(t *testing.T) {
	e := newEnv(t)
	pdf, err := os.ReadFile(filepath.Join("..", "formdoc", "testdata", "corpus", "libreoffice-form-fields.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	msg := crlf("From: sam.referrer@darlington.gov.uk\nTo: DSP@darlington.gov.uk\nSubject: Referral\nMIME-Version: 1.0\n" +
		"Message-ID: <pdf-ticks@x>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\nThe form, printed to PDF.\n--x\n" +
		attachment("Referral.pdf", "application/pdf", pdf) + "--x--\n")
	rep := e.receive(t, msg, pass)
	if rep.Outcome != casefile.OutcomeCase || len(rep.Refs) != 1 {
		t.Fatalf("report %+v", rep)
	}
	c, err := e.store.GetCase(context.Background(), rep.Refs[0])
	if err != nil {
		t.Fatal(err)
	}
	unread := map[string]bool{}
	for _, p := range c.Problems {
		if p.Code == "unreadable" {
			unread[p.Field] = true
		}
		if p.Code == "required" && (p.Field == "children[0].relatesToDeath" || p.Field == "children[0].staffConduct") {
			t.Errorf("an unreadable answer is reported missing as well: %+v", p)
		}
	}
	if !unread["children[0].relatesToDeath"] || !unread["children[0].staffConduct"] || c.Referral.Children[0].RelatesToDeath != "" {
		t.Errorf("problems %+v, answer %q", c.Problems, c.Referral.Children[0].RelatesToDeath)
	}
	body := e.body(t, 0)
	for _, want := range []string{"we could not read whether the incident relates to the death of the child from what you sent; please check it",
		"we could not read whether the incident involves the conduct of a staff member from what you sent; please check it"} {
		if !strings.Contains(body, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, body)
		}
	}
}

// TestCorrectionNamingAnotherChild: a form from the case's own sender,
// naming the case, whose child is someone else (a sibling's new referral)
// changes nothing: it is held as "new referral or correction of …?".
// Released by an officer, it is applied, dated when released and signed
// by them.
func TestCorrectionNamingAnotherChild(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
	before, _ := e.store.GetCase(ctx, first.Refs[0])
	if len(before.Referral.Children) == 0 || before.Referral.Children[0].FullName == "" {
		t.Fatalf("the first case has no child's name: %+v", before.Referral.Children)
	}
	e.advance(time.Hour)
	ackID := e.svc.AckID(first.Refs[0], first.Key, false)
	sibling := reply("sam.referrer@darlington.gov.uk", "sam.referrer@darlington.gov.uk", "sibling-1@darlington.gov.uk",
		"SECTION 2\nFULL NAME: Jamie Sibling\nDATE OF BIRTH: 01/01/2020\n")
	sibling = bytes.Replace(sibling, []byte("Message-ID: <sibling-1@darlington.gov.uk>"), []byte("Message-ID: <sibling-1@darlington.gov.uk>\r\nIn-Reply-To: <"+ackID+">"), 1)
	held := e.receive(t, sibling, pass)
	after, _ := e.store.GetCase(ctx, first.Refs[0])
	if held.Outcome != casefile.OutcomeQuarantined || held.Reasons[0] != ReasonOtherChild || held.Refs[0] != first.Refs[0] ||
		after.Version != 0 || after.Referral.Children[0].FullName != before.Referral.Children[0].FullName {
		t.Fatalf("held %+v; the case at version %d, child %q", held, after.Version, after.Referral.Children[0].FullName)
	}
	sent := e.sent(t)
	if body := e.body(t, len(sent)-1); !strings.Contains(body, "New referral or correction of "+first.Refs[0]+"?") || strings.Contains(body, "Jamie") {
		t.Errorf("the Business Unit's notice:\n%s", body)
	}
	e.advance(2 * time.Hour)
	rep, err := e.svc.Release(ctx, held.Key, "officer-1")
	if err != nil || rep.Outcome != casefile.OutcomeCorrection {
		t.Fatalf("released: %+v %v", rep, err)
	}
	after, _ = e.store.GetCase(ctx, first.Refs[0])
	events, _ := e.store.ListEvents(ctx, first.Refs[0])
	last := events[len(events)-1]
	for _, ev := range events {
		if ev.Type == intake.EventCorrected {
			last = ev
		}
	}
	if after.Version != 1 || after.Referral.Children[0].FullName != "Jamie Sibling" || last.Actor != "officer-1" || !last.At.Equal(e.clock()) {
		t.Errorf("after release: version %d child %q, corrected by %q at %v (now %v)", after.Version, after.Referral.Children[0].FullName, last.Actor, last.At, e.clock())
	}
}

// TestAcknowledgementsPerAddressAreBounded: a burst of messages in one
// address's name makes its cases, but at most AckRate acknowledgements an
// hour go back to it.
func TestAcknowledgementsPerAddressAreBounded(t *testing.T) {
	e := newEnv(t)
	e.svc.Acks = admit.NewRate(AckRate, time.Hour)
	n := AckRate + 5
	for i := range n {
		msg := outlook(t, "sam.referrer@darlington.gov.uk", fmt.Sprintf("burst-%d@darlington.gov.uk", i), "Referral")
		msg = bytes.Replace(msg, []byte("Please find attached"), []byte(fmt.Sprintf("Message %d: please find attached", i)), 1)
		if rep := e.receive(t, msg, pass); rep.Outcome != casefile.OutcomeCase {
			t.Fatalf("message %d: %+v", i, rep)
		}
	}
	acks := 0
	for _, m := range e.sent(t) {
		if to, _ := m.AddressList("To"); len(to) == 1 && to[0].Address == "sam.referrer@darlington.gov.uk" {
			acks++
		}
	}
	if acks != AckRate {
		t.Errorf("%d messages in a burst got %d acknowledgements, want %d", n, acks, AckRate)
	}
	if strings.Contains(e.logs.String(), "sam.referrer@") {
		t.Error("the log holds the address")
	}
}

// TestBouncedReminderOnItsCase: a reminder that bounced is recorded on its
// case and the Business Unit told at once — once, however often SES
// reports it — and a notice of a bounce that bounces is not noticed again.
func TestBouncedReminderOnItsCase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first := e.receive(t, sampleEmail(t, "outlook-word-form.eml"), pass)
	ref := first.Refs[0]
	before := len(e.sent(t))
	ev := MailEvent{ID: "sns-1", Kind: "bounce", Type: "Permanent General", MessageID: ref + ".notify-panel.before.2026-03-20@cspr-intake",
		Recipients: []string{"ssp.officer@durham.police.uk"}, At: e.clock()}
	for range 2 {
		if err := e.svc.MailReported(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	events, _ := e.store.ListEvents(ctx, ref)
	n := 0
	for _, x := range events {
		if x.Type == EventMailBounced {
			n++
			if x.Data["what"] != "a reminder" || x.Data["to"] != "ssp.officer@durham.police.uk" || x.Data["type"] != "Permanent General" {
				t.Errorf("recorded %+v", x.Data)
			}
		}
	}
	if n != 1 {
		t.Errorf("the bounce recorded %d times", n)
	}
	sent := e.sent(t)[before:]
	if len(sent) != 1 {
		t.Fatalf("%d notices", len(sent))
	}
	if to, _ := sent[0].AddressList("To"); to[0].Address != "business.unit@darlington.gov.uk" {
		t.Errorf("notice to %v", to)
	}
	if subject, _ := sent[0].Subject(); !strings.Contains(subject, "a reminder, case "+ref) {
		t.Errorf("notice %q", subject)
	}
	// The notice bounces in turn: nothing more.
	if err := e.svc.MailReported(ctx, MailEvent{ID: "sns-2", Kind: "bounce", MessageID: "bounced.sns-1@cspr-intake", At: e.clock()}); err != nil {
		t.Fatal(err)
	}
	if got := len(e.sent(t)); got != before+1 {
		t.Errorf("a bounced notice was noticed: %d e-mails", got-before)
	}
}

// TestEveryReasonExplained: every Reason… code the inbox can hold a
// message for has its words in Reasons, for the held-mail page.
func TestEveryReasonExplained(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "inbox.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	explained := map[string]bool{}
	for _, r := range Reasons {
		explained[r.Code] = true
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Reason") || name.Name == "ReasonOwnMessage" || i >= len(vs.Values) {
					continue // a message of our own is dropped, not held
				}
				code, _ := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
				if !explained[code] {
					t.Errorf("%s (%q) is not in Reasons", name.Name, code)
				}
			}
		}
	}
}
