package referral

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Limits on what one referral holds. Whatever is over them stays in the raw
// input that was kept; the stored referral is clipped and a problem says so.
const (
	MaxText     = 500    // characters in a short answer
	MaxLongText = 10_000 // characters in a free-text box
)

// Placeholders are the texts Word shows in empty content controls; they
// mean the answer is empty.
var Placeholders = []string{
	"Choose an item.",
	"Click or tap here to enter text.",
	"Click or tap to enter a date.",
	"Click here to enter text.",
	"Click here to enter a date.",
}

// Normalize tidies r in place so that the same answer always reads the
// same: it trims space, drops Word placeholders and empty rows, writes dates
// it can read as ISO (2026-03-14), yes/no answers as "yes"/"no"/"unsure",
// options as printed on the form and postcodes in capitals; it derives a
// child's age at the incident when blank. Answers it cannot read stay as
// written. It clips over-long answers and surplus rows and returns a
// problem for each; it never fails. Normalize is idempotent.
func Normalize(r *Referral) []Problem {
	var probs []Problem
	r.Children = dropEmpty(r.Children)
	r.Parents = dropEmpty(r.Parents)
	r.Siblings = dropEmpty(r.Siblings)
	r.Agencies = noneInvolved(r)
	r.Agencies = dropEmpty(r.Agencies)
	r.ChildProtection.SiblingPlans = dropEmpty(r.ChildProtection.SiblingPlans)
	r.ChildProtection.SiblingChildInNeedPlans = dropEmpty(r.ChildProtection.SiblingChildInNeedPlans)
	clipRows(&r.Children, "children", &probs)
	clipRows(&r.Parents, "parents", &probs)
	clipRows(&r.Siblings, "siblings", &probs)
	clipRows(&r.Agencies, "agencies", &probs)
	clipRows(&r.ChildProtection.SiblingPlans, "childProtection.siblingPlans", &probs)
	clipRows(&r.ChildProtection.SiblingChildInNeedPlans, "childProtection.siblingChildInNeedPlans", &probs)

	counts := rowCounts(r)
	eachValue(reflect.ValueOf(r).Elem(), "", func(path string, v reflect.Value) {
		f, ok := FieldByPath(path)
		if !ok {
			return
		}
		switch v.Kind() {
		case reflect.String:
			s := normalizeString(f, v.String())
			if limit := maxLen(f.Kind); utf8.RuneCountInString(s) > limit {
				s = clip(s, limit)
				probs = append(probs, tooLong(path, f, limit, counts))
			}
			v.SetString(s)
		case reflect.Slice: // []string: Multi
			v.Set(reflect.ValueOf(normalizeMulti(f, v.Interface().([]string))))
		}
	})
	for i := range r.Children {
		deriveAge(&r.Children[i])
	}
	recogniseReviews(&r.OtherReviews)
	sortProblems(probs)
	return probs
}

func maxLen(k Kind) int {
	if k == LongText {
		return MaxLongText
	}
	return MaxText
}

func tooLong(path string, f Field, limit int, counts map[string]int) Problem {
	return Problem{Section: f.Section, Field: path, Code: "too_long",
		Message: fmt.Sprintf("%s: shorten %s to %s characters or fewer (we kept the first %s; everything you sent is saved)",
			where(path, f.Section, counts), f.Noun, thousands(limit), thousands(limit))}
}

func clipRows[T any](rows *[]T, path string, probs *[]Problem) {
	t, _ := tableOf(path)
	if len(*rows) <= t.Max {
		return
	}
	s, _ := SectionOf(path + "." + fieldsOf(reflect.TypeFor[T]())[0].name)
	*probs = append(*probs, Problem{Section: s.Number, Field: path, Code: "too_many",
		Message: fmt.Sprintf("Section %d: the form takes up to %d %s; we kept the first %d (you sent %s, and everything you sent is saved). Send the others to the Business Unit in a separate document",
			s.Number, t.Max, t.Many, t.Max, thousands(len(*rows)))})
	*rows = (*rows)[:t.Max:t.Max]
}

