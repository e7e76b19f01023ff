// The mapper reads any document's layout — Word's and ODT's tables, a
// PDF's or an e-mail's lines (as rows of one cell) — into the form's
// answers: here the rows and what each row holds; labels.go matches a
// printed label to its field; ticks.go reads options and ticked boxes;
// tables.go the repeating tables; answers.go the reading rule that every
// answer read must pass.

package formdoc

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

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
	conts      []continued     // or the answers, when the row above held several label-answer pairs
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
	until int // the last column of its answer, when a row holds several
	kind  referral.Kind
}

// continues adds a row whose label cell is empty to the answer above it.
func (m *mapper) continues(row []cellInfo) bool {
	if len(m.conts) > 1 {
		return m.continuesPairs(row)
	}
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

// continuesPairs adds a PDF's next line to a row of several label-answer
// pairs ("ORGANISATION | County Durham | EMAIL | alex.nurse@nhs." then
// " | and Darlington | ADDRESS | net"): each piece to the answer in whose
// columns it is — a text's words with a space, an e-mail address's
// without (it has none) — and a piece under a label to nothing (the label
// wrapped). A piece under an answer that is one line (a date, a choice)
// makes that answer unreadable: cut, it is never kept as it was.
func (m *mapper) continuesPairs(row []cellInfo) bool {
	first := m.conts[0]
	if len(row) < 2 || row[0].table != first.table || strings.TrimSpace(row[0].text()) != "" || m.rowHasLabel(row) {
		return false
	}
	more := map[int][]string{}
	any := false
	for _, cell := range row {
		t := strings.TrimSpace(cell.text())
		if t == "" {
			continue
		}
		if countBoxes(cell.items) > 0 {
			return false
		}
		any = true
		for i, c := range m.conts {
			if cell.col >= c.col && cell.col <= c.until {
				more[i] = append(more[i], t)
			}
		}
	}
	if !any {
		return false
	}
	for i, words := range more {
		c := m.conts[i]
		was := referral.Get(&m.r, c.path)
		m.appending = true
		switch c.kind {
		case referral.Text, referral.LongText:
			m.set(c.path, was+" "+strings.Join(words, " "))
		case referral.Email:
			m.set(c.path, was+strings.Join(words, ""))
		default:
			m.unreadable(c.path)
		}
		m.appending = false
	}
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

// wrappedInnerLabels joins, in a PDF's lines, a label in a later column
// of a row of several label-answer pairs that wrapped onto the next line
// ("ADDRESS | 7 Sample Road, | DATE OF | 02/11/2026" over " | Darlington |
// INCIDENT |"): its cell and the one below it, when together they are
// exactly one of the form's labels and neither alone is any. What else the
// next line holds is the answers' (continuesPairs).
func (m *mapper) wrappedInnerLabels(row, next []cellInfo) []cellInfo {
	if !m.hiddenTicks || len(row) < 3 || len(next) == 0 || row[0].table == 0 || next[0].table != row[0].table || strings.TrimSpace(next[0].text()) != "" {
		return row
	}
	var out []cellInfo
	for i, c := range row {
		if i == 0 || len(c.lines) != 1 || strings.TrimSpace(c.lines[0]) == "" || countBoxes(c.items) > 0 {
			continue
		}
		if _, _, ok := m.match(c.lines[0]); ok {
			continue
		}
		for _, n := range next {
			if n.col != c.col || len(n.lines) != 1 || countBoxes(n.items) > 0 {
				continue
			}
			if _, _, ok := m.match(n.lines[0]); ok {
				continue
			}
			label := strings.TrimSpace(c.lines[0]) + " " + strings.TrimSpace(n.lines[0])
			if _, rest, ok := m.match(label); ok && rest == "" {
				if out == nil {
					out = slices.Clone(row)
				}
				out[i].lines = []string{label}
				out[i].items = append(slices.Clone(c.items), Item{Text: " " + strings.TrimSpace(n.lines[0])})
				out[i].key = key(label)
			}
		}
	}
	if out == nil {
		return row
	}
	return out
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
	m.cont, m.conts = nil, nil
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
		text := strings.TrimSpace(strings.Join(withoutSignOff(m.capText), "\n"))
		m.capSrc = text
		m.set(m.capture.Path, text)
		m.at, m.capSrc = at, ""
	}
	m.capture, m.capText = nil, nil
}

// signOff is how a typed e-mail ends: "Regards,", "Many thanks", "Kind
// regards".
var signOff = regexp.MustCompile(`(?i)^\s*((kind|best|warm|many) )?(regards|thanks|thank you|wishes)\b[ ,.!]*$|^\s*(cheers|best wishes)[ ,.!]*$`)

// withoutSignOff drops a typed e-mail's sign-off from the end of the long
// answer the e-mail ends with: a sign-off line and at most two short
// lines after it (a name, a job title) — the text's last lines, so an
// answer that goes on after the words "many thanks" keeps them.
func withoutSignOff(lines []string) []string {
	end := len(lines)
	for end > 0 && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	for i := end - 1; i >= 0 && i >= end-3; i-- {
		if len(strings.TrimSpace(lines[i])) > 40 {
			break
		}
		if signOff.MatchString(lines[i]) {
			return lines[:i]
		}
	}
	return lines
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

// ErrNotTheForm is the cause of the error a reader returns for a document
// that is not the referral form (a chronology, a report): test it with
// errors.Is.
var ErrNotTheForm = errors.New("not the referral form")

func notTheForm() error {
	return errs.Wrap(errs.Invalid, ErrNotTheForm, "This does not look like the Notifiable (Serious) Incident Referral Form: none of its sections were found. Please send the completed referral form")
}

// labelled reads a row of labels and answers.
func (m *mapper) labelled(row []cellInfo, next []cellInfo) bool {
	rowAt := m.at
	defer func() { m.at = rowAt }()
	row = m.wrappedInnerLabels(row, next)
	labelCell := make([]bool, len(row))
	found := false
	for i, c := range row {
		for _, line := range c.lines {
			if _, _, ok := m.match(line); ok {
				labelCell[i] = true
			}
		}
	}
	var pairs []continued // this row's label-answer pairs, for a PDF's next line
	defer func() {
		if len(pairs) > 1 && m.hiddenTicks {
			m.conts = pairs
		}
	}()
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
				} else if len(answer) > 0 {
					m.gridRow(answer, nil) // options ticked beside the question: "☒ Other"
				}
				continue
			}
			if len(labels) == 1 && inline[li] == "" && m.childColumns(f, c, answer) {
				continue
			}
			path := m.pathFor(f)
			if len(labels) == 1 && len(answer) > 0 && c.table > 0 && inline[li] == "" {
				pairs = append(pairs, continued{path: path, table: c.table, col: answer[0].col, until: answer[len(answer)-1].col, kind: f.Kind})
			}
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
