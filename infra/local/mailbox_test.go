package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

func sendMail(t testing.TB, addr, from string, data []byte) error {
	t.Helper()
	return smtp.SendMail(addr, nil, from, []string{"DSP@darlington.gov.uk"}, data)
}

func eml(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "events", "email", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func outboxFiles(t *testing.T, data string) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(data, "outbox"))
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
			b, _ := os.ReadFile(filepath.Join(data, "outbox", e.Name()))
			out = append(out, string(b))
		}
	}
	return out
}

// TestMailbox is the e-mail intake end to end on the local system: a Word
// form sent over SMTP makes a case and an acknowledgement in the outbox; a
// reply with the corrected form updates the same case; mail from outside
// the secure domains is held until an officer releases it.
func TestMailbox(t *testing.T) {
	data := t.TempDir()
	a, stop := startSystem(t, data)
	defer stop()
	web := "http://" + a.Web

	if err := sendMail(t, a.SMTP, "sam.referrer@darlington.gov.uk", eml(t, "outlook-word-form.eml")); err != nil {
		t.Fatal(err)
	}
	all := outboxFiles(t, data)
	sent := sentTo(all, "sam.referrer@darlington.gov.uk")
	// The Business Unit's notice and the L&D chair's (the roles default to
	// the mailbox here).
	if notices := sentTo(all, "DSP@darlington.gov.uk"); len(notices) != 2 || !strings.Contains(notices[0], "Subject: [DSP-2026-0001] New referral: notification, by email") ||
		strings.Contains(strings.Join(notices, ""), "Child A") {
		t.Errorf("the new-case notices: %q", notices)
	}
	// Its link is where this runner listens (a free port here), not :8080.
	if notices := sentTo(all, "DSP@darlington.gov.uk"); len(notices) == 0 || !strings.Contains(strings.ReplaceAll(notices[0], "=\r\n", ""), web+"/cases/DSP-2026-0001") {
		t.Errorf("the notice's link is not this runner's address %s", web)
	}
	if len(sent) != 1 || !strings.Contains(sent[0], "Subject: [DSP-2026-0001] Referral received") ||
		!strings.Contains(sent[0], "In-Reply-To: <outlook-1@darlington.gov.uk>") || !strings.Contains(sent[0], "Statutory deadlines now running") {
		t.Fatalf("acknowledgement: %q", sent)
	}
	// The reply with the corrected form, threaded to the acknowledgement.
	ackID := between(sent[0], "Message-Id: <", ">")
	reply := bytes.ReplaceAll(eml(t, "correction-reply.eml"), []byte("ack.DSP-2026-0001.id-4b7c9e1f0a@darlington.gov.uk"), []byte(ackID))
	if err := sendMail(t, a.SMTP, "sam.referrer@darlington.gov.uk", reply); err != nil {
		t.Fatal(err)
	}
	sent = sentTo(outboxFiles(t, data), "sam.referrer@darlington.gov.uk")
	if len(sent) != 2 || !strings.Contains(strings.Join(sent, ""), "Subject: [DSP-2026-0001] Correction received") {
		t.Errorf("after the correction: %d e-mails", len(sent))
	}
	resp, err := httpGetJSON(data, "/api/cases/DSP-2026-0001/deadlines")
	if err != nil || resp == nil {
		t.Errorf("deadlines of the case: %v", err)
	}

	// Held, listed, released.
	if err := sendMail(t, a.SMTP, "sam.referrer.home@gmail.com", eml(t, "untrusted-sender.eml")); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"messages", "-data", data}, &out, &errOut); code != 0 {
		t.Fatalf("messages: %d %s", code, errOut.String())
	}
	var held []struct{ Key string }
	if err := json.Unmarshal(out.Bytes(), &held); err != nil || len(held) != 1 {
		t.Fatalf("held messages: %s %v", out.String(), err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"release", "-addr", web, "-data", data, "-officer", "jo.officer", held[0].Key}, &out, &errOut); code != 0 {
		t.Fatalf("release: %d %s %s", code, out.String(), errOut.String())
	}
	// The same Word form as the first message: the same case, not a copy.
	if !strings.Contains(out.String(), `"outcome": "case"`) || !strings.Contains(out.String(), "DSP-2026-0001") {
		t.Errorf("release: %s", out.String())
	}
	if code := run(context.Background(), []string{"release", "-addr", web, "-data", data, held[0].Key}, &out, &errOut); code != 1 {
		t.Errorf("second release: exit %d", code)
	}
	// Mail for any other address is refused at RCPT.
	if err := smtp.SendMail(a.SMTP, nil, "x@darlington.gov.uk", []string{"someone@darlington.gov.uk"}, eml(t, "outlook-word-form.eml")); err == nil ||
		!strings.Contains(err.Error(), "550") {
		t.Errorf("mail for another address: %v", err)
	}
}

