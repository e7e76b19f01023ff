package formdoc

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// checkAnswers is the reading rule every reader's answers go through
// (readDOCX, readTextFrom, and so the PDF, ODT, text and e-mail readers):
// an answer is kept only when the form says it can be that answer. One is
// made unreadable — emptied, with a "please check" problem — when
//
//   - it holds a label of the form: a question's label, a section's
//     heading, or two or more options of one list, as a short answer; as
//     free text, when it starts with one (a label or an empty answer taken
//     for the answer);
//   - it does not fit its kind and more than its kind is written in it: a
//     date field that holds other words or a colon, a yes/no field that
//     holds no one option, a choice field with more than one option or a
//     label in it.
//
// A date or choice written wrongly but alone ("31/02/2019") is the
// referrer's to put right, and the checks say so; what this rule catches
// are answers a reader took from the wrong place. Never a guess: what
// cannot be certain is asked.
func checkAnswers(read *Read) {
	if read.Err != nil {
		return
	}
	r := &read.Referral
	asked := map[string]bool{}
	for _, p := range read.Problems {
		if p.Code == referral.CodeUnreadable {
			asked[p.Field] = true
		}
	}
	eachAnswer(r, func(path string, f referral.Field) {
		v := referral.Get(r, path)
		if strings.TrimSpace(v) == "" || !misread(f, v) {
			return
		}
		referral.Clear(r, path)
		if !asked[path] {
			read.Problems = append(read.Problems, referral.Unreadable(path))
			asked[path] = true
		}
	})
}

// misread reports whether an answer cannot be what was written for it.
func misread(f referral.Field, v string) bool {
	if f.Kind != referral.LongText && len(v) < 4 && !strings.Contains(v, ":") {
		return false // "Yes", "No", "12": too short to hold a label, a list or a date with more
	}
	if f.Kind == referral.Email && len(strings.Fields(v)) != 1 {
		return true // an address has no spaces: something else is written with it
	}
	k := " " + labelKey(v) + " "
	if f.Kind == referral.LongText {
		for _, l := range formLabels() {
			if strings.HasPrefix(k, l) {
				return true
			}
		}
		return false
	}
	for _, l := range formLabels() {
		if strings.Contains(k, l) {
			return true
		}
	}
	if optionsIn(k) >= 2 {
		return true
	}
	// A piece of a label, as the form prints it (in capitals), or words
	// that end as a label does: a label wrapped onto the answer's line.
	if t := strings.TrimSpace(v); strings.HasSuffix(t, ":") || (t == strings.ToUpper(t) && strings.Count(strings.TrimSpace(k), " ") >= 1 && labelPiece(k)) {
		return true
	}
	switch f.Kind {
	case referral.YesNo, referral.YesNoUnsure:
		return !referral.Fits(f, v)
	case referral.Date:
		return !referral.Fits(f, v) && (strings.ContainsAny(v, ":\n") || len(strings.Fields(v)) > 4 || digits(v) == 0)
	case referral.Phone:
		return digits(v) < 6 // a number is its figures ("0800 NO 1234" too); words alone are something else's
	case referral.Postcode:
		return digits(v) == 0
	}
	return false
}

// digits counts the figures in s.
func digits(s string) int {
	n := 0
	for _, r := range s {
		if '0' <= r && r <= '9' {
			n++
		}
	}
	return n
}

// formLabels are the label keys an answer may not hold, each between
// spaces (" DATE OF BIRTH "): every question's label of two words or
// more, or of one long word, and every section's heading
// (" SECTION 2 ABOUT THE CHILD REN ").
var formLabels = sync.OnceValue(func() []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		k := labelKey(s)
		if k == "" || seen[k] || (!strings.Contains(k, " ") && len(k) < 8) {
			return
		}
		seen[k] = true
		out = append(out, " "+k+" ")
	}
	for _, s := range referral.Form {
		if s.Number > 0 {
			add("SECTION " + strconv.Itoa(s.Number) + " " + s.Title)
		}
		for _, f := range s.Fields {
			add(f.Label)
		}
	}
	return out
})

// labelPiece reports whether a keyed answer is two or more words running
// in a label ("AT TIME" of "AGE AT TIME OF INCIDENT").
func labelPiece(k string) bool {
	for _, l := range formLabels() {
		if strings.Contains(l, k) {
			return true
		}
	}
	return false
}

// optionsIn counts the yes/no words and the closed lists' options that a
// keyed answer names: more than one of one list is a list printed, not an
// answer chosen.
func optionsIn(k string) int {
	most := 0
	for _, list := range optionLists() { // longest first: "NON ACCIDENTAL INJURY" is one option, not two
		n, rest := 0, k
		for _, o := range list {
			if strings.Contains(rest, o) {
				n++
				if n > 1 {
					break
				}
				rest = strings.Replace(rest, o, " | ", 1)
			}
		}
		most = max(most, n)
	}
	return most
}

var optionLists = sync.OnceValue(func() [][]string {
	var out [][]string
	out = append(out, []string{" YES ", " NO "})
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if len(f.Options) == 0 {
				continue
			}
			var keys []string
			for _, o := range f.Options {
				if k := labelKey(o); len(k) >= 4 { // "Other" and the like alone say little
					keys = append(keys, " "+k+" ")
				}
			}
			sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
			out = append(out, keys)
		}
	}
	return out
})

// eachAnswer calls fn for every answer of the form a referral holds, by
// its path, rows of tables by index.
func eachAnswer(r *referral.Referral, fn func(path string, f referral.Field)) {
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if f.Kind == referral.Multi || f.Kind == referral.Tick {
				continue
			}
			table := ""
			for _, t := range referral.Tables {
				if strings.HasPrefix(f.Path, t.Path+".") {
					table = t.Path
				}
			}
			if table == "" {
				fn(f.Path, f)
				continue
			}
			for i := range referral.Count(r, table) {
				fn(table+"["+strconv.Itoa(i)+"]"+strings.TrimPrefix(f.Path, table), f)
			}
		}
	}
}

// Agree holds two readings of one form to each other — an e-mail's plain
// text and its HTML — and makes unreadable every answer of read that other
// gives differently: which is meant cannot be told. An answer only one of
// them gives stands as read.
func Agree(read *Read, other Read) {
	if read.Err != nil || other.Err != nil {
		return
	}
	theirs := referral.Answers(&other.Referral)
	for path, mine := range referral.Answers(&read.Referral) {
		if t, ok := theirs[path]; ok && t != "" && mine != "" && !sameAnswer(mine, t) {
			referral.Clear(&read.Referral, path)
			read.Problems = append(read.Problems, referral.Unreadable(path))
		}
	}
}

// sameAnswer: the same words, whatever the spacing, case and order of
// lines (a list's options).
func sameAnswer(a, b string) bool {
	norm := func(s string) string {
		lines := strings.Split(strings.ToLower(s), "\n")
		for i, l := range lines {
			lines[i] = strings.Join(strings.Fields(l), " ")
		}
		sort.Strings(lines)
		return strings.Join(lines, "\n")
	}
	return norm(a) == norm(b)
}
