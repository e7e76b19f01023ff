package referral

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Set writes an answer at a JSON path ("children[1].dateOfBirth"), adding
// rows up to the index as needed. Text answers are set as written; tick
// boxes take "yes"/"no" readings; list answers take one option per call,
// appended. Readers of the form use it so they need not know the types.
func Set(r *Referral, path, value string) error {
	v := reflect.ValueOf(r).Elem()
	for _, seg := range strings.Split(path, ".") {
		name, idx, err := splitIndex(seg)
		if err != nil {
			return err
		}
		f, ok := fieldNamed(v, name)
		if !ok {
			return fmt.Errorf("referral: no field %q in %s", name, path)
		}
		v = f
		if idx >= 0 {
			if v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.Struct {
				return fmt.Errorf("referral: %s is not a table", name)
			}
			if idx >= MaxRowIndex {
				return fmt.Errorf("referral: row %d of %s is past the limit", idx, name)
			}
			for v.Len() <= idx {
				v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
			}
			v = v.Index(idx)
		}
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(value)
	case reflect.Bool:
		v.SetBool(yesNo(value) == "yes")
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("referral: %s is a table, not an answer", path)
		}
		v.Set(reflect.Append(v, reflect.ValueOf(value)))
	default:
		return fmt.Errorf("referral: %s is a group, not an answer", path)
	}
	return nil
}

// MaxRowIndex bounds the rows Set adds; Normalize keeps fewer.
const MaxRowIndex = 1000

func splitIndex(seg string) (string, int, error) {
	open := strings.IndexByte(seg, '[')
	if open < 0 {
		return seg, -1, nil
	}
	if !strings.HasSuffix(seg, "]") {
		return "", 0, fmt.Errorf("referral: bad path segment %q", seg)
	}
	n, err := strconv.Atoi(seg[open+1 : len(seg)-1])
	if err != nil || n < 0 {
		return "", 0, fmt.Errorf("referral: bad row index in %q", seg)
	}
	return seg[:open], n, nil
}

func fieldNamed(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	for _, f := range fieldsOf(v.Type()) {
		if f.name == name {
			return v.Field(f.index), true
		}
	}
	return reflect.Value{}, false
}

// Get reads an answer at a JSON path as text: "" when absent, "yes"/"no"
// for tick boxes, options joined by newlines for lists.
func Get(r *Referral, path string) string {
	v := reflect.ValueOf(r).Elem()
	for _, seg := range strings.Split(path, ".") {
		name, idx, err := splitIndex(seg)
		if err != nil {
			return ""
		}
		f, ok := fieldNamed(v, name)
		if !ok {
			return ""
		}
		v = f
		if idx >= 0 {
			if v.Kind() != reflect.Slice || idx >= v.Len() {
				return ""
			}
			v = v.Index(idx)
		}
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		if v.Bool() {
			return "yes"
		}
		return ""
	case reflect.Slice:
		if s, ok := v.Interface().([]string); ok {
			return strings.Join(s, "\n")
		}
	}
	return ""
}

// Count returns how many rows a table has ("siblings",
// "childProtection.siblingPlans").
func Count(r *Referral, table string) int {
	v := reflect.ValueOf(r).Elem()
	for _, seg := range strings.Split(table, ".") {
		f, ok := fieldNamed(v, seg)
		if !ok {
			return 0
		}
		v = f
	}
	if v.Kind() != reflect.Slice {
		return 0
	}
	return v.Len()
}

// Clear empties the answer at a path (a text, a tick box, a list of
// options), so a page of answers can be written afresh.
func Clear(r *Referral, path string) {
	v, ok := walkTo(reflect.ValueOf(r).Elem(), path)
	if ok && v.CanSet() {
		v.Set(reflect.Zero(v.Type()))
	}
}

// RemoveRow removes row i of a table ("siblings"); rows after it move up.
func RemoveRow(r *Referral, table string, i int) {
	v, ok := walkTo(reflect.ValueOf(r).Elem(), table)
	if !ok || v.Kind() != reflect.Slice || i < 0 || i >= v.Len() {
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, v.Len()-1)
	out = reflect.AppendSlice(out, v.Slice(0, i))
	out = reflect.AppendSlice(out, v.Slice(i+1, v.Len()))
	v.Set(out)
}

// AddRow adds an empty row to a table, up to MaxRowIndex rows.
func AddRow(r *Referral, table string) {
	v, ok := walkTo(reflect.ValueOf(r).Elem(), table)
	if !ok || v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.Struct || v.Len() >= MaxRowIndex {
		return
	}
	v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
}

// walkTo finds the value at a path without adding rows.
func walkTo(v reflect.Value, path string) (reflect.Value, bool) {
	for _, seg := range strings.Split(path, ".") {
		name, idx, err := splitIndex(seg)
		if err != nil {
			return reflect.Value{}, false
		}
		f, ok := fieldNamed(v, name)
		if !ok {
			return reflect.Value{}, false
		}
		v = f
		if idx >= 0 {
			if v.Kind() != reflect.Slice || idx >= v.Len() {
				return reflect.Value{}, false
			}
			v = v.Index(idx)
		}
	}
	return v, true
}
