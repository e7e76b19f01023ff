package formdoc

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// FuzzReadDOCX feeds whole files: nothing may panic, and whatever is not
// read is refused with a message.
func FuzzReadDOCX(f *testing.F) {
	f.Add(BlankDOCX("Darlington Safeguarding Partnership", "DSP@darlington.gov.uk"))
	f.Add(docxOf(f, layout(darlingtonRows[:20], boxStyles["legacy check-box fields"]), nil))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _, err := ReadDOCX(data)
		if err != nil {
			if errs.Code(err) != errs.Invalid || errs.Message(err) == "" {
				t.Fatalf("error %v is not a refusal with a message", err)
			}
			return
		}
		referral.Check(&r, civil.New(2026, time.March, 16))
	})
}

// FuzzDocumentXML feeds the body of a document, where most of the reading
// happens.
func FuzzDocumentXML(f *testing.F) {
	f.Add(layout(darlingtonRows, boxStyles["content-control check boxes"]))
	f.Add(`<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="7"/></w:ddList></w:ffData></w:fldChar></w:r></w:p>`)
	f.Fuzz(func(t *testing.T, body string) {
		r, _, err := ReadDOCX(docxOf(t, body, nil))
		if err != nil {
			if errs.Code(err) != errs.Invalid {
				t.Fatalf("error %v is not a refusal", err)
			}
			return
		}
		referral.Check(&r, civil.New(2026, time.March, 16))
	})
}

// FuzzReadText feeds e-mail bodies.
func FuzzReadText(f *testing.F) {
	f.Add([]byte("SECTION 1\nFULL NAME: Sam\nEMAIL: sam@example.gov.uk\nSECTION 8: DETAILS OF THE CASE/INCIDENT\nText"))
	f.Add([]byte("SECTION 3\nParent's last name:\tParent's first name:\n\nExample\tParent\nSECTION 6\nWas the child known to Social Care prior to the incident?\tYES [x]\tNO [ ]"))
	f.Add([]byte("Full name: Sam\nDate of birth: 1/2/2020"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _, err := ReadText(data)
		if err != nil {
			if errs.Code(err) != errs.Invalid {
				t.Fatalf("error %v is not a refusal", err)
			}
			return
		}
		referral.Check(&r, civil.New(2026, time.March, 16))
	})
}

// BenchmarkReadDOCX reads and validates a filled form in Darlington's
// layout (target: under 2 ms on one core).
func BenchmarkReadDOCX(b *testing.B) {
	benchReadAndCheck(b, docxOf(b, layout(darlingtonRows, boxStyles["legacy check-box fields"]), nil))
}

// benchReadAndCheck reads a Word form and checks the referral, b.N times.
func benchReadAndCheck(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, _, err := ReadDOCX(data)
		if err != nil {
			b.Fatal(err)
		}
		referral.Check(&r, civil.New(2026, time.March, 16))
	}
}

// BenchmarkOpenLargeDOCX opens a form with 25 MB of photographs in it:
// only document.xml is decompressed.
func BenchmarkOpenLargeDOCX(b *testing.B) {
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 25<<20/13)
	data := docxOf(b, layout(darlingtonRows, boxStyles["content-control check boxes"]), map[string]string{"word/media/image1.jpeg": string(photo)})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ReadDOCX(data); err != nil {
			b.Fatal(err)
		}
	}
}

// wordStyle makes a body as verbose as Word writes it: revision ids on
// every paragraph and run, fonts, sizes and languages on every run,
// spacing on every paragraph, widths and shading on every cell.
func wordStyle(body string) string {
	const rpr = `<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr>`
	r := strings.NewReplacer(
		"<w:r><w:rPr><w:b/></w:rPr>", `<w:r w:rsidR="00A1B2C3" w:rsidRPr="00D4E5F6"><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:b/><w:bCs/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-GB"/></w:rPr>`,
		"<w:r>", `<w:r w:rsidR="00A1B2C3" w:rsidRPr="00D4E5F6">`+rpr,
		"<w:p>", `<w:p w:rsidR="00B7C8D9" w:rsidRDefault="00B7C8D9" w:rsidP="00E1F2A3"><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>`+rpr+`</w:pPr>`,
		"<w:tc>", `<w:tc><w:tcPr><w:tcW w:w="2254" w:type="dxa"/><w:shd w:val="clear" w:color="auto" w:fill="D9E2F3" w:themeFill="accent1" w:themeFillTint="33"/><w:vAlign w:val="center"/></w:tcPr>`,
	)
	return r.Replace(body)
}

// BenchmarkReadWordStyleDOCX reads the filled form as verbose as Word
// saves it (a larger document.xml; its repetition zips small).
func BenchmarkReadWordStyleDOCX(b *testing.B) {
	benchReadAndCheck(b, docxOf(b, wordStyle(layout(darlingtonRows, boxStyles["legacy check-box fields"])), nil))
}

func TestWordStyleReadsTheSame(t *testing.T) {
	plain, _, err := ReadDOCX(docxOf(t, layout(darlingtonRows, boxStyles["legacy check-box fields"]), nil))
	if err != nil {
		t.Fatal(err)
	}
	styled, _, err := ReadDOCX(docxOf(t, wordStyle(layout(darlingtonRows, boxStyles["legacy check-box fields"])), nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, styled) {
		t.Error("Word's verbosity changed what was read")
	}
}
