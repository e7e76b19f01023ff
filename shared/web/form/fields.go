package form

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// london is the partnership's zone: the one definition, never a fallback.
var london = workdays.London

// reveal is an answer that opens follow-up questions (GOV.UK's
// conditional reveal): when the answer is given, the fields show.
type reveal struct {
	when   string
	fields []string
}

// reveals are the form's reveals by the question they follow, read from
// its definition (referral.FollowUps) on each use: the definition is the
// one place they are said.
func reveals() map[string]reveal {
	out := map[string]reveal{}
	for _, f := range referral.FollowUps {
		if f.Reveal {
			r := out[f.Parent]
			r.when, r.fields = f.When, append(r.fields, f.Fields...)
			out[f.Parent] = r
		}
	}
	return out
}

// revealed are the fields shown only under another answer.
func revealed() map[string]string {
	out := map[string]string{}
	for parent, r := range reveals() {
		for _, f := range r.fields {
			out[f] = parent
		}
	}
	return out
}

func tableOf(path string) (referral.Rows, bool) {
	for _, t := range referral.Tables {
		if strings.HasPrefix(path, t.Path+".") {
			return t, true
		}
	}
	return referral.Rows{}, false
}

// idOf turns a path into an HTML id: children[0].dateOfBirth →
// children-0-dateOfBirth.
func idOf(path string) string { return idReplacer.Replace(path) }

var idReplacer = strings.NewReplacer("[", "-", "]", "", ".", "-")

// concrete is a field's path in row i of its table ("children.fullName",
// 0 → "children[0].fullName").
func concrete(t referral.Rows, path string, i int) string {
	return fmt.Sprintf("%s[%d]%s", t.Path, i, strings.TrimPrefix(path, t.Path))
}

// sectionView lays out one page: fields, tables of rows, errors.
func (h *Handler) sectionView(s session, step string, sec referral.Section, ret string, probs []referral.Problem) view {
	v := h.base("")
	v.CSRF, v.IdleSeconds, v.Return = csrf(s.token), int(h.idle()/time.Second), ret
	v.Action = h.at(stepPath(step))
	if sec.Number == 0 {
		v.Title, v.Caption, v.Heading = "Which criteria apply", "Before you start", "Which of these apply to the case?"
		v.Guidance = append([]string{"Tick every box that applies."}, sec.Guidance...)
	} else {
		v.Title = fmt.Sprintf("Section %d: %s", sec.Number, sentence(sec.Title))
		v.Caption, v.Heading, v.Guidance = fmt.Sprintf("Section %d of 12", sec.Number), sentence(sec.Title), sec.Guidance
	}
	v.Back = h.at("/")
	for i, st := range steps {
		if st == step && i > 0 {
			v.Back = h.at(stepPath(steps[i-1]))
		}
	}
	if ret != "" {
		v.Back = h.at("/referral/check")
	}
	errOf := map[string]string{}
	for _, p := range probs {
		if _, seen := errOf[p.Field]; !seen {
			errOf[p.Field] = onPage(p.Message)
		}
	}
	byPath := map[string]referral.Field{}
	for _, f := range sec.Fields {
		byPath[f.Path] = f
	}
	done := map[string]bool{}
	shown := revealed() // under another answer: laid out with it
	r := &s.d.Referral
	for _, f := range sec.Fields {
		if _, ok := shown[f.Path]; ok {
			continue
		}
		t, inTable := tableOf(f.Path)
		if !inTable {
			v.Items = append(v.Items, itemView{Field: fieldFor(f, f.Path, r, errOf, byPath)})
			continue
		}
		if done[t.Path] {
			continue
		}
		done[t.Path] = true
		tv := &tableView{ID: idOf(t.Path), Path: t.Path, One: t.One, A: article(t.One), Many: capital(t.Many), ManyLower: t.Many,
			CanAdd: referral.Count(r, t.Path) < t.Max}
		for i := 0; i < referral.Count(r, t.Path); i++ {
			row := rowView{ID: idOf(fmt.Sprintf("%s[%d]", t.Path, i)), Table: t.Path, Index: i, Legend: fmt.Sprintf("%s %d", capital(t.One), i+1)}
			for _, g := range sec.Fields {
				if _, ok := shown[g.Path]; ok || !strings.HasPrefix(g.Path, t.Path+".") {
					continue
				}
				row.Fields = append(row.Fields, fieldForRow(g, t, i, r, errOf, byPath))
			}
			tv.Rows = append(tv.Rows, row)
		}
		v.Items = append(v.Items, itemView{Table: tv})
		if msg, ok := errOf[t.Path]; ok {
			errOf[tv.ID+"-add"] = msg
		}
	}
	for _, p := range probs {
		href := "#" + idOf(p.Field)
		if f, ok := referral.FieldByPath(p.Field); ok && f.Kind == referral.Date {
			href += "-day"
		} else if ok && (f.Kind == referral.YesNo || f.Kind == referral.YesNoUnsure || f.Kind == referral.Choice || f.Kind == referral.Multi) {
			href += "-" + optionID(0)
		} else if _, isTable := tableNamed(p.Field); isTable {
			href += "-add"
		}
		v.Errors = append(v.Errors, web.ErrorLink{Href: href, Message: onPage(p.Message)})
	}
	return v
}

