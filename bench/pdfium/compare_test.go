// Package pdfium compares the PDF text readers for the referral form: the
// one the project uses (github.com/ledongthuc/pdf, through formdoc) and
// PDFium compiled to WebAssembly (github.com/klippa-app/go-pdfium), on the
// corpus's PDFs printed by LibreOffice, against the answers written by
// hand. It is a module of its own so the project does not link PDFium.
//
//	cd bench/pdfium && go test -v -run TestCompare -bench . -benchmem
package pdfium

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pdfium "github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"

	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

const corpus = "../../shared/formdoc/testdata/corpus"

var instance pdfium.Pdfium

func TestMain(m *testing.M) {
	start := time.Now()
	pool, err := webassembly.Init(webassembly.Config{MinIdle: 1, MaxIdle: 1, MaxTotal: 1})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	instance, err = pool.GetInstance(30 * time.Second)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("PDFium (WebAssembly) ready in %v\n", time.Since(start))
	code := m.Run()
	instance.Close()
	pool.Close()
	os.Exit(code)
}

// pdfiumText is the page text as PDFium gives it, in runs of one line
// and one font with their boxes ("rects": its characters' own boxes are
// the ink's, too tight to tell a word's gap from a narrow letter's), laid
// out by the reader's own layout (formdoc.PageLines): the two libraries
// are compared on the same layout.
func pdfiumText(data []byte) (string, error) {
	doc, err := instance.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return "", err
	}
	defer instance.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	count, err := instance.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := 0; i < count.PageCount; i++ {
		res, err := instance.GetPageTextStructured(&requests.GetPageTextStructured{
			Page:                   requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}},
			Mode:                   requests.GetPageTextStructuredModeRects,
			CollectFontInformation: true,
		})
		if err != nil {
			return "", err
		}
		var glyphs []formdoc.Glyph
		for _, c := range res.Rects {
			c.Text = strings.TrimRight(c.Text, "\r\n")
			if strings.TrimSpace(c.Text) == "" {
				continue
			}
			size := c.PointPosition.Top - c.PointPosition.Bottom
			if c.FontInformation != nil && c.FontInformation.Size > 0 {
				size = c.FontInformation.Size
			}
			// PDFium gives each run's box in the page's points, y upwards,
			// as the layout wants; the box's bottom stands for the baseline.
			glyphs = append(glyphs, formdoc.Glyph{S: c.Text, X: c.PointPosition.Left, Y: c.PointPosition.Bottom,
				W: c.PointPosition.Right - c.PointPosition.Left, Size: size})
		}
		b.WriteString(formdoc.PageLines(glyphs))
	}
	return b.String(), nil
}

type score struct{ right, expected, wrong, empty int }

func (s *score) add(o score) {
	s.right += o.right
	s.expected += o.expected
	s.wrong += o.wrong
	s.empty += o.empty
}

func check(t *testing.T, name, text string, want map[string]string) score {
	r, _, err := formdoc.ReadText([]byte(text))
	var sc score
	if err != nil {
		t.Logf("%s: %v", name, err)
	}
	referral.Normalize(&r)
	got := map[string]string{}
	for p := range want {
		got[p] = referral.Get(&r, p)
	}
	for p, w := range want {
		if w == "" || p == "unreadable" {
			continue
		}
		sc.expected++
		switch g := got[p]; {
		case g == w:
			sc.right++
		case g == "":
			sc.empty++
		default:
			sc.wrong++
			t.Logf("%s: %s read as %q, the form says %q", name, p, g, w)
		}
	}
	return sc
}

func TestCompare(t *testing.T) {
	files, _ := filepath.Glob(corpus + "/*.pdf")
	var ours, theirs score
	for _, f := range files {
		data, _ := os.ReadFile(f)
		want := map[string]string{}
		exp, _ := os.ReadFile(strings.TrimSuffix(f, ".pdf") + ".expected.json")
		if err := json.Unmarshal(exp, &want); err != nil {
			t.Fatal(err)
		}
		a, err := formdoc.PDFText(data)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pdfiumText(data)
		if err != nil {
			t.Fatal(err)
		}
		sa, sb := check(t, "ledongthuc "+filepath.Base(f), a, want), check(t, "pdfium "+filepath.Base(f), b, want)
		t.Logf("%s: ledongthuc %d/%d right, %d wrong; pdfium %d/%d right, %d wrong", filepath.Base(f), sa.right, sa.expected, sa.wrong, sb.right, sb.expected, sb.wrong)
		ours.add(sa)
		theirs.add(sb)
	}
	t.Logf("all: ledongthuc %d/%d right, %d wrong, %d not read; pdfium %d/%d right, %d wrong, %d not read",
		ours.right, ours.expected, ours.wrong, ours.empty, theirs.right, theirs.expected, theirs.wrong, theirs.empty)
}

func BenchmarkLedongthuc(b *testing.B) {
	data, _ := os.ReadFile(corpus + "/libreoffice-typed-x.pdf")
	for b.Loop() {
		if _, err := formdoc.PDFText(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPDFium(b *testing.B) {
	data, _ := os.ReadFile(corpus + "/libreoffice-typed-x.pdf")
	for b.Loop() {
		if _, err := pdfiumText(data); err != nil {
			b.Fatal(err)
		}
	}
}
