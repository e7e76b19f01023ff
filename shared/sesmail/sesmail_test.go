package sesmail

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
)

func TestHeaderVerdicts(t *testing.T) {
	msg := strings.ReplaceAll(`Return-Path: <sam@darlington.gov.uk>
Received: from mail.darlington.gov.uk by inbound-smtp.eu-west-2.amazonaws.com
X-SES-Spam-Verdict: PASS
X-SES-Virus-Verdict: FAIL
Authentication-Results: amazonses.com;
 spf=pass (spf: domain of darlington.gov.uk designates 192.0.2.1 as permitted sender) smtp.mailfrom=sam@darlington.gov.uk;
 dkim=fail header.i=@darlington.gov.uk;
 dmarc=fail header.from=darlington.gov.uk;
X-SES-Virus-Verdict: PASS
Authentication-Results: forged.example; dmarc=pass
From: sam@darlington.gov.uk
Subject: Referral

body
`, "\n", "\r\n")
	got := HeaderVerdicts([]byte(msg))
	want := inbox.Verdicts{"spam": "PASS", "virus": "FAIL", "spf": "PASS", "dkim": "FAIL", "dmarc": "FAIL"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if v := HeaderVerdicts([]byte("From: a@b\r\n\r\nhi")); len(v) != 0 {
		t.Errorf("no SES headers: %v", v)
	}
}

func TestBadEvents(t *testing.T) {
	h := &Handler{Bucket: "raw", Prefix: "inbound/"}
	for _, ev := range []string{
		``, `{}`, `[]`, `{"Records": []}`,
		`{"Records": [{"eventSource": "aws:sqs"}]}`,
		`{"Records": [{"eventSource": "aws:ses", "ses": {"mail": {"messageId": "../secrets"}}}]}`,
		`{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "raw"}, "object": {"key": "other/x"}}}]}`,
		`{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "raw"}, "object": {"key": "inbound/x"}}}]}`,
	} {
		if _, err := h.Handle(context.Background(), []byte(ev)); errs.Code(err) != errs.Invalid {
			t.Errorf("%s: %v, want invalid", ev, err)
		}
	}
}

// reports is a Receiver that keeps the mail reports it is given.
type reports struct {
	Receiver
	got []inbox.MailEvent
}

func (r *reports) MailReported(_ context.Context, ev inbox.MailEvent) error {
	r.got = append(r.got, ev)
	return nil
}

// TestBounceViaSNS: SES's report of a reminder that bounced, as the
// configuration set's SNS destination delivers it, reaches the inbox with
// our Message-ID, the recipient and the bounce's type.
func TestBounceViaSNS(t *testing.T) {
	data, err := os.ReadFile("../../events/ses/bounce-via-sns.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &reports{}
	h := &Handler{Inbox: r, Bucket: "raw", Prefix: "inbound/"}
	if _, err := h.Handle(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	if len(r.got) != 1 {
		t.Fatalf("reports %+v", r.got)
	}
	ev := r.got[0]
	if ev.Kind != "bounce" || ev.Type != "Permanent General" || ev.MessageID != "DSP-2026-0001.notify-panel.before.2026-11-27@cspr-intake" ||
		len(ev.Recipients) != 1 || ev.Recipients[0] != "ssp.officer@durham.police.uk" || ev.ID == "" || ev.At.IsZero() {
		t.Errorf("report %+v", ev)
	}
}