func fieldForRow(f referral.Field, t referral.Rows, i int, r *referral.Referral, errOf map[string]string, byPath map[string]referral.Field) *fieldView {
	return fieldAt(f, concrete(t, f.Path, i), func(p string) string { return concrete(t, p, i) }, r, errOf, byPath)
}

func fieldFor(f referral.Field, path string, r *referral.Referral, errOf map[string]string, byPath map[string]referral.Field) *fieldView {
	return fieldAt(f, path, func(p string) string { return p }, r, errOf, byPath)
}

// fieldAt builds the view of field f at a concrete path; at maps the
// paths of fields it reveals into the same row.
func fieldAt(f referral.Field, path string, at func(string) string, r *referral.Referral, errOf map[string]string, byPath map[string]referral.Field) *fieldView {
	label := f.Label
	if f.Words != "" {
		label = f.Words
	}
	fv := &fieldView{ID: idOf(path), Name: path, Label: sentence(label), Hint: f.Hint, Value: referral.Get(r, path), Error: errOf[path],
		InputType: "text", Width: "govuk-!-width-two-thirds", MaxLen: referral.MaxLongText}
	switch f.Kind {
	case referral.Text, referral.Age:
		fv.Kind = "input"
		if f.Kind == referral.Age {
			fv.Width, fv.Hint = "govuk-input--width-10", "For example, 4 or 7 months"
		}
	case referral.Email:
		fv.Kind, fv.InputType, fv.Autocomplete, fv.Spellcheck = "input", "email", "email", true
	case referral.Phone:
		fv.Kind, fv.InputType, fv.Autocomplete, fv.Width = "input", "tel", "tel", "govuk-input--width-20"
	case referral.Postcode:
		fv.Kind, fv.Width = "input", "govuk-input--width-10"
	case referral.LongText:
		fv.Kind = "long"
	case referral.Date:
		fv.Kind = "date"
		fv.Day, fv.Month, fv.Year = dateParts(fv.Value)
	case referral.Tick:
		fv.Kind = "tick"
	case referral.YesNo, referral.YesNoUnsure, referral.Choice, referral.Multi:
		fv.Kind = "radios"
		if f.Kind == referral.Multi {
			fv.Kind = "checkboxes"
		}
		values, labels := optionsOf(f)
		chosen := map[string]bool{}
		for _, v := range strings.Split(fv.Value, "\n") {
			chosen[v] = true
		}
		rv, hasReveal := reveals()[f.Path]
		fv.Inline = (f.Kind == referral.YesNo || f.Kind == referral.YesNoUnsure) && !hasReveal
		fv.Small = len(values) > 6
		for i, val := range values {
			o := optionView{ID: fv.ID + "-" + optionID(i), Value: val, Label: labels[i], Checked: chosen[val]}
			if hasReveal && rv.when == val {
				for _, p := range rv.fields {
					o.Reveals = append(o.Reveals, fieldAt(byPath[p], at(p), at, r, errOf, byPath))
				}
			}
			fv.Options = append(fv.Options, o)
		}
	default:
		fv.Kind = "input"
	}
	return fv
}

