package formdoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/symbolfont"
)

// Limits bound what reading a Word file may cost, whatever the file says
// about itself.
type Limits struct {
	Entries      int   // files in the zip
	Uncompressed int64 // total declared uncompressed size
	XML          int64 // bytes of document.xml read
	Depth        int   // XML element nesting
}

// DefaultLimits suit a form with photographs attached in it. The form's
// text part (document.xml, content.xml) is the one read whole, and reading
// takes about nine times its size: 8 MB, forty times the largest form seen
// (LibreOffice's, 180 KB), costs at most about 75 MB.
var DefaultLimits = Limits{Entries: 5000, Uncompressed: 512 << 20, XML: 8 << 20, Depth: 256}

// reading bounds how many documents' text parts are read at once in one
// process (the local runner's web, API and mail together; a Lambda
// function reads one input at a time): the others wait their turn, so
// memory stays within two of the largest.
var reading = make(chan struct{}, 2)

// readTurn waits for a turn to read a document's text; the func it
// returns ends the turn.
func readTurn() func() {
	reading <- struct{}{}
	return func() { <-reading }
}

// Document is the body of a Word document as blocks in reading order.
type Document struct {
	Blocks []Block
	ODT    bool // read from an OpenDocument text file (.odt), not Word's
}

// Block is a paragraph or a table.
type Block struct {
	Para  *Para
	Table *Table
}

// Para is a paragraph: text and check boxes in order.
type Para struct {
	Items []Item
	// Wrapped: read from text, the line right below another with no blank
	// line between, so it may go on with the answer above it.
	Wrapped bool
	Line    int // read from text: its line, from 1
}

// Item is a piece of text or a check box.
type Item struct {
	Text   string
	Box    *bool // a check box, ticked or not
	Marked bool  // the text is bold, highlighted or shaded: how some people tick an option
}

// Table is a table's rows.
type Table struct {
	Rows []Row
}

// Row is a table row.
type Row struct {
	Cells []Cell
	Line  int // read from text: its first line, from 1
}

// Cell is a table cell; nested tables are kept as blocks.
type Cell struct {
	Blocks []Block
	Span   int    // grid columns it covers (w:gridSpan)
	VMerge string // "restart", "continue" or "" (w:vMerge)
}

// Text returns the paragraph's text with boxes as ☒ and ☐.
func (p *Para) Text() string {
	var b strings.Builder
	for _, it := range p.Items {
		switch {
		case it.Box != nil && *it.Box:
			b.WriteString("☒")
		case it.Box != nil:
			b.WriteString("☐")
		default:
			b.WriteString(it.Text)
		}
	}
	return b.String()
}

// Text returns the cell's paragraphs, one a line; nested tables' cells
// are separated by tabs.
func (c *Cell) Text() string { return blocksText(c.Blocks) }

func blocksText(blocks []Block) string {
	var lines []string
	for _, bl := range blocks {
		switch {
		case bl.Para != nil:
			lines = append(lines, bl.Para.Text())
		case bl.Table != nil:
			for _, r := range bl.Table.Rows {
				var cells []string
				for _, c := range r.Cells {
					cells = append(cells, c.Text())
				}
				lines = append(lines, strings.Join(cells, "\t"))
			}
		}
	}
	return strings.Join(lines, "\n")
}

