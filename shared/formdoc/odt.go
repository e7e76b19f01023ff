package formdoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/symbolfont"
)

// An OpenDocument text file (.odt: LibreOffice's own, and what it and
// Google Docs save when asked) is read into the same Document as a Word
// file, so one mapper reads both: paragraphs, headings and lists as
// paragraphs; tables with their merged cells; check boxes (Word's
// converted ones and LibreOffice's content controls), dates as the
// controls hold them, bold and highlighted text as marked.

// ODT is the format of an OpenDocument text file.
const ODT = "odt"

const odtMime = "application/vnd.oasis.opendocument.text"

// OpenDocument's namespaces, by what they hold.
const (
	nsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsStyle  = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
	nsFO     = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
	nsField  = "urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0"
	nsLOExt  = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
	nsSVG    = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
)

// isODT reports whether a zip's entries are an OpenDocument text file's.
func isODT(files []*zip.File) (*zip.File, bool) {
	var content *zip.File
	odt := false
	for _, f := range files {
		switch f.Name {
		case "content.xml":
			content = f
		case "mimetype":
			if f.UncompressedSize64 < 100 {
				if rc, err := f.Open(); err == nil {
					b, _ := io.ReadAll(io.LimitReader(rc, 100))
					rc.Close()
					odt = strings.TrimSpace(string(b)) == odtMime
				}
			}
		}
	}
	return content, odt && content != nil
}

// openODT reads an OpenDocument text file's content.xml.
func openODT(files []*zip.File, content *zip.File, lim Limits) (Document, error) {
	for _, f := range files {
		if name := strings.ToLower(f.Name); strings.HasPrefix(name, "basic/") && strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, "script-lc.xml") {
			return Document{}, errs.E(errs.Invalid, "Documents with macros are not accepted. Please save the form as a Word document (.docx) without macros and send it again")
		}
	}
	if content.UncompressedSize64 > uint64(lim.XML) {
		return Document{}, errs.E(errs.Invalid, "The document's text would unpack to %d MB, more than the %d MB a form holds; it may be damaged", content.UncompressedSize64>>20, lim.XML>>20)
	}
	defer readTurn()()
	rc, err := content.Open()
	if err != nil {
		return Document{}, errs.Wrap(errs.Invalid, err, "The document is damaged and cannot be read")
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, lim.XML+1))
	if err != nil {
		return Document{}, errs.Wrap(errs.Invalid, err, "The document is damaged and cannot be read")
	}
	if int64(len(data)) > lim.XML {
		return Document{}, errs.E(errs.Invalid, "The document's text is larger than %d MB; it may be damaged", lim.XML>>20)
	}
	p := &odtParser{dec: xml.NewDecoder(bytes.NewReader(data)), lim: lim, marked: map[string]bool{}, faces: map[string]string{}, symbols: map[string]symbolfont.Font{}}
	d, err := p.document()
	if err != nil {
		return Document{}, errs.Wrap(errs.Invalid, err, "The document is damaged and cannot be read")
	}
	return d, nil
}

// odtParser walks content.xml.
type odtParser struct {
	dec     *xml.Decoder
	lim     Limits
	depth   int
	marked  map[string]bool            // automatic styles that make text bold, highlighted or shaded
	faces   map[string]string          // font face → its font family
	symbols map[string]symbolfont.Font // automatic styles in a symbol font
}

// odtRun is what the text being read is written in.
type odtRun struct {
	marked bool
	font   symbolfont.Font
}

// in is the run inside a span of style name.
func (p *odtParser) in(r odtRun, style string) odtRun {
	if p.marked[style] {
		r.marked = true
	}
	if f, ok := p.symbols[style]; ok {
		r.font = f
	}
	return r
}

func (p *odtParser) document() (Document, error) {
	for {
		t, err := p.token()
		if err != nil {
			return Document{}, err
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case se.Name.Space == nsOffice && se.Name.Local == "font-face-decls":
			err := p.each(se.Name, func(f xml.StartElement) error {
				if f.Name.Space == nsStyle && f.Name.Local == "font-face" {
					p.faces[odtAttr(f, nsStyle, "name")] = odtAttr(f, nsSVG, "font-family")
				}
				return p.skip()
			}, nil)
			if err != nil {
				return Document{}, err
			}
		case se.Name.Space == nsOffice && se.Name.Local == "automatic-styles":
			if err := p.styles(se.Name); err != nil {
				return Document{}, err
			}
		case se.Name.Space == nsOffice && se.Name.Local == "text":
			blocks, err := p.blocks(se.Name)
			return Document{Blocks: blocks}, err
		}
	}
}

