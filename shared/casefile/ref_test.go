package casefile

import (
	"slices"
	"testing"
)

func TestRefs(t *testing.T) {
	for s, want := range map[string]bool{"DSP-2026-0042": true, "DSP-2026-12345": true, "dsp-2026-0042": false, "DSP-26-0042": false, "X-2026-0042": false, "DSP-2026-0042 ": false} {
		if IsRef(s) != want {
			t.Errorf("IsRef(%q) = %v", s, !want)
		}
	}
	got := RefsIn("Re: [dsp-2026-0042] and NEL-2026-0001, DSP-2026-0043.notify-panel.due@cspr-intake", "DSP")
	if !slices.Equal(got, []string{"DSP-2026-0042", "DSP-2026-0043"}) {
		t.Errorf("RefsIn: %v", got)
	}
}
