package referral

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

var update = flag.Bool("update", false, "rewrite golden files")

// received is the day the sample referrals are checked as of.
var received = civil.New(2026, time.March, 16)

func load(t testing.TB, name string) Referral {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "events", "referrals", name))
	if err != nil {
		t.Fatal(err)
	}
	r, probs, err := DecodeJSON(data)
	if err != nil || len(probs) > 0 {
		t.Fatalf("DecodeJSON(%s): %v %v", name, probs, err)
	}
	return r
}

// TestSamples checks the sample referrals against golden files: the
// normalized referral, its route and its problems.
func TestSamples(t *testing.T) {
	for _, name := range []string{"complete.json", "incomplete.json"} {
		t.Run(name, func(t *testing.T) {
			r := load(t, name)
			route, probs := Check(&r, received)
			got, err := json.MarshalIndent(map[string]any{"route": route, "problems": probs, "referral": r}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", strings.TrimSuffix(name, ".json")+".golden.json"), got)
		})
	}
	r := load(t, "complete.json")
	if route, probs := Check(&r, received); route != RouteNotification || len(probs) != 0 {
		t.Errorf("complete.json: route %s, problems %v", route, probs)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// TestRules changes one thing in a complete referral and expects exactly
// the problems that change causes.
func TestRules(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *Referral)
		route Route
		want  []string // "code field"
	}{
		{"complete", func(r *Referral) {}, RouteNotification, nil},
		{"no child", func(r *Referral) { r.Children = nil }, RouteNotification,
			[]string{"required children"}},
		{"missing date of birth", func(r *Referral) { r.Children[0].DateOfBirth = "" }, RouteNotification,
			[]string{"required children[0].dateOfBirth"}},
		{"31 February", func(r *Referral) { r.Children[0].DateOfBirth = "31/02/2022" }, RouteNotification,
			[]string{"invalid_date children[0].dateOfBirth"}},
		{"year 1900", func(r *Referral) { r.Parents[0].DateOfBirth = "01/01/1900" }, RouteNotification,
			[]string{"implausible_date parents[0].dateOfBirth"}},
		{"year 2999", func(r *Referral) { r.Children[0].IncidentDate = "01/01/2999" }, RouteNotification,
			[]string{"future_date children[0].incidentDate"}},
		{"incident before birth", func(r *Referral) { r.Children[0].IncidentDate = "01/01/2022" }, RouteNotification,
			[]string{"date_order children[0].incidentDate"}},
		{"age disagrees", func(r *Referral) { r.Children[0].AgeAtIncident = "7" }, RouteNotification,
			[]string{"age_mismatch children[0].ageAtIncident"}},
		{"age in years agrees", func(r *Referral) { r.Children[0].AgeAtIncident = "3 years" }, RouteNotification, nil},
		{"adult", func(r *Referral) { r.Children[0].DateOfBirth = "01/01/2000" }, RouteNotification,
			[]string{"not_a_child children[0].dateOfBirth"}},
		{"no plan, but its date", func(r *Referral) {
			r.ChildProtection.OnChildProtectionPlan = "NO"
		}, RouteNotification, []string{"contradictory childProtection.cppStart"}},
		{"no child in need plan, but both dates", func(r *Referral) {
			r.ChildProtection.CinStart, r.ChildProtection.CinEnd = "01/01/2025", "01/02/2025"
		}, RouteNotification, []string{"contradictory childProtection.cinStart", "contradictory childProtection.cinEnd"}},
		{"no siblings on a plan, but one listed", func(r *Referral) {
			r.ChildProtection.SiblingsOnChildProtectionPlan = "no"
		}, RouteNotification, []string{"contradictory childProtection.siblingPlans"}},
		{"no agency and no answer", func(r *Referral) { r.Agencies = nil }, RouteNotification,
			[]string{"required agencies"}},
		{"no other agency involved, ticked", func(r *Referral) { r.Agencies, r.NoOtherAgencies = nil, true }, RouteNotification, nil},
		{"no other agency involved, written in the table", func(r *Referral) {
			r.Agencies = []Agency{{Organisation: " No other agencies were involved. "}}
		}, RouteNotification, nil},
		{"agencies listed and none said", func(r *Referral) { r.NoOtherAgencies = true }, RouteNotification,
			[]string{"contradictory noOtherAgencies"}},
		{"death without details", func(r *Referral) { r.Children[0].RelatesToDeath = "yes" }, RouteNotification,
			[]string{"required children[0].dateOfDeath", "required children[0].causeOfDeath", "required children[0].coronerInvolved"}},
		{"death complete", func(r *Referral) {
			c := &r.Children[0]
			c.RelatesToDeath, c.DateOfDeath, c.CauseOfDeath, c.CoronerInvolved, c.CoronerDetails = "yes", "15/03/2026", "Head injury", "yes", "HM Coroner, Darlington"
		}, RouteNotification, nil},
		{"coroner yes without details", func(r *Referral) {
			c := &r.Children[0]
			c.RelatesToDeath, c.DateOfDeath, c.CauseOfDeath, c.CoronerInvolved = "yes", "15/03/2026", "Head injury", "yes"
		}, RouteNotification, []string{"required children[0].coronerDetails"}},
		{"death before incident", func(r *Referral) {
			c := &r.Children[0]
			c.RelatesToDeath, c.DateOfDeath, c.CauseOfDeath, c.CoronerInvolved = "yes", "13/03/2026", "Head injury", "unsure"
		}, RouteNotification, []string{"date_order children[0].dateOfDeath"}},
		{"death date but not death", func(r *Referral) { r.Children[0].DateOfDeath = "15/03/2026" }, RouteNotification,
			[]string{"contradictory children[0].relatesToDeath"}},
		{"bad postcode", func(r *Referral) { r.Children[0].Postcode = "DL1" }, RouteNotification,
			[]string{"invalid_postcode children[0].postcode"}},
		{"bad phone", func(r *Referral) { r.Referrer.Telephone = "12345" }, RouteNotification,
			[]string{"invalid_phone referrer.telephone"}},
		{"bad email", func(r *Referral) { r.Referrer.Email = "sam@" }, RouteNotification,
			[]string{"invalid_email referrer.email"}},
		{"unknown gender", func(r *Referral) { r.Children[0].Gender = "Choose an item." }, RouteNotification,
			[]string{"required children[0].gender"}},
		{"main cause other", func(r *Referral) { r.CaseDetails.MainCause = "other" }, RouteNotification,
			[]string{"required caseDetails.mainCauseOther"}},
		{"main cause not on list", func(r *Referral) { r.CaseDetails.MainCause = "Bad luck" }, RouteNotification,
			[]string{"invalid_option caseDetails.mainCause"}},
		{"no characteristic", func(r *Referral) { r.CaseDetails.Characteristics = nil }, RouteNotification,
			[]string{"required caseDetails.characteristics"}},
		{"characteristic other", func(r *Referral) { r.CaseDetails.Characteristics = []string{"Other"} }, RouteNotification,
			[]string{"required caseDetails.characteristicsOther"}},
		{"plan yes no start", func(r *Referral) { r.ChildProtection.CppStart = "" }, RouteNotification,
			[]string{"required childProtection.cppStart"}},
		{"plan ends before start", func(r *Referral) { r.ChildProtection.CppEnd = "01/01/2025" }, RouteNotification,
			[]string{"date_order childProtection.cppEnd"}},
		{"siblings on plan without rows", func(r *Referral) { r.ChildProtection.SiblingPlans = nil }, RouteNotification,
			[]string{"required childProtection.siblingPlans"}},
		{"S6 unanswered", func(r *Referral) { r.ChildProtection.OnChildInNeedPlan = "" }, RouteNotification,
			[]string{"required childProtection.onChildInNeedPlan"}},
		{"no agency", func(r *Referral) { r.Agencies = nil }, RouteNotification,
			[]string{"required agencies"}},
		{"agency dates", func(r *Referral) { r.Agencies[1].EndDate = "01/03/2026" }, RouteNotification,
			[]string{"date_order agencies[1].endDate"}},
		{"S8 and S11 blank", func(r *Referral) { r.IncidentDetails, r.AuthorisingOfficerComment = "", " " }, RouteNotification,
			[]string{"required incidentDetails", "required authorisingOfficerComment"}},
		{"S9 blank on notification", func(r *Referral) { r.WhyMeetsCriteria = "" }, RouteNotification,
			[]string{"required whyMeetsCriteria"}},
		{"S12 blank", func(r *Referral) { r.OtherReviews = OtherReviews{} }, RouteNotification,
			[]string{"required otherReviews"}},
		{"S12 none known", func(r *Referral) { r.OtherReviews = OtherReviews{NoneKnown: true} }, RouteNotification, nil},
		{"S12 contradictory", func(r *Referral) { r.OtherReviews.NoneKnown = true }, RouteNotification,
			[]string{"contradictory otherReviews.noneKnown"}},
		{"learning route", func(r *Referral) {
			r.Criteria = Criteria{LearningOnly: true}
			r.Referrer.MeetsNotificationCriteria, r.Referrer.LearningToExplore = "no", "yes"
			r.WhyMeetsCriteria, r.WhyLearning = "Not applicable", "Practice issue about information sharing."
		}, RouteLearning, nil},
		{"learning route without S10", func(r *Referral) {
			r.Criteria = Criteria{LearningOnly: true}
			r.Referrer.MeetsNotificationCriteria, r.Referrer.LearningToExplore = "no", "yes"
		}, RouteLearning, []string{"required whyLearning"}},
		{"both routes", func(r *Referral) { r.Referrer.LearningToExplore = "yes" }, RouteUnknown,
			[]string{"route_contradictory criteria"}},
		{"box 3 with meets yes", func(r *Referral) { r.Criteria.LearningOnly = true }, RouteUnknown,
			[]string{"route_contradictory criteria"}},
		{"meets yes without boxes", func(r *Referral) { r.Criteria = Criteria{} }, RouteUnknown,
			[]string{"criteria_boxes criteria"}},
		{"boxes without meets", func(r *Referral) { r.Referrer.MeetsNotificationCriteria, r.Referrer.LearningToExplore = "", "" }, RouteUnknown,
			[]string{"required referrer.meetsNotificationCriteria"}},
		{"no route at all", func(r *Referral) {
			r.Criteria = Criteria{}
			r.Referrer.MeetsNotificationCriteria, r.Referrer.LearningToExplore = "no", "no"
		}, RouteUnknown, []string{"route_unknown criteria"}},
		{"ticks as glyphs", func(r *Referral) {
			r.Referrer.MeetsNotificationCriteria, r.Referrer.LearningToExplore = "☒", "n"
			r.ChildProtection.KnownToSocialCare = "X"
		}, RouteNotification, nil},
		{"second child row numbered", func(r *Referral) {
			second := r.Children[0]
			second.Postcode = "nowhere"
			r.Children = append(r.Children, second)
		}, RouteNotification, []string{"invalid_postcode children[1].postcode"}},
	}
	base := load(t, "complete.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := clone(t, base)
			tt.edit(&r)
			route, probs := Check(&r, received)
			var got []string
			for _, p := range probs {
				got = append(got, p.Code+" "+p.Field)
				if !strings.HasPrefix(p.Message, "Section ") && !strings.HasPrefix(p.Message, "Criteria boxes") {
					t.Errorf("message %q does not say where", p.Message)
				}
			}
			if route != tt.route {
				t.Errorf("route = %s, want %s", route, tt.route)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %q, want %q\n%v", got, tt.want, probs)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	r := load(t, "complete.json")
	r.Children[0].DateOfBirth = ""
	r.Children = append(r.Children, r.Children[0])
	r.Children[1].DateOfBirth = "02/05/2022"
	_, probs := Check(&r, received)
	if len(probs) != 1 || probs[0].Message != "Section 2, child 1: enter the child's date of birth" || probs[0].Section != 2 {
		t.Errorf("problems = %+v", probs)
	}
	r = load(t, "complete.json")
	r.Children[0].DateOfBirth = ""
	_, probs = Check(&r, received)
	if len(probs) != 1 || probs[0].Message != "Section 2: enter the child's date of birth" {
		t.Errorf("problems = %+v", probs)
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	for _, name := range []string{"complete.json", "incomplete.json"} {
		r := load(t, name)
		Normalize(&r)
		once := clone(t, r)
		Normalize(&r)
		if !reflect.DeepEqual(once, r) {
			t.Errorf("%s: second Normalize changed the referral", name)
		}
	}
}

func TestDerivesAge(t *testing.T) {
	tests := []struct{ dob, incident, want string }{
		{"02/05/2022", "14/03/2026", "3"},
		{"14/03/2022", "14/03/2026", "4"},
		{"01/12/2025", "14/03/2026", "3 months"},
		{"01/02/2026", "14/03/2026", "1 month"},
		{"10/03/2026", "14/03/2026", "0 months"},
	}
	for _, tt := range tests {
		c := Child{DateOfBirth: tt.dob, IncidentDate: tt.incident}
		r := Referral{Children: []Child{c}}
		Normalize(&r)
		if got := r.Children[0].AgeAtIncident; got != tt.want {
			t.Errorf("age from %s to %s = %q, want %q", tt.dob, tt.incident, got, tt.want)
		}
	}
}

func TestUKPhone(t *testing.T) {
	for _, s := range []string{"01325 406453", "07700 900982", "+44 (0)1325 406453", "+447700900982", "(01325) 406-453", "0300 123 4567 ext 221", "020 7946 0018"} {
		if !IsUKPhone(s) {
			t.Errorf("IsUKPhone(%q) = false", s)
		}
	}
	for _, s := range []string{"1234", "406453", "+1 202 555 0143", "00 1325 406453", "01325 406453 or 07700", "call me"} {
		if IsUKPhone(s) {
			t.Errorf("IsUKPhone(%q) = true", s)
		}
	}
}

func TestPostcode(t *testing.T) {
	for in, want := range map[string]string{"dl15qt": "DL1 5QT", "DL1 5QT": "DL1 5QT", "ec1a 1bb": "EC1A 1BB", "M1 1AE": "M1 1AE", " w1a0ax ": "W1A 0AX", "DN31 1HU": "DN31 1HU"} {
		if got, ok := normalizePostcode(in); !ok || got != want {
			t.Errorf("normalizePostcode(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"DL1", "12345", "DL1 5Q", "QQ1 1AA", "DL1 5QTT"} {
		if _, ok := normalizePostcode(in); ok {
			t.Errorf("normalizePostcode(%q) ok", in)
		}
	}
}

// TestFormDefinesEveryField keeps the Form and the types in step: every
// answer in the types has a field in the Form, and every Form field exists.
func TestFormDefinesEveryField(t *testing.T) {
	r := Referral{
		Children: []Child{{}}, Parents: []Parent{{}}, Siblings: []Sibling{{}}, Agencies: []Agency{{}},
		ChildProtection: ChildProtection{SiblingPlans: []Plan{{}}, SiblingChildInNeedPlans: []Plan{{}}},
	}
	seen := map[string]bool{}
	eachValue(reflect.ValueOf(&r).Elem(), "", func(path string, _ reflect.Value) {
		if _, ok := FieldByPath(path); !ok {
			t.Errorf("%s has no field in Form", path)
		}
		seen[genericPath(path)] = true
	})
	for _, s := range Form {
		for _, f := range s.Fields {
			if !seen[f.Path] {
				t.Errorf("Form field %s is not in the types", f.Path)
			}
			if f.Label == "" || f.Noun == "" {
				t.Errorf("Form field %s needs a label and a noun", f.Path)
			}
		}
	}
}

func clone(t testing.TB, r Referral) Referral {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out Referral
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSourceJSON: a source is {"at", "text"}; a case stored before sources
// kept their text ("table 2, row 3") still reads.
func TestSourceJSON(t *testing.T) {
	var got map[string]Source
	if err := json.Unmarshal([]byte(`{"a": "table 2, row 3", "b": {"at": "line 9", "text": "EMAIL: sam@x.gov.uk"}}`), &got); err != nil {
		t.Fatal(err)
	}
	if got["a"] != (Source{At: "table 2, row 3"}) || got["b"] != (Source{At: "line 9", Text: "EMAIL: sam@x.gov.uk"}) {
		t.Errorf("read %+v", got)
	}
	out, _ := json.Marshal(SourceOf("line 9", "  "+strings.Repeat("x", MaxSourceText+10)))
	if !strings.HasPrefix(string(out), `{"at":"line 9","text":"xxx`) || len(out) > MaxSourceText+40 {
		t.Errorf("written %s", out)
	}
}
