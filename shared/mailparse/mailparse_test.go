package mailparse

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

var docx = base64.StdEncoding.EncodeToString([]byte("PK\x03\x04 pretend Word file"))

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		text  string
		files []string
	}{
		{"plain, quoted-printable", `From: "Sam Referrer" <Sam.Referrer@Darlington.gov.uk>
To: DSP@darlington.gov.uk
Subject: =?UTF-8?Q?Referral_=E2=80=93_urgent?=
Date: Mon, 16 Mar 2026 23:05:00 +0000
Message-ID: <abc@darlington.gov.uk>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

FULL NAME: Sam Referrer =E2=80=94 Senior Social Worker
`, "FULL NAME: Sam Referrer — Senior Social Worker", nil},
		{"alternative body and a Word attachment", `From: sam@example.gov.uk
Subject: Referral
In-Reply-To: <ack-1@cspr-intake>
References: <orig@example.gov.uk> <ack-1@cspr-intake>
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=us-ascii

Please see the attached form.
--inner
Content-Type: text/html; charset=us-ascii

<p>Please see the <b>attached</b> form.</p>
--inner--
--outer
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="referral.docx"
Content-Disposition: attachment; filename="referral.docx"
Content-Transfer-Encoding: base64

` + docx + `
--outer--
`, "Please see the attached form.", []string{"referral.docx"}},
		{"a forwarded message with the form", `From: manager@example.gov.uk
Subject: Fwd: Referral
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

Forwarding as agreed.
--b1
Content-Type: message/rfc822

From: sam@example.gov.uk
Subject: Referral
Content-Type: multipart/mixed; boundary="b2"

--b2
Content-Type: text/plain

Form attached.
--b2
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="=?UTF-8?Q?R=C3=A9ferral.docx?="
Content-Transfer-Encoding: base64

` + docx + `
--b2--
--b1--
`, "Forwarding as agreed.\n\nForm attached.", []string{"Réferral.docx"}},
		{"HTML only, Windows-1252", "From: sam@example.gov.uk\nContent-Type: text/html; charset=windows-1252\n\n<html><head><style>p{}</style></head><body><table><tr><td>FULL NAME</td><td>Sam \x93Referrer\x94</td></tr></table><p>Cost &pound;5</p></body></html>\n",
			"FULL NAME\tSam “Referrer”\t\n\nCost £5", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(crlf(tt.raw)), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != tt.text {
				t.Errorf("text %q, want %q", m.Text, tt.text)
			}
			var files []string
			for _, a := range m.Attachments {
				files = append(files, a.Filename)
				if string(a.Data) != "PK\x03\x04 pretend Word file" {
					t.Errorf("attachment %s decoded as %q", a.Filename, a.Data)
				}
			}
			if fmt.Sprint(files) != fmt.Sprint(tt.files) {
				t.Errorf("attachments %v, want %v", files, tt.files)
			}
		})
	}
	m, _ := Parse(strings.NewReader(crlf(tests[0].raw)), DefaultLimits)
	if m.From != "sam.referrer@darlington.gov.uk" || m.MessageID != "abc@darlington.gov.uk" || m.Subject != "Referral – urgent" || m.Date.IsZero() {
		t.Errorf("headers: %+v", m)
	}
	m, _ = Parse(strings.NewReader(crlf(tests[1].raw)), DefaultLimits)
	if m.InReplyTo != "ack-1@cspr-intake" || len(m.References) != 2 {
		t.Errorf("threading: %q %q", m.InReplyTo, m.References)
	}
}

func TestParseLimits(t *testing.T) {
	var many strings.Builder
	many.WriteString("From: x@example.gov.uk\nContent-Type: multipart/mixed; boundary=b\n\n")
	for range 50 {
		many.WriteString("--b\nContent-Type: text/plain\n\nx\n")
	}
	many.WriteString("--b--\n")
	deep := "From: x@example.gov.uk\n"
	for i := range 20 {
		deep += fmt.Sprintf("Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
	}
	deep += "Content-Type: text/plain\n\nx\n"
	big := "From: x@example.gov.uk\nContent-Type: text/plain\n\n" + strings.Repeat("a", 5000) + "\n"
	lim := Limits{Bytes: 1000, Parts: 20, Depth: 5}
	for name, raw := range map[string]string{"parts": many.String(), "depth": deep, "bytes": big} {
		if _, err := Parse(strings.NewReader(crlf(raw)), lim); errs.Code(err) != errs.Invalid {
			t.Errorf("%s: error %v, want a refusal", name, err)
		}
	}
}

// TestHTMLTextSymbolFonts: boxes Outlook keeps in a Word form's symbol
// fonts come out as the boxes they show, not as their letters; other
// cells as tab-separated text.
func TestHTMLTextSymbolFonts(t *testing.T) {
	body := `<table><tr><td><p class=MsoNormal>IS A CORONER INVOLVED?</p></td><td><p class=MsoNormal>` +
		`<span style='font-family:Wingdings'>o</span> YES <span style='font-family:Wingdings'>x</span> NO ` +
		`<span style="font-family:&quot;Wingdings 2&quot;">&#163;</span> UNSURE <font face="Wingdings">&#254;</font></p></td></tr></table>`
	got := strings.Join(strings.Fields(HTMLText(body)), " ")
	if got != "IS A CORONER INVOLVED? ☐ YES ☒ NO ☐ UNSURE ☒" {
		t.Errorf("HTMLText = %q", got)
	}
}