// OpenDOCX checks a Word file and reads its body. It refuses, with a
// message for the referrer (errs.Invalid), what is not a .docx, a
// password-protected or macro-enabled document, and anything over the
// limits, before decompressing more than document.xml.
func OpenDOCX(data []byte, lim Limits) (Document, error) {
	if bytes.HasPrefix(data, oleMagic) {
		if bytes.Contains(data, utf16("EncryptionInfo")) {
			return Document{}, errs.E(errs.Invalid, "The document is password-protected, so it cannot be read. Please send it again without a password, by secure e-mail")
		}
		return Document{}, errs.E(errs.Invalid, "This is an old-style Word document (.doc). Please save it as a Word document (.docx) and send it again")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, errs.Wrap(errs.Invalid, err, "The file is not a Word document (.docx) that can be opened")
	}
	if len(zr.File) > lim.Entries {
		return Document{}, errs.E(errs.Invalid, "The Word document holds %d parts, more than the %d we accept; it may be damaged", len(zr.File), lim.Entries)
	}
	var total uint64
	var doc *zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(f.Name)
		switch {
		case strings.HasSuffix(name, "vbaproject.bin") || strings.HasSuffix(name, "vbadata.xml"):
			return Document{}, errs.E(errs.Invalid, "Macro-enabled documents are not accepted. Please save the form as a Word document (.docx) without macros and send it again")
		case name == "word/document.xml":
			doc = f
		case name == "[content_types].xml":
			if err := checkContentTypes(f); err != nil {
				return Document{}, err
			}
		}
	}
	if total > uint64(lim.Uncompressed) {
		return Document{}, errs.E(errs.Invalid, "The Word document would unpack to %d MB, more than the %d MB we accept; it may be damaged", total>>20, lim.Uncompressed>>20)
	}
	if doc == nil {
		if content, ok := isODT(zr.File); ok {
			d, err := openODT(zr.File, content, lim)
			d.ODT = true
			return d, err
		}
		return Document{}, errs.E(errs.Invalid, "The file is a zip archive but not a Word document (it has no word/document.xml)")
	}
	if doc.UncompressedSize64 > uint64(lim.XML) {
		return Document{}, errs.E(errs.Invalid, "The Word document's text would unpack to %d MB, more than the %d MB a form holds; it may be damaged", doc.UncompressedSize64>>20, lim.XML>>20)
	}
	defer readTurn()()
	rc, err := doc.Open()
	if err != nil {
		return Document{}, errs.Wrap(errs.Invalid, err, "The Word document is damaged and cannot be read")
	}
	defer rc.Close()
	d, err := parseBody(io.LimitReader(rc, lim.XML+1), int64(min(doc.UncompressedSize64, uint64(lim.XML), 4<<20)), lim)
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

var oleMagic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return b
}

// checkContentTypes refuses macro-enabled main parts (.docm).
func checkContentTypes(f *zip.File) error {
	if f.UncompressedSize64 > 1<<20 {
		return errs.E(errs.Invalid, "The Word document's content list is too large; it may be damaged")
	}
	rc, err := f.Open()
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "The Word document is damaged and cannot be read")
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "The Word document is damaged and cannot be read")
	}
	if bytes.Contains(bytes.ToLower(data), []byte("macroenabled")) {
		return errs.E(errs.Invalid, "Macro-enabled documents are not accepted. Please save the form as a Word document (.docx) without macros and send it again")
	}
	return nil
}

// Namespaces of WordprocessingML and its extensions.
const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsW14 = "http://schemas.microsoft.com/office/word/2010/wordml"
	nsMC  = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// parser walks document.xml.
type parser struct {
	dec     *tokenizer
	lim     Limits
	depth   int
	tooLong bool
	last    xml.Name // the last element started
}

// flat are elements that never contain their own kind, so skipping one
// can jump to its end tag: most of a Word document's bytes are these.
var flat = map[string]bool{"rPr": true, "pPr": true, "tblPr": true, "tblGrid": true, "sectPr": true, "tcW": true, "shd": true,
	"instrText": true, "delText": true, "delInstrText": true, "proofErr": true, "bookmarkStart": true, "bookmarkEnd": true, "lastRenderedPageBreak": true}

var errTooDeep = errors.New("too deeply nested")

// parseBody reads document.xml whole (size is what the zip says it
// holds, a hint capped so a lying header cannot make it allocate
// much) and walks its body.
func parseBody(r io.Reader, size int64, lim Limits) (Document, error) {
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	data := buf.Bytes()
	p := &parser{dec: newTokenizer(data), lim: lim, tooLong: int64(len(data)) > lim.XML}
	if err != nil {
		return Document{}, p.fail(err)
	}
	if p.tooLong {
		return Document{}, p.fail(io.ErrUnexpectedEOF)
	}
	for {
		tok, err := p.next()
		if err != nil {
			return Document{}, p.fail(err)
		}
		if tok.kind == tStart && tok.name.Space == nsW && tok.name.Local == "body" {
			blocks, err := p.blocks(tok.name)
			if err != nil {
				return Document{}, p.fail(err)
			}
			return Document{Blocks: blocks}, nil
		}
	}
}

