package formdoc

import (
	"slices"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// TestAgree: of two readings of one form, an answer given differently is
// unreadable; the same answer written with other spacing, case or order
// of lines stands; an answer only one reading gives stands as read.
func TestAgree(t *testing.T) {
	form := func(incident, name, org string) Read {
		return readText([]byte("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM\nFULL NAME: Sam Referrer\nORGANISATION: " + org +
			"\nSECTION 2: ABOUT THE CHILD(REN)\nFULL NAME: " + name + "\nDATE OF SERIOUS INCIDENT: " + incident + "\n"))
	}
	for _, tt := range []struct {
		name        string
		read, other Read
		unreadable  []string
		kept        map[string]string
	}{
		{"agree", form("14/03/2026", "Child A", "Darlington Borough Council"), form("14/03/2026", "Child  A", "DARLINGTON BOROUGH COUNCIL"),
			nil, map[string]string{"children[0].incidentDate": "14/03/2026", "children[0].fullName": "Child A"}},
		{"a date differs", form("14/03/2026", "Child A", "Darlington Borough Council"), form("15/03/2026", "Child A", "Darlington Borough Council"),
			[]string{"children[0].incidentDate"}, map[string]string{"children[0].fullName": "Child A", "referrer.organisation": "Darlington Borough Council"}},
		{"only one reads it", form("14/03/2026", "Child A", "Darlington Borough Council"), form("", "Child A", ""),
			nil, map[string]string{"children[0].incidentDate": "14/03/2026", "referrer.organisation": "Darlington Borough Council"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			read := tt.read
			Agree(&read, tt.other)
			got := referral.Answers(&read.Referral)
			for _, p := range tt.unreadable {
				if got[p] != "" || !slices.ContainsFunc(read.Problems, func(pr referral.Problem) bool { return pr.Code == referral.CodeUnreadable && pr.Field == p }) {
					t.Errorf("%s = %q, not unreadable", p, got[p])
				}
			}
			for p, want := range tt.kept {
				if got[p] != want {
					t.Errorf("%s = %q, want %q", p, got[p], want)
				}
			}
		})
	}
}
