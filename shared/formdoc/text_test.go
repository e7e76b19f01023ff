package formdoc

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

func TestReadText(t *testing.T) {
	data, err := os.ReadFile("testdata/forms/text-in-body.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, probs, err := ReadText(data)
	if err != nil || len(probs) != 0 {
		t.Fatalf("ReadText: %v %v", probs, err)
	}
	route, _ := referral.Check(&r, civil.New(2026, time.March, 16))
	checks := map[string][2]string{
		"referrer job title":        {r.Referrer.JobTitle, "Senior Social Worker"},
		"authorising job title":     {r.Referrer.AuthorisingOfficerJobTitle, "Head of Service"},
		"agreement date":            {r.Referrer.OrganisationAgreementDate, "2026-03-16"},
		"meets criteria":            {r.Referrer.MeetsNotificationCriteria, "yes"},
		"child name (not referrer)": {r.Children[0].FullName, "Child A Example"},
		"incident date":             {r.Children[0].IncidentDate, "2026-03-14"},
		"death":                     {r.Children[0].RelatesToDeath, "no"},
		"main cause":                {r.CaseDetails.MainCause, "Non-Accidental Injury"},
		"details keep lines":        {r.IncidentDetails, "The child was brought to hospital on 14 March.\nInjuries were not consistent with the account given."},
		"S9":                        {r.WhyMeetsCriteria, "Serious harm with abuse suspected."},
		"route (boxes not in text)": {string(route), "unknown"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if len(r.CaseDetails.Characteristics) != 2 {
		t.Errorf("characteristics = %q", r.CaseDetails.Characteristics)
	}
}

// TestReadTextNotAForm: text with no label of the form — nothing, a
// note, a letter, a chronology, bytes — is refused as not the form, never
// read as an empty one.
func TestReadTextNotAForm(t *testing.T) {
	for _, in := range []string{"", "Hello, please call me about a case.", "\xff\xfe\x00garbage",
		"Dear colleague,\nPlease find below the chronology for the family.\n12/01/2026 Home visit. No concerns.\n14/01/2026 School reported absence.\nRegards\nSam\n"} {
		if _, _, err := ReadText([]byte(in)); !errors.Is(err, ErrNotTheForm) {
			t.Errorf("ReadText(%q): %v, want not the form", in, err)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ name, ctype, data, want string }{
		{"form.docx", "", "PK\x03\x04rest", DOCX},
		{"form.pdf", "", "%PDF-1.7", PDF},
		{"renamed.txt", "", "%PDF-1.4", PDF},
		{"", "", "\xef\xbb\xbf  {\"referrer\": {}}", JSON},
		{"referral.json", "", "not really", JSON},
		{"", "text/plain", "FULL NAME: x", Text},
		{"old.doc", "", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + string(utf16("WordDocument")), DOC},
		{"protected.docx", "", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + string(utf16("EncryptionInfo")), DOC},
		// Older Office files that are not Word's, whatever their name: an
		// Excel chronology, a forwarded Outlook message (.msg).
		{"chronology.xls", "", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + string(utf16("Workbook")), Unknown},
		{"referral.msg", "", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + string(utf16("__substg1.0_0037001F")), Unknown},
		{"named.doc", "", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + string(utf16("Workbook")), Unknown},
		{"mail.eml", "", "From: a", Email},
		{"x.bin", "", "\xff\xfe\xfd\x00", Unknown},
	}
	for _, tt := range tests {
		if got := Detect(tt.name, tt.ctype, []byte(tt.data)); got != tt.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tt.name, tt.data, got, tt.want)
		}
	}
}

func TestReadTextTicks(t *testing.T) {
	in := "SECTION 2: ABOUT THE CHILD(REN)\nDoes incident relate to death of child? YES [ ] NO [x]\nIs a coroner involved? YES ☐ NO ☐ UNSURE ☒\n" +
		"Does alleged incident involve the conduct of a staff member? Yes\nSECTION 6\nWas the child known to Social Care prior to the incident? YES [ ] NO [ ]\n"
	r, _, err := ReadText([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Children[0]
	if c.RelatesToDeath != "no" || c.CoronerInvolved != "unsure" || c.StaffConduct != "Yes" || r.ChildProtection.KnownToSocialCare != "" {
		t.Errorf("ticks read as %+v / %q", c, r.ChildProtection.KnownToSocialCare)
	}
	// Ticks before their options, the way many type them: never read as
	// the option before the tick.
	in = "SECTION 2: ABOUT THE CHILD(REN)\nDOES INCIDENT RELATE TO DEATH OF CHILD? [ ] YES  [x] NO\nIs a coroner involved? ( ) YES (x) NO ( ) UNSURE\n" +
		"SECTION 6\nWas the child known to Social Care prior to the incident? ☒ YES ☐ NO\n"
	if r, _, err = ReadText([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if c := r.Children[0]; c.RelatesToDeath != "no" || c.CoronerInvolved != "no" || r.ChildProtection.KnownToSocialCare != "yes" {
		t.Errorf("ticks before options read as %+v / %q", c, r.ChildProtection.KnownToSocialCare)
	}
	// Ticks typed as X beside the option, with or without headings.
	for _, in := range []string{
		"SECTION 2\nDOES INCIDENT RELATE TO DEATH OF CHILD? YES  NO X\nDOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER? X YES NO\n",
		"DOES INCIDENT RELATE TO DEATH OF CHILD? YES  NO X\nDOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER? X YES NO\n",
	} {
		if r, _, err = ReadText([]byte(in)); err != nil {
			t.Fatal(err)
		}
		if c := r.Children[0]; c.RelatesToDeath != "no" || c.StaffConduct != "yes" {
			t.Errorf("typed X read as death %q, staff conduct %q", c.RelatesToDeath, c.StaffConduct)
		}
	}
}

// TestPastedHTMLForm: the form pasted into an HTML e-mail reads the same
// as the form sent as a file: tables become tab-separated lines.
func TestPastedHTMLForm(t *testing.T) {
	html, err := os.ReadFile("testdata/form.html")
	if err != nil {
		t.Fatal(err)
	}
	r, probs, err := ReadText([]byte(mailparse.HTMLText(string(html))))
	if err != nil {
		t.Fatal(err)
	}
	route, checked := referral.Check(&r, civil.New(2026, time.March, 16))
	if route != referral.RouteNotification || len(probs)+len(checked) > 0 {
		t.Errorf("route %s, problems %v %v", route, probs, checked)
	}
	if r.Parents[0].FirstName != "Jordan" || r.CaseDetails.MainCause != "Non-Accidental Injury" || !r.OtherReviews.NoneKnown || r.Referrer.AuthorisingOfficerJobTitle != "Head of Safeguarding" {
		t.Errorf("read %+v", r)
	}
}

// TestLooseLines: labelled lines with no section headings.
func TestLooseLines(t *testing.T) {
	in := "Hello, please see the referral below.\n\nFull name: Sam Referrer\nJob title: Senior Social Worker\nE-mail address: sam@example.gov.uk\nTel: 01325 406453\n" +
		"Full name: Child A Example\nDOB: 02/05/2022\nDate of serious incident: 14/03/2026\nDetails of the case/incident: Brought to hospital.\nInjuries not explained.\n"
	r, _, err := ReadText([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if r.Referrer.FullName != "Sam Referrer" || r.Referrer.Email != "sam@example.gov.uk" || r.Referrer.Telephone != "01325 406453" ||
		len(r.Children) != 1 || r.Children[0].FullName != "Child A Example" || r.Children[0].DateOfBirth != "02/05/2022" ||
		r.IncidentDetails != "Brought to hospital.\nInjuries not explained." {
		t.Errorf("read %+v %+v %q", r.Referrer, r.Children, r.IncidentDetails)
	}
}

// TestReadLooseRows: loose lines with no headings fill tables row by row,
// keep an agency's labels together and twin labels in order.
func TestReadLooseRows(t *testing.T) {
	text := `FULL NAME: Sam Referrer
JOB TITLE: Social Worker
AUTHORISING OFFICER WITHIN AGENCY: Jo Manager
JOB TITLE: Head of Service
Full name: Child One
Date of birth: 1/2/2020
Full name: Child Two
Date of birth: 3/4/2021
Sibling's first name: Ann
Sibling's last name: Example
Sibling's first name: Ben
Sibling's last name: Example
`
	r, _, err := ReadText([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"referrer.fullName":                   "Sam Referrer",
		"referrer.jobTitle":                   "Social Worker",
		"referrer.authorisingOfficerJobTitle": "Head of Service",
		"children[0].fullName":                "Child One",
		"children[1].fullName":                "Child Two",
		"children[1].dateOfBirth":             "3/4/2021",
		"siblings[0].firstName":               "Ann",
		"siblings[1].firstName":               "Ben",
		"siblings[1].lastName":                "Example",
	} {
		if got := referral.Get(&r, path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}
