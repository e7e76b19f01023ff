package referral

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

func TestDecodeJSONRefuses(t *testing.T) {
	for _, in := range []string{``, `not json`, `[1,2]`, `"text"`, `{"referrer": {}} {}`, `{"referrer": `} {
		_, _, err := DecodeJSON([]byte(in))
		if errs.Code(err) != errs.Invalid || errs.Message(err) == "" {
			t.Errorf("DecodeJSON(%q) error = %v, want a clear refusal", in, err)
		}
	}
}

func TestDecodeJSONBadInput(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []string // "code field" of the decode problems
		check func(t *testing.T, r Referral)
	}{
		{"unknown fields", `{"nickname": "x", "referrer": {"shoeSize": 9, "fullName": "Sam"}, "children": [{"pet": "cat"}]}`,
			[]string{"unknown_field nickname", "unknown_field referrer.shoeSize", "unknown_field children[0].pet"},
			func(t *testing.T, r Referral) {
				if r.Referrer.FullName != "Sam" {
					t.Error("known field next to an unknown one was not read")
				}
			}},
		{"wrong types", `{"referrer": "Sam", "children": {"fullName": "A"}, "caseDetails": {"characteristics": "Physical Abuse", "mainCause": ["a"]}, "criteria": {"abuseOrNeglect": 3}}`,
			[]string{"wrong_type criteria.abuseOrNeglect", "wrong_type referrer", "wrong_type children", "wrong_type caseDetails.mainCause"},
			func(t *testing.T, r Referral) {
				if !reflect.DeepEqual(r.CaseDetails.Characteristics, []string{"Physical Abuse"}) {
					t.Errorf("one option as text = %q", r.CaseDetails.Characteristics)
				}
			}},
		{"numbers and ticks as text", `{"children": [{"ageAtIncident": 4, "relatesToDeath": false}], "criteria": {"abuseOrNeglect": "X", "learningOnly": "no"}}`, nil,
			func(t *testing.T, r Referral) {
				if r.Children[0].AgeAtIncident != "4" || r.Children[0].RelatesToDeath != "no" || !r.Criteria.AbuseOrNeglect {
					t.Errorf("read %+v %+v", r.Children[0], r.Criteria)
				}
			}},
		{"invalid UTF-8", "{\"referrer\": {\"fullName\": \"Sam \xff\xfe\"}}", []string{"encoding "}, nil},
		{"null values", `{"referrer": null, "children": [null, {"fullName": null}]}`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, probs, err := DecodeJSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.Code+" "+p.Field)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
			Check(&r, received) // never panics
		})
	}
}

func TestTooMuch(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"siblings": [`)
	for i := range 10_000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"lastName": "S%d", "relationship": "Brother"}`, i)
	}
	b.WriteString(`], "incidentDetails": "` + strings.Repeat("a", 5<<20) + `"}`)
	r, probs, err := DecodeJSON([]byte(b.String()))
	if err != nil || len(probs) != 0 {
		t.Fatalf("DecodeJSON: %v %v", probs, err)
	}
	_, probs = Check(&r, received)
	if len(r.Siblings) != 30 || len(r.IncidentDetails) != MaxLongText {
		t.Errorf("kept %d siblings and %d bytes of details", len(r.Siblings), len(r.IncidentDetails))
	}
	want := map[string]string{
		"siblings":        "Section 4: the form takes up to 30 siblings; we kept the first 30 (you sent 120, and everything you sent is saved). Send the others to the Business Unit in a separate document",
		"incidentDetails": "Section 8: shorten the details of the case or incident to 10,000 characters or fewer (we kept the first 10,000; everything you sent is saved)",
	}
	for _, p := range probs {
		if w, ok := want[p.Field]; ok {
			if p.Message != w {
				t.Errorf("%s: %q", p.Field, p.Message)
			}
			delete(want, p.Field)
		}
	}
	if len(want) > 0 {
		t.Errorf("no problem for %v", want)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, name := range []string{"complete.json", "incomplete.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "events", "referrals", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"children": [{"dateOfBirth": "31/02/2026", "ageAtIncident": "999999999999 years"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _, err := DecodeJSON(data)
		if err != nil {
			if errs.Code(err) != errs.Invalid {
				t.Fatalf("error %v is not a refusal", err)
			}
			return
		}
		route, probs := Check(&r, received)
		for _, p := range probs {
			if p.Message == "" || p.Code == "" {
				t.Fatalf("problem without message or code: %+v", p)
			}
		}
		// Reading the stored referral again gives the same answer.
		stored, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		again, _, err := DecodeJSON(stored)
		if err != nil {
			t.Fatal(err)
		}
		route2, probs2 := Check(&again, received)
		if route2 != route || !reflect.DeepEqual(withoutClipped(probs2), withoutClipped(probs)) {
			t.Fatalf("checking twice differs:\n%v\n%v", probs, probs2)
		}
	})
}

// withoutClipped drops problems about input that the first pass clipped or
// could not read: the stored referral no longer has it.
func withoutClipped(probs []Problem) []Problem {
	var out []Problem
	for _, p := range probs {
		switch p.Code {
		case "too_long", "too_many", "encoding":
			continue
		}
		out = append(out, p)
	}
	return out
}

func TestDecodeJSONWithByteOrderMark(t *testing.T) {
	r, probs, err := DecodeJSON([]byte("\xef\xbb\xbf{\"referrer\": {\"fullName\": \"Sam Referrer\"}}"))
	if err != nil || len(probs) != 0 || r.Referrer.FullName != "Sam Referrer" {
		t.Errorf("JSON with a byte-order mark: %+v %v %v", r.Referrer, probs, err)
	}
}