func (p *parser) fail(err error) error {
	switch {
	case p.tooLong:
		return errs.E(errs.Invalid, "The Word document's text is larger than %d MB; it may be damaged", p.lim.XML>>20)
	case errors.Is(err, errTooDeep):
		return errs.E(errs.Invalid, "The Word document is nested too deeply to read; it may be damaged")
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "The Word document has no body text")
	}
	return errs.Wrap(errs.Invalid, err, "The Word document is damaged and cannot be read")
}

// next returns the next token, keeping the depth.
func (p *parser) next() (token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return token{}, err
	}
	switch tok.kind {
	case tStart:
		p.depth++
		p.last = tok.name
		if p.depth > p.lim.Depth {
			return token{}, errTooDeep
		}
	case tEnd:
		p.depth--
	}
	return tok, nil
}

// skip consumes the rest of the current element.
func (p *parser) skip() error {
	if p.last.Space == nsW && flat[p.last.Local] {
		p.depth--
		p.last = xml.Name{}
		return p.dec.SkipElement()
	}
	for level := 1; level > 0; {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch tok.kind {
		case tStart:
			level++
		case tEnd:
			level--
		}
	}
	return nil
}

func attr(se token, local string) (string, bool) {
	if a, ok := se.attrNamed(local, nsW, nsW14, ""); ok {
		return a.value(), true
	}
	return "", false
}

// on reads w:val style on/off attributes: absent or true/1/on means on.
func on(se token) bool {
	v, ok := attr(se, "val")
	return !ok || v == "1" || v == "true" || v == "on"
}

// each calls fn for every element start inside the element that ends
// with end, in document order. fn may read the child whole (then its
// descendants are not seen here) or leave it, and then its descendants
// come to fn in turn: wrappers are looked through. Text is ignored.
func (p *parser) each(end xml.Name, fn func(t token) error) error {
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch tok.kind {
		case tEnd:
			if tok.name == end {
				return nil
			}
		case tStart:
			if err := fn(tok); err != nil {
				return err
			}
		}
	}
}

func isW(t token, locals ...string) bool {
	if t.name.Space != nsW {
		return false
	}
	for _, l := range locals {
		if t.name.Local == l {
			return true
		}
	}
	return false
}

// blocks reads paragraphs and tables until the end of the element end.
// Block-level content controls, custom XML and insertions are looked
// through; deletions, properties and fallbacks are skipped.
func (p *parser) blocks(end xml.Name) ([]Block, error) {
	var out []Block
	err := p.each(end, func(t token) error {
		switch {
		case isW(t, "p"):
			para, err := p.para(t.name)
			out = append(out, Block{Para: para})
			return err
		case isW(t, "tbl"):
			tbl, err := p.table(t.name)
			out = append(out, Block{Table: tbl})
			return err
		case isW(t, "sdtPr", "del", "sectPr", "tblPr", "tblGrid"), t.name.Space == nsMC && t.name.Local == "Fallback":
			return p.skip()
		}
		return nil
	})
	return out, err
}

func (p *parser) table(end xml.Name) (*Table, error) {
	tbl := &Table{}
	err := p.each(end, func(t token) error {
		switch {
		case isW(t, "tr"):
			row, deleted, err := p.row(t.name)
			if !deleted { // a row deleted with tracked changes is not there
				tbl.Rows = append(tbl.Rows, row)
			}
			return err
		case isW(t, "del", "sdtPr", "tblPr", "tblGrid"):
			return p.skip()
		}
		return nil // rows inside content controls and insertions: look through
	})
	return tbl, err
}

func (p *parser) row(end xml.Name) (row Row, deleted bool, err error) {
	err = p.each(end, func(t token) error {
		switch {
		case isW(t, "tc"):
			cell, err := p.cell(t.name)
			row.Cells = append(row.Cells, cell)
			return err
		case isW(t, "trPr"):
			return p.each(t.name, func(t token) error {
				deleted = deleted || isW(t, "del")
				return nil
			})
		case isW(t, "sdtPr"):
			return p.skip()
		}
		return nil
	})
	return row, deleted, err
}

