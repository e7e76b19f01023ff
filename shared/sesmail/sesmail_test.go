package sesmail

import (
	"context"
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
