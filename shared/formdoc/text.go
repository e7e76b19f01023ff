package formdoc

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/symbolfont"
)

// ReadJSON reads a referral written as JSON; see referral.DecodeJSON.
func ReadJSON(data []byte) (referral.Referral, []referral.Problem, error) {
	return referral.DecodeJSON(data)
}

var sectionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*section\s+(\d{1,2})\b`) })

// ReadText reads the form laid out as text: a "SECTION N" line starts a
// section, and a line that begins with a field's printed label gives its
// answer, after the label on the same line ("EMAIL: a@b.gov.uk") or on the
// lines below it up to the next label. A label printed twice in a section
// (JOB TITLE in Section 1) fills its fields in order. Options in lists are
// separated by commas or semicolons. Without headings, a label answered
// already in a repeating table starts its next row (see readLines).
func ReadText(data []byte) (referral.Referral, []referral.Problem, error) {
	read := readText(data)
	return read.Referral, read.Problems, read.Err
}

func readText(data []byte) Read {
	read := readTextFrom(data, false)
	read.Format = Text
	return read
}

// readTextFrom is readText; hiddenTicks says the text came from a PDF,
// where options printed without a tick may have one drawn as a shape: such
// a question is unreadable, not unanswered.
func readTextFrom(data []byte, hiddenTicks bool) Read {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte-order mark, as LibreOffice writes
	var probs []referral.Problem
	if !utf8.Valid(data) {
		probs = append(probs, referral.Problem{Code: "encoding", Message: "The text is not valid UTF-8: some characters could not be read and were replaced with �. Check names and addresses, or send the Word form"})
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	lines := strings.Split(symbolfont.Private.Replace(strings.ReplaceAll(string(data), "\r\n", "\n")), "\n")
	// The form pasted with its section headings (from Word, or an HTML
	// e-mail whose tables became tab-separated lines) is read as a
	// document, with its tables and tick boxes; loose "LABEL: value" lines
	// line by line.
	for _, line := range lines {
		if sectionRE().MatchString(line) {
			read := mapDocument(textDocument(lines), hiddenTicks)
			if read.Err == nil && prose(lines, len(read.Sources)) {
				return Read{Err: notTheForm()}
			}
			read.Problems = append(probs, read.Problems...)
			checkAnswers(&read)
			return read
		}
	}
	read, found := readLines(lines, hiddenTicks)
	if !found || prose(lines, len(read.Sources)) {
		return Read{Err: notTheForm()} // a letter, a chronology, a README: no label of the form in it, or one or two among many lines
	}
	read.Problems = append(probs, read.Problems...)
	checkAnswers(&read)
	return read
}

// textDocument turns lines of text into a document: runs of lines with
// tabs become a table whose cells are the tab-separated parts, tables
// laid out with spaces (spacedTable) tables too; other lines are
// paragraphs, each marked when it is the line right below another (a
// wrapped answer may go on there). Ticks typed as [x] or ☒ become tick
// boxes.
func textDocument(lines []string) Document {
	var d Document
	var table *Table
	blank := true // the line before was blank
	for i := 0; i < len(lines); i++ {
		line := tickMarks.Replace(lines[i])
		if strings.TrimSpace(line) == "" {
			blank = true
			continue // blank lines must not split a table
		}
		header := i+1 < len(lines) && len(dashGroups(lines[i+1])) >= 2 && dashGroups(line) == nil
		if header || len(dashGroups(line)) == 1 {
			from := i
			if header {
				from = i + 1
			}
			if rows, used, ok := spacedTable(lines[from:]); ok {
				if header {
					rows = append([]spacedRow{{splitColumns(lines[i], dashGroups(lines[i+1])), -1}}, rows...)
				}
				t := &Table{}
				for _, sr := range rows {
					row := Row{Line: from + sr.line + 1}
					for _, cell := range sr.cells {
						row.Cells = append(row.Cells, Cell{Span: 1, Blocks: []Block{{Para: textPara(tickMarks.Replace(cell))}}})
					}
					t.Rows = append(t.Rows, row)
				}
				d.Blocks = append(d.Blocks, Block{Table: t})
				table, blank, i = nil, true, from+used-1
				continue
			}
		}
		if !strings.Contains(line, "\t") {
			table = nil
			p := textPara(line)
			p.Wrapped, p.Line = !blank, i+1
			d.Blocks = append(d.Blocks, Block{Para: p})
			blank = false
			continue
		}
		blank = false
		if table == nil {
			table = &Table{}
			d.Blocks = append(d.Blocks, Block{Table: table})
		}
		row := Row{Line: i + 1}
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
// section. An unanswered field wins, one in the section of the line
// before first (so a second FULL NAME is the child's, and the labels of
// an agency stay together); a label answered already in a repeating table
// starts that table's next row (a second child, sibling or agency). An
// answer runs on to the lines below it up to the next label.
func readLines(lines []string, hiddenTicks bool) (Read, bool) {
	l := &looseReader{m: &mapper{filled: map[string]bool{}, matches: map[matchKey]matchResult{}, loose: true}, rows: map[string]int{}, seen: map[string]bool{}}
	var current string // the concrete path being answered
	var found bool     // any label of the form
	var field referral.Field
	var value []string
	var probs []referral.Problem
	src := map[string]referral.Source{}
	said := []string{} // the current answer's lines as written, label and all
	at := 0            // the line of the label being answered
	flush := func() {
		if current == "" {
			return
		}
		v := strings.TrimSpace(strings.Join(value, "\n"))
		if !setText(&l.r, field, current, v, hiddenTicks) {
			probs = append(probs, referral.Unreadable(current))
			v = "unread"
		}
		if v != "" && src[current].At == "" {
			src[current] = referral.SourceOf("line "+strconv.Itoa(at), strings.Join(said, "\n"))
		}
		current, value, said = "", nil, nil
	}
	for _, nl := range l.split(lines) {
		line := nl.text
		if t, n, ok := blockHeading(line); ok {
			// "Parent 2", "Agency 1": the lines below are that row's.
			flush()
			l.rows[t.Path], l.block = min(n-1, t.Max-1), t.Path
			if f, ok := referral.FieldByPath(t.Path + "." + firstColumnOf(t.Path)); ok {
				l.section = f.Section
			}
			continue
		}
		f, path, rest, ok := l.match(line)
		if !ok {
			if current != "" && runsOn(field, value, line) {
				value = append(value, line)
				said = append(said, line)
			} else if current != "" {
				flush()
			}
			continue
		}
		flush()
		found = true
		field, current, value, at, said = f, path, []string{rest}, nl.n, []string{line}
	}
	flush()
	return Read{Referral: l.r, Problems: probs, Sources: src}, found
}

// numbered is a line of text and its number, from 1.
type numbered struct {
	text string
	n    int
}

// split returns the lines, numbered, with each line of several "label:
// answer" pairs made one line a pair (see pairs).
func (l *looseReader) split(lines []string) []numbered {
	var out []numbered
	for i, line := range lines {
		if strings.Count(line, ":") < 2 {
			out = append(out, numbered{line, i + 1})
			continue
		}
		first := false
		for s := 1; s < len(looseIndex()) && !first; s++ {
			l.m.section = s
			f, _, ok := l.m.match(line)
			first = ok && f.Kind != referral.LongText
		}
		if !first {
			out = append(out, numbered{line, i + 1})
			continue
		}
		for _, p := range pairs(line, func(k string) bool { return looseKeys()[k] }) {
			out = append(out, numbered{p, i + 1})
		}
	}
	return out
}

// runsOn reports whether a line without a label continues the answer
// above it. A long answer (Sections 8 to 12) runs on to the next label,
// blank lines and all; a short one ends at the first blank line once it
// has words; a number, address of e-mail, date, postcode or choice is one
// line: what follows it ("Thanks, Alex", a heading typed as "Child") is
// not part of it.
func runsOn(f referral.Field, value []string, line string) bool {
	answered := strings.TrimSpace(strings.Join(value, "")) != ""
	if f.Kind != referral.Text && f.Kind != referral.LongText && (optionLine(line) || isOptionLine(f, line)) {
		return true // the options one a line, each with its box ("[x] Neglect") or none
	}
	switch f.Kind {
	case referral.LongText, referral.Multi:
		return true
	case referral.Text:
		return !answered || strings.TrimSpace(line) != "" && strings.TrimSpace(value[len(value)-1]) != ""
	default:
		return !answered
	}
}

// optionLine reports whether a line is an option with its box before or
// after it: "[x] Neglect", "( ) Other", "☐ YES", "Neglect ☒".
func optionLine(line string) bool {
	t := strings.TrimSpace(tickMarks.Replace(line))
	return t != "" && (strings.HasPrefix(t, "☒") || strings.HasPrefix(t, "☐") || strings.HasSuffix(t, "☒") || strings.HasSuffix(t, "☐"))
}

// tickedLines reads options written one a line with their boxes: the
// ticked options' words, and whether any line had a box.
func tickedLines(value string) (ticked []string, boxed bool) {
	for _, line := range strings.Split(value, "\n") {
		if !optionLine(line) {
			continue
		}
		boxed = true
		t := strings.TrimSpace(tickMarks.Replace(line))
		if strings.HasPrefix(t, "☒") || strings.HasSuffix(t, "☒") {
			if opt := strings.TrimSpace(strings.Trim(t, "☒☐")); opt != "" {
				ticked = append(ticked, opt)
			}
		}
	}
	return ticked, boxed
}

// looseKeys() are the keys of every label, table columns too.
var looseKeys = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, s := range looseIndex() {
		for _, keys := range s.keys {
			for _, k := range keys {
				out[k] = true
			}
		}
	}
	return out
})

// looseReader places loose lines: the rows each table has reached and
// the answers given.
type looseReader struct {
	r       referral.Referral
	m       *mapper
	rows    map[string]int  // table → its current row
	seen    map[string]bool // concrete paths answered
	section int             // the section of the last label found
	last    string          // the field of the last label found (its path without rows)
	block   string          // the table a block heading ("Agency 2") opened, until another
}

// blockRE is a heading typed above one row's lines: "Parent 1",
// "Agency 2:", "Sibling 3".
var blockRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\s*(child|parent|guardian|parent/guardian|sibling|agency)\s+(\d{1,2})\s*:?\s*$`)
})

