package formdoc

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// An answer that is nothing but the question's own options — "Male
// Female Other Not known", "Yes\nNo" — is the options as printed, not a
// choice: on a form whose boxes are drawn as shapes, or one where the
// referrer meant to delete the others and did not, the first option is
// not the answer. These decide it, for the Word and the text readers
// alike, where an answer is written (mapper.set, setText).

// optionsVerdict is what an answer made only of options says.
type optionsVerdict int

const (
	notOptions optionsVerdict = iota // an answer: read it
	noneChosen                       // every option printed, none marked: unanswered
	cannotTell                       // options only, but which is meant cannot be seen: ask
)

// optionsOnly judges an answer to a closed question. Every option with
// none marked is unanswered — or, from a PDF (hiddenTicks), where a box
// drawn as a shape leaves no trace in the text, cannot be told. Two or
// more options of a single choice cannot be told either. A list of some
// of a multiple choice's options is an answer.
func optionsOnly(f referral.Field, value string, hiddenTicks bool) optionsVerdict {
	if !strings.ContainsFunc(value, isOptionSeparator) {
		return notOptions // one word: one option at most
	}
	opts := optionsOf(f)
	n, marks := countOptions(opts, value)
	switch {
	case n < 2:
		return notOptions
	case marks > 0:
		return cannotTell // "YES ¨ NO þ": marks beside the options that are no tick the readers know
	case n == len(opts) && !hiddenTicks:
		return noneChosen
	case n == len(opts) || f.Kind != referral.Multi:
		return cannotTell
	}
	return notOptions
}

// optionsOf is a closed question's options: its list, or the yes/no
// words.
func optionsOf(f referral.Field) []string {
	switch f.Kind {
	case referral.YesNo:
		return yesNoOptions[:2]
	case referral.YesNoUnsure:
		return yesNoOptions
	case referral.Choice, referral.Multi:
		return f.Options // the form's own lists: the same slices every time (optionKeysByLength)
	}
	return nil
}

var yesNoOptions = []string{"Yes", "No", "Unsure"}

// countOptions is how many different options value is made of, and how
// many marks of one character stand among them ("YES ¨ NO þ": boxes
// drawn in a symbol font whose letters reached the text), with nothing
// else but separators (optionWords); 0 options if anything else is in it.
func countOptions(opts []string, value string) (n, marks int) {
	if len(opts) == 0 {
		return 0, 0
	}
	if strings.ContainsAny(value, "☐☒☑✓✔✗✘[]()") {
		return 0, 0 // boxes and ticks the readers know: tickState decides
	}
	s := optionWords(value)
	if s == "" {
		return 0, 0
	}
	byLength := optionKeysByLength(opts)
	seen := map[string]bool{}
	for s != "" {
		found := ""
		for _, o := range byLength {
			if strings.HasPrefix(s, o) && (len(s) == len(o) || s[len(o)] == ' ') {
				found = o
				break
			}
		}
		if found == "" {
			mark, rest, _ := strings.Cut(s, " ")
			if utf8.RuneCountInString(mark) != 1 || mark == "x" {
				return 0, 0 // words, or an X typed as a tick (tickState's)
			}
			marks++
			s = rest
			continue
		}
		seen[found] = true
		s = strings.TrimPrefix(s[len(found):], " ")
	}
	return len(seen), marks
}

// isOptionLine reports whether a line is one of a closed question's
// options and nothing else, so that options printed one a line below it
// are read together.
func isOptionLine(f referral.Field, line string) bool {
	n, marks := countOptions(optionsOf(f), line)
	return n > 0 && marks == 0
}

// optionWords is text in lower case with its separators as single
// spaces: white space, and / , ; | & + and dashes, which people print or
// type between options ("Neglect & Other").
func optionWords(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		if isOptionSeparator(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isOptionSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\u00a0', '/', ',', ';', '|', '&', '+', '-', '–', '—':
		return true
	}
	return false
}

// optionKeysCache holds each list's keys by where it is and how long: the
// first option's address and the count.
var optionKeysCache sync.Map

type optionList struct {
	first *string
	n     int
}

// optionKeysByLength is a closed question's options as optionWords
// ("Drug/Solvent misuse" as "drug solvent misuse"), longest first ("not yet
// known" before "not"), made once for each list of the form's.
func optionKeysByLength(opts []string) []string {
	list := optionList{&opts[0], len(opts)}
	if v, ok := optionKeysCache.Load(list); ok {
		return v.([]string)
	}
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = optionWords(o)
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
	optionKeysCache.Store(list, keys)
	return keys
}
