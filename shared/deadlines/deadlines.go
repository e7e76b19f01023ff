// Package deadlines turns a case's history into its statutory deadlines
// and their reminders. It is pure: the same facts, events, calendar, rule
// set and moment give the same answer, so deadlines can be recomputed from
// the history at any time and a stale schedule is harmless.
package deadlines

import (
	"sort"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Deadline statuses.
const (
	Open      = casefile.DeadlineOpen
	Met       = "met"  // met on or before its day
	Late      = "late" // met, after its day
	Missed    = "missed"
	Cancelled = "cancelled"
)

// Facts are what the referral itself says that deadlines depend on.
type Facts struct {
	Ref          string
	Route        referral.Route
	IncidentDate civil.Date // the earliest incident date of the children; zero if not known
	ChildDied    bool       // the incident relates to a child's death
	// LookedAfterDied: the form says a child who died was looked after by
	// the local authority (§5.3); an officer can record it too (looked-after).
	LookedAfterDied bool
}

// FactsOf reads the facts from a stored case.
func FactsOf(c casefile.Case) Facts {
	f := Facts{Ref: c.Ref, Route: c.Route}
	for _, ch := range c.Referral.Children {
		if d, ok := referral.ParseDate(ch.IncidentDate); ok && (f.IncidentDate.IsZero() || d.Before(f.IncidentDate)) {
			f.IncidentDate = d
		}
		if ch.RelatesToDeath == "yes" {
			f.ChildDied = true
			f.LookedAfterDied = f.LookedAfterDied || ch.LookedAfter == "yes"
		}
	}
	return f
}

// Compute returns the case's deadlines as of now, ordered by due time.
// Events withdrawn as recorded in error count as never recorded.
func Compute(f Facts, events []casefile.Event, cal *workdays.Calendar, rs RuleSet, now time.Time) []casefile.Deadline {
	events = Active(events)
	var out []casefile.Deadline
	for _, r := range rs.Rules {
		if r.NotForLearning && f.Route == referral.RouteLearning {
			continue
		}
		if r.LookedAfterOnly && !f.LookedAfterDied && !(f.ChildDied && latest(events, LookedAfter, "") != nil) {
			continue
		}
		if r.PerAction {
			for _, action := range actions(events) {
				start := latest(events, ActionSet, action)
				if d, ok := deadline(r, r.ID+":"+action, f, start, events, action, cal, now); ok {
					out = append(out, d)
				}
			}
			continue
		}
		var start *casefile.Event
		provisional := false
		if r.Start != "incident" {
			if start = latest(events, r.Start, ""); start == nil && r.Provisional != "" {
				start, provisional = latest(events, r.Provisional, ""), true
			}
			if start == nil {
				continue
			}
		} else if f.IncidentDate.IsZero() {
			continue
		}
		if d, ok := deadline(r, r.ID, f, start, events, "", cal, now); ok {
			d.Provisional = provisional
			out = append(out, d)
		}
	}
	// A closed case runs no clock: what was still open is cancelled, so no
	// reminder goes out; re-opening it brings them back as they stand.
	if Closed(events) {
		for i := range out {
			if out[i].Status == Open {
				out[i].Status = Cancelled
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Due.Equal(out[j].Due) {
			return out[i].Due.Before(out[j].Due)
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

func deadline(r Rule, id string, f Facts, start *casefile.Event, events []casefile.Event, action string, cal *workdays.Calendar, now time.Time) (casefile.Deadline, bool) {
	var from civil.Date
	switch {
	case start == nil:
		from = f.IncidentDate
	case r.FromDate:
		d, err := civil.Parse(start.Data["date"])
		if err != nil {
			return casefile.Deadline{}, false
		}
		from = d
	default:
		from = civil.In(start.At, workdays.London)
	}
	dueDate := cal.AddWorkdays(from, r.Workdays)
	if r.Months != 0 {
		dueDate = from.AddMonths(r.Months)
	}
	d := casefile.Deadline{Ref: f.Ref, Rule: id, Due: workdays.EndOfDay(dueDate), Owners: r.Owners}
	// Only what happened once the clock ran meets it: a decision of an
	// earlier round does not meet the next round's clock.
	var since civil.Date
	if start != nil {
		since = civil.In(start.At, workdays.London)
	}
	met := firstOf(events, r.MetBy, action, since)
	switch {
	case met != nil && met.At.After(d.Due):
		d.Status = Late
	case met != nil:
		d.Status = Met
	case cancelledBy(events, r.CancelBy):
		d.Status = Cancelled
	case now.After(d.Due):
		d.Status = Missed
	default:
		d.Status = Open
	}
	return d, true
}

// latest returns the most recent event of a type (for an action, if given).
func latest(events []casefile.Event, typ, action string) *casefile.Event {
	var found *casefile.Event
	for i := range events {
		e := &events[i]
		if e.Type != typ || (action != "" && e.Data["action"] != action) {
			continue
		}
		if found == nil || !e.At.Before(found.At) {
			found = e
		}
	}
	return found
}

// firstOf returns the earliest event of any of the types on or after a
// day (any day if zero).
func firstOf(events []casefile.Event, types []string, action string, since civil.Date) *casefile.Event {
	var found *casefile.Event
	for i := range events {
		e := &events[i]
		if !contains(types, e.Type) || (action != "" && e.Data["action"] != action) || civil.In(e.At, workdays.London).Before(since) {
			continue
		}
		if found == nil || e.At.Before(found.At) {
			found = e
		}
	}
	return found
}

// Closed reports whether a case's history ends closed: its last close or
// re-open (not withdrawn) is a close.
func Closed(events []casefile.Event) bool {
	closed := false
	for _, e := range Active(events) {
		switch e.Type {
		case CaseClosed:
			closed = true
		case CaseReopened:
			closed = false
		}
	}
	return closed
}

// ForLearning reports whether a case is for the Learning and Development
// Group: referred for learning, or decided by the partners — whatever
// they decide, their rationale goes to the Group (procedure §5.6).
func ForLearning(route referral.Route, events []casefile.Event) bool {
	if route == referral.RouteLearning {
		return true
	}
	for _, e := range Active(events) {
		if e.Type == SSPDecision {
			return true
		}
	}
	return false
}

// cancelledBy reports whether a condition holds: "type" once recorded,
// "type:outcome" when the latest of the type has that outcome (a decision
// taken again in a new round replaces the last).
func cancelledBy(events []casefile.Event, conds []string) bool {
	for _, cond := range conds {
		typ, outcome, withOutcome := strings.Cut(cond, ":")
		if e := latest(events, typ, ""); e != nil && (!withOutcome || e.Data["outcome"] == outcome) {
			return true
		}
	}
	return false
}

// Active is a history without what was withdrawn: the withdrawn events and
// the withdrawals themselves. The history itself keeps both.
func Active(events []casefile.Event) []casefile.Event {
	withdrawn := map[string]bool{}
	for _, e := range events {
		if e.Type == EventWithdrawn {
			withdrawn[e.Data[FieldEvent]] = true
		}
	}
	if len(withdrawn) == 0 {
		return events
	}
	out := make([]casefile.Event, 0, len(events))
	for _, e := range events {
		if e.Type != EventWithdrawn && !withdrawn[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// Withdrawal returns the event that withdrew an event, if one did.
func Withdrawal(events []casefile.Event, id string) (casefile.Event, bool) {
	for _, e := range events {
		if e.Type == EventWithdrawn && e.Data[FieldEvent] == id {
			return e, true
		}
	}
	return casefile.Event{}, false
}

// actions lists the improvement actions set, in the order first set.
func actions(events []casefile.Event) []string {
	var out []string
	for _, e := range events {
		if a := e.Data["action"]; e.Type == ActionSet && a != "" && !contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