func (p *parser) cell(end xml.Name) (Cell, error) {
	c := Cell{Span: 1}
	err := p.each(end, func(t token) error {
		switch {
		case isW(t, "tcPr"):
			return p.each(t.name, func(t token) error {
				switch t.name.Local {
				case "gridSpan":
					if v, ok := attr(t, "val"); ok {
						if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 64 {
							c.Span = n
						}
					}
				case "vMerge":
					if v, ok := attr(t, "val"); ok && v == "restart" {
						c.VMerge = "restart"
					} else {
						c.VMerge = "continue"
					}
				}
				return nil
			})
		case isW(t, "p"):
			para, err := p.para(t.name)
			c.Blocks = append(c.Blocks, Block{Para: para})
			return err
		case isW(t, "tbl"):
			tbl, err := p.table(t.name)
			c.Blocks = append(c.Blocks, Block{Table: tbl})
			return err
		case isW(t, "sdtPr", "del"):
			return p.skip()
		}
		return nil
	})
	return c, err
}

// para reads a paragraph's runs, fields, content controls and tracked
// changes into text and boxes.
func (p *parser) para(end xml.Name) (*Para, error) {
	para := &Para{}
	st := &runState{}
	if err := p.inline(end, para, st); err != nil {
		return nil, err
	}
	return para, nil
}

// runState follows complex fields (fldChar begin / separate / end) across
// runs: instructions are not text, results are.
type runState struct {
	inInstr []bool // per open field: still before "separate"
	box     *bool  // a FORMCHECKBOX being read
	dd      *dropDown
	marked  bool            // the run being read is bold, highlighted or shaded
	symbols symbolfont.Font // the run's font, when it draws boxes and ticks with letters
}

type dropDown struct {
	entries []string
	result  int
}

func (p *parser) inline(end xml.Name, para *Para, st *runState) error {
	return p.each(end, func(t token) error { return p.inlineElement(t, para, st) })
}

func (p *parser) inlineElement(t token, para *Para, st *runState) error {
	if t.name.Space == nsMC && t.name.Local == "Fallback" {
		return p.skip()
	}
	if t.name.Space != nsW {
		return p.inline(t.name, para, st) // drawing, text box wrappers, mc:Choice: look inside
	}
	inField := len(st.inInstr) > 0 && st.inInstr[len(st.inInstr)-1]
	switch t.name.Local {
	case "t":
		text, err := p.text(t.name)
		if err != nil {
			return err
		}
		if inField {
			return nil
		}
		if st.symbols != symbolfont.None {
			para.Items = append(para.Items, symbolItems(st.symbols, text)...)
			return nil
		}
		para.Items = append(para.Items, Item{Text: text, Marked: st.marked})
		return nil
	case "r":
		outer, outerFont := st.marked, st.symbols
		st.marked, st.symbols = false, symbolfont.None
		err := p.inline(t.name, para, st)
		st.marked, st.symbols = outer, outerFont
		return err
	case "rPr":
		props := p.dec.inner()
		if bytes.Contains(props, []byte("Wingdings")) {
			st.symbols = runSymbols(props)
		}
		if marked, ok := runMarked(props); ok {
			st.marked = st.marked || marked
			return p.skip() // read as written, without tokenizing: most runs have a dozen properties
		}
		return p.each(t.name, func(t token) error {
			switch {
			case isW(t, "b"), isW(t, "bCs"):
				st.marked = st.marked || on(t)
			case isW(t, "highlight"):
				v, _ := attr(t, "val")
				st.marked = st.marked || (v != "" && v != "none")
			case isW(t, "shd"):
				fill, _ := attr(t, "fill")
				st.marked = st.marked || (fill != "" && !strings.EqualFold(fill, "auto") && !strings.EqualFold(fill, "FFFFFF"))
			}
			return p.skip()
		})
	case "tab", "ptab":
		if !inField {
			para.Items = append(para.Items, Item{Text: "\t"})
		}
		return p.skip()
	case "br", "cr":
		if !inField {
			para.Items = append(para.Items, Item{Text: "\n"})
		}
		return p.skip()
	case "sym":
		if c, ok := attr(t, "char"); ok {
			name, _ := attr(t, "font")
			f := symbolfont.Of(name)
			if f == symbolfont.None {
				f = symbolfont.Wingdings // a symbol with its font unnamed or another's: Wingdings' boxes are the usual
			}
			if n, err := strconv.ParseUint(c, 16, 16); err == nil {
				para.Items = append(para.Items, symbolItems(f, string(rune(n&0xFF)))...)
			}
		}
		return p.skip()
	case "fldChar":
		typ, _ := attr(t, "fldCharType")
		switch typ {
		case "begin":
			st.inInstr = append(st.inInstr, true)
			return p.fieldData(t.name, st)
		case "separate":
			if n := len(st.inInstr); n > 0 {
				st.inInstr[n-1] = false
			}
		case "end":
			if n := len(st.inInstr); n > 0 {
				st.inInstr = st.inInstr[:n-1]
			}
			if st.box != nil {
				para.Items = append(para.Items, Item{Box: st.box})
				st.box = nil
			}
			if st.dd != nil {
				if st.dd.result >= 0 && st.dd.result < len(st.dd.entries) {
					para.Items = append(para.Items, Item{Text: st.dd.entries[st.dd.result]})
				}
				st.dd = nil
			}
		}
		return p.skip()
	case "instrText", "delText", "delInstrText", "pPr", "del", "commentReference", "footnoteReference", "endnoteReference", "bookmarkStart", "bookmarkEnd", "proofErr", "lastRenderedPageBreak":
		return p.skip()
	case "sdt":
		return p.inlineSDT(t.name, para, st)
	default: // r, ins, hyperlink, smartTag, fldSimple, customXml, txbxContent, p inside text boxes…
		return p.inline(t.name, para, st)
	}
}

