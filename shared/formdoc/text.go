package formdoc

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// ReadJSON reads a referral written as JSON; see referral.DecodeJSON.
func ReadJSON(data []byte) (referral.Referral, []referral.Problem, error) {
	return referral.DecodeJSON(data)
}

var sectionRE = regexp.MustCompile(`(?i)^\s*section\s+(\d{1,2})\b`)

// ReadText reads the form laid out as text: a "SECTION N" line starts a
// section, and a line that begins with a field's printed label gives its
// answer, after the label on the same line ("EMAIL: a@b.gov.uk") or on the
// lines below it up to the next label. A label printed twice in a section
// (JOB TITLE in Section 1) fills its fields in order. Options in lists are
// separated by commas or semicolons. Rows of tables are read for the
// first row only; the Word reader reads tables.
func ReadText(data []byte) (referral.Referral, []referral.Problem, error) {
	var probs []referral.Problem
	if !utf8.Valid(data) {
		probs = append(probs, referral.Problem{Code: "encoding", Message: "The text is not valid UTF-8: some characters could not be read and were replaced with �. Check names and addresses, or send the Word form"})
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	// The form pasted with its section headings (from Word, or an HTML
	// e-mail whose tables became tab-separated lines) is read as a
	// document, with its tables and tick boxes; loose "LABEL: value" lines
	// line by line.
	for _, line := range lines {
		if sectionRE.MatchString(line) {
			r, more, err := MapDocument(textDocument(lines))
			return r, append(probs, more...), err
		}
	}
	r, more := readLines(lines)
	return r, append(probs, more...), nil
}

// textDocument turns lines of text into a document: runs of lines with
// tabs become a table whose cells are the tab-separated parts; other lines
// are paragraphs. Ticks typed as [x] or ☒ become tick boxes.
func textDocument(lines []string) Document {
	var d Document
	var table *Table
	for _, line := range lines {
		line = tickMarks.Replace(line)
		if strings.TrimSpace(line) == "" {
			continue // blank lines say nothing, and must not split a table
		}
		if !strings.Contains(line, "\t") {
			table = nil
			d.Blocks = append(d.Blocks, Block{Para: textPara(line)})
			continue
		}
		if table == nil {
			table = &Table{}
			d.Blocks = append(d.Blocks, Block{Table: table})
		}
		var row Row
		for _, cell := range strings.Split(line, "\t") {
			row.Cells = append(row.Cells, Cell{Span: 1, Blocks: []Block{{Para: textPara(cell)}}})
		}
		table.Rows = append(table.Rows, row)
	}
	return d
}

// textPara is a line as a paragraph, its ☒ and ☐ as tick boxes.
func textPara(line string) *Para {
	p := &Para{}
	start := 0
	for i, r := range line {
		if r != '☒' && r != '☐' {
			continue
		}
		if i > start {
			p.Items = append(p.Items, Item{Text: line[start:i]})
		}
		ticked := r == '☒'
		p.Items = append(p.Items, Item{Box: &ticked})
		start = i + len(string(r))
	}
	if start < len(line) {
		p.Items = append(p.Items, Item{Text: line[start:]})
	}
	return p
}

// readLines reads loose "LABEL: value" lines, with no section headings
// to say where they belong: each line's label is looked for in every
// section, an unanswered field first (so a second FULL NAME is the
// child's). An answer runs on to the lines below it up to the next label.
func readLines(lines []string) (referral.Referral, []referral.Problem) {
	var r referral.Referral
	m := &mapper{filled: map[string]bool{}, matches: map[matchKey]matchResult{}}
	var current *referral.Field
	var value []string
	flush := func() {
		if current == nil {
			return
		}
		setText(&r, *current, strings.TrimSpace(strings.Join(value, "\n")))
		m.filled[current.Path] = true
		current, value = nil, nil
	}
	for _, line := range lines {
		f, rest, ok := m.matchAnySection(line)
		if !ok {
			if current != nil {
				value = append(value, line)
			}
			continue
		}
		flush()
		current, value = &f, []string{rest}
	}
	flush()
	return r, nil
}

// matchAnySection finds a line's label in any section, the criteria boxes
// included, preferring a field not yet answered.
func (m *mapper) matchAnySection(line string) (referral.Field, string, bool) {
	k := key(line)
	for _, f := range labelIndex[0].fields {
		if lk := key(f.Label); k == lk || hasWordPrefix(k, lk) {
			return f, restAfter(line, len(lk)), true
		}
	}
	var first referral.Field
	var firstRest string
	found := false
	for s := 1; s < len(labelIndex); s++ {
		m.section = s
		f, rest, ok := m.match(line)
		if !ok {
			continue
		}
		if !m.filled[f.Path] {
			return f, rest, true
		}
		if !found {
			first, firstRest, found = f, rest, true
		}
	}
	return first, firstRest, found
}

// tickMarks are the ways people tick in plain text: [x], [X], (x), [✓].
var tickMarks = strings.NewReplacer("[x]", "☒", "[X]", "☒", "(x)", "☒", "(X)", "☒", "[✓]", "☒", "[✔]", "☒", "[ ]", "☐", "( )", "☐", "[]", "☐")

// setText writes one answer, splitting lists into options.
func setText(r *referral.Referral, f referral.Field, value string) {
	if value == "" {
		return
	}
	path := rowZero(f.Path)
	switch f.Kind {
	case referral.YesNo, referral.YesNoUnsure, referral.Tick:
		// "YES [ ] NO [x]": the option with the tick.
		marked := tickMarks.Replace(value)
		if strings.ContainsAny(marked, "☒☐") {
			if v := typedGlyphOption([]Item{{Text: marked}}); v != "" {
				value = v
			} else if f.Kind == referral.Tick && strings.Contains(marked, "☒") {
				value = "yes"
			} else {
				return // boxes, none ticked
			}
		}
	case referral.Multi:
		for _, opt := range strings.FieldsFunc(value, func(c rune) bool { return c == ',' || c == ';' || c == '\n' }) {
			if opt = strings.TrimSpace(opt); opt != "" {
				_ = referral.Set(r, path, opt)
			}
		}
		return
	}
	_ = referral.Set(r, path, value) // every path comes from the Form
}

// rowZero puts a table field in its first row: "children.fullName" →
// "children[0].fullName".
func rowZero(path string) string {
	for _, t := range referral.Tables {
		if strings.HasPrefix(path, t.Path+".") {
			return t.Path + "[0]" + strings.TrimPrefix(path, t.Path)
		}
	}
	return path
}

// labelKey reduces a label to capital letters and digits separated by
// single spaces, so "Full name:" matches "FULL NAME".
func labelKey(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch {
		case r < 0x80 && (('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')):
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b = append(b, byte(r))
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = utf8.AppendRune(b, unicode.ToUpper(r))
		default:
			space = true
		}
	}
	return string(b)
}

// restAfter returns what follows the part of line whose label key is n
// bytes long: the answer, without the separator. It counts the key as
// labelKey builds it, in one pass.
func restAfter(line string, n int) string {
	length, space := 0, false
	for i, r := range line {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && length > 0 {
				length++
			}
			space = false
			length += utf8.RuneLen(unicode.ToUpper(r))
			if length >= n {
				return strings.TrimLeft(line[i+utf8.RuneLen(r):], " \t:-–—=?)")
			}
		} else {
			space = true
		}
	}
	return ""
}
