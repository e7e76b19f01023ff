package deadlines

import (
	"bytes"
	"flag"
	"fmt"
	"os"
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
on a learning referral (Darlington's procedure, §4.7, §5.5, §10): none is run, rather than one guessed.

A deadline is ` + "`open`" + `, ` + "`met`" + ` (on or before its day), ` + "`late`" + ` (met, after its day: never shown or
counted as met), ` + "`missed`" + ` (not met and its day is past) or ` + "`cancelled`" + `. Only what happened on or after
the day a clock started meets it, so a decision of an earlier round never meets a later one's.

The Panel notification and informing the partners run from when the **local authority became
aware** (` + "`la-aware`" + `, §5.1, §5.2), which may be before the referral was received; until it is recorded,
receipt stands in and the case page says the date is provisional. Recorded after a decision, it
still moves the clock, and a due day already past shows as missed. Worked by hand across Christmas
2026 (25 and 28 December and 1 January are not working days): aware Wednesday 23 December, received
Tuesday 29 December — partners informed by Thursday 24 December (already missed at receipt), the
Panel notified by Monday 4 January 2027 (24, 29, 30, 31 December, 4 January), the partners' meeting
by Wednesday 6 January (from receipt: 30, 31 December, 4, 5, 6 January). Without ` + "`la-aware`" + `: informed
by 30 December, the Panel by 6 January, both provisional.

A case closed (` + "`case-closed`" + `, with a reason: criteria-not-met, review-complete, withdrawn, or
duplicate with the other reference) runs no clock: every deadline still open is cancelled and no
reminder is sent. Re-opened (` + "`case-reopened`" + `: new-information, closed-in-error, panel-request),
its deadlines come back as they then stand. Re-opened with **new information**, a new round begins:
the partners inform, decide, tell the referrer (and the Learning and Development Group decide and
are approved) again; a decision's outcome that stops a clock is the latest one's.

An entry recorded in error is **withdrawn** (` + "`event-withdrawn`" + ` with the entry's id and the reason in
words), never erased: it stays in the history, marked with who withdrew it, when and why, and every
clock is worked out again as if it had not been recorded; a one-time event withdrawn can be recorded
again. Only the role that may record an entry withdraws it, and not while a later entry needs it.

An improvement action's deadline is moved by setting it again (` + "`action-set`" + ` with the new ` + "`due`" + ` and the
` + "`reason`" + `); its reminders and escalations move with it. The Panel asking for more information
(` + "`panel-responded`" + ` ` + "`more-information`" + `) is owed until ` + "`panel-information-sent`" + `; the procedure gives it no
timescale, so none is run.

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
	b.WriteString("\n## Events\n\nWhat can be recorded on a case (`shared/deadlines/catalogue.go`, the one list): the outcomes and\nfields it takes, what must come first, whether a case holds one of it, and who may record it besides\nthe Business Unit. An event out of order, or without a field it needs, is refused with the reason.\n`rationale` is free text, shown on the case page and never put in an e-mail.\n\n| event | what happened | outcome or reason | fields | needs first | once | recorded by |\n|---|---|---|---|---|---|---|\n")
	for _, s := range Catalogue {
		if s.System {
			continue
		}
		var outs []string
		for _, c := range append(append([]Choice(nil), s.Outcomes...), s.Reasons...) {
			outs = append(outs, "`"+c.Value+"` ("+c.Text+")")
		}
		dash := func(v string) string {
			if v == "" {
				return "—"
			}
			return v
		}
		once := ""
		switch {
		case s.Once && s.Round:
			once = "once a round"
		case s.Once:
			once = "once"
		}
		by := append([]string{BusinessUnit}, s.By...)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", s.Type, s.Help, dash(strings.Join(outs, ", ")), dash(strings.Join(s.Fields, ", ")),
			dash(strings.Join(s.Needs, " or ")), dash(once), strings.Join(by, ", "))
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
