package referral

import "testing"

func TestSet(t *testing.T) {
	var r Referral
	for path, value := range map[string]string{
		"referrer.fullName":                    "Sam",
		"children[1].dateOfBirth":              "14/03/2020",
		"criteria.abuseOrNeglect":              "☒",
		"caseDetails.characteristics":          "Physical Abuse",
		"childProtection.siblingPlans[0].name": "Sib",
		"otherReviews.noneKnown":               "no",
	} {
		if err := Set(&r, path, value); err != nil {
			t.Errorf("Set(%s): %v", path, err)
		}
	}
	if r.Referrer.FullName != "Sam" || len(r.Children) != 2 || r.Children[1].DateOfBirth != "14/03/2020" ||
		!r.Criteria.AbuseOrNeglect || r.CaseDetails.Characteristics[0] != "Physical Abuse" ||
		r.ChildProtection.SiblingPlans[0].Name != "Sib" || r.OtherReviews.NoneKnown {
		t.Errorf("after Set: %+v", r)
	}
	for _, bad := range []string{"nope", "referrer", "children", "children[x].fullName", "children[5000].fullName", "referrer[0].fullName"} {
		if err := Set(&r, bad, "v"); err == nil {
			t.Errorf("Set(%s) succeeded", bad)
		}
	}
}

func TestClearAndRows(t *testing.T) {
	var r Referral
	Set(&r, "siblings[2].firstName", "C")
	Set(&r, "siblings[0].firstName", "A")
	Set(&r, "caseDetails.characteristics", "Physical Abuse")
	Clear(&r, "caseDetails.characteristics")
	if len(r.CaseDetails.Characteristics) != 0 {
		t.Error("list not cleared")
	}
	RemoveRow(&r, "siblings", 1)
	if Count(&r, "siblings") != 2 || Get(&r, "siblings[1].firstName") != "C" {
		t.Errorf("after removing row 1: %+v", r.Siblings)
	}
	AddRow(&r, "childProtection.siblingPlans")
	if Count(&r, "childProtection.siblingPlans") != 1 {
		t.Error("row not added")
	}
	RemoveRow(&r, "siblings", 9) // no such row: nothing happens
	Clear(&r, "no.such.path")
}
