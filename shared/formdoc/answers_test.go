package formdoc

import (
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// TestMisread is the reading rule, case by case: the answers readers took
// from the wrong place in forms met outside (issue 23's classes), and
// answers people really write that must be kept.
func TestMisread(t *testing.T) {
	field := func(path string) referral.Field {
		f, ok := referral.FieldByPath(path)
		if !ok {
			t.Fatalf("no field %s", path)
		}
		return f
	}
	for _, tt := range []struct {
		path, answer string
		misread      bool
	}{
		// An empty answer took the next line.
		{"siblings.otherEthnicity", "Nationality: British", true},
		{"otherReviews.details", "Please provide details of any early learning or changes to practice that you may have implemented", true}, // another question wrapped into it
		{"otherReviews.details", "SECTION 12: ANY OTHER REVIEW PENDING OR COMPLETE?", true},
		// A label wrapped in a PDF read as its answer.
		{"children.ageAtIncident", "AT TIME", true},
		{"children.incidentDate", "OF INCIDENT", true},
		{"referrer.learningToExplore", "HOWEVER THERE IS LEARNING TO BE EXPLORED?", true},
		{"childProtection.cppStart", "commenced:", true},
		{"referrer.jobTitle", "JOB TITLE", true},
		// Every option of a yes/no question, none ticked, read as text.
		{"children.relatesToDeath", "YES NO", true},
		{"children.coronerInvolved", "YES NO UNSURE", true},
		{"caseDetails.mainCause", "Accidental Death Accidental Injury Drug/Solvent misuse", true},
		// A date field swallowed what follows.
		{"children.incidentDate", "02/03/2026 Does incident relate to death of child? Yes", true},
		{"children.dateOfBirth", "02/03/2026\nNationality: British", true},
		// Words where figures must be: the next table's header read as
		// an empty telephone's answer (a pandoc table printed to PDF).
		{"referrer.telephone", "Question Answer", true},
		{"referrer.telephone", "01325 388000", false},
		{"referrer.telephone", "0800 NO 1234", false},
		{"children.postcode", "Answer", true},
		{"children.dateOfBirth", "Gender", true},
		// An address with the next pair of its line in it.
		{"referrer.email", "alex.nurse@nhs.net Telephone No.: 01325 380100", true},
		{"referrer.email", "alex.nurse@nhs.net", false},
		// What people write, kept.
		{"referrer.jobTitle", "Head of Service", false},
		{"referrer.organisation", "Social Care", false},
		{"referrer.organisation", "Darlington Borough Council Children's Services", false},
		{"caseDetails.mainCause", "Non-Accidental Injury", false},
		{"children.ethnicity", "White British", false},
		{"children.nationality", "British", false},
		{"children.relatesToDeath", "Yes", false},
		{"children.coronerInvolved", "Not known", false},
		{"children.dateOfBirth", "14th March 2026", false},
		{"children.dateOfBirth", "31/02/2019", false}, // wrong, but the referrer's: the checks say so
		{"children.address", "1 Example Street, Darlington", false},
		{"incidentDetails", "The child's date of birth and address were confirmed by the health visitor. The mother says she is not sure.", false},
		{"agencies.organisation", "NHS", false},
		{"children.fullName", "JAMIE EXAMPLE", false},
	} {
		if got := misread(field(tt.path), tt.answer); got != tt.misread {
			t.Errorf("%s = %q: misread %v, want %v", tt.path, tt.answer, got, tt.misread)
		}
	}
}

// TestEmptyAnswerTakesNextLine: in a form typed as text, an empty answer
// followed by another question's is unreadable — never the next line's
// words — and the next question keeps its answer.
func TestEmptyAnswerTakesNextLine(t *testing.T) {
	text := "SECTION 4: SIBLINGS\nSibling's last name: Example\nSibling's first name: Robin\nOther Ethnicity:\nNationality: British\n"
	r, probs, err := ReadText([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Siblings) == 0 {
		t.Fatal("no sibling read")
	}
	if got := r.Siblings[0].OtherEthnicity; strings.Contains(got, "British") || strings.Contains(got, "Nationality") {
		t.Errorf("other ethnicity read as %q", got)
	}
	_ = probs
	// The answer that could not be read keeps what stood there, for the
	// officer to read and fill in.
	read := ReadAs(Text, []byte(text))
	if src := read.Sources["siblings[0].otherEthnicity"]; src.At == "" || !strings.Contains(src.Text, "Nationality: British") {
		t.Errorf("the unreadable answer's source: %+v", src)
	}
}

// TestWithoutSignOff: a typed e-mail's sign-off is not part of the long
// answer it ends with; words like it inside the answer are.
func TestWithoutSignOff(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Seen at A&E.\n\nRegards,\nAlex", "Seen at A&E.\n"},
		{"Seen at A&E.\nKind regards\nAlex Nurse\nHealth Visitor", "Seen at A&E."},
		{"Seen at A&E.\nMany thanks", "Seen at A&E."},
		{"Mother said thanks to the crew and went home with Jamie that evening.", "Mother said thanks to the crew and went home with Jamie that evening."},
		{"Regards,\nSeen again on 3 November.\nAdmitted.\nDischarged.\nHome.", "Regards,\nSeen again on 3 November.\nAdmitted.\nDischarged.\nHome."},
	} {
		if got := strings.Join(withoutSignOff(strings.Split(tt.in, "\n")), "\n"); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}