// blockHeading reads a block heading: its table and its number (1 on).
func blockHeading(line string) (referral.Rows, int, bool) {
	m := blockRE().FindStringSubmatch(line)
	if m == nil {
		return referral.Rows{}, 0, false
	}
	path := map[string]string{"child": "children", "parent": "parents", "guardian": "parents", "parent/guardian": "parents",
		"sibling": "siblings", "agency": "agencies"}[strings.ToLower(m[1])]
	n := 0
	fmt.Sscan(m[2], &n)
	for _, t := range referral.Tables {
		if t.Path == path && n >= 1 {
			return t, n, true
		}
	}
	return referral.Rows{}, 0, false
}

// firstColumnOf is the first field of a table in the form's order.
func firstColumnOf(table string) string {
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if strings.HasPrefix(f.Path, table+".") {
				return strings.TrimPrefix(f.Path, table+".")
			}
		}
	}
	return ""
}

// at is a field's concrete path in its table's current row.
func (l *looseReader) at(f referral.Field) (string, referral.Rows, bool) {
	for _, t := range referral.Tables {
		if strings.HasPrefix(f.Path, t.Path+".") {
			return fmt.Sprintf("%s[%d]%s", t.Path, l.rows[t.Path], strings.TrimPrefix(f.Path, t.Path)), t, true
		}
	}
	return f.Path, referral.Rows{}, false
}

