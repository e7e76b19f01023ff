package formdoc

import (
	"strconv"
	"strings"
	"sync"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

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
			for _, label := range append([]string{f.Label}, append(aliases[f.Path], columnAliases[f.Path]...)...) {
				k := key(label)
				out[s.Number] = append(out[s.Number], tableColumn{table: t, field: strings.TrimPrefix(f.Path, t+"."), key: k, words: strings.Fields(k)})
			}
		}
	}
	return out
})

// columnAliases are other ways a repeating table's header names its
// columns, read only in a header row of two or more columns known.
var columnAliases = map[string][]string{
	"parents.lastName":   {"LAST NAME", "SURNAME"},
	"parents.firstName":  {"FIRST NAME", "FIRST NAMES", "FORENAME", "FORENAMES"},
	"siblings.lastName":  {"LAST NAME", "SURNAME"},
	"siblings.firstName": {"FIRST NAME", "FIRST NAMES", "FORENAME", "FORENAMES"},
}

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