// onPage words a problem for the page it is shown on: the section is the
// page's, so "Section 2, child 1: enter …" reads "Child 1: enter …" and
// "Section 1: enter your name" reads "Enter your name", as GOV.UK's error
// messages do.
func onPage(msg string) string {
	if !strings.HasPrefix(msg, "Section ") {
		return msg
	}
	rest := strings.TrimLeft(msg[len("Section "):], "0123456789")
	switch {
	case strings.HasPrefix(rest, ", "):
		return capital(rest[2:])
	case strings.HasPrefix(rest, ": "):
		return capital(rest[2:])
	}
	return msg
}

// optionsOf gives a closed question's values and labels.
func optionsOf(f referral.Field) (values, labels []string) {
	switch f.Kind {
	case referral.YesNo:
		return []string{"yes", "no"}, []string{"Yes", "No"}
	case referral.YesNoUnsure:
		return []string{"yes", "no", "unsure"}, []string{"Yes", "No", "Unsure"}
	}
	return f.Options, f.Options
}

// optionID is the i-th option's id suffix: the first is the field's own
// id with "-1", as error summary links expect.
func optionID(i int) string { return strconv.Itoa(i + 1) }

func dateParts(v string) (day, month, year string) {
	if d, err := civil.Parse(v); err == nil {
		return strconv.Itoa(d.Day), strconv.Itoa(int(d.Month)), strconv.Itoa(d.Year)
	}
	if parts := strings.Split(v, "/"); len(parts) == 3 {
		return parts[0], parts[1], parts[2]
	}
	return "", "", ""
}

// readSection writes a page's answers into the referral: every field of
// the section (in every row of its tables) is written afresh, and answers
// hidden under an answer not given are cleared.
func readSection(r *referral.Referral, sec referral.Section, form url.Values) {
	for _, f := range sec.Fields {
		if t, ok := tableOf(f.Path); ok {
			for i := 0; i < referral.Count(r, t.Path); i++ {
				readField(r, f, concrete(t, f.Path, i), form)
			}
			continue
		}
		readField(r, f, f.Path, form)
	}
	for parent, rv := range reveals() {
		f, ok := referral.FieldByPath(parent)
		if !ok || f.Section != sec.Number {
			continue
		}
		clearUnless := func(at func(string) string) {
			if !strings.Contains("\n"+referral.Get(r, at(parent))+"\n", "\n"+rv.when+"\n") {
				for _, p := range rv.fields {
					referral.Clear(r, at(p))
				}
			}
		}
		if t, ok := tableOf(parent); ok {
			for i := 0; i < referral.Count(r, t.Path); i++ {
				clearUnless(func(p string) string { return concrete(t, p, i) })
			}
		} else {
			clearUnless(func(p string) string { return p })
		}
	}
}

func readField(r *referral.Referral, f referral.Field, path string, form url.Values) {
	referral.Clear(r, path)
	switch f.Kind {
	case referral.Date:
		d, m, y := strings.TrimSpace(form.Get(path+".day")), strings.TrimSpace(form.Get(path+".month")), strings.TrimSpace(form.Get(path+".year"))
		if d+m+y != "" {
			_ = referral.Set(r, path, d+"/"+m+"/"+y)
		}
	case referral.Multi:
		allowed := map[string]bool{}
		for _, o := range f.Options {
			allowed[o] = true
		}
		for _, v := range form[path] {
			if allowed[v] {
				_ = referral.Set(r, path, v)
			}
		}
	case referral.Tick:
		if form.Get(path) == "yes" {
			_ = referral.Set(r, path, "yes")
		}
	default:
		if v := strings.TrimSpace(form.Get(path)); v != "" {
			_ = referral.Set(r, path, v)
		}
	}
}

