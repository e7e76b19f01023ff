package formdoc

import (
	"slices"
	"strings"

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
	opts := optionsOf(f)
	n := countOptions(opts, value)
	switch {
	case n < 2:
		return notOptions
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
		return []string{"Yes", "No"}
	case referral.YesNoUnsure:
		return []string{"Yes", "No", "Unsure"}
	case referral.Choice, referral.Multi:
		return f.Options
	}
	return nil
}

// countOptions is how many different options value is made of, and
// nothing else but spaces, line breaks, tabs and the separators people
// print between options (/ , ; |); 0 if anything else is in it.
func countOptions(opts []string, value string) int {
	if len(opts) == 0 {
		return 0
	}
	s := optionWords(value)
	if s == "" {
		return 0
	}
	byLength := make([]string, len(opts))
	for i, o := range opts {
		byLength[i] = optionWords(o) // "Drug/Solvent misuse" as "drug solvent misuse"
	}
	slices.SortFunc(byLength, func(a, b string) int { return len(b) - len(a) }) // "not yet known" before "not"
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
			return 0
		}
		seen[found] = true
		s = strings.TrimPrefix(s[len(found):], " ")
	}
	return len(seen)
}

// isOptionLine reports whether a line is one of a closed question's
// options and nothing else, so that options printed one a line below it
// are read together.
func isOptionLine(f referral.Field, line string) bool {
	return strings.TrimSpace(line) != "" && countOptions(optionsOf(f), line) > 0
}

// optionWords is text in lower case with its separators as single spaces.
func optionWords(text string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '/' || r == ',' || r == ';' || r == '|' || r == '\u00a0'
	}), " "))
}
