package formdoc

import (
	"slices"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// TestOptionsPrintedNotChosen: a question's options printed with none
// chosen — one a line, on one line, a tab apart — are never read as the
// first of them. Unmarked, they are unanswered; from a PDF, whose boxes
// may be shapes its text does not show, they cannot be told; a tick or
// an X on one option's own line chooses it.
func TestOptionsPrintedNotChosen(t *testing.T) {
	const head = "SECTION 2\nFULL NAME OF CHILD: Alex Example\n"
	for _, tt := range []struct {
		name, text string
		pdf        bool
		gender     string
		death      string
		unreadable []string
	}{
		{name: "gender one a line", text: "GENDER\nMale\nFemale\nOther\nNot known\n"},
		{name: "gender one a line, PDF", text: "GENDER\nMale\nFemale\nOther\nNot known\n", pdf: true, unreadable: []string{"children[0].gender"}},
		{name: "gender on one line", text: "GENDER: Male Female Other Not known\n"},
		{name: "gender a tab apart", text: "GENDER\tMale\tFemale\tOther\tNot known\n"},
		{name: "gender a tab apart, PDF", text: "GENDER\tMale\tFemale\tOther\tNot known\n", pdf: true, unreadable: []string{"children[0].gender"}},
		{name: "two genders", text: "GENDER\nMale\nFemale\n", unreadable: []string{"children[0].gender"}},
		{name: "gender typed", text: "GENDER\nFemale\n", gender: "Female"},
		{name: "yes no one a line", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\nYes\nNo\n"},
		{name: "yes no one a line, PDF", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\nYes\nNo\n", pdf: true, unreadable: []string{"children[0].relatesToDeath"}},
		{name: "yes no, X before no", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\nYes\nX No\n", death: "no"},
		{name: "yes no, X after no", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\nYes\nNo X\n", death: "no"},
		{name: "yes no, tick after yes", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\nYes ✓\nNo\n", death: "yes"},
		{name: "yes no, both ticked", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\n[x] Yes\n[x] No\n", unreadable: []string{"children[0].relatesToDeath"}},
		{name: "yes typed", text: "DOES INCIDENT RELATE TO DEATH OF CHILD?\nYes\n", death: "Yes"},
		{name: "Wingdings boxes as private-use characters", text: "DOES INCIDENT RELATE TO DEATH OF CHILD? YES \uF0A8 NO \uF0FE\n", death: "no"},
		{name: "a symbol font's letters beside the options", text: "DOES INCIDENT RELATE TO DEATH OF CHILD? YES ¨ NO þ\n", unreadable: []string{"children[0].relatesToDeath"}},
		{name: "options joined by &", text: "GENDER: Male & Female\n", unreadable: []string{"children[0].gender"}},
		{name: "a symbol font's letters as boxes, the font lost", text: "DOES INCIDENT RELATE TO DEATH OF CHILD? o YES x NO\n", unreadable: []string{"children[0].relatesToDeath"}},
		{name: "an X among the options", text: "DOES INCIDENT RELATE TO DEATH OF CHILD? YES NO X\n", death: "no"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := readTextFrom([]byte(head+tt.text), tt.pdf)
			if len(r.Referral.Children) == 0 {
				t.Fatalf("no child read: %+v", r)
			}
			c := r.Referral.Children[0]
			var unread []string
			for _, p := range r.Problems {
				if p.Code == referral.CodeUnreadable {
					unread = append(unread, p.Field)
				}
			}
			if c.Gender != tt.gender || c.RelatesToDeath != tt.death || !slices.Equal(unread, tt.unreadable) {
				t.Errorf("gender %q, death %q, unreadable %v; want %q, %q, %v", c.Gender, c.RelatesToDeath, unread, tt.gender, tt.death, tt.unreadable)
			}
		})
	}
}
