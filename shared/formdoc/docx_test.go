package formdoc

import (
	"archive/zip"
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/symbolfont"
)

// docxOf zips a document body (WordprocessingML inside w:body) with any
// extra parts.
func docxOf(t testing.TB, body string, extra map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := map[string]string{
		"[Content_Types].xml":          contentTypes,
		"_rels/.rels":                  rootRels,
		"word/_rels/document.xml.rels": docRels,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:body>` + body + `</w:body></w:document>`,
	}
	for k, v := range extra {
		parts[k] = v
	}
	names := make([]string, 0, len(parts))
	for name := range parts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := parts[name]
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenDOCX(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"runs, tabs and breaks", `<w:p><w:r><w:t>FULL</w:t></w:r><w:r><w:t xml:space="preserve"> NAME</w:t><w:tab/><w:t>Sam</w:t><w:br/><w:t>Ref</w:t></w:r></w:p>`, "FULL NAME\tSam\nRef"},
		{"legacy check box ticked", `<w:p><w:r><w:t>YES </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t> NO </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="0"/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "YES ☒ NO ☐"},
		{"legacy check box ticked by default", `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "☒"},
		{"content-control check boxes", `<w:p><w:r><w:t>YES</w:t></w:r><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>NO</w:t></w:r><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="0"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent></w:sdt></w:p>`, "YES☒NO☐"},
		{"Wingdings symbols", `<w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r><w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r></w:p>`, "☒☐"},
		{"placeholder is empty", `<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt></w:p>`, ""},
		{"content control text", `<w:p><w:sdt><w:sdtPr><w:date/></w:sdtPr><w:sdtContent><w:r><w:t>14/03/2026</w:t></w:r></w:sdtContent></w:sdt></w:p>`, "14/03/2026"},
		{"tracked changes accepted", `<w:p><w:r><w:t>Age </w:t></w:r><w:del w:id="1"><w:r><w:delText>3</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>4</w:t></w:r></w:ins></w:p>`, "Age 4"},
		{"form text result, not instructions", `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:textInput/></w:ffData></w:fldChar></w:r><w:r><w:instrText>FORMTEXT</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Typed</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "Typed"},
		{"form drop-down", `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="1"/><w:listEntry w:val="Male"/><w:listEntry w:val="Female"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText>FORMDROPDOWN</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "Female"},
		{"text box once, not its fallback", `<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`, "Boxed"},
		{"a row inserted as a tracked change is part of the form; a deleted one is not", `<w:tbl><w:tblPr/><w:tr><w:trPr><w:ins w:id="4"/></w:trPr><w:tc><w:p><w:ins w:id="5"><w:r><w:t>added</w:t></w:r></w:ins></w:p></w:tc></w:tr><w:tr><w:trPr><w:del w:id="6"/></w:trPr><w:tc><w:p><w:del w:id="7"><w:r><w:delText>removed</w:delText></w:r></w:del></w:p></w:tc></w:tr></w:tbl>`, "added"},
		{"tables, merged and nested cells, deleted rows", `<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:trPr><w:del w:id="3"/></w:trPr><w:tc><w:p><w:r><w:t>gone</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>n1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>n2</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>`, "A\tB\nn1\tn2\t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := OpenDOCX(docxOf(t, tt.body, nil), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := tableText(d); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	d, _ := OpenDOCX(docxOf(t, tests[len(tests)-1].body, nil), DefaultLimits)
	rows := d.Blocks[0].Table.Rows
	if len(rows) != 2 || rows[0].Cells[0].Span != 2 || rows[0].Cells[1].VMerge != "restart" || rows[1].Cells[1].VMerge != "continue" {
		t.Errorf("cell properties: %+v", rows)
	}
}

// tableText renders blocks with rows as tab-joined cells.
func tableText(d Document) string {
	var lines []string
	for _, b := range d.Blocks {
		if b.Para != nil {
			lines = append(lines, b.Para.Text())
			continue
		}
		for _, r := range b.Table.Rows {
			var cells []string
			for _, c := range r.Cells {
				cells = append(cells, c.Text())
			}
			lines = append(lines, strings.Join(cells, "\t"))
		}
	}
	return strings.Join(lines, "\n")
}

func TestOpenDOCXRefuses(t *testing.T) {
	small := Limits{Entries: 10, Uncompressed: 1 << 20, XML: 4 << 10, Depth: 40}
	many := map[string]string{}
	for i := range 20 {
		many["media/"+strings.Repeat("x", i+1)] = "x"
	}
	deep := strings.Repeat("<w:p><w:r>", 30) + strings.Repeat("</w:r></w:p>", 30)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("hello, this is not a Word file"), "not a Word document"},
		{"zip without a document", zipOf(t, map[string]string{"a.txt": "x"}), "no word/document.xml"},
		{"macros", docxOf(t, "", map[string]string{"word/vbaProject.bin": "x"}), "Macro-enabled"},
		{"docm content type", docxOf(t, "", map[string]string{"[Content_Types].xml": `<Types><Default ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`}), "Macro-enabled"},
		{"password-protected", append(append([]byte{}, oleMagic...), utf16("EncryptionInfo")...), "password-protected"},
		{"Word 97", append(append([]byte{}, oleMagic...), "WordDocument"...), "old-style Word document"},
		{"too many parts", docxOf(t, "", many), "parts"},
		{"bomb by declared size", bomb(t), "unpack to"},
		{"deep nesting", docxOf(t, deep, nil), "nested too deeply"},
		{"huge text", docxOf(t, "<w:p><w:r><w:t>"+strings.Repeat("a", 8<<10)+"</w:t></w:r></w:p>", nil), "a form holds"},
		{"broken XML", zipOf(t, map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}), "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenDOCX(tt.data, small)
			if errs.Code(err) != errs.Invalid || !strings.Contains(errs.Message(err), tt.want) {
				t.Errorf("error %v, want a refusal saying %q", err, tt.want)
			}
		})
	}
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, _ := zw.Create(name)
		w.Write([]byte(data))
	}
	zw.Close()
	return buf.Bytes()
}

// bomb is a zip whose central directory claims 10 GB for one part.
func bomb(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/media/big.bin", Method: zip.Store, CompressedSize64: 1, UncompressedSize64: 10 << 30, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	doc, _ := zw.Create("word/document.xml")
	doc.Write([]byte("<w:document/>"))
	zw.Close()
	return buf.Bytes()
}

// TestTickedOption: a tick belongs to the option on its side, whichever
// side the form puts boxes; what cannot be paired is read as nothing.
func TestTickedOption(t *testing.T) {
	yes, no := true, false
	box := func(b *bool) Item { return Item{Box: b} }
	tests := []struct {
		name  string
		items []Item
		want  string
	}{
		{"boxes after, text glyphs", []Item{{Text: "YES ☒ NO ☐"}}, "yes"},
		{"boxes before, text glyphs", []Item{{Text: "☐ YES ☒ NO"}}, "no"},
		{"boxes before, the incident's example", []Item{{Text: tickMarks.Replace("[ ] YES  [x] NO")}}, "no"},
		{"round brackets before", []Item{{Text: tickMarks.Replace("(x) Yes ( ) No")}}, "yes"},
		{"only the ticked option boxed, after", []Item{{Text: "YES NO ✓"}}, "no"},
		{"only the ticked option boxed, before", []Item{{Text: "✔ No"}}, "no"},
		{"check-box fields after", []Item{{Text: "YES "}, box(&yes), {Text: " NO "}, box(&no)}, "yes"},
		{"check-box fields before", []Item{box(&no), {Text: " YES "}, box(&yes), {Text: " NO"}}, "no"},
		{"two boxes together: unreadable", []Item{{Text: "YES ☒ ☐ NO"}}, ""},
		{"nothing ticked", []Item{{Text: "YES ☐ NO ☐"}}, ""},
		{"both ticked", []Item{{Text: "YES ☒ NO ☒"}}, "yes and no"},
		{"unsure", []Item{{Text: "YES ☐ NO ☐ UNSURE ☑"}}, "unsure"},
		{"X typed after", []Item{{Text: "YES  NO X"}}, "no"},
		{"x typed before", []Item{{Text: "x YES NO"}}, "yes"},
		{"X alone is not a tick", []Item{{Text: "X"}}, ""},
		{"X with one option is not a tick", []Item{{Text: "NO X"}}, ""},
		{"one option bold or highlighted", []Item{{Text: "YES", Marked: true}, {Text: "   NO"}}, "yes"},
		{"every option bold", []Item{{Text: "YES   NO", Marked: true}}, ""},
		{"a bold option beside boxes: the boxes say", []Item{{Text: "YES ☐", Marked: true}, {Text: " NO ☒"}}, "no"},
	}
	for _, tt := range tests {
		if got := tickedOption(tt.items, referral.YesNoUnsure); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRunSymbols: a run is in a symbol font when its Latin fonts are, not
// when only its East Asian or complex-script font is.
func TestRunSymbols(t *testing.T) {
	for props, want := range map[string]symbolfont.Font{
		`<w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/><w:b/>`:           symbolfont.Wingdings,
		`<w:rFonts w:hAnsi='Wingdings 2'/>`:                                   symbolfont.Wingdings2,
		`<w:rFonts w:ascii="Arial" w:eastAsia="Wingdings" w:cs="Wingdings"/>`: symbolfont.None,
		`<w:b/>`: symbolfont.None,
	} {
		if got := runSymbols([]byte(props)); got != want {
			t.Errorf("%s: %v, want %v", props, got, want)
		}
	}
}
