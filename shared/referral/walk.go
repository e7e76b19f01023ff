package referral

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// structField is one exported field of a referral struct with its JSON name.
type structField struct {
	index int
	name  string
}

var fieldCache sync.Map // reflect.Type → []structField

func fieldsOf(t reflect.Type) []structField {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]structField)
	}
	var out []structField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		out = append(out, structField{index: i, name: name})
	}
	fieldCache.Store(t, out)
	return out
}

// join appends a field name to a JSON path.
func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// index appends a row index to a JSON path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// eachValue calls fn for every string, []string and bool leaf of v (a struct
// value, addressable), with its JSON path.
func eachValue(v reflect.Value, prefix string, fn func(path string, v reflect.Value)) {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		path := join(prefix, f.name)
		switch fv.Kind() {
		case reflect.Struct:
			eachValue(fv, path, fn)
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.Struct {
				for i := 0; i < fv.Len(); i++ {
					eachValue(fv.Index(i), index(path, i), fn)
				}
				continue
			}
			fn(path, fv)
		default:
			fn(path, fv)
		}
	}
}

// Answers lists every answer a referral gives, by its JSON path, as Get
// reads it: a ticked box "yes", a list's options one a line; unanswered
// questions are left out.
func Answers(r *Referral) map[string]string {
	out := map[string]string{}
	eachValue(reflect.ValueOf(r).Elem(), "", func(path string, _ reflect.Value) {
		if v := Get(r, path); v != "" {
			out[path] = v
		}
	})
	return out
}
