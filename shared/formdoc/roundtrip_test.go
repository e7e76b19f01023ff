package formdoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

func sampleReferral(t testing.TB, name string) referral.Referral {
	t.Helper()
	data, err := os.ReadFile("../../events/referrals/" + name)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := referral.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	referral.Normalize(&r)
	return r
}

// TestRoundTrip fills the generated form, reads it back and expects the
// same referral.
func TestRoundTrip(t *testing.T) {
	learning := sampleReferral(t, "complete.json")
	learning.Criteria = referral.Criteria{LearningOnly: true}
	learning.Referrer.MeetsNotificationCriteria, learning.Referrer.LearningToExplore = "no", "yes"
	learning.WhyMeetsCriteria, learning.WhyLearning = "Not applicable", "Information was not shared between agencies.\nA practice issue for the L&D Group."
	learning.Children = append(learning.Children, learning.Children[0])
	learning.Children[1].FullName, learning.Children[1].RelatesToDeath, learning.Children[1].CoronerInvolved = "Child B Example", "yes", "unsure"
	learning.Children[1].DateOfDeath, learning.Children[1].CauseOfDeath = "2026-03-15", "Not yet known"
	learning.Siblings = append(learning.Siblings, learning.Siblings[0], learning.Siblings[0])
	learning.Siblings[2].FirstName = "Third"
	learning.Agencies = append(learning.Agencies, referral.Agency{Organisation: "Example Primary School", StartDate: "2025-09-01"})
	learning.ChildProtection.OnChildInNeedPlan, learning.ChildProtection.CinStart = "yes", "2024-01-10"
	learning.ChildProtection.SiblingsOnChildInNeedPlan = "yes"
	learning.ChildProtection.SiblingChildInNeedPlans = []referral.Plan{{Name: "Sibling Example", Start: "2024-01-10", End: "2024-06-30"}}
	learning.CaseDetails.MainCause, learning.CaseDetails.MainCauseOther = "Other", "Unexplained injury"
	learning.CaseDetails.Characteristics = []string{"Recent Neglect", "Other", "Not Yet Known"}
	learning.CaseDetails.CharacteristicsOther = "Exploitation"
	learning.OtherReviews = referral.OtherReviews{Types: []string{"MARAC", "Other"}, Details: "MARAC held in February.", EarlyLearning: "Briefing to staff.", NoneKnown: false}
	cases := map[string]referral.Referral{"complete": sampleReferral(t, "complete.json"), "learning, two children": learning}
	for name, want := range cases {
		referral.Normalize(&want)
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDOCX(&buf, &want, "Darlington Safeguarding Partnership", "DSP@darlington.gov.uk"); err != nil {
				t.Fatal(err)
			}
			got, probs, err := ReadDOCX(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			referral.Normalize(&got)
			if len(probs) > 0 {
				t.Errorf("problems reading: %v", probs)
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("read back differs:\n%s", lineDiff(string(w), string(g)))
			}
		})
	}
}

func TestBlankForm(t *testing.T) {
	r, _, err := ReadDOCX(BlankDOCX("Darlington Safeguarding Partnership", "DSP@darlington.gov.uk"))
	if err != nil {
		t.Fatal(err)
	}
	referral.Normalize(&r)
	if !reflect.DeepEqual(r, referral.Referral{}) {
		g, _ := json.Marshal(r)
		t.Errorf("the blank form reads as %s", g)
	}
	if _, _, err := ReadDOCX(docxOf(t, `<w:p><w:r><w:t>Dear colleague, please find my invoice attached.</w:t></w:r></w:p>`, nil)); err == nil {
		t.Error("a letter was read as a referral form")
	}
}

// lineDiff lists the lines that differ between two renderings.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d: want %s\n         got %s\n", i+1, strings.TrimSpace(w), strings.TrimSpace(g))
		}
	}
	return b.String()
}