// match finds the field a line labels and the path it answers.
func (l *looseReader) match(line string) (referral.Field, string, string, bool) {
	k := key(line)
	for _, f := range labelIndex()[0].fields {
		if lk := key(f.Label); k == lk || hasWordPrefix(k, lk) {
			l.seen[f.Path] = true
			return f, f.Path, restAfter(line, len(lk)), true
		}
	}
	type candidate struct {
		f    referral.Field
		rest string
	}
	var cands []candidate
	for s := 1; s < len(labelIndex()); s++ {
		l.m.section = s
		f, rest, ok := l.m.match(line)
		if !ok {
			continue
		}
		// A label printed after two questions ("If other, please state")
		// answers the one just asked; a label printed twice in a section
		// (JOB TITLE) answers its fields in order.
		twin := false
		for i, g := range looseIndex()[s].fields {
			if i > 0 && key(g.Label) == key(f.Label) && looseIndex()[s].fields[i-1].Path == l.last {
				f, twin = g, true
				break
			}
		}
		if p, _, _ := l.at(f); l.seen[p] && !twin {
			for _, g := range looseIndex()[s].fields {
				if gp, _, _ := l.at(g); g.Path != f.Path && key(g.Label) == key(f.Label) && !l.seen[gp] {
					f = g
					break
				}
			}
		}
		cands = append(cands, candidate{f, rest})
	}
	if len(cands) == 0 {
		return referral.Field{}, "", "", false
	}
	pick := func(c candidate) (referral.Field, string, string, bool) {
		path, t, inTable := l.at(c.f)
		if l.seen[path] && inTable && l.rows[t.Path] < t.Max-1 {
			l.rows[t.Path]++ // answered in this row already: the next row
			path, _, _ = l.at(c.f)
		}
		l.seen[path] = true
		l.section, l.last = c.f.Section, c.f.Path
		return c.f, path, c.rest, true
	}
	unanswered := func(c candidate) bool { p, _, _ := l.at(c.f); return !l.seen[p] }
	inTable := func(c candidate) bool { _, _, ok := l.at(c.f); return ok }
	if l.block != "" { // under a block heading: that row's fields first, in that row
		for _, c := range cands {
			if strings.HasPrefix(c.f.Path, l.block+".") {
				path, _, _ := l.at(c.f)
				l.seen[path] = true
				l.section, l.last = c.f.Section, c.f.Path
				return c.f, path, c.rest, true
			}
		}
	}
	if t := tableOfPath(l.last); t != "" && t != "children" { // a table's columns on one line: that table's
		for _, c := range cands {
			if strings.HasPrefix(c.f.Path, t+".") {
				return pick(c)
			}
		}
	}
	for _, c := range cands { // unanswered, in the section of the line before
		if c.f.Section == l.section && unanswered(c) {
			return pick(c)
		}
	}
	for _, c := range cands { // the next row of a table in that section
		if c.f.Section == l.section && inTable(c) {
			return pick(c)
		}
	}
	for _, c := range cands { // unanswered anywhere
		if unanswered(c) {
			return pick(c)
		}
	}
	for _, c := range cands { // the next row of any table
		if inTable(c) {
			return pick(c)
		}
	}
	return pick(cands[0])
}

