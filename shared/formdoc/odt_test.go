package formdoc

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// odtOf is an OpenDocument text file whose body is body (inside
// office:text), with extra files.
func odtOf(t *testing.T, styles, body string, extra map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := map[string]string{
		"mimetype": odtMime,
		"content.xml": `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="` + nsOffice + `" xmlns:text="` + nsText +
			`" xmlns:table="` + nsTable + `" xmlns:style="` + nsStyle + `" xmlns:fo="` + nsFO + `" xmlns:loext="` + nsLOExt + `" xmlns:svg="` + nsSVG +
			`"><office:automatic-styles>` + styles + `</office:automatic-styles><office:body><office:text>` + body + `</office:text></office:body></office:document-content>`,
	}
	for k, v := range extra {
		files[k] = v
	}
	for _, name := range []string{"mimetype", "content.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte(files[name]))
		delete(files, name)
	}
	for name, data := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func cell(text string) string {
	return `<table:table-cell><text:p>` + text + `</text:p></table:table-cell>`
}

// TestODT: an OpenDocument form is read as a Word one — its table, a
// label cell merged down over two rows, a content control's check boxes,
// bold as chosen, a date control's date — and says it was an ODT.
func TestODT(t *testing.T) {
	body := `<text:h>SECTION 2: ABOUT THE CHILD(REN)</text:h><table:table>` +
		`<table:table-row>` + cell("FULL NAME") + cell("Jamie<text:s/>Example") + `</table:table-row>` +
		`<table:table-row>` + cell("DATE OF BIRTH") + cell(`<loext:content-control loext:date="true" loext:current-date="2019-09-04T00:00:00Z">9/4/2019</loext:content-control>`) + `</table:table-row>` +
		`<table:table-row>` + cell("DOES INCIDENT RELATE TO DEATH OF CHILD?") +
		cell(`YES <loext:content-control loext:checkbox="true" loext:checked="false">☐</loext:content-control> NO <loext:content-control loext:checkbox="true" loext:checked="true">☒</loext:content-control>`) + `</table:table-row>` +
		`<table:table-row>` + cell("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?") +
		cell(`<text:span text:style-name="B">YES</text:span><text:s text:c="3"/>NO`) + `</table:table-row>` +
		`</table:table>`
	styles := `<style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>`
	r := ReadAs(DOCX, odtOf(t, styles, body, nil))
	if r.Err != nil || r.Format != ODT {
		t.Fatalf("%s: %v", r.Format, r.Err)
	}
	c := r.Referral.Children[0]
	if c.FullName != "Jamie Example" || c.DateOfBirth != "2019-09-04" || c.RelatesToDeath != "no" || c.StaffConduct != "yes" {
		t.Errorf("read %+v", c)
	}
	if r.Sources["children[0].relatesToDeath"].At != "table 1, row 3, cell 2" {
		t.Errorf("sources %v", r.Sources)
	}
}

// TestODTMergedDown: a cell merged down over rows reads as Word's.
func TestODTMergedDown(t *testing.T) {
	body := `<table:table><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>A</text:p></table:table-cell>` + cell("1") + `</table:table-row>` +
		`<table:table-row><table:covered-table-cell/>` + cell("2") + `</table:table-row></table:table>`
	data := odtOf(t, "", body, nil)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	content, ok := isODT(zr.File)
	if !ok {
		t.Fatal("not an ODT")
	}
	d, err := openODT(zr.File, content, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rows := d.Blocks[0].Table.Rows
	if rows[0].Cells[0].VMerge != "restart" || rows[1].Cells[0].VMerge != "continue" || rows[1].Cells[1].Text() != "2" {
		t.Errorf("rows %+v", rows)
	}
}

// TestODTRefused: macros, nesting beyond the limit and a broken content
// file are refused with a message, never a panic.
func TestODTRefused(t *testing.T) {
	deep := strings.Repeat("<text:section>", 300) + strings.Repeat("</text:section>", 300)
	for name, data := range map[string][]byte{
		"macros":  odtOf(t, "", "<text:p>x</text:p>", map[string]string{"Basic/Standard/Module1.xml": "<module/>"}),
		"deep":    odtOf(t, "", deep, nil),
		"broken":  odtOf(t, "", "<text:p>unclosed", nil),
		"no text": odtOf(t, "", "", nil),
	} {
		r := ReadAs(DOCX, data)
		if r.Err == nil || (errs.Code(r.Err) != errs.Invalid && name != "no text") {
			t.Errorf("%s: %v", name, r.Err)
		}
	}
}

// FuzzODT: whatever an OpenDocument file's content says, reading it gives
// a read or a refusal, never a panic.
func FuzzODT(f *testing.F) {
	f.Add(`<table:table><table:table-row><table:table-cell table:number-rows-spanned="3" table:number-columns-spanned="9"><text:p>FULL NAME</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>`)
	f.Add(`<text:p>YES <loext:content-control loext:checkbox="true" loext:checked="true">☒</loext:content-control><text:s text:c="-4"/></text:p>`)
	f.Add(`<text:p><loext:content-control loext:date="true" loext:current-date="2026-13">x</loext:content-control></text:p>`)
	f.Add(`<text:h>SECTION 2</text:h><table:table><table:table-row table:number-rows-repeated="99999"><table:table-cell><text:p>Child 1</text:p></table:table-cell></table:table-row></table:table>`)
	f.Fuzz(func(t *testing.T, body string) {
		_ = ReadAs(DOCX, odtOf(t, `<style:style style:name="B"><style:text-properties fo:font-weight="bold" style:font-name="Wingdings"/></style:style>`, body, nil))
	})
}