// sentTo keeps the e-mails to an address.
func sentTo(emls []string, addr string) []string {
	var out []string
	for _, e := range emls {
		if strings.Contains(e, "To: <"+addr+">") {
			out = append(out, e)
		}
	}
	return out
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

func httpGetJSON(data, path string) (any, error) {
	var out bytes.Buffer
	code := call(&out, &out, data, "", "GET", path, "") // where the runner on data listens
	if code != 0 {
		return nil, fmt.Errorf("exit %d: %s", code, out.String())
	}
	var v any
	return v, json.Unmarshal(out.Bytes(), &v)
}

// BenchmarkSMTPInbox sends 200 concurrent senders × 5 messages each over
// SMTP to the local system, each with a Word form of its own (a referral
// about another child): every message is kept exactly once and makes its
// own case. A sender told 451 (the system reads at most four large inputs
// at once) tries again, as a mail server does; the retries are reported.
func BenchmarkSMTPInbox(b *testing.B) {
	const senders, each = 200, 5
	complete, err := os.ReadFile("../../events/referrals/complete.json")
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([][]byte, 0, senders*each*b.N)
	for i := range senders * each * b.N {
		r, _, err := referral.DecodeJSON(complete)
		if err != nil {
			b.Fatal(err)
		}
		r.Children[0].FullName = fmt.Sprintf("Child %d Example", i)
		var doc bytes.Buffer
		if err := formdoc.WriteDOCX(&doc, &r, "Darlington Safeguarding Partnership", "DSP@darlington.gov.uk"); err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, withForm(fmt.Sprintf("bench-%d@darlington.gov.uk", i), doc.Bytes()))
	}
	data := b.TempDir()
	a, stop := startSystem(b, data)
	defer stop()
	var retries atomic.Int64
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		var wg sync.WaitGroup
		errs := make(chan error, senders*each)
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for m := 0; m < each; m++ {
					msg := msgs[(n*senders+s)*each+m]
					for try := 0; ; try++ {
						err := sendMail(b, a.SMTP, "sam.referrer@darlington.gov.uk", msg)
						if err == nil {
							break
						}
						if !strings.HasPrefix(err.Error(), "451") || try == 50 {
							errs <- err
							break
						}
						retries.Add(1)
						time.Sleep(time.Duration(10+rand.IntN(40)) * time.Millisecond)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	total := senders * each * b.N
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(retries.Load())/float64(total), "retries/msg")
	entries, _ := os.ReadDir(filepath.Join(data, "mail"))
	if len(entries) != total {
		b.Errorf("%d raw messages kept, want %d", len(entries), total)
	}
	outbox, _ := os.ReadDir(filepath.Join(data, "outbox"))
	cases := 0
	for _, e := range outbox {
		if strings.Contains(e.Name(), "-new.DSP-") {
			cases++
		}
	}
	if cases != total {
		b.Errorf("%d new cases, want %d: one for each form", cases, total)
	}
}

// withForm is an e-mail from Sam Referrer with the Word form attached.
func withForm(id string, docx []byte) []byte {
	var m bytes.Buffer
	fmt.Fprintf(&m, "From: Sam Referrer <sam.referrer@darlington.gov.uk>\r\nTo: DSP@darlington.gov.uk\r\n"+
		"Subject: Referral\r\nMessage-ID: <%s>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nPlease find the referral attached.\r\n"+
		"--b\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n"+
		"Content-Disposition: attachment; filename=referral.docx\r\nContent-Transfer-Encoding: base64\r\n\r\n", id)
	enc := base64.StdEncoding.EncodeToString(docx)
	for len(enc) > 76 {
		m.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	m.WriteString(enc + "\r\n--b--\r\n")
	return m.Bytes()
}
