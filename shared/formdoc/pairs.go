package formdoc

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// pairs splits a line that holds several "label: answer" pairs ("Name of
// Sibling: Riley Example   Date CiN commenced: 01/03/2025") into one line
// a pair. A later pair starts only where the words just before a colon
// are, exactly, a label (isLabel of their key): an answer with a colon in
// it ("seen at 10:30", "Note: …") stays whole. The caller knows the line
// starts with a label.
func pairs(line string, isLabel func(key string) bool) []string {
	first := strings.IndexByte(line, ':')
	if first < 0 || strings.IndexByte(line[first+1:], ':') < 0 {
		return []string{line}
	}
	var out []string
	start, from := 0, first+1 // the current pair; where its answer starts
	for {
		i := strings.IndexByte(line[from:], ':')
		if i < 0 {
			break
		}
		colon := from + i
		if at, ok := labelBefore(line[from:colon], isLabel); ok {
			out = append(out, strings.TrimSpace(line[start:from+at]))
			start = from + at
		}
		from = colon + 1
	}
	if len(out) == 0 {
		return []string{line}
	}
	return append(out, strings.TrimSpace(line[start:]))
}

// labelBefore finds the longest run of whole words ending s that is a
// label, and where it starts.
func labelBefore(s string, isLabel func(key string) bool) (int, bool) {
	var starts []int
	inWord := false
	for i, r := range s {
		space := unicode.IsSpace(r)
		if !space && !inWord {
			starts = append(starts, i)
		}
		inWord = !space
	}
	for k := max(0, len(starts)-12); k < len(starts); k++ { // no label is longer than 12 words
		// "Telephone No.:" is the TELEPHONE label as people type it.
		if lk := key(s[starts[k]:]); isLabel(lk) || strings.HasSuffix(lk, " NO") && isLabel(strings.TrimSuffix(lk, " NO")) {
			return starts[k], true
		}
	}
	return 0, false
}

// isLabelHere reports whether k is exactly the key of a label in the
// current section: a question's or a table column's.
func (m *mapper) isLabelHere(k string) bool {
	if m.section <= 0 || m.section >= len(labelIndex()) {
		return false
	}
	for _, keys := range m.labels()[m.section].keys {
		if slices.Contains(keys, k) {
			return true
		}
	}
	for _, col := range tableColumns()[m.section] {
		if col.key == k {
			return true
		}
	}
	return false
}

// splitPairs reads a paragraph holding several pairs as that many
// paragraphs. Boxes stay with their line: a paragraph with boxes is not
// split.
func (m *mapper) splitPairs(row []cellInfo, next []cellInfo) bool {
	if len(row) != 1 || row[0].table != 0 || len(row[0].lines) != 1 || countBoxes(row[0].items) > 0 {
		return false
	}
	line := row[0].lines[0]
	if f, _, ok := m.match(line); ok && f.Kind == referral.LongText {
		return false
	} else if !ok && !m.isColumnLabel(line) {
		return false
	}
	segs := pairs(line, m.isLabelHere)
	if len(segs) < 2 {
		return false
	}
	for _, s := range segs {
		m.row([]cellInfo{{lines: []string{s}, items: []Item{{Text: s}}, key: key(s)}}, next)
	}
	return true
}

func (m *mapper) isColumnLabel(line string) bool {
	_, _, ok := m.columnOf(line)
	return ok
}

// columnOf finds the table column a paragraph's line starts with, in the
// current section: "Parent's last name: Example", "Name of Sibling: …".
// Two tables with the same column label ("Name of Sibling" under the
// Child Protection and the Child in Need questions) are told apart by the
// question asked just before or the table being filled; otherwise the
// label is ambiguous and nothing is read.
func (m *mapper) columnOf(line string) (col tableColumn, rest string, ok bool) {
	k := key(line)
	if k == "" {
		return tableColumn{}, "", false
	}
	var found []tableColumn
	for _, c := range tableColumns()[m.section] {
		if k != c.key && !hasWordPrefix(k, c.key) {
			continue
		}
		switch {
		case len(found) == 0 || len(c.key) > len(found[0].key):
			found = []tableColumn{c}
		case len(c.key) == len(found[0].key):
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return tableColumn{}, "", false
	}
	rest = restAfter(line, len(found[0].key))
	if len(found) == 1 {
		return found[0], rest, true
	}
	for _, c := range found {
		if c.table == m.ptable || questionBefore(c.table) == m.last {
			return c, rest, true
		}
	}
	return found[0], "", false // ambiguous: a label, but whose?
}

// questionBefore is the field printed just before a table's first column.
func questionBefore(table string) string {
	prev := ""
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if strings.HasPrefix(f.Path, table+".") {
				return prev
			}
			prev = f.Path
		}
	}
	return ""
}

// paragraphColumn reads a table's answers typed as paragraphs, one
// "label: answer" each, under block headings ("Parent 2") or not: a
// column answered already in the table's row starts its next row.
func (m *mapper) paragraphColumn(row []cellInfo) bool {
	if len(row) != 1 || row[0].table != 0 || len(row[0].lines) != 1 {
		return false
	}
	col, rest, ok := m.columnOf(row[0].lines[0])
	if !ok {
		return false
	}
	m.seenAny = true
	n, started := m.rows[col.table]
	if !started {
		n = referral.Count(&m.r, col.table)
	}
	path := col.table + "[" + strconv.Itoa(n) + "]." + col.field
	if m.filled[path] && n < referral.MaxRowIndex-1 {
		n++
		path = col.table + "[" + strconv.Itoa(n) + "]." + col.field
	}
	m.rows[col.table] = n
	m.ptable, m.last = col.table, col.table+"."+col.field
	f, _ := referral.FieldByPath(m.last)
	if rest == "" {
		m.below = append(m.below, pendingLabel{field: f, path: path})
	} else {
		m.set(path, rest)
	}
	return true
}

// blockRow reads a block heading typed above one row's paragraphs
// ("Parent 2", "Sibling 1") in its table's section: the lines below are
// that row's.
func (m *mapper) blockRow(row []cellInfo) bool {
	if len(row) != 1 || row[0].table != 0 || len(row[0].lines) != 1 {
		return false
	}
	t, n, ok := blockHeading(row[0].lines[0])
	if !ok {
		return false
	}
	f, ok := referral.FieldByPath(t.Path + "." + firstColumnOf(t.Path))
	if !ok || f.Section != m.section {
		return false
	}
	m.endCapture()
	m.below = nil
	if t.Path == "children" {
		m.child = min(n-1, t.Max-1)
	} else {
		m.rows[t.Path], m.ptable = min(n-1, t.Max-1), t.Path
	}
	return true
}
