package formdoc

import (
	"bytes"

	"math"
	"sort"
	"strings"

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
	Reads.Add(1)
	text, err := PDFText(data)
	if err != nil {
		return referral.Referral{}, nil, err
	}
	if strings.TrimSpace(text) == "" {
		return referral.Referral{}, nil, errs.E(errs.Invalid, "The PDF has no text in it (it may be a scan or a photograph), so it could not be read. It has been kept; please send the completed Word form")
	}
	r, probs, err := readText([]byte(text))
	if err != nil {
		return r, probs, err
	}
	if referral.Get(&r, "referrer.fullName") == "" && referral.Get(&r, "children[0].fullName") == "" && r.IncidentDetails == "" {
		return referral.Referral{}, nil, notTheForm()
	}
	return r, probs, nil
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
		for _, row := range textRows(page.Content().Text) {
			b.WriteString(rowLine(row))
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// textRows groups a page's pieces of text into printed rows, top of the
// page first: pieces whose baselines are within a third of the font size
// share a row.
func textRows(pieces []pdf.Text) []pdf.TextHorizontal {
	sorted := append([]pdf.Text(nil), pieces...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Y > sorted[j].Y })
	var rows []pdf.TextHorizontal
	var baseline float64
	for _, t := range sorted {
		if t.S == "" {
			continue
		}
		if len(rows) == 0 || math.Abs(baseline-t.Y) > math.Max(t.FontSize, 1)/3 {
			rows = append(rows, nil)
			baseline = t.Y
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], t)
	}
	return rows
}

// rowLine joins a printed row's pieces left to right: touching pieces
// directly, a word gap as a space, a wider gap (a new table cell) as a tab.
func rowLine(pieces pdf.TextHorizontal) string {
	sort.Sort(pieces)
	var b strings.Builder
	end := math.Inf(-1)
	for _, t := range pieces {
		gap := t.X - end
		size := math.Max(t.FontSize, 1)
		switch {
		case b.Len() == 0:
		case gap > 2*size:
			b.WriteByte('\t')
		case gap > 0.2*size:
			b.WriteByte(' ')
		}
		b.WriteString(t.S)
		end = t.X + t.W
	}
	return b.String()
}
