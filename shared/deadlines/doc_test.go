package deadlines

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

var updateDoc = flag.Bool("update-doc", false, "rewrite docs/deadlines.md from the rule sets")

// TestDeadlinesDoc holds docs/deadlines.md — every statutory clock, its
// source, who is reminded and when — to the rule sets themselves, so a
// Business Unit officer can check the procedure against what runs.
// Rewrite it with: go test ./shared/deadlines -run DeadlinesDoc -args -update-doc
func TestDeadlinesDoc(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`# Statutory clocks

Generated from ` + "`shared/deadlines/rules.go`" + ` by ` + "`go test ./shared/deadlines -run DeadlinesDoc -args -update-doc`" + `;
a test fails when the two differ. A working day is Monday to Friday in England, not a bank holiday
(gov.uk's table) nor a closure day the partnership sets; "+N WD" is the N-th working day after the
day of the start, due at the end of that day.

Every deadline with reminders gets three, at 09:00 London: the working day before it is due and the
due day (to its owners and the Business Unit), and the working day after if it is still open (to
the Independent Scrutineer/Chair as well). A reminder re-reads the case and sends nothing if the
deadline was met, cancelled or moved. Learning-route referrals start no deadline marked "not
learning". The procedure gives no deadline for the Learning and Development Group's own decision
on a learning referral (` + "`seeds/001`" + ` §4.7, §5.5, §10): none is run, rather than one guessed.

A case closed (` + "`case-closed`" + `, with a reason: criteria-not-met, review-complete, withdrawn, or
duplicate with the other reference) runs no clock: every deadline still open is cancelled and no
reminder is sent. Re-opened (` + "`case-reopened`" + `: new-information, closed-in-error, panel-request),
its deadlines come back as they then stand.

Readings of the procedure that are choices, stated rather than hidden:
- NEL's "as soon as" (the Rapid Review sent to the Panel once complete; the Panel, Ofsted and DfE
  told of a local review with the reviewer's name) is due 1 working day after the event that
  starts it; the copy of the Panel notification is due the same day, as NEL says.
- The Panel's own aim to decide within 15 working days of a Rapid Review (NEL) is a clock the
  Business Unit is reminded to chase, not a duty of the partnership. Darlington's procedure gives
  the Panel no timescale (§6.11): none is run.
- Darlington's procedure does not ask for the reviewer's name to be sent to the Panel, Ofsted and
  DfE: that clock runs for NEL only.
- When the national Panel answers that it will hold a national review (DSP §6.12), the local
  review's publication clock stops; everything else stands.
`)
	for _, rs := range []RuleSet{Darlington, NEL} {
		fmt.Fprintf(&b, "\n## %s\n\n| clock | what must happen | starts at | due | met by | stops if | owners | source |\n|---|---|---|---|---|---|---|---|\n", rs.Name)
		for _, r := range rs.Rules {
			start := r.Start
			if r.FromDate {
				start += " (its date)"
			}
			if r.Provisional != "" {
				start += "; until then, provisionally " + r.Provisional
			}
			due := fmt.Sprintf("%+d WD", r.Workdays)
			if r.Months != 0 {
				due = fmt.Sprintf("+%d months", r.Months)
			}
			var notes []string
			if r.NoReminders {
				notes = append(notes, "a flag, no reminders")
			}
			if r.NotForLearning {
				notes = append(notes, "not learning")
			}
			if r.LookedAfterOnly {
				notes = append(notes, "looked-after child died only")
			}
			if r.PerAction {
				notes = append(notes, "one per improvement action")
			}
			title := r.Title
			if len(notes) > 0 {
				title += " (" + strings.Join(notes, "; ") + ")"
			}
			cancel := strings.Join(r.CancelBy, ", ")
			if cancel == "" {
				cancel = "—"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", r.ID, title, start, due, strings.Join(r.MetBy, ", "), cancel,
				strings.Join(r.Owners, ", "), r.Source)
		}
	}
	b.WriteString("\n## Events\n\nWhat can be recorded on a case, the outcomes it takes and what must come first. An event out of\norder is refused with the reason.\n\n| event | what happened | outcome | needs first |\n|---|---|---|---|\n")
	types := make([]string, 0, len(EventTypes))
	for t := range EventTypes {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		var outs []string
		for _, c := range Outcomes[t] {
			outs = append(outs, "`"+c.Value+"` ("+c.Text+")")
		}
		out, needs := strings.Join(outs, ", "), strings.Join(Needs[t], " or ")
		if out == "" {
			out = "—"
		}
		if needs == "" {
			needs = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", t, EventTypes[t], out, needs)
	}
	const path = "../../docs/deadlines.md"
	if *updateDoc {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, b.Bytes()) {
		t.Errorf("docs/deadlines.md is not the rule sets (%v): go test ./shared/deadlines -run DeadlinesDoc -args -update-doc", err)
	}
}