// runMarked reads run properties as Word writes them (the main namespace
// as "w:") for bold, highlighting and shading: ok is false when they are
// written otherwise, and must be tokenized.
func runMarked(props []byte) (marked, ok bool) {
	if props == nil {
		return false, false
	}
	rest := props
	for {
		i := bytes.IndexByte(rest, '<')
		if i < 0 {
			return marked, true
		}
		rest = rest[i+1:]
		if !bytes.HasPrefix(rest, []byte("w:")) {
			if bytes.HasPrefix(rest, []byte("/w:")) {
				continue
			}
			return false, false // another prefix, a comment: tokenize
		}
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return false, false
		}
		tag := rest[2:end]
		name := tag
		if j := bytes.IndexAny(tag, " /\t\r\n"); j >= 0 {
			name = tag[:j]
		}
		switch string(name) {
		case "b", "bCs":
			v, has := wAttr(tag, "val")
			marked = marked || !has || v == "1" || v == "true" || v == "on"
		case "highlight":
			v, _ := wAttr(tag, "val")
			marked = marked || (v != "" && v != "none")
		case "shd":
			fill, _ := wAttr(tag, "fill")
			marked = marked || (fill != "" && !strings.EqualFold(fill, "auto") && !strings.EqualFold(fill, "FFFFFF"))
		}
		rest = rest[end:]
	}
}

// wAttr finds w:name="value" in a tag as written.
func wAttr(tag []byte, name string) (string, bool) {
	for _, q := range []string{`"`, `'`} {
		key := []byte(" w:" + name + "=" + q)
		if i := bytes.Index(tag, key); i >= 0 {
			v := tag[i+len(key):]
			if j := bytes.IndexByte(v, q[0]); j >= 0 {
				return string(v[:j]), true
			}
		}
	}
	return "", false
}

func (p *parser) text(end xml.Name) (string, error) {
	var b strings.Builder
	for {
		tok, err := p.next()
		if err != nil {
			return "", err
		}
		switch t := tok; t.kind {
		case tText:
			b.Write(t.text)
		case tEnd:
			if t.name == end {
				return b.String(), nil
			}
		}
	}
}