// display shows an answer on the check page.
func display(f referral.Field, v string) string {
	switch {
	case v == "":
		return ""
	case f.Kind == referral.Date:
		if d, err := civil.Parse(v); err == nil {
			return d.Time(london).Format("2 January 2006")
		}
		if p, ok := referral.ParseDate(v); ok {
			return p.Time(london).Format("2 January 2006")
		}
	case f.Kind == referral.YesNo || f.Kind == referral.YesNoUnsure || f.Kind == referral.Tick:
		return map[string]string{"yes": "Yes", "no": "No", "unsure": "Unsure"}[v]
	}
	return v
}

// sentence turns a label printed in capitals into sentence case:
// "DATE OF BIRTH" → "Date of birth". Mixed-case labels are kept.
func sentence(s string) string {
	s = capital(s) // "please provide details" as printed starts a sentence on a page
	if v, ok := sentences.Load(s); ok {
		return v.(string)
	}
	out := sentenceOf(s)
	sentences.Store(s, out)
	return out
}

// sentences caches sentence: labels are a fixed set.
var sentences sync.Map

func sentenceOf(s string) string {
	outside := s // capitals outside brackets: "ETHNICITY (if known)"
	for {
		i, j := strings.IndexByte(outside, '('), strings.IndexByte(outside, ')')
		if i < 0 || j < i {
			break
		}
		outside = outside[:i] + outside[j+1:]
	}
	if strings.ToUpper(outside) != outside {
		return s
	}
	lower := []rune(strings.ToLower(s))
	for i, r := range lower {
		if unicode.IsLetter(r) {
			lower[i] = unicode.ToUpper(r)
			break
		}
	}
	out := string(lower)
	for _, acr := range []string{"cpp", "cin", "mappa", "marac", "leder"} {
		out = replaceWord(out, acr, strings.ToUpper(acr))
	}
	return out
}

func replaceWord(s, word, with string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.Trim(f, "()?,.") == word {
			fields[i] = strings.Replace(f, word, with, 1)
		}
	}
	return strings.Join(fields, " ")
}

// article is "an" before a vowel sound, else "a": "an agency", "a child".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// allow reports whether this client may submit now. The client is the
// connection's address: the local runner is reached directly; in AWS the
// WAF rate rule does this job in front of the function.
func (h *Handler) allow(r *http.Request) bool {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return h.submits.Allow(ip, h.Now())
}

// FormValues are a section's answers as its page posts them (dates as
// day, month and year; one value per option ticked). Tests and the load
// benchmark fill pages with it; it is readSection's inverse.
func FormValues(r *referral.Referral, section int) url.Values {
	out := url.Values{}
	put := func(f referral.Field, path string) {
		v := referral.Get(r, path)
		switch f.Kind {
		case referral.Date:
			d, m, y := dateParts(v)
			if d+m+y != "" {
				out.Set(path+".day", d)
				out.Set(path+".month", m)
				out.Set(path+".year", y)
			}
		case referral.Multi:
			for _, o := range strings.Split(v, "\n") {
				if o != "" {
					out.Add(path, o)
				}
			}
		default:
			if v != "" {
				out.Set(path, v)
			}
		}
	}
	for _, sec := range referral.Form {
		if sec.Number != section {
			continue
		}
		for _, f := range sec.Fields {
			if t, ok := tableOf(f.Path); ok {
				for i := 0; i < referral.Count(r, t.Path); i++ {
					put(f, concrete(t, f.Path, i))
				}
				continue
			}
			put(f, f.Path)
		}
	}
	return out
}
