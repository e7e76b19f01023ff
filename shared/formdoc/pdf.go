package formdoc

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// MaxPDFPages bounds how much of a PDF is read.
const MaxPDFPages = 60

// ReadPDF reads the form from a PDF's text layer (a form printed to PDF),
// row by row, through the text reader. A PDF without text, such as a scan,
// is refused with a message asking for the Word form; it is kept all the
// same, as every input is.
func ReadPDF(data []byte) (referral.Referral, []referral.Problem, error) {
	read := readPDF(data)
	return read.Referral, read.Problems, read.Err
}

func readPDF(data []byte) Read {
	text, err := PDFText(data)
	if err != nil {
		return Read{Format: PDF, Err: err}
	}
	if strings.TrimSpace(text) == "" {
		return Read{Format: PDF, Err: errs.E(errs.Invalid, "The PDF has no text in it (it may be a scan or a photograph), so it could not be read. It has been kept; please send the completed Word form")}
	}
	read := readTextFrom([]byte(text), true)
	read.Format = PDF
	if read.Err != nil {
		return read
	}
	r := &read.Referral
	// A name, the incident, or Section 7's table (its columns found) says
	// it is the form; a letter that names a label or two does not.
	if referral.Get(r, "referrer.fullName") == "" && referral.Get(r, "children[0].fullName") == "" && r.IncidentDetails == "" &&
		referral.Get(r, "agencies[0].organisation") == "" {
		return Read{Format: PDF, Err: notTheForm()}
	}
	for path, src := range read.Sources {
		src.At += " of its text"
		read.Sources[path] = src
	}
	return read
}

// PDFText returns a PDF's text, one line per printed row, with wide gaps
// between words (table columns) as tabs.
func PDFText(data []byte) (text string, err error) {
	defer func() {
		// The PDF library panics on some malformed files; a bad PDF must be a
		// clear refusal, not a crash.
		if p := recover(); p != nil {
			text, err = "", errs.E(errs.Invalid, "The PDF is damaged and could not be read; please send the completed Word form")
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		msg := "The PDF could not be read; please send the completed Word form"
		if strings.Contains(strings.ToLower(err.Error()), "encrypt") || strings.Contains(strings.ToLower(err.Error()), "password") {
			msg = "The PDF is password-protected, so it could not be read; please send the completed Word form without a password, by secure e-mail"
		}
		return "", errs.Wrap(errs.Invalid, err, "%s", msg)
	}
	var b strings.Builder
	pages := min(r.NumPage(), MaxPDFPages)
	for i := 1; i <= pages; i++ {
		page := r.Page(i)
		if page.V.IsNull() {
			continue
		}
		var glyphs []Glyph
		added := addedNewlines(page)
		for i, t := range page.Content().Text {
			if !added[i] {
				glyphs = append(glyphs, Glyph{S: t.S, X: t.X, Y: t.Y, W: t.W, Size: t.FontSize})
			}
		}
		b.WriteString(PageLines(glyphs))
	}
	return b.String(), nil
}

// Glyph is a piece of a PDF page's text where it is printed, as any PDF
// library gives it: the left end of its baseline (X, Y, from the page's
// bottom left), its width and its font's size, in points.
type Glyph struct {
	S       string
	X, Y, W float64
	Size    float64
}

// PageLines lays a page's text out as lines, one per printed row, top
// first; table cells are separated by tabs, and a row that starts inside
// a table's later column starts with one. It is the PDF reader's layout,
// whichever library gives the glyphs.
func PageLines(glyphs []Glyph) string {
	var b strings.Builder
	rows := textRows(glyphs)
	lay := pageLayoutOf(rows)
	for i := range rows {
		b.WriteString(lay.line(rows, i))
		b.WriteByte('\n')
	}
	return b.String()
}

// addedNewlines marks the pieces of a page's text that the PDF library
// adds itself: after every TJ it shows a newline through the current font,
// and a subset font (LibreOffice's) draws code 10 as whichever glyph has
// it — "Alex Nursel", "Jamie Example:". It walks the page as Content does
// and counts what Content shows, so the marks fall on those pieces
// exactly; a real letter with that code is never taken for one.
func addedNewlines(p pdf.Page) map[int]bool {
	added := map[int]bool{}
	var enc pdf.TextEncoding
	shown := 0
	count := func(raw string) int {
		if enc != nil {
			raw = enc.Decode(raw)
		}
		return utf8.RuneCountInString(raw)
	}
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "Tf":
			if len(args) == 2 {
				f := p.Font(args[0].Name())
				enc = f.Encoder()
			}
		case "Tj", "'", "\"":
			if len(args) > 0 {
				shown += count(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			for i := 0; i < args[0].Len(); i++ {
				if x := args[0].Index(i); x.Kind() == pdf.String {
					shown += count(x.RawString())
				}
			}
			for n := count("\n"); n > 0; n-- {
				added[shown] = true
				shown++
			}
		}
	})
	return added
}

