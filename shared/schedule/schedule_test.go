package schedule

import (
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	if got := Name("DSP-2026-0042", "rapid-review", "before"); got != "DSP-2026-0042-rapid-review-before" {
		t.Errorf("Name = %s", got)
	}
	long := Name("DSP-2026-0042", "action-escalation-chief:"+strings.Repeat("A", 60), "overdue")
	other := Name("DSP-2026-0042", "action-escalation-chief:"+strings.Repeat("A", 59)+"B", "overdue")
	if len(long) > MaxName || long == other || !strings.HasPrefix(long, Prefix("DSP-2026-0042")) || !strings.HasSuffix(long, "-overdue") {
		t.Errorf("long names: %s %s", long, other)
	}
	if got := Name("DSP-2026-0042", "action-escalation-hos:A 1/x", "due"); got != "DSP-2026-0042-action-escalation-hos_A_1_x-due" {
		t.Errorf("Name = %s", got)
	}
}
