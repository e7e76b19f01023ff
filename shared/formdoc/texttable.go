package formdoc

import "strings"

// Tables laid out with spaces, as pandoc writes them in plain text (and
// as a Word table saved as text can look): a line of dashes in groups,
// one group a column, says where each column starts.
//
//	  -----------------------------------------------------------
//	  FULL NAME                     Alex Nurse
//	  ----------------------------- -----------------------------
//	  ORGANISATION                  County Durham and Darlington
//	                                NHS Foundation Trust
//
//	  EMAIL ADDRESS                 alex.nurse@nhs.net
//	  -----------------------------------------------------------
//
// A table framed by full lines of dashes has rows of several lines,
// separated by blank lines; one without (a header, its dashes, then rows)
// has a row a line, up to the first blank line.

// dashGroups returns where each group of dashes in a line starts (in
// runes), or nil when the line is not only dashes and spaces.
func dashGroups(line string) []int {
	var starts []int
	prev, dashes := ' ', 0
	i := 0
	for _, r := range line {
		switch r {
		case '-':
			if prev != '-' {
				starts = append(starts, i)
			}
			dashes++
		case ' ', '\t':
		default:
			return nil
		}
		prev = r
		i++
	}
	if dashes < 6 {
		return nil
	}
	return starts
}

// spacedRow is a row of a table laid out with spaces: its cells and the
// line it starts on, counted from the table's first.
type spacedRow struct {
	cells []string
	line  int
}

// spacedTable reads a table laid out with spaces starting at lines[0]:
// its rows, and how many lines it took. ok is false when no table starts
// there.
func spacedTable(lines []string) (rows []spacedRow, used int, ok bool) {
	first := dashGroups(lines[0])
	switch {
	case len(first) == 1: // framed: rows of several lines
		end := -1
		var cols []int
		for i := 1; i < len(lines); i++ {
			g := dashGroups(lines[i])
			if len(g) >= 2 && cols == nil {
				cols = g
				continue
			}
			if len(g) == 1 {
				end = i
				break
			}
		}
		if end < 0 || cols == nil {
			return nil, 0, false
		}
		var row []string
		start := 0
		for i, line := range lines[1:end] {
			if dashGroups(line) != nil || strings.TrimSpace(line) == "" {
				if row != nil {
					rows, row = append(rows, spacedRow{row, start}), nil
				}
				continue
			}
			if row == nil {
				start = i + 1
			}
			row = joinCells(row, splitColumns(line, cols))
		}
		if row != nil {
			rows = append(rows, spacedRow{row, start})
		}
		return rows, end + 1, len(rows) > 0
	case len(first) >= 2: // a simple table: the header above the dashes, a row a line
		for i := 1; i < len(lines) && strings.TrimSpace(lines[i]) != "" && dashGroups(lines[i]) == nil; i++ {
			rows = append(rows, spacedRow{splitColumns(lines[i], first), i})
			used = i + 1
		}
		return rows, max(used, 1), len(rows) > 0
	}
	return nil, 0, false
}

// splitColumns cuts a line at the columns' starts.
func splitColumns(line string, cols []int) []string {
	cells := make([]string, len(cols))
	i, c := 0, 0
	var b strings.Builder
	for _, r := range line {
		for c+1 < len(cols) && i >= cols[c+1] {
			cells[c] = strings.TrimSpace(b.String())
			b.Reset()
			c++
		}
		b.WriteRune(r)
		i++
	}
	cells[c] = strings.TrimSpace(b.String())
	return cells
}

// joinCells adds a row's next line to it, cell by cell.
func joinCells(row, more []string) []string {
	if row == nil {
		return more
	}
	for i, s := range more {
		switch {
		case s == "":
		case row[i] == "":
			row[i] = s
		default:
			row[i] += " " + s
		}
	}
	return row
}