// textRows groups a page's pieces of text into printed rows, top of the
// page first: pieces whose baselines are within a third of the font size
// share a row.
func textRows(pieces []Glyph) [][]Glyph {
	sorted := append([]Glyph(nil), pieces...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Y > sorted[j].Y })
	var rows [][]Glyph
	var baseline float64
	for _, t := range sorted {
		if t.S == "" {
			continue
		}
		if len(rows) == 0 || math.Abs(baseline-t.Y) > math.Max(t.Size, 1)/3 {
			rows = append(rows, nil)
			baseline = t.Y
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], t)
	}
	return rows
}

// pageLayout is where a page's text starts and where its table cells do.
type pageLayout struct {
	left    float64   // the left edge of the page's text
	columns []float64 // where a cell's text starts after a wide gap, in two rows or more
	tabbed  []bool    // rows with a wide gap: table rows
}

// pageLayoutOf finds a page's left edge and the columns of its tables.
func pageLayoutOf(rows [][]Glyph) pageLayout {
	lay := pageLayout{left: math.Inf(1), tabbed: make([]bool, len(rows))}
	seen := map[float64]int{}
	for i, row := range rows {
		sort.SliceStable(row, func(a, b int) bool { return row[a].X < row[b].X })
		end := math.Inf(-1)
		for _, t := range row {
			if t.S == " " {
				continue
			}
			lay.left = min(lay.left, t.X)
			if t.X-end > 2*math.Max(t.Size, 1) {
				seen[math.Round(t.X)]++
				lay.tabbed[i] = true
			}
			end = t.X + t.W
		}
	}
	for x, n := range seen {
		if n >= 2 {
			lay.columns = append(lay.columns, x)
		}
	}
	return lay
}

// line joins a printed row's pieces left to right: touching pieces
// directly, a word gap as a space, a wider gap (a new table cell) as a tab.
// A word that starts a column of the table around it after more than a
// word's gap is a new cell even when the gap is narrow ("…Social Care
// YES X NO": the answer's cell, a cell's padding away); a row
// that starts inside the table, right of its first column, starts with a
// tab (a cell's text wrapped onto its next line).
func (lay pageLayout) line(rows [][]Glyph, i int) string {
	inTable := lay.tabbed[i] || (i > 0 && lay.tabbed[i-1]) || (i+1 < len(rows) && lay.tabbed[i+1])
	var b strings.Builder
	end := math.Inf(-1)
	wordGap := false
	for _, t := range rows[i] {
		size := math.Max(t.Size, 1)
		if t.S == " " && b.Len() > 0 {
			wordGap = true
			continue
		}
		gap := t.X - end
		switch {
		case b.Len() == 0:
			if inTable && t.X-lay.left > 2*size {
				b.WriteByte('\t')
			}
		case gap > 2*size:
			b.WriteByte('\t')
			// A column of the table passed with nothing in it: an empty
			// cell ("IS A CORONER INVOLVED?", nothing for the first child,
			// the second child's answer).
			for range lay.columnsBetween(end+2*size, t.X-0.6) {
				b.WriteByte('\t')
			}
		case inTable && gap > 0.7*size && lay.startsColumn(t.X):
			b.WriteByte('\t')
		case wordGap || gap > 0.2*size:
			b.WriteByte(' ')
		}
		b.WriteString(t.S)
		end, wordGap = t.X+t.W, false
	}
	return b.String()
}

// columnsBetween is how many of the table's columns start between from
// and to.
func (lay pageLayout) columnsBetween(from, to float64) int {
	n := 0
	for _, c := range lay.columns {
		if c > from && c < to {
			n++
		}
	}
	return n
}

func (lay pageLayout) startsColumn(x float64) bool {
	for _, c := range lay.columns {
		if math.Abs(x-c) < 0.6 {
			return true
		}
	}
	return false
}