// dropEmpty removes rows whose every answer is empty.
func dropEmpty[T any](rows []T) []T {
	kept := rows[:0]
	for _, row := range rows {
		empty := true
		eachValue(reflect.ValueOf(&row).Elem(), "", func(_ string, v reflect.Value) {
			if !v.IsZero() && !(v.Kind() == reflect.String && isBlank(v.String())) {
				empty = false
			}
		})
		if !empty {
			kept = append(kept, row)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

func isBlank(s string) bool { return cleanText(s) == "" }

// cleanText makes s valid UTF-8, removes control characters other than
// line breaks and tabs, trims it and empties Word placeholders.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, isBadControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isBadControl(r) {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimSpace(s)
	for _, p := range Placeholders {
		if strings.EqualFold(s, p) {
			return ""
		}
	}
	return s
}

func isBadControl(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r') || r == '\uFEFF'
}

func normalizeString(f Field, s string) string {
	s = cleanText(s)
	if s == "" {
		return ""
	}
	switch f.Kind {
	case Date:
		if d, ok := ParseDate(s); ok {
			return d.String()
		}
	case YesNo, YesNoUnsure:
		if v := yesNo(s); v != "" && (v != "unsure" || f.Kind == YesNoUnsure) {
			return v
		}
	case Choice:
		if o := matchOption(f.Options, s); o != "" {
			return o
		}
	case Postcode:
		if p, ok := normalizePostcode(s); ok {
			return p
		}
	case Text, Email, Phone, Age:
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

func normalizeMulti(f Field, vals []string) []string {
	var out []string
	seen := make(map[string]bool, len(vals))
	for _, v := range vals {
		v = cleanText(v)
		if v == "" {
			continue
		}
		if o := matchOption(f.Options, v); o != "" {
			v = o
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	// In the form's order, so the same ticks always read the same.
	sort.SliceStable(out, func(i, j int) bool { return optionIndex(f.Options, out[i]) < optionIndex(f.Options, out[j]) })
	return out
}

// optionIndex is an option's place in its list; values not on the list
// come after.
func optionIndex(options []string, v string) int {
	for i, o := range options {
		if o == v {
			return i
		}
	}
	return len(options)
}

// yesNo reads a tick-box answer: "yes", "no", "unsure", or "" if unreadable.
func yesNo(s string) string {
	switch strings.ToLower(strings.Trim(s, " .!")) {
	case "yes", "y", "x", "☒", "☑", "✓", "✔", "true", "ticked":
		return "yes"
	case "no", "n", "false":
		return "no"
	case "unsure", "not sure", "don't know", "dont know", "unknown", "not known":
		return "unsure"
	}
	return ""
}

// matchOption finds the option s names, ignoring case, spacing and
// punctuation ("drug / solvent misuse" → "Drug/Solvent misuse").
func matchOption(options []string, s string) string {
	key := optionKey(s)
	for _, o := range options {
		if optionKey(o) == key {
			return o
		}
	}
	return ""
}

func optionKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// normalizePostcode returns a UK postcode in capitals with one space before
// the inward code ("dl15qt" → "DL1 5QT").
func normalizePostcode(s string) (string, bool) {
	var b [8]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'):
		default:
			return s, false
		}
		if n == len(b) {
			return s, false
		}
		b[n] = c
		n++
	}
	compact := string(b[:n])
	if n < 5 || n > 7 || !(compact == "GIR0AA" || (isOutward(compact[:n-3]) && isInward(compact[n-3:]))) {
		return s, false
	}
	return compact[:n-3] + " " + compact[n-3:], true
}

// isOutward matches the outward code: A9, A99, AA9, AA99, A9A or AA9A, with
// the letters each position allows.
func isOutward(o string) bool {
	letter := func(c byte, not string) bool { return c >= 'A' && c <= 'Z' && !strings.ContainsRune(not, rune(c)) }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if len(o) < 2 || !letter(o[0], "QVX") {
		return false
	}
	switch {
	case len(o) == 2:
		return digit(o[1])
	case len(o) == 3 && digit(o[1]):
		return digit(o[2]) || letter(o[2], "ILMNOQRVXYZ") // A99, A9A
	case len(o) == 3:
		return letter(o[1], "IJZ") && digit(o[2]) // AA9
	case len(o) == 4:
		return letter(o[1], "IJZ") && digit(o[2]) && (digit(o[3]) || letter(o[3], "CDFGIJKLOQSTUZ")) // AA99, AA9A
	}
	return false
}

// isInward matches the inward code: a digit and two letters other than
// C, I, K, M, O and V.
func isInward(in string) bool {
	return in[0] >= '0' && in[0] <= '9' && inwardLetter(in[1]) && inwardLetter(in[2])
}

func inwardLetter(c byte) bool {
	return c >= 'A' && c <= 'Z' && !strings.ContainsRune("CIKMOV", rune(c))
}

// deriveAge fills a blank age at the incident from the dates of birth and
// incident: whole years, or months under one.
func deriveAge(c *Child) {
	if c.AgeAtIncident != "" {
		return
	}
	dob, ok1 := ParseDate(c.DateOfBirth)
	inc, ok2 := ParseDate(c.IncidentDate)
	if !ok1 || !ok2 || inc.Before(dob) {
		return
	}
	if years := dob.YearsUntil(inc); years > 0 {
		c.AgeAtIncident = strconv.Itoa(years)
		return
	}
	months := monthsBetween(dob, inc)
	if months == 1 {
		c.AgeAtIncident = "1 month"
		return
	}
	c.AgeAtIncident = strconv.Itoa(months) + " months"
}

func clip(s string, runes int) string {
	n := 0
	for i := range s {
		if n == runes {
			return s[:i]
		}
		n++
	}
	return s
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// noneRE is the answer "no other agency was involved" written into
// Section 7's table, the way referrers write it.
var noneRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^no(ne)?\s+(other\s+)?agenc(y|ies)\s+((were|was|are|is)\s+)?involved\.?$`)
})

// noneInvolved takes rows of Section 7 that only say no other agency was
// involved as that answer, and returns the rows that are agencies.
func noneInvolved(r *Referral) []Agency {
	out := r.Agencies[:0:0]
	for _, a := range r.Agencies {
		texts := []string{}
		for _, v := range []string{a.FullName, a.Organisation, a.StartDate, a.EndDate} {
			if t := cleanText(v); t != "" {
				texts = append(texts, t)
			}
		}
		if len(texts) == 1 && noneRE().MatchString(texts[0]) {
			r.NoOtherAgencies = true
			continue
		}
		out = append(out, a)
	}
	return out
}

// reviewWords are the words that name each review type in a referrer's
// own text, as the form prints them in Section 12's guidance; "Other" is
// never recognised from words.
var reviewWords = sync.OnceValue(func() map[string]*regexp.Regexp {
	words := map[string]string{
		"Internal Agency Review":    `internal agency reviews?`,
		"Disciplinary":              `disciplinary`,
		"Professional Body":         `professional bod(y|ies)`,
		"Criminal Investigation":    `criminal investigations?`,
		"MAPPA":                     `mappa`,
		"MARAC":                     `marac`,
		"Domestic Homicide Review":  `domestic homicide`,
		"Safeguarding Adult Review": `safeguarding adults? reviews?`,
		"LeDeR Review":              `leder`,
		"Regulatory Body":           `regulatory bod(y|ies)`,
	}
	out := map[string]*regexp.Regexp{}
	for t, w := range words {
		out[t] = regexp.MustCompile(`(?i)\b` + w + `\b`)
	}
	return out
})

// recogniseReviews keeps Section 12 exact: a type that is not on the list
// (words written where the form prints no boxes) moves to the details, and
// the review types the details name are recognised into the types — by
// their printed names only, never guessed.
func recogniseReviews(or *OtherReviews) {
	var kept, words []string
	for _, t := range or.Types {
		if slices.Contains(ReviewTypes, t) {
			kept = append(kept, t)
		} else {
			words = append(words, t)
		}
	}
	if len(words) > 0 {
		or.Details = strings.TrimSpace(strings.Join(append([]string{or.Details}, words...), "\n"))
	}
	for _, t := range ReviewTypes {
		if re := reviewWords()[t]; re != nil && re.MatchString(or.Details) && !slices.Contains(kept, t) {
			kept = append(kept, t)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return optionIndex(ReviewTypes, kept[i]) < optionIndex(ReviewTypes, kept[j]) })
	or.Types = kept
}

// BidiControl reports whether text holds a character that changes the
// direction the rest is shown in (U+202A–U+202E, U+2066–U+2069, the marks
// U+200E, U+200F and U+061C): "gro.lanoitan@" can be made to show as an
// address it is not.
func BidiControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
	})
}

// Fits reports whether an answer, as written, can be the answer to a
// field of its kind: a date field one date, a yes/no field one of its
// options, a choice field one of its options. Free text fits any field.
func Fits(f Field, s string) bool {
	s = cleanText(s)
	if s == "" {
		return true
	}
	switch f.Kind {
	case Date:
		_, ok := ParseDate(s)
		return ok
	case YesNo:
		v := yesNo(s)
		return v == "yes" || v == "no"
	case YesNoUnsure:
		return yesNo(s) != ""
	case Choice:
		return matchOption(f.Options, s) != ""
	}
	return true
}