// tickMarks are the ways people tick in plain text: [x], [X], (x), [✓].
var tickMarks = strings.NewReplacer("[x]", "☒", "[X]", "☒", "(x)", "☒", "(X)", "☒", "[✓]", "☒", "[✔]", "☒", "[ ]", "☐", "( )", "☐", "[]", "☐")

// setText writes one answer at path, splitting lists into options, and
// says whether it could be read: boxes beside no option, or (hiddenTicks,
// a PDF) options printed with no tick to be seen, cannot.
func setText(r *referral.Referral, f referral.Field, path, value string, hiddenTicks bool) bool {
	if value == "" {
		return true
	}
	switch optionsOnly(f, value, hiddenTicks) {
	case noneChosen:
		return true
	case cannotTell:
		return false
	}
	switch f.Kind {
	case referral.YesNo, referral.YesNoUnsure, referral.Tick:
		// "YES [ ] NO [x]": the option with the tick.
		marked := tickMarks.Replace(value)
		if onlyOptions(marked) {
			return !hiddenTicks // the options printed, none ticked: unanswered
		}
		v, unsure := tickState([]Item{{Text: marked}}, f.Kind)
		switch {
		case v != "":
			value = v // ticks beside the options: "YES NO X", "[ ] YES [x] NO"
		case unsure:
			return false
		case f.Kind == referral.Tick && strings.Contains(marked, "☒"):
			value = "yes"
		case strings.ContainsAny(marked, "☒☐"):
			return true // boxes, none ticked
		}
	case referral.Choice, referral.Multi:
		if ticked, boxed := tickedLines(value); boxed {
			// Options one a line with their boxes: the ticked ones; none
			// ticked is unanswered; two ticked of a single choice cannot
			// be read.
			if f.Kind == referral.Choice && len(ticked) > 1 {
				return false
			}
			for _, opt := range ticked {
				_ = referral.Set(r, path, opt)
			}
			return true
		}
		if f.Kind == referral.Choice {
			break
		}
		for _, opt := range strings.FieldsFunc(value, func(c rune) bool { return c == ',' || c == ';' || c == '\n' }) {
			if opt = strings.TrimSpace(opt); opt != "" {
				_ = referral.Set(r, path, opt)
			}
		}
		return true
	}
	_ = referral.Set(r, path, value) // every path comes from the Form
	return true
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

// prose reports whether lines with a few answers found among them are
// writing that is not the form (a long letter, a README that names a label
// in passing): fewer than five answers in a hundred lines of text or more.
// A reply giving a corrected answer or two, with our acknowledgement quoted
// below it (some sixty lines), is still read as the form.
func prose(lines []string, answers int) bool {
	text := 0
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			text++
		}
	}
	return answers < 5 && text >= 100
}
