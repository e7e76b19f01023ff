package formdoc

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

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
		found = found || strings.Contains(it.Text, "☐") // a box typed as its glyph, not ticked
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
		if opt == "" && m.hiddenTicks {
			// A PDF's cell wrapped onto the next line: "☒ Parental Mental"
			// over "Health".
			for _, n := range next {
				if n.col == c.col && len(n.lines) == 1 && countBoxes(n.items) == 0 && !strings.ContainsAny(n.text(), "☐☒☑") {
					joined := c
					joined.lines = []string{c.text() + " " + strings.TrimSpace(n.lines[0])}
					joined.items = append(slices.Clone(c.items), Item{Text: " " + strings.TrimSpace(n.lines[0])})
					opt = optionOf(f, joined)
				}
			}
		}
		if opt == "" {
			if ticked, _ := anyBox(c.items); ticked && strings.TrimSpace(strings.Trim(c.text(), "☐☒☑ \t\n")) != "" {
				// A tick beside words that are none of the options: which
				// option it is cannot be known, so neither can the answer.
				m.unreadable(f.Path)
			}
			continue
		}
		hits++
		ticked, found := anyBox(c.items)
		if !found {
			for _, n := range next {
				// The cell below holds this option's box only when it is
				// no option itself (a row of names over a row of boxes).
				if n.col == c.col && optionOf(f, n) == "" {
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
