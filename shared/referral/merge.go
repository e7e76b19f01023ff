package referral

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// Merge applies a correction to a referral and returns the result and the
// JSON paths of the answers it changed, in the order of the form. A
// correction never blanks: an answer it gives replaces the one before, an
// answer it leaves empty keeps it. So a reply that says only "my e-mail
// was wrong: …" changes that answer, and a whole form sent again replaces
// every answer it gives.
//
// Rows of a table are merged by position (child 1 with child 1); rows the
// correction adds are appended. The criteria boxes are one answer: when
// the correction ticks any of them, its three boxes replace the three
// before (so a box can be unticked), else they are kept. "None known" in
// Section 12 and lists of options are likewise taken only when given.
// base is not changed.
func Merge(base, correction Referral) (Referral, []string) {
	out := cloneReferral(base)
	var changed []string
	mergeValue(reflect.ValueOf(&out).Elem(), reflect.ValueOf(correction), "", &changed)
	for _, f := range FollowUps {
		table, _, inTable := strings.Cut(f.Parent, ".")
		if _, ok := tableOf(table); !ok {
			inTable = false
		}
		rows := 1
		if inTable {
			rows = Count(&correction, table)
		}
		for i := 0; i < rows; i++ {
			at := func(p string) string { return p }
			if inTable {
				at = func(p string) string { return index(table, i) + strings.TrimPrefix(p, table) }
			}
			given := Get(&correction, at(f.Parent))
			if isBlank(given) || sameAnswer(f.Parent, given, Get(&base, at(f.Parent))) {
				continue
			}
			// The answer that asks them changed: what no longer applies
			// goes, what the correction gives stays.
			for _, p := range f.Fields {
				dst, ok1 := walkTo(reflect.ValueOf(&out).Elem(), at(p))
				src, ok2 := walkTo(reflect.ValueOf(&correction).Elem(), at(p))
				if ok1 && ok2 && !reflect.DeepEqual(dst.Interface(), src.Interface()) {
					dst.Set(reflect.ValueOf(cloneValue(src.Interface())))
					if !slices.Contains(changed, at(p)) {
						changed = append(changed, at(p))
					}
				}
			}
		}
	}
	return out, changed
}

// sameAnswer reports whether two answers at a path read the same once
// tidied ("Yes" and "yes", "dl1 5qt" and "DL1 5QT").
func sameAnswer(path, a, b string) bool {
	f, ok := FieldByPath(path)
	if !ok {
		return cleanText(a) == cleanText(b)
	}
	if f.Kind == Multi {
		return slices.Equal(normalizeMulti(f, strings.Split(a, "\n")), normalizeMulti(f, strings.Split(b, "\n")))
	}
	return normalizeString(f, a) == normalizeString(f, b)
}

// cloneValue copies a string, a list of options or a table's rows.
func cloneValue(v any) any {
	switch v := v.(type) {
	case []string:
		return slices.Clone(v)
	case []Plan:
		return slices.Clone(v)
	}
	return v
}

// cloneReferral copies a referral with no slice shared with the original.
// Clone is a deep copy of a referral, to change without changing r.
func (r Referral) Clone() Referral { return cloneReferral(r) }

func cloneReferral(r Referral) Referral {
	data, err := json.Marshal(r)
	if err != nil {
		return r // a Referral is plain data: it always marshals
	}
	var out Referral
	if err := json.Unmarshal(data, &out); err != nil {
		return r
	}
	return out
}

var criteriaType = reflect.TypeOf(Criteria{})

func mergeValue(dst, src reflect.Value, path string, changed *[]string) {
	switch dst.Kind() {
	case reflect.Struct:
		if dst.Type() == criteriaType {
			given := src.Interface().(Criteria)
			if given != (Criteria{}) && given != dst.Interface().(Criteria) {
				dst.Set(src)
				*changed = append(*changed, path)
			}
			return
		}
		for _, f := range fieldsOf(dst.Type()) {
			mergeValue(dst.Field(f.index), src.Field(f.index), join(path, f.name), changed)
		}
	case reflect.String:
		if s := src.String(); !isBlank(s) && !sameAnswer(path, s, dst.String()) {
			dst.SetString(s)
			*changed = append(*changed, path)
		}
	case reflect.Bool:
		if src.Bool() && !dst.Bool() {
			dst.SetBool(true)
			*changed = append(*changed, path)
		}
	case reflect.Slice:
		if dst.Type().Elem().Kind() != reflect.Struct {
			given := src.Interface().([]string)
			if len(given) > 0 && !sameAnswer(path, strings.Join(given, "\n"), strings.Join(dst.Interface().([]string), "\n")) {
				dst.Set(reflect.ValueOf(slices.Clone(given)))
				*changed = append(*changed, path)
			}
			return
		}
		for i := 0; i < src.Len(); i++ {
			row := src.Index(i)
			if i < dst.Len() {
				mergeValue(dst.Index(i), row, index(path, i), changed)
				continue
			}
			if emptyRow(row) {
				continue
			}
			dst.Set(reflect.Append(dst, row))
			*changed = append(*changed, index(path, dst.Len()-1))
		}
	}
}

// emptyRow reports whether a table row has no answer at all.
func emptyRow(row reflect.Value) bool {
	empty := true
	eachValue(row, "", func(_ string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if !isBlank(v.String()) {
				empty = false
			}
		case reflect.Bool:
			if v.Bool() {
				empty = false
			}
		case reflect.Slice:
			if v.Len() > 0 {
				empty = false
			}
		}
	})
	return empty
}
