package referral

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/go-playground/validator/v10"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

// Earliest is the earliest date the form accepts: a year before it is a
// slip of the keyboard, not a date of birth.
var Earliest = civil.New(1920, 1, 1)

type asOfKey struct{}

// validate is built once, when first used (a function that never checks
// a referral never builds it): validator caches struct metadata and is
// safe for concurrent use.
var validate = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	must := func(err error) {
		if err != nil {
			panic(err) // programming error in the tags below, caught by every test
		}
	}
	must(v.RegisterValidation("date", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		if s == "" {
			return true
		}
		d, ok := ParseDate(s)
		return ok && !d.Before(Earliest)
	}))
	must(v.RegisterValidationCtx("past", func(ctx context.Context, fl validator.FieldLevel) bool {
		d, ok := ParseDate(fl.Field().String())
		asOf, _ := ctx.Value(asOfKey{}).(civil.Date)
		return !ok || asOf.IsZero() || !d.After(asOf)
	}))
	must(v.RegisterValidation("yesno", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return s == "" || s == "yes" || s == "no"
	}))
	must(v.RegisterValidation("yesnounsure", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return s == "" || s == "yes" || s == "no" || s == "unsure"
	}))
	must(v.RegisterValidation("opt", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		if s == "" {
			return true
		}
		for _, o := range optionLists[fl.Param()] {
			if o == s {
				return true
			}
		}
		return false
	}))
	must(v.RegisterValidation("emailaddr", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return s == "" || IsEmail(s)
	}))
	must(v.RegisterValidation("ukphone", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return s == "" || IsUKPhone(s)
	}))
	must(v.RegisterValidation("ukpostcode", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		_, ok := normalizePostcode(s)
		return s == "" || ok
	}))
	return v
})

var optionLists = map[string][]string{
	"gender":         Genders,
	"mainCause":      MainCauses,
	"characteristic": Characteristics,
	"reviewType":     ReviewTypes,
}

