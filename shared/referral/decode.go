package referral

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// DecodeJSON reads a referral written as JSON with the form's field names.
// It is forgiving in the way a person's answers need: a number where text
// was expected becomes text, "yes"/"x"/"true" tick a box, one string where
// a list was expected becomes a one-item list. Unknown fields and values of
// the wrong shape are reported as problems and left out; the rest of the
// form is still read. It refuses (errs.Invalid) only what is not a JSON
// object at all.
func DecodeJSON(data []byte) (Referral, []Problem, error) {
	var r Referral
	var probs []Problem
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte-order mark, as Windows tools write
	if !utf8.Valid(data) {
		probs = append(probs, Problem{Code: "encoding", Message: "The file is not valid UTF-8 text: some characters could not be read and were replaced with �. Check names and addresses, or send the Word form"})
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return r, nil, errs.Wrap(errs.Invalid, err, "The file is not valid JSON (%s)", jsonErrorText(err))
	}
	if dec.More() {
		return r, nil, errs.E(errs.Invalid, "The file holds more than one JSON value; send one referral per file")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return r, nil, errs.E(errs.Invalid, "The file must hold one JSON object with the form's sections, such as {\"referrer\": {...}, \"children\": [...]}")
	}
	d := decoder{probs: probs}
	d.object(obj, reflect.ValueOf(&r).Elem(), "")
	sortProblems(d.probs)
	return r, d.probs, nil
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if ok := asSyntax(err, &se); ok {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	return err.Error()
}

func asSyntax(err error, se **json.SyntaxError) bool {
	e, ok := err.(*json.SyntaxError)
	*se = e
	return ok
}

type decoder struct{ probs []Problem }

func (d *decoder) object(obj map[string]any, v reflect.Value, prefix string) {
	fields := fieldsOf(v.Type())
	keys := make([]string, 0, len(obj))
	for key := range obj {
		keys = append(keys, key)
	}
	sort.Strings(keys) // problems come out in the same order every time
	for _, key := range keys {
		val := obj[key]
		i := -1
		for _, f := range fields {
			if f.name == key {
				i = f.index
				break
			}
		}
		path := join(prefix, key)
		if i < 0 {
			d.unknown(prefix, key)
			continue
		}
		d.value(val, v.Field(i), path)
	}
}

func (d *decoder) value(val any, v reflect.Value, path string) {
	if val == nil {
		return // null: left empty
	}
	switch v.Kind() {
	case reflect.String:
		switch x := val.(type) {
		case string:
			v.SetString(x)
		case json.Number:
			v.SetString(x.String())
		case bool:
			if x {
				v.SetString("yes")
			} else {
				v.SetString("no")
			}
		default:
			d.wrongType(path, "text", val)
		}
	case reflect.Bool:
		switch x := val.(type) {
		case bool:
			v.SetBool(x)
		case string:
			switch yesNo(x) {
			case "yes":
				v.SetBool(true)
			case "no":
			default:
				if cleanText(x) != "" {
					d.wrongType(path, "true or false", val)
				}
			}
		default:
			d.wrongType(path, "true or false", val)
		}
	case reflect.Struct:
		obj, ok := val.(map[string]any)
		if !ok {
			d.wrongType(path, "a group of answers", val)
			return
		}
		d.object(obj, v, path)
	case reflect.Slice:
		list, ok := val.([]any)
		if !ok {
			if s, isString := val.(string); isString && v.Type().Elem().Kind() == reflect.String {
				list = []any{s} // one option written as text
			} else {
				d.wrongType(path, "a list", val)
				return
			}
		}
		// Rows over the table's limit are still decoded up to a bound so the
		// "too many" problem can count them; far beyond it they are only counted.
		n := len(list)
		if t, ok := tableOf(genericPath(path)); ok && n > 4*t.Max {
			n = 4 * t.Max
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			d.value(list[i], s.Index(i), index(path, i))
		}
		v.Set(s)
	}
}

func (d *decoder) unknown(prefix, key string) {
	section := sectionOfPath(prefix)
	d.probs = append(d.probs, Problem{Section: section, Field: join(prefix, safeKey(key)), Code: "unknown_field",
		Message: fmt.Sprintf("The form has no answer called %q%s; it was not read (everything you sent is saved)", safeKey(key), within(prefix))})
}

func (d *decoder) wrongType(path, want string, got any) {
	section, noun := sectionOfPath(path), path
	if f, ok := FieldByPath(path); ok {
		noun = f.Noun
	}
	d.probs = append(d.probs, Problem{Section: section, Field: path, Code: "wrong_type",
		Message: fmt.Sprintf("%s: %s should be %s, not %s; it was not read", where(path, section, nil), noun, want, kindOf(got))})
}

// sectionOfPath returns the section of a field or of a group of fields
// ("children[0]", "referrer"); 0 for the top of the form.
func sectionOfPath(path string) int {
	g := genericPath(path)
	for _, s := range Form {
		for _, f := range s.Fields {
			if f.Path == g || strings.HasPrefix(f.Path, g+".") {
				return s.Number
			}
		}
	}
	return 0
}

func within(prefix string) string {
	if prefix == "" {
		return ""
	}
	return " in " + prefix
}

// safeKey keeps an unknown key short and printable: keys come from outside.
func safeKey(key string) string {
	key = strings.Map(func(r rune) rune {
		if isBadControl(r) || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(key, "�"))
	return clip(key, 40)
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "a group of answers"
	}
	return "something else"
}
