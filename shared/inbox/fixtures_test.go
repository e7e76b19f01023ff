package inbox

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

var makeEvents = flag.Bool("make-events", false, "write the sample e-mails under events/email")

const eventsDir = "../../events/email"

// form reads a Word form fixture of shared/formdoc.
func form(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "formdoc", "testdata", "forms", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// chronology is a Word document that is not the referral form.
func chronology(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+
		`<w:p><w:r><w:t>Chronology of significant events</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Date</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Event</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`+
		`</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func b64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"))
}

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

func attachment(name, ctype string, data []byte) string {
	return fmt.Sprintf("Content-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n%s\n", ctype, name, name, b64(data))
}

// outlook is a referral as Outlook sends it: mixed → related →
// alternative (plain and HTML, quoted-printable) with an inline logo, and
// the Word form attached.
func outlook(t testing.TB, from, id, subject string, extra ...string) []byte {
	body := "Dear colleague,\n\nPlease find attached the referral form for a child seen at A&E last night – urgent.\n\nKind regards,\nSam Referrer\nSenior Social Worker"
	html := `<html><head><style>p{margin:0}</style></head><body><p>Dear colleague,</p><p>Please find attached the referral form for a child seen at A&amp;E last night &#8211; urgent.</p><p>Kind regards,<br>Sam Referrer<br>Senior Social Worker</p><img src="cid:logo@01DC"></body></html>`
	parts := []string{attachment("Referral form.docx", docxType, form(t, "darlington-legacy-checkboxes.docx"))}
	parts = append(parts, extra...)
	return crlf(`Received: from EUR03-VE1-obe.outbound.protection.outlook.com (mail-ve1eur03on2101.outbound.protection.outlook.com [40.107.5.101])
	by inbound-smtp.eu-west-2.amazonaws.com with SMTP id 0p5nq7sl8m2d0
	for DSP@darlington.gov.uk; Mon, 16 Mar 2026 23:05:02 +0000 (UTC)
From: "Referrer, Sam" <` + from + `>
To: "DSP" <DSP@darlington.gov.uk>
Subject: ` + subject + `
Thread-Topic: Referral
Date: Mon, 16 Mar 2026 23:05:00 +0000
Message-ID: <` + id + `>
Accept-Language: en-GB
Content-Language: en-GB
X-MS-Has-Attach: yes
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="_004_mixed_"

--_004_mixed_
Content-Type: multipart/related; boundary="_003_related_"; type="multipart/alternative"

--_003_related_
Content-Type: multipart/alternative; boundary="_000_alt_"

--_000_alt_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

` + qp(body) + `

--_000_alt_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

` + qp(html) + `

--_000_alt_--

--_003_related_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"
Content-ID: <logo@01DC>
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==

--_003_related_--

--_004_mixed_
` + strings.Join(parts, "\n--_004_mixed_\n") + `
--_004_mixed_--
`)
}

// latin1Body is the form typed in the body of a plain e-mail in
// ISO-8859-1, quoted-printable.
func latin1Body(t testing.TB) []byte {
	text, err := os.ReadFile(filepath.Join("..", "formdoc", "testdata", "forms", "text-in-body.txt"))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := charmap.ISO8859_1.NewEncoder().String(strings.ReplaceAll(string(text), "–", "-") + "\nNotes: café £20 ½\n")
	if err != nil {
		t.Fatal(err)
	}
	return crlf(`From: Alex Nurse <alex.nurse@nhs.net>
To: DSP@darlington.gov.uk
Subject: Serious incident referral (form below)
Date: Tue, 17 Mar 2026 08:15:00 +0000
Message-ID: <CAL1n-body-2026@nhs.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

` + qp(enc) + `
`)
}

// forwarded is the Outlook referral forwarded by a manager as an
// attached message.
func forwarded(t testing.TB) []byte {
	inner := outlook(t, "sam.referrer@darlington.gov.uk", "fwd-inner@darlington.gov.uk", "Referral")
	return crlf(`From: Pat Manager <pat.manager@durham.police.uk>
To: DSP@darlington.gov.uk
Subject: FW: Referral
Date: Tue, 17 Mar 2026 09:00:00 +0000
Message-ID: <fwd-outer@durham.police.uk>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd"

--fwd
Content-Type: text/plain; charset=us-ascii

Forwarding the referral below, sent to me in error.

--fwd
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Referral.eml"

` + string(inner) + `
--fwd--
`)
}

// correction answers the acknowledgement of DSP-2026-0001 with the
// completed form.
func correction(t testing.TB, ackID string) []byte {
	return crlf(`From: "Referrer, Sam" <sam.referrer@darlington.gov.uk>
To: DSP@darlington.gov.uk
Subject: RE: [DSP-2026-0001] Referral received: 2 thing(s) to put right
Date: Tue, 17 Mar 2026 10:30:00 +0000
Message-ID: <correction-1@darlington.gov.uk>
In-Reply-To: <` + ackID + `>
References: <outlook-1@darlington.gov.uk> <` + ackID + `>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="corr"

--corr
Content-Type: text/plain; charset=utf-8

Corrected form attached.

--corr
` + attachment("Referral form v2.docx", docxType, form(t, "generated-complete.docx")) + `
--corr--
`)
}

// TestMakeEvents writes the sample e-mails of events/email (with
// -make-events), or checks they are as this file makes them.
func TestMakeEvents(t *testing.T) {
	samples := map[string][]byte{
		"outlook-word-form.eml":   outlook(t, "sam.referrer@darlington.gov.uk", "outlook-1@darlington.gov.uk", "Referral"),
		"text-body-latin1.eml":    latin1Body(t),
		"forwarded.eml":           forwarded(t),
		"correction-reply.eml":    correction(t, "ack.DSP-2026-0001.id-4b7c9e1f0a@darlington.gov.uk"),
		"untrusted-sender.eml":    outlook(t, "sam.referrer.home@gmail.com", "home-1@mail.gmail.com", "Referral"),
		"form-and-chronology.eml": outlook(t, "sam.referrer@darlington.gov.uk", "outlook-2@darlington.gov.uk", "Referral and chronology", attachment("Chronology.docx", docxType, chronology(t))),
		"two-forms.eml":           outlook(t, "sam.referrer@darlington.gov.uk", "outlook-3@darlington.gov.uk", "Two referrals", attachment("Second child.docx", docxType, form(t, "generated-complete.docx"))),
		"macro-enabled-form.eml":  outlook(t, "sam.referrer@darlington.gov.uk", "outlook-4@darlington.gov.uk", "Referral (macro form)", attachment("Referral.docm", "application/vnd.ms-word.document.macroEnabled.12", macroDoc(t))),
	}
	for name, data := range samples {
		p := filepath.Join(eventsDir, name)
		if *makeEvents {
			if err := os.MkdirAll(eventsDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s is not as the tests make it (%v): run go test ./shared/inbox -run MakeEvents -args -make-events", p, err)
		}
	}
}

// macroDoc is the form with a VBA project in it.
func macroDoc(t testing.TB) []byte {
	zr, err := zip.NewReader(bytes.NewReader(form(t, "generated-complete.docx")), int64(len(form(t, "generated-complete.docx"))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		r, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(r)
		w.Write(b.Bytes())
	}
	w, _ := zw.Create("word/vbaProject.bin")
	w.Write([]byte("\xd0\xcf\x11\xe0 macro"))
	zw.Close()
	return buf.Bytes()
}