var phoneExt = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\s*(ext\.?|extension|x)\s*\d{1,6}$`) })

// IsEmail reports whether s looks like one e-mail address: a local part, an
// @ and a domain of at least two labels of letters, digits and hyphens. It
// is deliberately plain: the address is checked for typing slips, and
// delivery is what proves it.
func IsEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > 64 || len(s) > 254 {
		return false
	}
	for _, r := range s[:at] {
		if r <= ' ' || r == '@' || r == '(' || r == ')' || r == ',' || r == ';' || r == ':' || r == '<' || r == '>' || r == '"' || r == '[' || r == ']' || r == '\\' {
			return false
		}
	}
	labels := strings.Split(s[at+1:], ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return !unicode.IsDigit(rune(tld[0]))
}

// IsUKPhone reports whether s is a UK telephone number: 10 or 11 digits
// starting 0, or +44 without the 0, written with any spaces, dashes, dots or
// brackets ("+44 (0)1325 406453"), with an optional extension.
func IsUKPhone(s string) bool {
	if strings.ContainsAny(s, "eExX") {
		s = phoneExt().ReplaceAllString(s, "")
	}
	s = strings.Replace(s, "(0)", "", 1)
	var buf [16]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case (c >= '0' && c <= '9') || (c == '+' && i == 0):
			if n == len(buf) {
				return false
			}
			buf[n] = c
			n++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return false
		}
	}
	d := string(buf[:n])
	switch {
	case strings.HasPrefix(d, "+44"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "0044"):
		d = "0" + d[4:]
	}
	return (len(d) == 10 || len(d) == 11) && d[0] == '0' && d[1] != '0'
}

// Check normalizes r, validates it as of the day it was received and
// returns its route and every problem, in the order of the form. It is
// deterministic: the same referral and day give the same answer.
func Check(r *Referral, asOf civil.Date) (Route, []Problem) {
	probs := Normalize(r)
	probs = append(probs, Validate(r, asOf)...)
	sortProblems(probs)
	return RouteOf(r), probs
}

// Validate checks a normalized referral against the rules of the form as of
// asOf (dates after it are in the future). It does not change r.
func Validate(r *Referral, asOf civil.Date) []Problem {
	counts := rowCounts(r)
	var probs []Problem
	ctx := context.WithValue(context.Background(), asOfKey{}, asOf)
	if err := validate().StructCtx(ctx, r); err != nil {
		var fes validator.ValidationErrors
		if !asErrors(err, &fes) {
			return []Problem{{Code: "internal", Message: "The form could not be checked; the Business Unit will check it by hand."}}
		}
		for _, fe := range fes {
			probs = append(probs, fieldProblem(fe, counts))
		}
	}
	probs = append(probs, required(r, counts)...)
	probs = append(probs, rules(r, asOf, counts)...)
	sortProblems(probs)
	return probs
}

// required reports the answers the form requires and lacks: each Required
// field whenever it is asked — always, or for a follow-up question when
// the answer it follows asks it (FollowUps) — in every row of its table.
func required(r *Referral, counts map[string]int) []Problem {
	var probs []Problem
	for _, sec := range Form {
		for _, f := range sec.Fields {
			if !f.Required && f.RequiredOr == "" {
				continue
			}
			t, inTable := rowsOf(f.Path)
			n := 1
			if inTable {
				n = counts[t.Path]
			}
			for i := range n {
				at := func(p string) string { return p }
				if inTable {
					at = func(p string) string { return fmt.Sprintf("%s[%d]%s", t.Path, i, strings.TrimPrefix(p, t.Path)) }
				}
				path := at(f.Path)
				if Get(r, path) != "" || !asked(r, f.Path, at) {
					continue
				}
				msg := missing(f)
				if f.RequiredOr != "" {
					other := f.Path[:strings.LastIndexByte(f.Path, '.')+1] + f.RequiredOr
					if Get(r, at(other)) != "" {
						continue
					}
					if o, ok := FieldByPath(other); ok {
						msg += " or " + strings.TrimPrefix(o.Noun, commonPrefix(o.Noun, f.Noun))
					}
				}
				probs = append(probs, Problem{Section: f.Section, Field: path, Code: "required", Message: where(path, f.Section, counts) + ": " + msg})
			}
		}
	}
	return probs
}

// asked reports whether a question is asked: every follow-up rule it is in
// holds (the answer it follows is the one that asks it).
func asked(r *Referral, path string, at func(string) string) bool {
	for _, fu := range FollowUps {
		if !slices.Contains(fu.Fields, path) {
			continue
		}
		if !strings.Contains("\n"+Get(r, at(fu.Parent))+"\n", "\n"+fu.When+"\n") {
			return false
		}
	}
	return true
}

// rowsOf returns the table a field's path is in.
func rowsOf(path string) (Rows, bool) {
	for _, t := range Tables {
		if strings.HasPrefix(path, t.Path+".") {
			return t, true
		}
	}
	return Rows{}, false
}

// commonPrefix is the words two phrases start with: "the parent's ".
func commonPrefix(a, b string) string {
	n := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == ' ' {
			n = i + 1
		}
	}
	return a[:n]
}

func asErrors(err error, fes *validator.ValidationErrors) bool {
	v, ok := err.(validator.ValidationErrors)
	*fes = v
	return ok
}

// fieldProblem turns a validator failure into a problem a referrer reads.
func fieldProblem(fe validator.FieldError, counts map[string]int) Problem {
	path := fe.Namespace()
	if _, rest, ok := strings.Cut(path, "."); ok {
		path = rest
	}
	f, ok := FieldByPath(path)
	if !ok {
		return Problem{Field: path, Code: "invalid", Message: "Check the answer at " + path}
	}
	at := where(path, f.Section, counts)
	p := Problem{Section: f.Section, Field: path}
	s, _ := fe.Value().(string)
	switch fe.Tag() {
	case "date":
		if d, ok := ParseDate(s); ok && d.Before(Earliest) {
			p.Code, p.Message = "implausible_date", fmt.Sprintf("%s: check the year in %s; it must be %d or later", at, f.Noun, Earliest.Year)
		} else {
			p.Code, p.Message = "invalid_date", at+": enter "+f.Noun+" as a real date, for example 14/03/2026"
		}
	case "past":
		p.Code, p.Message = "future_date", at+": "+f.Noun+" must be today or in the past"
	case "emailaddr":
		p.Code, p.Message = "invalid_email", at+": enter "+f.Noun+" in the correct format, like name@example.gov.uk"
	case "ukphone":
		p.Code, p.Message = "invalid_phone", at+": enter "+f.Noun+" as a UK number, like 01325 406453 or 07700 900982"
	case "ukpostcode":
		p.Code, p.Message = "invalid_postcode", at+": enter "+f.Noun+" as a real UK postcode, like DL1 5QT"
	case "opt":
		p.Code, p.Message = "invalid_option", at+": select "+f.Noun+" from the options on the form: "+strings.Join(f.Options, ", ")
	case "yesno":
		p.Code, p.Message = "invalid_answer", at+": answer YES or NO for "+f.Noun
	case "yesnounsure":
		p.Code, p.Message = "invalid_answer", at+": answer YES, NO or UNSURE for "+f.Noun
	default:
		p.Code, p.Message = "invalid", at+": check "+f.Noun
	}
	return p
}

// missing is the instruction for an empty answer.
func missing(f Field) string {
	switch f.Kind {
	case Choice, Multi:
		return "select " + f.Noun
	case YesNo, YesNoUnsure:
		return "say " + f.Noun
	case Tick:
		return "tick " + f.Noun
	}
	return "enter " + f.Noun
}

// where names the place of a path in messages: "Section 2" or, when the
// table has several rows, "Section 2, child 2".
func where(path string, section int, counts map[string]int) string {
	base := "Section " + strconv.Itoa(section)
	if section == 0 {
		base = "Criteria boxes"
	}
	i := strings.IndexByte(path, '[')
	if i < 0 {
		return base
	}
	j := strings.IndexByte(path[i:], ']')
	if j < 0 {
		return base
	}
	t, ok := tableOf(path[:i])
	n, err := strconv.Atoi(path[i+1 : i+j])
	if !ok || err != nil || counts[t.Path] < 2 {
		return base
	}
	return fmt.Sprintf("%s, %s %d", base, t.One, n+1)
}

func rowCounts(r *Referral) map[string]int {
	return map[string]int{
		"children":                     len(r.Children),
		"parents":                      len(r.Parents),
		"siblings":                     len(r.Siblings),
		"childProtection.siblingPlans": len(r.ChildProtection.SiblingPlans),
		"childProtection.siblingChildInNeedPlans": len(r.ChildProtection.SiblingChildInNeedPlans),
		"agencies": len(r.Agencies),
	}
}

// fieldOrder is each field's position on the printed form.
var fieldOrder = func() map[string]int {
	m := make(map[string]int)
	for _, s := range Form {
		for _, f := range s.Fields {
			m[f.Path] = len(m)
		}
	}
	return m
}()

// sortProblems puts problems in the order of the form: section, row, field.
func sortProblems(probs []Problem) {
	sort.SliceStable(probs, func(i, j int) bool {
		a, b := probs[i], probs[j]
		if a.Section != b.Section {
			return a.Section < b.Section
		}
		if ra, rb := rowOf(a.Field), rowOf(b.Field); ra != rb {
			return ra < rb
		}
		return orderOf(a.Field) < orderOf(b.Field)
	})
}

func rowOf(path string) int {
	i := strings.IndexByte(path, '[')
	if i < 0 {
		return -1
	}
	n := 0
	for _, r := range path[i+1:] {
		if !unicode.IsDigit(r) {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func orderOf(path string) int {
	if n, ok := fieldOrder[genericPath(path)]; ok {
		return n
	}
	return -1 // whole-table and whole-section problems come first
}

// CodeUnreadable marks an answer that could not be read with certainty —
// boxes that cannot be paired with their options, two answers to one
// question, ticks a PDF does not show — or, with no Field, an input of
// which nothing could be read. The answer is left empty and the referrer
// is asked to check it: never a guess.
const CodeUnreadable = "unreadable"

// Unreadable is the problem for the answer at path that could not be read.
func Unreadable(path string) Problem {
	f, _ := FieldByPath(path)
	return Problem{Section: f.Section, Field: path, Code: CodeUnreadable,
		Message: where(path, f.Section, nil) + ": we could not read " + f.Noun + " from what you sent; please check it"}
}

// WithReadProblems puts a reader's problems with the checker's for the
// same referral: an answer the reader could not read is not reported
// missing as well, and one that has an answer after all (a correction
// kept the earlier answer) is not reported.
func WithReadProblems(r *Referral, read, checked []Problem) []Problem {
	unread := map[string]bool{}
	var out []Problem
	for _, p := range read {
		if p.Code == CodeUnreadable && p.Field != "" {
			if Get(r, p.Field) != "" {
				continue
			}
			unread[p.Field] = true
		}
		out = append(out, p)
	}
	for _, p := range checked {
		if p.Code == "required" && unread[p.Field] {
			continue
		}
		out = append(out, p)
	}
	sortProblems(out)
	return out
}