// fieldData reads a legacy form field's w:ffData: check box state or
// drop-down entries.
func (p *parser) fieldData(end xml.Name, st *runState) error {
	var def, checked *bool
	err := p.each(end, func(t token) error {
		switch t.name.Local {
		case "checkBox":
			f := false
			def = &f
		case "default":
			if def != nil {
				v := on(t)
				def = &v
			}
		case "checked":
			v := on(t)
			checked = &v
		case "ddList":
			st.dd = &dropDown{}
		case "result":
			if v, ok := attr(t, "val"); ok && st.dd != nil {
				st.dd.result, _ = strconv.Atoi(v)
			}
		case "listEntry":
			if st.dd != nil {
				v, _ := attr(t, "val")
				st.dd.entries = append(st.dd.entries, v)
			}
		}
		return nil
	})
	if def != nil || checked != nil {
		v := def != nil && *def
		if checked != nil {
			v = *checked
		}
		st.box = &v
	}
	return err
}

// inlineSDT reads an inline content control: a check box gives its state;
// a placeholder gives nothing; anything else gives its content.
func (p *parser) inlineSDT(end xml.Name, para *Para, st *runState) error {
	var box *bool
	placeholder := false
	date := "" // a date picker's date, whatever its display format
	return p.each(end, func(t token) error {
		switch {
		case isW(t, "sdtPr"):
			return p.each(t.name, func(t token) error {
				switch {
				case t.name.Space == nsW14 && t.name.Local == "checkbox" && box == nil:
					f := false
					box = &f
				case t.name.Space == nsW14 && t.name.Local == "checked":
					v := on(t)
					box = &v
				case isW(t, "showingPlcHdr"):
					placeholder = on(t)
				case isW(t, "date"):
					date = pickedDate(t)
				}
				return nil
			})
		case isW(t, "sdtContent") && box != nil:
			para.Items = append(para.Items, Item{Box: box})
			return p.skip() // the glyph inside only shows the state
		case isW(t, "sdtContent") && placeholder:
			return p.skip()
		case isW(t, "sdtContent") && date != "":
			// The date as the control holds it, not as it shows it: a
			// template made with Word's American defaults shows 2 November
			// as "11/2/2026".
			para.Items = append(para.Items, Item{Text: date, Marked: st.marked})
			return p.skip()
		case isW(t, "sdtContent"):
			return p.inline(t.name, para, st)
		}
		return p.skip()
	})
}

// symbolItems reads text in a symbol font: its boxes and ticks as boxes,
// ticked or not, and nothing else (the font's other letters are pictures,
// not words).
func symbolItems(f symbolfont.Font, text string) []Item {
	var out []Item
	for _, r := range text {
		if ticked, box := f.Box(r); box {
			out = append(out, Item{Box: &ticked})
		}
	}
	return out
}

// pickedDate is a date picker's date (w:fullDate, "2026-11-02T00:00:00Z")
// as YYYY-MM-DD; "" if it has none or it is not a date.
func pickedDate(t token) string {
	full, _ := attr(t, "fullDate")
	if len(full) < 10 || !validISODate(full[:10]) {
		return ""
	}
	return full[:10]
}

// validISODate reports whether s is a date as YYYY-MM-DD.
func validISODate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// runSymbols is the symbol font a run's letters are drawn in: its rFonts'
// ascii or hAnsi font (the fonts Latin letters take), never its eastAsia
// or cs ones, which a Latin answer is not written in.
func runSymbols(props []byte) symbolfont.Font {
	i := bytes.Index(props, []byte("rFonts"))
	if i < 0 {
		return symbolfont.None
	}
	tag := props[i:]
	if end := bytes.IndexByte(tag, '>'); end >= 0 {
		tag = tag[:end]
	}
	ascii, _ := wAttr(tag, "ascii")
	hAnsi, _ := wAttr(tag, "hAnsi")
	return symbolfont.Of(ascii + " " + hAnsi)
}

// ReadDOCX reads the referral form from a Word document: see OpenDOCX for
// what it refuses, and mapper for how answers are found.
func ReadDOCX(data []byte) (referral.Referral, []referral.Problem, error) {
	read := readDOCX(data)
	return read.Referral, read.Problems, read.Err
}

func readDOCX(data []byte) Read {
	d, err := OpenDOCX(data, DefaultLimits)
	if err != nil {
		return Read{Err: err} // its format is what it was taken for (ReadAs)
	}
	read := mapDocument(d, false)
	read.Format = DOCX
	if d.ODT {
		read.Format = ODT
	}
	checkAnswers(&read)
	return read
}