// token is the next token, within the depth limit.
func (p *odtParser) token() (xml.Token, error) {
	t, err := p.dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		if p.depth++; p.depth > p.lim.Depth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		p.depth--
	}
	return t, nil
}

// each calls fn with every child element of the element named end, and
// stops at its end tag; fn must consume the child whole.
func (p *odtParser) each(end xml.Name, fn func(xml.StartElement) error, text func(string)) error {
	for {
		t, err := p.token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		case xml.CharData:
			if text != nil {
				text(string(t))
			}
		case xml.EndElement:
			if t.Name == end {
				return nil
			}
		}
	}
}

func (p *odtParser) skip() error {
	depth := 1
	for depth > 0 {
		t, err := p.token()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

func odtAttr(se xml.StartElement, space, local string) string {
	for _, a := range se.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// styles reads which automatic text styles mark text: bold, a
// highlight or a background.
func (p *odtParser) styles(end xml.Name) error {
	return p.each(end, func(se xml.StartElement) error {
		if se.Name.Space != nsStyle || se.Name.Local != "style" {
			return p.skip()
		}
		name := odtAttr(se, nsStyle, "name")
		return p.each(se.Name, func(c xml.StartElement) error {
			if c.Name.Space == nsStyle && c.Name.Local == "text-properties" {
				bg := odtAttr(c, nsFO, "background-color")
				if odtAttr(c, nsFO, "font-weight") == "bold" || (bg != "" && bg != "transparent" && !strings.EqualFold(bg, "#ffffff")) {
					p.marked[name] = true
				}
				face := odtAttr(c, nsStyle, "font-name")
				if f := symbolfont.Of(p.faces[face] + " " + face); f != symbolfont.None {
					p.symbols[name] = f
				}
			}
			return p.skip()
		}, nil)
	}, nil)
}

// blocks reads paragraphs, headings, lists, sections and tables.
func (p *odtParser) blocks(end xml.Name) ([]Block, error) {
	var out []Block
	err := p.each(end, func(se xml.StartElement) error {
		switch {
		case se.Name.Space == nsText && (se.Name.Local == "p" || se.Name.Local == "h"):
			para := &Para{}
			if err := p.inline(se.Name, para, p.in(odtRun{}, odtAttr(se, nsText, "style-name"))); err != nil {
				return err
			}
			out = append(out, Block{Para: para})
		case se.Name.Space == nsText && (se.Name.Local == "list" || se.Name.Local == "list-item" || se.Name.Local == "list-header" || se.Name.Local == "section"):
			inner, err := p.blocks(se.Name)
			out = append(out, inner...)
			return err
		case se.Name.Space == nsTable && se.Name.Local == "table":
			t, err := p.table(se.Name)
			if err != nil {
				return err
			}
			out = append(out, Block{Table: t})
		default: // tracked changes' deleted text, forms, declarations, drawings
			return p.skip()
		}
		return nil
	}, nil)
	return out, err
}

// table reads a table's rows; cells merged down (number-rows-spanned)
// are marked as Word marks them, so the mapper reads both alike.
func (p *odtParser) table(end xml.Name) (*Table, error) {
	t := &Table{}
	down := map[int]int{} // column → rows still covered by a cell above
	var rows func(end xml.Name) error
	rows = func(end xml.Name) error {
		return p.each(end, func(se xml.StartElement) error {
			if se.Name.Space != nsTable {
				return p.skip()
			}
			switch se.Name.Local {
			case "table-header-rows", "table-rows", "table-row-group":
				return rows(se.Name)
			case "table-row":
				row, err := p.row(se.Name, down)
				if err != nil {
					return err
				}
				for range max(1, atoiOr(odtAttr(se, nsTable, "number-rows-repeated"), 1)) {
					t.Rows = append(t.Rows, row)
					if len(t.Rows) > 10000 {
						return errors.New("too many rows")
					}
				}
				return nil
			}
			return p.skip()
		}, nil)
	}
	return t, rows(end)
}

func (p *odtParser) row(end xml.Name, down map[int]int) (Row, error) {
	var row Row
	col := 0
	err := p.each(end, func(se xml.StartElement) error {
		if se.Name.Space != nsTable {
			return p.skip()
		}
		switch se.Name.Local {
		case "table-cell":
			span := min(max(1, atoiOr(odtAttr(se, nsTable, "number-columns-spanned"), 1)), 64)
			blocks, err := p.blocks(se.Name)
			if err != nil {
				return err
			}
			c := Cell{Blocks: blocks, Span: span}
			if n := atoiOr(odtAttr(se, nsTable, "number-rows-spanned"), 1); n > 1 {
				c.VMerge = "restart"
				down[col] = n - 1
			}
			row.Cells = append(row.Cells, c)
			col += span
		case "covered-table-cell":
			if down[col] > 0 { // under a cell merged down: Word's "continue"
				down[col]--
				row.Cells = append(row.Cells, Cell{Span: 1, VMerge: "continue"})
			}
			col++ // else beside a cell merged across, which its span covers
			return p.skip()
		default:
			return p.skip()
		}
		return nil
	}, nil)
	return row, err
}

// inline reads a paragraph's text, spaces, tabs, breaks, check boxes and
// dates, in the run around it.
func (p *odtParser) inline(end xml.Name, para *Para, r odtRun) error {
	return p.each(end, func(se xml.StartElement) error {
		switch se.Name.Space {
		case nsText:
			switch se.Name.Local {
			case "s":
				para.Items = append(para.Items, Item{Text: strings.Repeat(" ", min(max(1, atoiOr(odtAttr(se, nsText, "c"), 1)), 1000))})
			case "tab":
				para.Items = append(para.Items, Item{Text: "\t"})
			case "line-break":
				para.Items = append(para.Items, Item{Text: "\n"})
			case "span", "a", "meta", "ruby", "ruby-base":
				return p.inline(se.Name, para, p.in(r, odtAttr(se, nsText, "style-name")))
			}
			return p.skip() // and notes, bookmarks, change marks, placeholders: not the answer
		case nsField: // Word's check-box form field, as LibreOffice keeps it
			if odtAttr(se, nsField, "type") == "vnd.oasis.opendocument.field.FORMCHECKBOX" {
				ticked := false
				err := p.each(se.Name, func(c xml.StartElement) error {
					if c.Name.Local == "param" && odtAttr(c, nsField, "name") == "Checkbox_Checked" {
						ticked = odtAttr(c, nsField, "value") == "true"
					}
					return p.skip()
				}, nil)
				para.Items = append(para.Items, Item{Box: &ticked})
				return err
			}
			return p.skip()
		case nsLOExt:
			if se.Name.Local != "content-control" {
				return p.skip()
			}
			return p.control(se, para, r)
		}
		return p.skip() // drawings, frames, annotations
	}, func(s string) {
		// White space in the file is one space (ODF's rule; spaces kept
		// are written as text:s).
		s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
		for strings.Contains(s, "  ") {
			s = strings.ReplaceAll(s, "  ", " ")
		}
		if r.font != symbolfont.None {
			para.Items = append(para.Items, symbolItems(r.font, s)...)
			return
		}
		para.Items = append(para.Items, Item{Text: s, Marked: r.marked && strings.TrimSpace(s) != ""})
	})
}

// control reads one of LibreOffice's content controls (Word's, converted):
// a check box as a box, a date as the date it holds, a placeholder as
// nothing, anything else as its text.
func (p *odtParser) control(se xml.StartElement, para *Para, r odtRun) error {
	switch {
	case odtAttr(se, nsLOExt, "showing-place-holder") == "true":
		return p.skip()
	case odtAttr(se, nsLOExt, "checkbox") == "true":
		ticked := odtAttr(se, nsLOExt, "checked") == "true"
		para.Items = append(para.Items, Item{Box: &ticked})
		return p.skip()
	case odtAttr(se, nsLOExt, "date") == "true" && len(odtAttr(se, nsLOExt, "current-date")) >= 10:
		if d := odtAttr(se, nsLOExt, "current-date")[:10]; validISODate(d) {
			para.Items = append(para.Items, Item{Text: d, Marked: r.marked})
			return p.skip()
		}
	}
	return p.inline(se.Name, para, r)
}

func atoiOr(s string, or int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return or
}
