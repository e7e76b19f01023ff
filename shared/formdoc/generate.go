package formdoc

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// WriteDOCX writes the referral form as a Word document built from the
// form definition: blank when r is empty, filled in otherwise (tests fill
// it to check that reading gives the same referral back). Tick boxes are
// Word content-control check boxes, closed lists drop-downs, and empty
// answers show Word's placeholders, as in the partnership's own form.
func WriteDOCX(w io.Writer, r *referral.Referral, partnership, mailbox string) error {
	filled := referral.Referral{}
	if r != nil {
		// Write answers as the reader will read them: tidied, on a copy.
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &filled); err != nil {
			return err
		}
		referral.Normalize(&filled)
	}
	g := &gen{r: &filled}
	g.para("Notifiable (Serious) Incident Referral Form", true)
	g.para(partnership+" — Strictly Confidential", false)
	for _, text := range referral.Opening(partnership, mailbox) {
		g.para(text, false)
	}
	for _, s := range referral.Form {
		g.section(s)
	}
	zw := zip.NewWriter(w)
	for _, part := range []struct{ name, data string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"word/_rels/document.xml.rels", docRels},
		{"word/document.xml", docStart + g.body.String() + docEnd},
	} {
		fw, err := zw.Create(part.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, part.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// BlankDOCX returns the blank form.
func BlankDOCX(partnership, mailbox string) []byte {
	var buf bytes.Buffer
	_ = WriteDOCX(&buf, nil, partnership, mailbox) // writing to memory cannot fail
	return buf.Bytes()
}

type gen struct {
	r    *referral.Referral
	body strings.Builder
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func run(text string, bold bool) string {
	rpr := ""
	if bold {
		rpr = "<w:rPr><w:b/></w:rPr>"
	}
	var parts []string
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			parts = append(parts, "<w:br/>")
		}
		parts = append(parts, `<w:t xml:space="preserve">`+esc(line)+`</w:t>`)
	}
	return "<w:r>" + rpr + strings.Join(parts, "") + "</w:r>"
}

func (g *gen) para(text string, bold bool) { g.body.WriteString(p(run(text, bold))) }

func p(inner string) string { return "<w:p>" + inner + "</w:p>" }

func tc(inner string, span int) string {
	pr := `<w:tcPr><w:tcW w:w="0" w:type="auto"/>`
	if span > 1 {
		pr += fmt.Sprintf(`<w:gridSpan w:val="%d"/>`, span)
	}
	return "<w:tc>" + pr + "</w:tcPr>" + inner + "</w:tc>"
}

func tr(cells ...string) string { return "<w:tr>" + strings.Join(cells, "") + "</w:tr>" }

func tbl(cols int, rows ...string) string {
	grid := strings.Repeat(`<w:gridCol w:w="2000"/>`, cols)
	return `<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>` +
		`<w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/>` +
		`</w:tblBorders></w:tblPr><w:tblGrid>` + grid + `</w:tblGrid>` + strings.Join(rows, "") + `</w:tbl>`
}

// textCell is an answer: a plain-text content control showing the answer
// or Word's placeholder.
func textCell(v string) string {
	if v == "" {
		return p(`<w:sdt><w:sdtPr><w:showingPlcHdr/><w:text w:multiLine="1"/></w:sdtPr><w:sdtContent>` + run("Click or tap here to enter text.", false) + `</w:sdtContent></w:sdt>`)
	}
	var paras []string
	for _, line := range strings.Split(v, "\n") {
		paras = append(paras, p(run(line, false)))
	}
	return strings.Join(paras, "")
}

func dropDownSDT(v string, options []string) string {
	var items []string
	for _, o := range options {
		items = append(items, `<w:listItem w:displayText="`+esc(o)+`" w:value="`+esc(o)+`"/>`)
	}
	pr := `<w:dropDownList>` + strings.Join(items, "") + `</w:dropDownList>`
	if v == "" {
		return p(`<w:sdt><w:sdtPr><w:showingPlcHdr/>` + pr + `</w:sdtPr><w:sdtContent>` + run("Choose an item.", false) + `</w:sdtContent></w:sdt>`)
	}
	return p(`<w:sdt><w:sdtPr>` + pr + `</w:sdtPr><w:sdtContent>` + run(v, false) + `</w:sdtContent></w:sdt>`)
}

func box(ticked bool) string {
	val, glyph := "0", "☐"
	if ticked {
		val, glyph = "1", "☒"
	}
	return `<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="` + val + `"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>` + glyph + `</w:t></w:r></w:sdtContent></w:sdt>`
}

// choices writes "YES ☐ NO ☐ [UNSURE ☐]" with v's box ticked.
func choices(v string, unsure bool) string {
	opts := []string{"yes", "no"}
	if unsure {
		opts = append(opts, "unsure")
	}
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(run(strings.ToUpper(o)+" ", false) + box(v == o) + run("   ", false))
	}
	return p(b.String())
}

// value reads an answer from the referral by path.
func (g *gen) value(path string) string {
	return referral.Get(g.r, path)
}

