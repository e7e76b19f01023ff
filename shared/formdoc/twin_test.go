package formdoc

import (
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// TestTwinLabels: Section 5 prints "If other, please state" after the main
// cause and again after the characteristics; each answers the question it
// follows, whichever of them is blank, with or without section headings.
func TestTwinLabels(t *testing.T) {
	for name, in := range map[string]string{
		"headings, the first blank": "SECTION 5: CASE DETAILS\nWhat is the main cause of incident\n[ ] Non-Accidental Injury\n[x] Neglect\nIf other, please state:\n" +
			"What are the characteristics of the case (tick all that apply)\n[x] Physical Abuse\n[x] Other\nIf other, please state: Online harm\n",
		"headings, only the second printed": "SECTION 5: CASE DETAILS\nWhat is the main cause of incident: Neglect\n" +
			"What are the characteristics of the case (tick all that apply): Physical Abuse, Other\nIf other, please state: Online harm\n",
		"loose lines": "What is the main cause of incident: Neglect\nWhat are the characteristics of the case (tick all that apply): Physical Abuse, Other\nIf other, please state: Online harm\n",
	} {
		r, _, err := ReadText([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cd := r.CaseDetails; cd.MainCauseOther != "" || cd.CharacteristicsOther != "Online harm" {
			t.Errorf("%s: main cause other %q, characteristics other %q", name, cd.MainCauseOther, cd.CharacteristicsOther)
		}
	}
	r, _, _ := ReadText([]byte("SECTION 5\nWhat is the main cause of incident: Other\nIf other, please state: Dog attack\nWhat are the characteristics of the case (tick all that apply): Neglect\nIf other, please state:\n"))
	if cd := r.CaseDetails; cd.MainCauseOther != "Dog attack" || cd.CharacteristicsOther != "" {
		t.Errorf("the main cause's other: %+v", cd)
	}
}

// TestLabelWords: punctuation and abbreviations printed with a label are
// the label's, never the answer: "Telephone No." is not a number.
func TestLabelWords(t *testing.T) {
	for in, want := range map[string]string{
		"SECTION 1\nFull name: Sam Referrer\nTelephone No.: 01325 406453\nE-mail: sam@darlington.gov.uk\n": "01325 406453",
		"SECTION 1\nFull name: Sam Referrer\nTelephone No.\nE-mail: sam@darlington.gov.uk\n":               "",
		"SECTION 1\nFull name: Sam Referrer\nTel. no: 01325 406453\n":                                      "01325 406453",
		"Full name: Sam Referrer\nTelephone number: 01325 406453\n":                                        "01325 406453",
		"Full name: Sam Referrer\nTelephone: 0800 NO 1234\n":                                               "0800 NO 1234",
		"SECTION 1\nE-mail: sam@darlington.gov.uk    Telephone No.: 01325 406453\n":                        "01325 406453", // a pair of its own on the line
	} {
		r, _, err := ReadText([]byte(in))
		if err != nil || r.Referrer.Telephone != want {
			t.Errorf("%q: telephone %q (%v), want %q", in, r.Referrer.Telephone, err, want)
		}
	}
}

// TestSection12Words: Section 12 prints no boxes: what is written under
// its question is the details, and the review types it names by their
// printed names are its types — never a guess from other words.
func TestSection12Words(t *testing.T) {
	for in, want := range map[string][2]string{
		"SECTION 12: ANY OTHER REVIEW PENDING OR COMPLETE?\nANY OTHER REVIEW PENDING OR COMPLETE?\nA criminal investigation is under way; a MARAC was held on 2 March.\n": {
			"Criminal Investigation,MARAC", "A criminal investigation is under way; a MARAC was held on 2 March."},
		"ANY OTHER REVIEW PENDING OR COMPLETE? Police inquiry; Disciplinary processes started\n": {
			"Disciplinary", "Police inquiry\nDisciplinary processes started"},
		"ANY OTHER REVIEW PENDING OR COMPLETE? MAPPA, Other\n": {"MAPPA,Other", ""},
	} {
		r, _, err := ReadText([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		referral.Normalize(&r)
		if got := strings.Join(r.OtherReviews.Types, ","); got != want[0] || r.OtherReviews.Details != want[1] {
			t.Errorf("%q: types %q, details %q; want %q, %q", in, got, r.OtherReviews.Details, want[0], want[1])
		}
	}
}

// TestBlockHeadings: rows typed as blocks under "Parent 1", "Agency 2"
// headings keep to their rows — an agency's "Full name" is not the
// referrer's, and a heading is never part of the answer above it.
func TestBlockHeadings(t *testing.T) {
	r, _, err := ReadText([]byte("FULL NAME: Sam Referrer\n" +
		"Parent 1\nParent's last name: Example\nParent's first name: Pat\nRelationship to child: Mother\n" +
		"Parent 2\nParent's last name: Other\nRelationship to child: Father\n" +
		"Agency 1\nFull name: PC Example\nOrganisation: Durham Constabulary\nStart date: 14/03/2026\n" +
		"Agency 2\nFull name: Dr Who\nOrganisation: Example Surgery\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Referrer.FullName != "Sam Referrer" || len(r.Parents) != 2 || r.Parents[0].Relationship != "Mother" ||
		r.Parents[1].LastName != "Other" || r.Parents[1].FirstName != "" || len(r.Agencies) != 2 ||
		r.Agencies[0].FullName != "PC Example" || r.Agencies[0].StartDate != "14/03/2026" ||
		r.Agencies[1].Organisation != "Example Surgery" || r.Agencies[1].StartDate != "" {
		t.Errorf("read as %q, %+v, %+v", r.Referrer.FullName, r.Parents, r.Agencies)
	}
}
