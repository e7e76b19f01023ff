package referral

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	base := Referral{
		Criteria: Criteria{AbuseOrNeglect: true, DiedOrSeriouslyHarmed: true},
		Referrer: Referrer{FullName: "Sam Referrer", Email: "sam@wrong", Telephone: "01325 000000"},
		Children: []Child{{FullName: "A Child", DateOfBirth: "2020-01-02", Postcode: "DL1 1AA", RelatesToDeath: "yes",
			DateOfDeath: "2026-03-01", CauseOfDeath: "Not yet known", CoronerInvolved: "yes"}},
		CaseDetails:     CaseDetails{MainCause: "Neglect", Characteristics: []string{"Recent Neglect"}},
		IncidentDetails: "What happened.",
	}
	tests := []struct {
		name        string
		correction  Referral
		want        func(r *Referral)
		wantChanged []string
	}{
		{"one answer changes one answer", Referral{Referrer: Referrer{Email: "sam@darlington.gov.uk"}},
			func(r *Referral) { r.Referrer.Email = "sam@darlington.gov.uk" }, []string{"referrer.email"}},
		{"empty answers and blank text keep what was there", Referral{Referrer: Referrer{FullName: "  "}, Children: []Child{{}}},
			func(r *Referral) {}, nil},
		{"a row's answer merges into that row", Referral{Children: []Child{{Postcode: "DL3 7AB"}}},
			func(r *Referral) { r.Children[0].Postcode = "DL3 7AB" }, []string{"children[0].postcode"}},
		{"a new row is added", Referral{Children: []Child{{}, {FullName: "B Child"}}},
			func(r *Referral) { r.Children = append(r.Children, Child{FullName: "B Child"}) }, []string{"children[1]"}},
		{"ticked boxes replace the boxes", Referral{Criteria: Criteria{LearningOnly: true}},
			func(r *Referral) { r.Criteria = Criteria{LearningOnly: true} }, []string{"criteria"}},
		{"a list given replaces the list", Referral{CaseDetails: CaseDetails{Characteristics: []string{"Drug Abuse", "Recent Neglect"}}},
			func(r *Referral) { r.CaseDetails.Characteristics = []string{"Drug Abuse", "Recent Neglect"} }, []string{"caseDetails.characteristics"}},
		{"the same answer again is no change", Referral{Referrer: Referrer{FullName: "Sam Referrer"}}, func(r *Referral) {}, nil},
		{"the same answer written another way is no change", Referral{Children: []Child{{Postcode: "dl1  1aa"}}}, func(r *Referral) {}, nil},
		{"a changed answer clears follow-ups that no longer apply", Referral{Children: []Child{{RelatesToDeath: "No"}}},
			func(r *Referral) {
				r.Children[0].RelatesToDeath = "No"
				r.Children[0].DateOfDeath, r.Children[0].CauseOfDeath, r.Children[0].CoronerInvolved = "", "", ""
			}, []string{"children[0].relatesToDeath", "children[0].dateOfDeath", "children[0].causeOfDeath", "children[0].coronerInvolved"}},
		{"the same answer again keeps its follow-ups", Referral{Children: []Child{{RelatesToDeath: "Yes"}}}, func(r *Referral) {}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := cloneReferral(base)
			tt.want(&want)
			got, changed := Merge(base, tt.correction)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Merge =\n%+v\nwant\n%+v", got, want)
			}
			if !reflect.DeepEqual(changed, tt.wantChanged) {
				t.Errorf("changed = %q, want %q", changed, tt.wantChanged)
			}
		})
	}
	// base is never changed.
	if base.Children[0].Postcode != "DL1 1AA" || base.Referrer.Email != "sam@wrong" || len(base.Children) != 1 {
		t.Errorf("Merge changed its base: %+v", base)
	}
}