func (g *gen) section(s referral.Section) {
	if s.Number == 0 {
		c := g.r.Criteria
		ticks := []bool{c.AbuseOrNeglect, c.DiedOrSeriouslyHarmed, c.LearningOnly}
		for _, text := range s.Guidance {
			g.para(text, false)
		}
		var rows []string
		for i, f := range s.Fields {
			words := f.Label
			if f.Words != "" {
				words = f.Words
			}
			rows = append(rows, tr(tc(p(run(fmt.Sprintf("%d.", i+1), false)), 1), tc(p(run(words, false)), 1), tc(p(box(ticks[i])), 1)))
		}
		g.body.WriteString(tbl(3, rows...))
		g.hints(s.Fields)
		return
	}
	g.para(fmt.Sprintf("SECTION %d: %s", s.Number, s.Title), true)
	for _, text := range s.Guidance {
		g.para(text, false)
	}
	switch s.Number {
	case 2:
		n := max(1, len(g.r.Children))
		for i := range n {
			if n > 1 {
				g.para(fmt.Sprintf("Child %d", i+1), true)
			}
			g.labelled(s.Fields, fmt.Sprintf("children[%d]", i))
		}
	case 3, 4, 7:
		g.rows(s.Fields, tableOfSection(s.Number))
	case 5:
		g.grid(s.Fields[0], []string{g.r.CaseDetails.MainCause})
		g.labelled(s.Fields[1:2], "")
		g.grid(s.Fields[2], g.r.CaseDetails.Characteristics)
		g.labelled(s.Fields[3:4], "")
	case 6:
		var plain []referral.Field
		flush := func() {
			g.labelled(plain, "")
			plain = nil
		}
		for _, f := range s.Fields {
			switch {
			case strings.HasPrefix(f.Path, "childProtection.siblingPlans."), strings.HasPrefix(f.Path, "childProtection.siblingChildInNeedPlans."):
				if strings.HasSuffix(f.Path, ".name") {
					flush()
					table, _, _ := strings.Cut(strings.TrimPrefix(f.Path, "childProtection."), ".")
					g.rows(planFields(s.Fields, table), "childProtection."+table)
				}
			default:
				plain = append(plain, f)
			}
		}
		flush()
	case 8, 9, 10, 11:
		g.body.WriteString(tbl(1, tr(tc(textCell(g.value(s.Fields[0].Path)), 1))))
	case 12:
		g.grid(s.Fields[0], g.r.OtherReviews.Types)
		g.labelled(s.Fields[1:], "")
	default:
		g.labelled(s.Fields, "")
	}
}

func tableOfSection(n int) string {
	return map[int]string{3: "parents", 4: "siblings", 7: "agencies"}[n]
}

func planFields(all []referral.Field, table string) []referral.Field {
	var out []referral.Field
	for _, f := range all {
		if strings.HasPrefix(f.Path, "childProtection."+table+".") {
			out = append(out, f)
		}
	}
	return out
}

// labelled writes two-column rows: the label, then the answer.
func (g *gen) labelled(fields []referral.Field, row string) {
	if len(fields) == 0 {
		return
	}
	var rows []string
	for _, f := range fields {
		path := f.Path
		if row != "" {
			_, rest, _ := strings.Cut(f.Path, ".")
			path = row + "." + rest
		}
		v := g.value(path)
		var answer string
		switch f.Kind {
		case referral.YesNo:
			answer = choices(v, false)
		case referral.YesNoUnsure:
			answer = choices(v, true)
		case referral.Choice:
			answer = dropDownSDT(v, f.Options)
		case referral.Tick:
			answer = p(box(v == "yes"))
		default:
			answer = textCell(v)
		}
		rows = append(rows, tr(tc(p(run(f.Label, true)), 1), tc(answer, 1)))
	}
	g.body.WriteString(tbl(2, rows...))
	g.hints(fields)
}

// hints prints the fields' guidance under their table, as the form's
// footnotes.
func (g *gen) hints(fields []referral.Field) {
	for _, f := range fields {
		if f.Hint != "" {
			g.para(f.Hint, false)
		}
	}
}

// rows writes a table with a header row of labels and one row per entry
// (three empty rows on a blank form).
func (g *gen) rows(fields []referral.Field, table string) {
	var header []string
	for _, f := range fields {
		header = append(header, tc(p(run(f.Label, true)), 1))
	}
	out := []string{tr(header...)}
	n := referral.Count(g.r, table)
	if n == 0 {
		n = 3
	}
	for i := range n {
		var cells []string
		for _, f := range fields {
			field := f.Path[strings.LastIndexByte(f.Path, '.')+1:]
			cells = append(cells, tc(textCell(g.value(fmt.Sprintf("%s[%d].%s", table, i, field))), 1))
		}
		out = append(out, tr(cells...))
	}
	g.body.WriteString(tbl(len(fields), out...))
}

// grid writes a closed list as rows of five options over rows of boxes.
func (g *gen) grid(f referral.Field, ticked []string) {
	g.para(f.Label+":", true)
	var rows []string
	for i := 0; i < len(f.Options); i += 5 {
		opts := f.Options[i:min(i+5, len(f.Options))]
		var labels, boxes []string
		for _, o := range opts {
			labels = append(labels, tc(p(run(o, false)), 1))
			on := false
			for _, t := range ticked {
				on = on || t == o
			}
			boxes = append(boxes, tc(p(box(on)), 1))
		}
		for len(labels) < 5 {
			labels = append(labels, tc(p(""), 1))
			boxes = append(boxes, tc(p(""), 1))
		}
		rows = append(rows, tr(labels...), tr(boxes...))
	}
	g.body.WriteString(tbl(5, rows...))
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`

const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`

const docStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w14"><w:body>`

const docEnd = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>`
