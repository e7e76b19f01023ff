package formdoc

import (
	"bytes"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// FuzzReadDOCX feeds whole files: nothing may panic, and whatever is not
// read is refused with a message.
func FuzzReadDOCX(f *testing.F) {
	f.Add(BlankDOCX("Darlington Safeguarding Partnership"))
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
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _, err := ReadText(data)
		if err != nil {
			t.Fatal(err)
		}
		referral.Check(&r, civil.New(2026, time.March, 16))
	})
}

// BenchmarkReadDOCX reads and validates a filled form in Darlington's
// layout (target: under 2 ms on one core).
func BenchmarkReadDOCX(b *testing.B) {
	data := docxOf(b, layout(darlingtonRows, boxStyles["legacy check-box fields"]), nil)
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
