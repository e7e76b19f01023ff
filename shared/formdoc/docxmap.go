package formdoc

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

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

// pendingLabel is a label whose answer is expected in the next row.
type pendingLabel struct {
	field referral.Field
	path  string
	col   int    // grid column of the label
	said  string // the label as written on its line
}

// wrapsOn reports whether a line is the rest of the label above it,
// wrapped onto the next line ("… CONDUCT OF A STAFF" / "MEMBER?"), not
// its answer.
func (pl pendingLabel) wrapsOn(line string) bool {
	k := key(line)
	return k != "" && pl.said != "" && key(pl.said+" "+line) == key(pl.field.Label) && key(pl.said) != key(pl.field.Label)
}

// cellInfo is one cell as the mapper sees it.
type cellInfo struct {
	table int      // which table the row is in; 0 for a paragraph
	col   int      // first grid column
	lines []string // paragraphs
	items []Item   // every item, for boxes
	key   string   // the label key of all its text
	// wrapped: a paragraph of text right below the line before it
	wrapped bool
	where   place // where it is in the document
}

func (c cellInfo) text() string { return strings.Join(c.lines, "\n") }

// rowsOf flattens the document into rows of cells in reading order; a
// paragraph outside tables is a row of one cell.
func rowsOf(blocks []Block) [][]cellInfo {
	var rows [][]cellInfo
	tables, paras := 0, 0
	for _, b := range blocks {
		switch {
		case b.Para != nil:
			paras++
			where := place{para: paras, line: b.Para.Line}
			rows = append(rows, []cellInfo{{lines: []string{b.Para.Text()}, items: b.Para.Items, wrapped: b.Para.Wrapped, where: where}})
		case b.Table != nil:
			tables++
			for ri, r := range b.Table.Rows {
				var row []cellInfo
				col := 0
				where := place{table: tables, row: ri + 1, line: r.Line}
				for _, c := range r.Cells {
					ci := cellInfo{table: tables, col: col, where: where}
					if c.VMerge != "continue" {
						collect(&ci, c.Blocks)
					}
					ci.key = key(ci.text())
					row = append(row, ci)
					col += max(c.Span, 1)
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}

func collect(ci *cellInfo, blocks []Block) {
	for _, b := range blocks {
		switch {
		case b.Para != nil:
			ci.lines = append(ci.lines, b.Para.Text())
			ci.items = append(ci.items, b.Para.Items...)
		case b.Table != nil:
			for _, r := range b.Table.Rows {
				for _, c := range r.Cells {
					collect(ci, c.Blocks)
				}
			}
		}
	}
}

var headingRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*section\s+(\d{1,2})\b[\s:.\-–]*(.*)$`) })

// heading matches a "SECTION N: TITLE" line; the regular expression runs
// only on lines that start with the word, as few do.
func heading(line string) []string {
	t := strings.TrimLeft(line, " \t\n\f\r")
	if len(t) < 8 || !strings.EqualFold(t[:7], "section") {
		return nil
	}
	return headingRE().FindStringSubmatch(line)
}

// mapper places what a document says into a referral.
type mapper struct {
	r       referral.Referral
	probs   []referral.Problem
	section int
	filled  map[string]bool // paths answered
	child   int             // current child row in Section 2
	// childCols: a Section 2 table with a child a column ("| Child 1 |
	// Child 2"), its columns' children, in table childTable.
	childCols  map[int]int
	childTable int
	across     *acrossTable    // a repeating table laid out a row a column
	grid       *referral.Field // the closed list whose option grid comes next
	capture    *referral.Field // the free-text answer being collected
	capText    []string
	below      []pendingLabel // labels whose answers are on the next row
	matches    map[matchKey]matchResult
	table      *tableState     // a repeating table being read
	seenAny    bool            // any label found at all
	loose      bool            // lines of loose text: table columns are labels too
	last       string          // the field whose label was found last (its path without rows)
	rows       map[string]int  // a table typed as paragraphs → its current row
	cont       *continued      // the answer a row with an empty label cell goes on with
	unread     map[string]bool // answers found and not read with certainty
	// hiddenTicks: the text comes from a PDF, where a tick drawn as a
	// shape has no text: options printed with no tick may have one.
	hiddenTicks bool
	appending   bool                       // set is adding to an answer, not answering again
	ptable      string                     // the table whose column label was found last
	options     *optionRows                // a question's options one a line below it
	at          place                      // where the row being read is
	capAt       place                      // where the text being captured starts
	src         map[string]referral.Source // where each answer was read, and its text there
	cur         []cellInfo                 // the row being read, for the sources' text
	capSrc      string                     // the text an answer was captured from, while it is set
}

func (m *mapper) labels() []sectionLabels {
	if m.loose {
		return looseIndex()
	}
	return labelIndex()
}

type tableState struct {
	table   int             // the Word table it is in
	path    string          // "siblings", "childProtection.siblingPlans"
	columns map[int]string  // grid column → field name
	row     int             // next row index
	width   int             // cells in the header row
	labels  map[string]bool // header texts, to skip repeated headers
}

// mapDocument maps a Word document's body to a referral, with where each
// answer was read; hiddenTicks says the document's text came from a PDF, where ticks drawn
// as shapes leave no text.
func mapDocument(d Document, hiddenTicks bool) Read {
	m := &mapper{hiddenTicks: hiddenTicks, filled: map[string]bool{}, section: 0, matches: make(map[matchKey]matchResult, 256),
		rows: map[string]int{}, src: map[string]referral.Source{}}
	rows := rowsOf(d.Blocks)
	for i := 0; i < len(rows); i++ {
		row := rows[i]
		if joined, n := m.wrappedLabel(rows[i:]); n > 0 {
			row, i = joined, i+n
		}
		var next []cellInfo
		if i+1 < len(rows) {
			next = rows[i+1]
		}
		if len(row) > 0 {
			m.at = row[0].where
		}
		m.cur = row
		m.row(row, next)
	}
	m.endOptions()
	m.endCapture()
	if !m.seenAny {
		return Read{Err: notTheForm()}
	}
	return Read{Referral: m.r, Problems: m.probs, Sources: m.src}
}

func (m *mapper) set(path, value string) {
	value = strings.TrimSpace(value)
	if value == "" || m.unread[path] {
		return
	}
	f, ok := referral.FieldByPath(path)
	if ok {
		switch optionsOnly(f, value, m.hiddenTicks) {
		case noneChosen:
			return
		case cannotTell:
			m.unreadable(path)
			return
		}
	}
	if ok && f.Kind != referral.Multi && m.filled[path] {
		if old := referral.Get(&m.r, path); old != "" && !strings.EqualFold(old, value) && !m.appending {
			m.unreadable(path) // two answers to one question: which is meant?
			return
		}
	}
	if ok && f.Kind == referral.Multi {
		for _, v := range strings.FieldsFunc(value, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
			if v = strings.TrimSpace(v); v != "" {
				_ = referral.Set(&m.r, path, v)
			}
		}
	} else {
		_ = referral.Set(&m.r, path, value)
	}
	m.filled[path] = true
	if m.src != nil && m.src[path].At == "" {
		m.src[path] = m.source()
	}
}

// source is where the answer being set stands, and the text there: the
// cell's, or the row's, or what was captured over several rows.
func (m *mapper) source() referral.Source {
	if m.capSrc != "" {
		return referral.SourceOf(m.at.String(), m.capSrc)
	}
	var parts []string
	for _, c := range m.cur {
		if m.at.cell == 0 || c.col == m.at.cell-1 {
			if t := strings.TrimSpace(strings.Join(c.lines, "\n")); t != "" {
				parts = append(parts, t)
			}
		}
	}
	return referral.SourceOf(m.at.String(), strings.Join(parts, " | "))
}

// unreadable leaves the answer at path empty, with a problem asking the
// referrer to check it (referral.Unreadable).
func (m *mapper) unreadable(path string) {
	if m.unread == nil {
		m.unread = map[string]bool{}
	}
	if m.unread[path] {
		return
	}
	m.unread[path], m.filled[path] = true, true
	if m.src != nil {
		m.src[path] = m.source()
	}
	referral.Clear(&m.r, path)
	m.probs = append(m.probs, referral.Unreadable(path))
}

// place is where a row is in a document: a Word table's row, a
// paragraph, or a line of text. Its words are made only for the answers.
type place struct {
	table, row, cell, para, line int
}

func (p place) String() string {
	switch {
	case p.line > 0:
		return "line " + strconv.Itoa(p.line)
	case p.table > 0 && p.cell > 0:
		return "table " + strconv.Itoa(p.table) + ", row " + strconv.Itoa(p.row) + ", cell " + strconv.Itoa(p.cell)
	case p.table > 0:
		return "table " + strconv.Itoa(p.table) + ", row " + strconv.Itoa(p.row)
	case p.para > 0:
		return "paragraph " + strconv.Itoa(p.para)
	}
	return ""
}

// continued is an answer read from a table's answer cell, which the next
// rows go on with while their label cells are empty: an address over two
// rows, or a cell's text wrapped onto the next line of a PDF.
type continued struct {
	path  string
	table int
	col   int
}

// continues adds a row whose label cell is empty to the answer above it.
func (m *mapper) continues(row []cellInfo) bool {
	c := m.cont
	if c != nil && c.table == 0 {
		return m.wrappedLine(row)
	}
	if c == nil || len(row) < 2 || row[0].table != c.table || row[0].table == 0 || strings.TrimSpace(row[0].text()) != "" {
		return false
	}
	var text []string
	for _, cell := range row {
		t := strings.TrimSpace(cell.text())
		if t == "" {
			continue
		}
		if cell.col < c.col || countBoxes(cell.items) > 0 {
			return false
		}
		text = append(text, t)
	}
	if len(text) == 0 || m.rowHasLabel(row) {
		return false
	}
	m.appending = true
	m.set(c.path, referral.Get(&m.r, c.path)+" "+strings.Join(text, " "))
	m.appending = false
	return true
}

// wrappedLine adds a line of text right below a "label: answer" line to
// that answer, when it has no label of its own: the answer wrapped
// ("…apply): Physical" / "Abuse"), or an address over two lines. A list
// takes the line's options; a text, its words.
func (m *mapper) wrappedLine(row []cellInfo) bool {
	c := m.cont
	if len(row) != 1 || row[0].table != 0 || !row[0].wrapped || len(row[0].lines) != 1 || countBoxes(row[0].items) > 0 {
		return false
	}
	line := strings.TrimSpace(row[0].lines[0])
	if line == "" || m.rowHasLabel(row) {
		return false
	}
	if f, _ := referral.FieldByPath(c.path); f.Kind == referral.Multi {
		m.set(c.path, line)
		return true
	}
	m.appending = true
	m.set(c.path, referral.Get(&m.r, c.path)+" "+line)
	m.appending = false
	return true
}

// wrappedLabel joins a label printed over several rows ("DOES INCIDENT
// RELATE TO" / "DEATH OF CHILD?": a narrow column, or a PDF's lines) into
// the first of them, and says how many rows it took in.
func (m *mapper) wrappedLabel(rows [][]cellInfo) ([]cellInfo, int) {
	first := rows[0]
	if len(first) == 0 || len(first[0].lines) != 1 || m.section <= 0 || len(rows) < 2 || !m.wrapsBelow(first, rows[1]) || m.rowHasLabel(first) {
		return nil, 0
	}
	label := strings.TrimSpace(first[0].lines[0])
	if label == "" {
		return nil, 0
	}
	for n := 1; n < len(rows) && n <= 3; n++ {
		r := rows[n]
		if !m.wrapsBelow(first, r) || m.rowHasLabel(r) {
			return nil, 0
		}
		label += " " + strings.TrimSpace(r[0].lines[0])
		if _, rest, ok := m.match(label); ok && rest == "" {
			joined := slices.Clone(first)
			joined[0].lines = []string{label}
			joined[0].items = append(slices.Clone(first[0].items), Item{Text: " " + strings.TrimSpace(r[0].lines[0])})
			joined[0].key = key(label)
			// The answers wrapped with it ("… UNSURE" / "☐") go on in their
			// cells.
			for _, below := range rows[1 : n+1] {
				for _, c := range below[1:] {
					if strings.TrimSpace(c.text()) == "" {
						continue
					}
					for j := range joined {
						if joined[j].col == c.col {
							joined[j].lines = append(slices.Clone(joined[j].lines), c.lines...)
							joined[j].items = append(append(slices.Clone(joined[j].items), Item{Text: " "}), c.items...)
						}
					}
				}
			}
			return joined, n
		}
	}
	return nil, 0
}

// wrapsBelow reports whether a row can be the next line of a label in
// row first: words in its first cell only (labelOnly), or — in a PDF's
// lines, where a table row's cells wrap together — with the rest of
// first's answers, wrapped too, in cells under theirs.
func (m *mapper) wrapsBelow(first, r []cellInfo) bool {
	if labelOnly(r) {
		return true
	}
	if !m.hiddenTicks {
		return false // a Word or ODT table keeps a cell's wrapped lines in the cell
	}
	if len(r) == 0 || len(r[0].lines) != 1 || r[0].col != 0 || countBoxes(r[0].items) > 0 || strings.TrimSpace(r[0].text()) == "" {
		return false
	}
	for _, c := range r[1:] {
		if strings.TrimSpace(c.text()) == "" {
			continue
		}
		if !slices.ContainsFunc(first[1:], func(f cellInfo) bool { return f.col == c.col && strings.TrimSpace(f.text()) != "" }) {
			return false
		}
	}
	return true
}

// labelOnly reports whether a row has words in its first cell only, one
// line of them and no boxes: how a label's second line looks.
func labelOnly(r []cellInfo) bool {
	if len(r) == 0 || len(r[0].lines) != 1 || r[0].col != 0 || countBoxes(r[0].items) > 0 {
		return false
	}
	for _, c := range r[1:] {
		if len(c.lines) > 0 && strings.TrimSpace(c.text()) != "" {
			return false
		}
	}
	return true
}

func (m *mapper) row(row []cellInfo, next []cellInfo) {
	if m.continues(row) {
		return
	}
	m.cont = nil
	// A section heading.
	for _, c := range row {
		if mm := heading(firstLine(c)); mm != nil {
			n, _ := strconv.Atoi(mm[1])
			if n >= 1 && n <= 12 {
				m.endCapture()
				m.section, m.table, m.grid = n, nil, nil
				m.seenAny = true
				if s := sectionDef(n); len(s.Fields) == 1 && s.Fields[0].Kind == referral.LongText {
					f := s.Fields[0]
					m.capture = &f
				} else if n == 12 {
					f, _ := referral.FieldByPath("otherReviews.details")
					m.capture = &f
				}
				return
			}
		}
	}
	if m.section == 0 {
		m.criteria(row)
	}
	if m.table != nil && m.tableRow(row) {
		return
	}
	if m.across != nil && m.acrossRow(row) {
		return
	}
	if m.columnHeader(row) || m.blockRow(row) || m.splitPairs(row, next) {
		return
	}
	if m.tableHeader(row) {
		return
	}
	if m.options != nil {
		if len(row) == 1 && len(row[0].lines) == 1 && m.options.next(row[0].lines[0]) {
			m.options.rows = append(m.options.rows, row[0].items)
			m.options.lines = append(m.options.lines, row[0].lines[0])
			return // the next of the options, one a line
		}
		m.endOptions()
	}
	if len(m.below) > 0 {
		pending := m.below
		m.below = nil
		if len(pending) == 1 && len(row) == 1 && len(row[0].lines) == 1 && pending[0].wrapsOn(row[0].lines[0]) {
			pending[0].said += " " + row[0].lines[0]
			m.below = pending // the label's last words: its answer is below them
			return
		}
		if len(pending) == 1 && len(row) == 1 && len(row[0].lines) == 1 {
			// "IS A CORONER INVOLVED?" then "( ) YES" / "(x) NO" / "( ) UNSURE",
			// or "GENDER" then "Male" / "Female" / …: the options one a
			// line, read when they end.
			o := &optionRows{pl: pending[0], rows: [][]Item{row[0].items}, lines: []string{row[0].lines[0]}, at: m.at}
			if o.next(row[0].lines[0]) {
				m.options = o
				return
			}
		}
		if !m.rowHasLabel(row) {
			for _, pl := range pending {
				// One label: the whole next row answers it. Several: each
				// label's answer is under it.
				text, items := rowText(row), rowItems(row)
				if len(pending) > 1 {
					text, items = "", nil
					for _, c := range row {
						if c.col == pl.col {
							text, items = strings.TrimSpace(c.text()), c.items
						}
					}
				}
				m.setBelow(pl, text, items)
			}
			return
		}
	}
	grid := m.gridRow(row, next)
	if m.labelled(row, next) || m.paragraphColumn(row) {
		m.endCapture()
		return
	}
	if grid {
		return
	}
	if m.grid != nil && m.grid.TextTo != "" && m.capture == nil {
		// Words under a list printed without boxes: its details.
		if f, ok := referral.FieldByPath(m.grid.TextTo); ok && !m.filled[f.Path] {
			m.capture, m.capText = &f, nil
		}
	}
	if m.capture != nil {
		for _, c := range row {
			for _, line := range c.lines {
				if strings.Trim(line, "☐☒☑ \t") != "" && !m.isGuidance(line) {
					if len(m.capText) == 0 {
						m.capAt = m.at
					}
					m.capText = append(m.capText, line)
				}
			}
		}
	}
}

func (m *mapper) setBelow(pl pendingLabel, text string, items []Item) {
	if strings.TrimSpace(text) == "" || strings.Trim(text, "☐ ") == "" {
		return
	}
	f := pl.field
	if f.Kind == referral.Tick {
		text = "yes" // anything written under "indicate if you are unaware…" says so
	}
	if yesNoKind(f.Kind) {
		v, unsure := tickState(items, f.Kind)
		switch {
		case v != "":
			text = v
		case unsure:
			m.unreadable(pl.path)
			return
		case countBoxes(items) > 0 || strings.ContainsAny(text, "☐☒") || onlyOptions(text):
			return // boxes or options, none ticked: unanswered, never the words
		}
	}
	m.set(pl.path, text)
}

// bareOptionRow reports whether a row is one of a closed question's
// options alone: one cell, one line, no box.
func bareOptionRow(f referral.Field, row []cellInfo) bool {
	return len(row) == 1 && len(row[0].lines) == 1 && countBoxes(row[0].items) == 0 &&
		!optionLine(row[0].lines[0]) && isOptionLine(f, row[0].lines[0])
}

// unknownMark reports whether a word is one character that is no word
// and no tick the readers know: a letter on its own other than X (a
// symbol font's box as its letter: "o", "q", "þ"), a Latin-1 symbol ("¨")
// or a private-use character.
func unknownMark(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if size != len(w) || r == 'x' || r == 'X' || r == 'I' || r == 'a' || r == 'A' {
		return false
	}
	return unicode.IsLetter(r) || r >= 0xA0 && r <= 0xFF || r >= 0xE000 && r <= 0xF8FF
}

// childColumns reads a Section 2 row whose answers are in columns, a
// child a column, under a header row naming "Child 1", "Child 2"
// (columnHeader). It reports whether the row was read so. Two or more
// answers beside one label, with no such header, are never joined into
// one answer, nor guessed to be two children ("Jamie | Example" may be one
// name in two cells): the answer cannot be read.
func (m *mapper) childColumns(f referral.Field, label cellInfo, answer []cellInfo) bool {
	if !strings.HasPrefix(f.Path, "children.") || len(answer) == 0 {
		return false
	}
	var filled []cellInfo
	for _, a := range answer {
		if strings.TrimSpace(strings.Trim(a.text(), "☐")) != "" || countBoxes(a.items) > 0 {
			filled = append(filled, a)
		}
	}
	if len(filled) == 0 {
		return false
	}
	if m.childTable != label.table {
		m.childCols, m.childTable = nil, label.table
	}
	if m.childCols == nil {
		if len(filled) >= 2 && singleValued(f) {
			m.at.cell = filled[0].col + 1
			m.unreadable(m.path(f)) // two answers side by side, for one child
			return true
		}
		return false // one answer, or boxes across cells, or a list: read as one
	}
	for _, a := range filled {
		if _, ok := m.childCols[a.col]; !ok {
			m.at.cell = a.col + 1
			m.unreadable(m.path(f)) // an answer in no child's column
			return true
		}
	}
	for _, a := range filled {
		child := m.childCols[a.col]
		path := "children[" + strconv.Itoa(child) + "]" + strings.TrimPrefix(f.Path, "children")
		m.at.cell = a.col + 1
		value := a.text()
		if yesNoKind(f.Kind) {
			v, unsure := tickState(a.items, f.Kind)
			switch {
			case unsure:
				m.unreadable(path)
				continue
			case v != "":
				value = v
			case countBoxes(a.items) > 0:
				continue // boxes, none ticked
			}
		}
		m.set(path, value)
		m.child = max(m.child, child)
	}
	m.last = f.Path
	return true
}

// acrossTable is a repeating table (parents, siblings, agencies) laid
// out a row a column: its fields' labels down the first column, each
// parent's answers in its own column under "Parent 1", "Parent 2".
type acrossTable struct {
	table int
	path  string      // "parents"
	rows  map[int]int // column → the table's row
}

// columnHeader reads a row naming a person a column ("", "Child 1",
// "Child 2"; "Parent 1", "Parent 2"): the table below gives each one's
// answers in its column — Section 2's children (childColumns), or a
// repeating table's rows (acrossRow).
func (m *mapper) columnHeader(row []cellInfo) bool {
	if m.section < 2 || len(row) < 3 {
		return false
	}
	cols := map[int]int{}
	path := ""
	for _, c := range row {
		if text := strings.TrimSpace(c.text()); len(text) > 24 || text != "" && !strings.ContainsAny(text, "0123456789") {
			return false // "Child 1", "Parent 2": short, with a number
		}
		t, n, ok := blockHeading(c.text())
		switch {
		case ok && (path == "" || t.Path == path):
			cols[c.col], path = min(n-1, t.Max-1), t.Path
		case strings.TrimSpace(c.text()) != "":
			return false
		}
	}
	if len(cols) < 2 {
		return false
	}
	if path == "children" {
		m.childCols, m.childTable = cols, row[0].table
	} else {
		m.across = &acrossTable{table: row[0].table, path: path, rows: cols}
	}
	return true
}

// acrossRow reads a row of a table laid out a row a column: a field's
// label, then each row's answer in its column. False ends the table.
func (m *mapper) acrossRow(row []cellInfo) bool {
	t := m.across
	if len(row) < 2 || row[0].table != t.table || row[0].col != 0 {
		m.across = nil
		return false
	}
	field := ""
	words := strings.Fields(row[0].key)
	for _, col := range tableColumns()[m.section] {
		if col.table == t.path && row[0].key != "" && (row[0].key == col.key || wordSimilarity(words, col.words) >= minSimilarity) {
			field = col.field
			break
		}
	}
	if field == "" {
		m.across = nil
		return false
	}
	for _, c := range row[1:] {
		i, ok := t.rows[c.col]
		if !ok || strings.TrimSpace(c.text()) == "" {
			continue
		}
		m.at.cell = c.col + 1
		m.set(t.path+"["+strconv.Itoa(i)+"]."+field, strings.Join(trimEmpty(c.lines), " "))
	}
	m.seenAny = true
	return true
}

// singleValued reports whether a field takes one answer written in words
// or figures: not long text, and not a closed question, whose options and
// boxes may be printed a cell each.
func singleValued(f referral.Field) bool {
	switch f.Kind {
	case referral.LongText, referral.Multi, referral.Tick, referral.YesNo, referral.YesNoUnsure, referral.Choice:
		return false
	}
	return true
}

// markedOptionLine reports whether a line is one yes/no option and a tick
// typed beside it: "No X", "X No", "Yes ✓".
func markedOptionLine(line string) bool {
	opts, marks := 0, 0
	for _, w := range strings.Fields(glyphSpacer.Replace(tickMarks.Replace(line))) {
		switch {
		case optionWord(w) != "":
			opts++
		case w == "☒" || w == "☐" || w == "X" || w == "x":
			marks++
		default:
			return false
		}
	}
	return opts == 1 && marks > 0
}

func yesNoKind(k referral.Kind) bool { return k == referral.YesNo || k == referral.YesNoUnsure }

// optionRows is a closed question's options printed one a line below it,
// being read: a yes/no question's with their boxes, or any closed
// question's with none.
type optionRows struct {
	pl    pendingLabel
	rows  [][]Item // each line's
	lines []string
	at    place // where the first option is
}

// marked is the lines whose words are all bold, highlighted or shaded.
func (o *optionRows) marked() []string {
	var out []string
	for i, line := range o.lines {
		words := slices.DeleteFunc(slices.Clone(o.rows[i]), func(it Item) bool { return strings.TrimSpace(it.Text) == "" })
		if len(words) > 0 && !slices.ContainsFunc(words, func(it Item) bool { return !it.Marked }) {
			out = append(out, line)
		}
	}
	return out
}

// ticks reads a yes/no question's options one a line, each line on its
// own: the options whose line has a tick (a box ticked, ☒, ✓, an X typed),
// and whether any line had a box or a tick at all.
func (o *optionRows) ticks() (ticked []string, boxes bool) {
	for i, line := range o.lines {
		opt, tick, box := "", false, false
		for _, it := range o.rows[i] {
			if it.Box != nil {
				box, tick = true, tick || *it.Box
			}
		}
		for _, w := range strings.Fields(glyphSpacer.Replace(tickMarks.Replace(line))) {
			switch {
			case optionWord(w) != "":
				opt = optionWord(w)
			case w == "☒":
				tick, box = true, true
			case w == "X" || w == "x":
				tick = true
			case w == "☐":
				box = true
			}
		}
		if tick && opt != "" {
			ticked = append(ticked, opt)
		}
		boxes = boxes || box || tick
	}
	return ticked, boxes
}

// next reports whether a line is the next of the options: for a yes/no
// question an option with its box, for any closed question an option
// alone.
func (o *optionRows) next(line string) bool {
	f := o.pl.field
	switch f.Kind {
	case referral.YesNo, referral.YesNoUnsure:
		return optionLine(line) || isOptionLine(f, line) || markedOptionLine(line)
	case referral.Choice, referral.Multi:
		return !optionLine(line) && isOptionLine(f, line)
	}
	return false
}

// endOptions reads the options gathered below a question.
func (m *mapper) endOptions() {
	o := m.options
	m.options = nil
	if o == nil {
		return
	}
	at := m.at
	m.at = o.at
	defer func() { m.at = at }()
	if !yesNoKind(o.pl.field.Kind) {
		// The options made to stand out from the others (bold,
		// highlighted) are the ones chosen; else the lines as written —
		// the options only, or one typed.
		if chosen := o.marked(); len(chosen) > 0 && len(chosen) < len(o.lines) {
			m.set(o.pl.path, strings.Join(chosen, "\n"))
		} else {
			m.set(o.pl.path, strings.Join(o.lines, "\n"))
		}
		return
	}
	ticked, boxes := o.ticks()
	switch {
	case len(ticked) == 1:
		m.set(o.pl.path, ticked[0])
	case len(ticked) > 1:
		m.unreadable(o.pl.path) // two ticked: which is meant?
	case boxes && m.hiddenTicks:
		m.unreadable(o.pl.path)
	case boxes:
		// boxes, none ticked: unanswered
	default:
		// No boxes: the one option made to stand out (bold, highlighted),
		// else the lines as written — the options only, or one typed.
		if v, _ := tickState(slices.Concat(o.rows...), o.pl.field.Kind); v != "" {
			m.set(o.pl.path, v)
		} else {
			m.set(o.pl.path, strings.Join(o.lines, "\n"))
		}
	}
}

func (m *mapper) rowHasLabel(row []cellInfo) bool {
	for _, c := range row {
		for _, line := range c.lines {
			if _, _, ok := m.match(line); ok {
				return true
			}
			if heading(line) != nil {
				return true
			}
		}
	}
	return false
}

func rowText(row []cellInfo) string {
	var parts []string
	for _, c := range row {
		if t := strings.TrimSpace(c.text()); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

func rowItems(row []cellInfo) []Item {
	var items []Item
	for _, c := range row {
		items = append(items, c.items...)
	}
	return items
}

func firstLine(c cellInfo) string {
	if len(c.lines) == 0 {
		return ""
	}
	return c.lines[0]
}

func sectionDef(n int) referral.Section {
	for _, s := range referral.Form {
		if s.Number == n {
			return s
		}
	}
	return referral.Section{}
}

func (m *mapper) endCapture() {
	if m.capture != nil && !m.filled[m.capture.Path] {
		at := m.at
		m.at = m.capAt
		text := strings.TrimSpace(strings.Join(m.capText, "\n"))
		m.capSrc = text
		m.set(m.capture.Path, text)
		m.at, m.capSrc = at, ""
	}
	m.capture, m.capText = nil, nil
}

func (m *mapper) isGuidance(line string) bool {
	k := labelKey(line)
	if k == "" {
		return true
	}
	for _, gk := range guidanceKeys()[m.section] {
		if k == gk || (len(k) > 20 && strings.Contains(gk, k)) || similar(k, gk) {
			return true
		}
	}
	return false
}

// guidanceKeys() are the label keys of each section's printed guidance.
var guidanceKeys = sync.OnceValue(func() map[int][]string {
	out := map[int][]string{}
	for _, s := range referral.Form {
		for _, g := range s.Guidance {
			out[s.Number] = append(out[s.Number], labelKey(g))
		}
		for _, f := range s.Fields {
			if f.Hint != "" {
				out[s.Number] = append(out[s.Number], labelKey(f.Hint))
			}
		}
	}
	for _, g := range referral.Opening("", "") {
		out[0] = append(out[0], labelKey(g))
	}
	return out
})

// optionKeys() are the label keys of each closed list's options.
var optionKeys = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			for _, o := range f.Options {
				out[f.Path] = append(out[f.Path], key(o))
			}
		}
	}
	return out
})

// criteriaKeys() are the label keys of the criteria boxes.
var criteriaKeys = sync.OnceValue(func() []string {
	var out []string
	for _, f := range sectionDef(0).Fields {
		out = append(out, labelKey(f.Label))
	}
	return out
})

// criteria reads the three boxes at the top of the form.
func (m *mapper) criteria(row []cellInfo) {
	var all strings.Builder
	var items []Item
	for _, c := range row {
		all.WriteString(c.text() + " ")
		items = append(items, c.items...)
	}
	key := labelKey(all.String())
	for i, f := range sectionDef(0).Fields {
		lk := criteriaKeys()[i]
		if !strings.Contains(key, lk) && !similar(firstWords(key, len(strings.Fields(lk))), lk) {
			continue
		}
		m.seenAny = true
		if ticked, ok := anyBox(items); ok {
			if ticked {
				m.set(f.Path, "yes")
			}
		} else if last := row[len(row)-1]; len(row) > 1 && yesMark(last.text()) {
			m.set(f.Path, "yes")
		}
	}
}

func firstWords(key string, n int) string {
	words := strings.Fields(key)
	if len(words) > n {
		words = words[:n]
	}
	return strings.Join(words, " ")
}

func anyBox(items []Item) (ticked, found bool) {
	for _, it := range items {
		if it.Box != nil {
			found = true
			ticked = ticked || *it.Box
		}
	}
	for _, it := range items {
		if strings.ContainsAny(it.Text, "☒☑✓✔") {
			return true, true
		}
	}
	return ticked, found
}

func yesMark(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x", "yes", "y", "☒", "☑", "✓", "✔":
		return true
	}
	return false
}

// ErrNotTheForm is the cause of the error a reader returns for a document
// that is not the referral form (a chronology, a report): test it with
// errors.Is.
var ErrNotTheForm = errors.New("not the referral form")

func notTheForm() error {
	return errs.Wrap(errs.Invalid, ErrNotTheForm, "This does not look like the Notifiable (Serious) Incident Referral Form: none of its sections were found. Please send the completed referral form")
}

// aliases are other ways people label the same answers.
var aliases = map[string][]string{
	"referrer.email":         {"EMAIL ADDRESS", "E MAIL", "E MAIL ADDRESS"},
	"referrer.telephone":     {"TELEPHONE", "PHONE", "PHONE NUMBER", "TEL", "TEL NO", "CONTACT NUMBER"},
	"children.dateOfBirth":   {"DOB", "D O B"},
	"children.postcode":      {"POST CODE"},
	"children.ageAtIncident": {"AGE", "AGE AT INCIDENT"},
	"children.ethnicity":     {"ETHNICITY"},
	"referrer.dateSubmitted": {"DATE"},
	"children.incidentDate":  {"DATE OF INCIDENT", "INCIDENT DATE"},
	"siblings.nationality":   {"NATIONALITY"},
}

// typos are misspellings printed on versions of the form.
var typos = strings.NewReplacer("REIVEW", "REVIEW", "RECIEVED", "RECEIVED", "SAFEGUADING", "SAFEGUARDING")

func key(s string) string {
	k := labelKey(s)
	if strings.Contains(k, "REIVEW") || strings.Contains(k, "RECIEVED") || strings.Contains(k, "SAFEGUADING") {
		k = typos.Replace(k)
	}
	return k
}

// similar reports whether two label keys say nearly the same thing.
func similar(a, b string) bool { return similarity(a, b) >= minSimilarity }

// minSimilarity is the share of words two labels must have in common to
// be taken for the same label with small wording changes.
const minSimilarity = 0.8

// similarity is the share of words in common, over the longer label, for
// labels of four words or more; 0 otherwise.
func similarity(a, b string) float64 {
	return wordSimilarity(strings.Fields(a), strings.Fields(b))
}

func wordSimilarity(wa, wb []string) float64 {
	if len(wa) < 4 || len(wb) < 4 || float64(min(len(wa), len(wb)))/float64(max(len(wa), len(wb))) < minSimilarity {
		return 0
	}
	if len(wb) > 64 {
		return 0 // no label is that long
	}
	var used uint64 // words of wb already matched
	common := 0
	for _, w := range wa {
		for j, v := range wb {
			if used&(1<<j) == 0 && v == w {
				used |= 1 << j
				common++
				break
			}
		}
	}
	return float64(common) / float64(max(len(wa), len(wb)))
}

// hasWordPrefix reports whether key k starts with the whole words of lk.
func hasWordPrefix(k, lk string) bool {
	return len(k) > len(lk) && k[len(lk)] == ' ' && strings.HasPrefix(k, lk)
}

// labelFields are the fields found by their label beside or below the
// answer: every field of the section but those read as table columns.
func labelFields(section int) []referral.Field {
	if section < 0 || section >= len(labelIndex()) {
		return nil
	}
	return labelIndex()[section].fields
}

// labelled fields and their label keys (with aliases), per section,
// worked out once.
type sectionLabels struct {
	fields []referral.Field
	keys   [][]string
	words  [][][]string // each key's words
}

var labelIndex = sync.OnceValue(func() []sectionLabels { return indexLabels(false) })

// looseIndex() has every field, table columns too: loose text has no
// tables, so a sibling's name is a label like any other.
var looseIndex = sync.OnceValue(func() []sectionLabels { return indexLabels(true) })

func indexLabels(columns bool) []sectionLabels {
	out := make([]sectionLabels, 13)
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if t := tableOfPath(f.Path); !columns && t != "" && t != "children" {
				continue
			}
			keys := append([]string{key(f.Label)}, aliases[f.Path]...)
			var words [][]string
			for _, k := range keys {
				words = append(words, strings.Fields(k))
			}
			out[s.Number].fields = append(out[s.Number].fields, f)
			out[s.Number].keys = append(out[s.Number].keys, keys)
			out[s.Number].words = append(out[s.Number].words, words)
		}
	}
	return out
}

func tableOfPath(path string) string {
	for _, t := range referral.Tables {
		if strings.HasPrefix(path, t.Path+".") {
			return t.Path
		}
	}
	return ""
}

// match finds the field a line labels, in the current section. rest is
// what follows the label on the same line.
func (m *mapper) match(line string) (referral.Field, string, bool) {
	if m.section <= 0 || m.section >= len(m.labels()) {
		return referral.Field{}, "", false
	}
	if res, ok := m.matches[matchKey{m.section, line}]; ok {
		return res.f, res.rest, res.ok
	}
	f, rest, ok := m.matchUncached(line)
	if ok {
		rest = labelTail(f, rest)
	}
	m.matches[matchKey{m.section, line}] = matchResult{f, rest, ok}
	return f, rest, ok
}

// numberWordRE is what people print after a number's label: "Telephone
// No.", "Tel. no:", "Contact number".
var numberWordRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(no\.?|nos\.?|number|num\.?|#)\s*[:.\-–]?\s*`)
})

// labelTail takes from what follows a label the words that belong to the
// label, not the answer: "No." after a telephone's label is never its
// number.
func labelTail(f referral.Field, rest string) string {
	if f.Kind == referral.Phone {
		return numberWordRE().ReplaceAllString(rest, "")
	}
	return rest
}

type matchKey struct {
	section int
	line    string
}

type matchResult struct {
	f    referral.Field
	rest string
	ok   bool
}

func (m *mapper) matchUncached(line string) (referral.Field, string, bool) {
	k := key(line)
	if k == "" || len(k) > 400 {
		return referral.Field{}, "", false
	}
	kw := strings.Fields(k)
	// The best label: an exact match beats a label followed by an answer,
	// which beats a near match; longer labels break ties, then labels not
	// yet answered.
	var best referral.Field
	bestScore, bestLen, rest := 0.0, 0, ""
	idx := m.labels()[m.section]
	for fi, f := range idx.fields {
		for ki, lk := range idx.keys[fi] {
			score, r := 0.0, ""
			switch {
			case k == lk:
				score = 3
			case hasWordPrefix(k, lk):
				score, r = 2, restAfter(line, len(lk))
			default:
				score = wordSimilarity(kw, idx.words[fi][ki])
				if score < minSimilarity {
					continue
				}
			}
			better := score > bestScore || (score == bestScore && len(lk) > bestLen) ||
				(score == bestScore && len(lk) == bestLen && m.filled[m.path(best)] && !m.filled[m.path(f)])
			if better {
				best, bestScore, bestLen, rest = f, score, len(lk), r
			}
		}
	}
	if bestScore == 0 {
		return referral.Field{}, "", false
	}
	// Two labels printed together ("ETHNICITY (if known) NATIONALITY"):
	// the second is not an answer.
	if rest != "" {
		if _, _, ok := m.matchExact(rest); ok {
			rest = ""
		}
	}
	return best, rest, true
}

func (m *mapper) matchExact(line string) (referral.Field, string, bool) {
	k := key(line)
	if m.section <= 0 || m.section >= len(m.labels()) {
		return referral.Field{}, "", false
	}
	idx := m.labels()[m.section]
	for fi, f := range idx.fields {
		if k == idx.keys[fi][0] {
			return f, "", true
		}
	}
	return referral.Field{}, "", false
}

// path is a field's path for the current row: children's fields go to the
// current child, and a field already answered for this child starts the
// next child.
func (m *mapper) path(f referral.Field) string {
	if !strings.HasPrefix(f.Path, "children.") {
		return f.Path
	}
	return "children[" + strconv.Itoa(m.child) + "]" + strings.TrimPrefix(f.Path, "children")
}

// pathFor is path, moving on to the next child when this one has a name
// already. Twin labels (JOB TITLE) go to the first unanswered.
func (m *mapper) pathFor(f referral.Field) string {
	f = m.twin(f)
	defer func() { m.last = f.Path }()
	// A child's name answered already starts the next child's rows; any
	// other answer given twice for one child is two answers to one
	// question (set makes it unreadable), not a child of its own.
	if f.Path == "children.fullName" && m.filled[m.path(f)] && m.child < referral.MaxRowIndex {
		m.child++
	}
	if m.filled[f.Path] {
		for _, g := range labelFields(m.section) {
			if g.Path != f.Path && key(g.Label) == key(f.Label) && !m.filled[g.Path] {
				return g.Path
			}
		}
	}
	return m.path(f)
}

// twin chooses between fields that share a label in a section ("If other,
// please state" follows both the main cause and the characteristics in
// Section 5): the one printed after the question whose label was found
// last. Without such a question, f stands.
func (m *mapper) twin(f referral.Field) referral.Field {
	fields := labelFields(m.section)
	for i, g := range fields {
		if key(g.Label) == key(f.Label) && i > 0 && fields[i-1].Path == m.last {
			return g
		}
	}
	return f
}

// labelled reads a row of labels and answers.
func (m *mapper) labelled(row []cellInfo, next []cellInfo) bool {
	rowAt := m.at
	defer func() { m.at = rowAt }()
	labelCell := make([]bool, len(row))
	found := false
	for i, c := range row {
		for _, line := range c.lines {
			if _, _, ok := m.match(line); ok {
				labelCell[i] = true
			}
		}
	}
	for i, c := range row {
		if !labelCell[i] {
			continue
		}
		// The answer cells: those after this one up to the next label cell.
		var answer []cellInfo
		for j := i + 1; j < len(row) && !labelCell[j]; j++ {
			answer = append(answer, row[j])
		}
		var labels []referral.Field
		var said []string   // each label's line
		var inline []string // answers on the label's own line or lines below it in the cell
		pending := -1
		for _, line := range c.lines {
			f, rest, ok := m.match(line)
			if ok {
				labels = append(labels, f)
				said = append(said, line)
				inline = append(inline, rest)
				pending = len(labels) - 1
				// Two labels printed on one line ("DATE OF BIRTH AGE AT TIME
				// OF INCIDENT"): both are labels, answered in the next cell.
				if rest == "" {
					if second, _, ok := m.matchExact(restAfter(line, len(key(f.Label)))); ok && second.Path != f.Path {
						labels = append(labels, second)
						said = append(said, "")
						inline = append(inline, "")
						pending = len(labels) - 1
					}
				}
				continue
			}
			if pending >= 0 && strings.TrimSpace(line) != "" {
				inline[pending] = strings.TrimSpace(inline[pending] + "\n" + line)
			}
		}
		var answerLines []string
		var answerItems []Item
		for _, a := range answer {
			answerLines = append(answerLines, a.lines...)
			answerItems = append(answerItems, a.items...)
		}
		// Answers stacked as their labels are keep their places, an empty
		// one too (an empty form field beside DATE OF BIRTH, then the age).
		positional := answerLines
		for len(positional) > len(labels) && strings.TrimSpace(positional[len(positional)-1]) == "" {
			positional = positional[:len(positional)-1]
		}
		answerLines = trimEmpty(answerLines)
		for li, f := range labels {
			// Where the answer is: the label's own cell when it follows the
			// label there, else the first answer cell.
			m.at = rowAt
			if m.at.table > 0 && inline[li] != "" {
				m.at.cell = c.col + 1
			} else if m.at.table > 0 && len(answer) > 0 {
				m.at.cell = answer[0].col + 1
			}
			found = true
			m.seenAny = true
			if f.Kind == referral.Multi || (f.Kind == referral.Choice && m.isGrid(f)) {
				g := f
				m.grid, m.last = &g, f.Path
				if inline[li] == "" && len(answer) == 0 && li == len(labels)-1 && bareOptionRow(f, next) {
					// The options one a line below, without boxes: read
					// together when they end (optionRows).
					m.below = append(m.below, pendingLabel{field: f, path: m.pathFor(f), col: c.col})
					continue
				}
				if inline[li] != "" {
					path := m.pathFor(f)
					m.set(path, inline[li])
					if c.table == 0 && f.Kind == referral.Multi {
						m.cont = &continued{path: path}
					}
				}
				continue
			}
			if len(labels) == 1 && inline[li] == "" && m.childColumns(f, c, answer) {
				continue
			}
			path := m.pathFor(f)
			if len(answer) == 0 && inline[li] == "" && li == len(labels)-1 && countBoxes(afterLabel(c.items, f)) == 0 {
				m.below = append(m.below, pendingLabel{field: f, path: path, col: c.col, said: said[li]}) // the answer is on the next row
				continue
			}
			switch f.Kind {
			case referral.YesNo, referral.YesNoUnsure, referral.Tick:
				items := answerItems
				if len(answer) == 0 || countBoxes(items) == 0 {
					items = append(afterLabel(c.items, f), answerItems...)
				}
				v, unsure := tickState(items, f.Kind)
				typed := inline[li] + " " + strings.Join(answerLines, " ")
				if v == "" && f.Kind != referral.Tick {
					var unsureTyped bool
					v, unsureTyped = tickState([]Item{{Text: typed}}, f.Kind) // ticks typed: ☒, ✓, X beside an option
					unsure = unsure || unsureTyped
				}
				switch {
				case v != "":
					m.set(path, v)
				case unsure:
					m.unreadable(path)
				case countBoxes(items) > 0 || strings.ContainsAny(typed, "☐☒"):
					// boxes, none ticked: unanswered
				case onlyOptions(typed) && m.hiddenTicks:
					m.unreadable(path) // a PDF: ticks drawn as shapes have no text
				case onlyOptions(typed):
					// the options printed, none ticked (or the ticks lost on
					// the way): unanswered, never the words as an answer
				case inline[li] != "":
					m.set(path, inline[li]) // typed: "Yes", "X"
				case len(answerLines) > 0 && len(labels) == 1:
					m.set(path, strings.Join(answerLines, " "))
				}
			default:
				switch {
				case inline[li] != "":
					m.set(path, inline[li])
					if c.table == 0 && (f.Kind == referral.Text || f.Kind == referral.LongText) {
						m.cont = &continued{path: path}
					}
				case len(labels) > 1 && len(positional) == len(labels):
					m.set(path, positional[li])
				case len(labels) > 1 && len(answerLines) == len(labels):
					m.set(path, answerLines[li])
				case len(labels) == 1:
					m.set(path, strings.Join(answerLines, "\n"))
					if len(answer) > 0 && (f.Kind == referral.Text || f.Kind == referral.LongText) {
						m.cont = &continued{path: path, table: c.table, col: answer[0].col}
					}
				case len(answerLines) > 0:
					// Several labels and answers that cannot be told apart:
					// none is read, rather than guessed.
					m.unreadable(path)
				}
			}
		}
	}
	return found
}

func trimEmpty(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func countBoxes(items []Item) int {
	n := 0
	for _, it := range items {
		if it.Box != nil {
			n++
		}
	}
	return n
}

// afterLabel returns a cell's items after its label's words, so a question
// with its YES/NO boxes in the same cell reads its boxes only. Words after
// the label in the same run of text stay ("…incident? YES" ☒ "NO" ☐).
func afterLabel(items []Item, f referral.Field) []Item {
	want := len(strings.Fields(key(f.Label)))
	seen := 0
	for i, it := range items {
		if it.Box != nil {
			continue
		}
		words := strings.Fields(it.Text)
		for j, w := range words {
			seen += len(strings.Fields(labelKey(w)))
			if seen >= want {
				rest := items[i+1:]
				if tail := strings.Join(words[j+1:], " "); tail != "" {
					rest = append([]Item{{Text: tail}}, rest...)
				}
				return rest
			}
		}
	}
	return nil
}

// tickedOption reads YES/NO/UNSURE tick boxes — check-box fields or typed
// glyphs (☒ ☑ ✓ ✔ ticked, ☐ not) — and returns the option ticked, or ""
// when none is or the boxes cannot be told apart. Every box sits on the
// same side of its option: after it when the first of them is an option
// ("YES ☒ NO ☐"), before it when the first is a box ("☐ YES ☒ NO"). A box
// with no option on that side makes the answer unreadable, never a guess.
// Without boxes, the one option of two or more printed bold, highlighted
// or shaded is chosen. For a single tick box (referral.Tick) any tick is
// "yes".
func tickedOption(items []Item, kind referral.Kind) string {
	v, _ := tickState(items, kind)
	return v
}

// tickState is tickedOption, and whether ticks were there that could not
// be read: a box with no option beside it, or a tick beside none.
func tickState(items []Item, kind referral.Kind) (string, bool) {
	type token struct {
		opt    string
		box    bool
		ticks  bool
		typed  bool // an X typed as a tick
		marked bool // an option made bold, highlighted or shaded
	}
	var toks []token
	options, unknown := 0, 0
	for _, it := range items {
		if it.Box != nil {
			toks = append(toks, token{box: true, ticks: *it.Box})
			continue
		}
		for _, w := range strings.Fields(glyphSpacer.Replace(tickMarks.Replace(it.Text))) {
			switch {
			case w == "☒":
				toks = append(toks, token{box: true, ticks: true})
			case w == "☐":
				toks = append(toks, token{box: true})
			case w == "X" || w == "x":
				toks = append(toks, token{box: true, ticks: true, typed: true})
			default:
				if o := optionWord(w); o != "" {
					toks = append(toks, token{opt: o, marked: it.Marked})
					options++
				} else if unknownMark(w) {
					unknown++
				}
			}
		}
	}
	if unknown > 0 && options >= 2 && kind != referral.Tick {
		// "o YES x NO o UNSURE", "YES ¨ NO þ": boxes drawn in a symbol font
		// whose letters reached the text. Which is ticked cannot be told.
		return "", true
	}
	// A typed X is a tick only among the options it ticks ("YES NO X",
	// "X YES NO"): on its own it is an answer of its own, read elsewhere.
	if options < 2 {
		toks = slices.DeleteFunc(toks, func(t token) bool { return t.typed })
	}
	if kind == referral.Tick {
		for _, t := range toks {
			if t.ticks {
				return "yes", false
			}
		}
		return "", false
	}
	if len(toks) == 0 {
		return "", false
	}
	if !slices.ContainsFunc(toks, func(t token) bool { return t.box }) {
		// No boxes: one option made to stand out from the others (bold,
		// highlighted) is the one chosen; all or none of them, no answer.
		var marked []string
		for _, t := range toks {
			if t.marked {
				marked = append(marked, t.opt)
			}
		}
		if len(marked) == 1 && options >= 2 {
			return marked[0], false
		}
		return "", false
	}
	before := toks[0].box
	var ticked []string
	for i, t := range toks {
		if !t.box {
			continue
		}
		j := i - 1
		if before {
			j = i + 1
		}
		if j < 0 || j >= len(toks) || toks[j].box {
			// A box with no option beside it: cannot be read. Unticked
			// boxes only: nothing was answered.
			return "", slices.ContainsFunc(toks, func(t token) bool { return t.ticks })
		}
		if t.ticks {
			ticked = append(ticked, toks[j].opt)
		}
	}
	return strings.Join(ticked, " and "), false // two ticked is a contradiction the checker reports
}

// glyphSpacer sets tick glyphs apart as words and makes them two: ticked
// and not.
var glyphSpacer = strings.NewReplacer("☒", " ☒ ", "☑", " ☒ ", "✓", " ☒ ", "✔", " ☒ ", "☐", " ☐ ")

// onlyOptions reports whether text is nothing but two or more of the
// options' words: "YES NO" is the question's options, not an answer.
func onlyOptions(text string) bool {
	words := strings.Fields(text)
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		if optionWord(w) == "" {
			return false
		}
	}
	return true
}

func optionWord(w string) string {
	switch strings.ToUpper(strings.Trim(w, " :.-()")) {
	case "YES":
		return "yes"
	case "NO":
		return "no"
	case "UNSURE":
		return "unsure"
	}
	return ""
}

// isGrid reports whether a closed list is printed as a grid of options.
func (m *mapper) isGrid(f referral.Field) bool { return len(f.Options) > 6 }

// gridRow reads a row of option names whose boxes are in the same cells
// or the cells below.
func (m *mapper) gridRow(row []cellInfo, next []cellInfo) bool {
	if m.grid == nil {
		return false
	}
	f := *m.grid
	hits := 0
	for _, c := range row {
		opt := optionOf(f, c)
		if opt == "" {
			continue
		}
		hits++
		ticked, found := anyBox(c.items)
		if !found {
			for _, n := range next {
				if n.col == c.col {
					ticked, found = anyBox(n.items)
					if !found {
						ticked = yesMark(n.text())
					}
				}
			}
		}
		if ticked {
			if f.Kind == referral.Choice && m.filled[f.Path] && referral.Get(&m.r, f.Path) != opt {
				m.probs = append(m.probs, referral.Problem{Section: f.Section, Field: f.Path, Code: "several_ticked",
					Message: "Section " + strconv.Itoa(f.Section) + ": tick only one " + strings.TrimPrefix(f.Noun, "the ") + "; more than one is ticked"})
				continue
			}
			m.set(f.Path, opt)
		}
	}
	if hits > 0 {
		m.seenAny = true
	}
	return hits > 0
}

func optionOf(f referral.Field, c cellInfo) string {
	text := strings.TrimSpace(strings.Trim(c.text(), "☐☒☑ \t\n"))
	if text == "" {
		return ""
	}
	k := key(text)
	for i, ok := range optionKeys()[f.Path] {
		if ok == k {
			return f.Options[i]
		}
	}
	return ""
}

// tableHeader starts a repeating table at a row of its column labels.
func (m *mapper) tableHeader(row []cellInfo) bool {
	if len(row) < 2 {
		return false
	}
	columns := tableColumns()[m.section]
	if len(columns) == 0 {
		return false
	}
	for _, t := range referral.Tables {
		cols := map[int]string{}
		labels := map[string]bool{}
		for _, c := range row {
			if c.key == "" {
				continue
			}
			words := strings.Fields(c.key)
			for _, col := range columns {
				if col.table != t.Path {
					continue
				}
				if c.key == col.key || wordSimilarity(words, col.words) >= minSimilarity {
					cols[c.col] = col.field
					labels[c.key] = true
				}
			}
		}
		if len(cols) >= 2 {
			m.endCapture()
			m.table = &tableState{table: row[0].table, path: t.Path, columns: cols, width: len(row), labels: labels, row: referral.Count(&m.r, t.Path)}
			m.seenAny = true
			return true
		}
	}
	return false
}

// tableColumn is one column label of a repeating table.
type tableColumn struct {
	table, field, key string
	words             []string
}

// tableColumns() are the repeating tables' column labels, per section.
var tableColumns = sync.OnceValue(func() map[int][]tableColumn {
	out := map[int][]tableColumn{}
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			t := tableOfPath(f.Path)
			if t == "" || t == "children" {
				continue
			}
			k := key(f.Label)
			out[s.Number] = append(out[s.Number], tableColumn{table: t, field: strings.TrimPrefix(f.Path, t+"."), key: k, words: strings.Fields(k)})
		}
	}
	return out
})

// tableRow reads a data row of the repeating table; false ends the table.
func (m *mapper) tableRow(row []cellInfo) bool {
	if len(row) == 0 || row[0].table != m.table.table {
		m.table = nil // the table ended
		return false
	}
	for _, c := range row {
		if _, _, ok := m.match(firstLine(c)); ok {
			m.table = nil
			return false
		}
	}
	t := m.table
	any := false
	for _, c := range row {
		if _, ok := t.columns[c.col]; ok && strings.TrimSpace(c.text()) != "" && !t.labels[c.key] {
			any = true
		}
	}
	if !any {
		return true // an empty row
	}
	for _, c := range row {
		if name, ok := t.columns[c.col]; ok {
			m.at.cell = c.col + 1
			m.set(t.path+"["+strconv.Itoa(t.row)+"]."+name, strings.Join(trimEmpty(c.lines), " "))
		}
	}
	t.row++
	return true
}
