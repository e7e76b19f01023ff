package intake

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// withCase is an intake with deadlines whose clock reads now, and one
// complete case received at received.
func withCase(t *testing.T, now time.Time) (*env, Result) {
	t.Helper()
	e := newEnv(t)
	e.svc.Calendar, e.svc.Rules, e.svc.Now = workdays.Default(), deadlines.Darlington, func() time.Time { return now }
	res, err := e.svc.Submit(context.Background(), Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	return e, res
}

func TestRecordEvent(t *testing.T) {
	ctx := context.Background()
	e, res := withCase(t, received.Add(30*24*time.Hour))
	tests := []struct {
		in   EventInput
		code string
	}{
		{EventInput{Type: "received", At: "2026-03-17"}, errs.Invalid},
		{EventInput{Type: "lunch", At: "2026-03-17"}, errs.Invalid},
		{EventInput{Type: deadlines.SSPDecision, At: "2026-03-17", Rationale: "the reasons"}, errs.Invalid},                          // no outcome
		{EventInput{Type: deadlines.SSPDecision, At: "17/03/2026", Outcome: "criteria-met", Rationale: "the reasons"}, errs.Invalid}, // not ISO
		{EventInput{Type: deadlines.SSPInformed, At: "2026-03-15"}, errs.Invalid},                                                    // before received
		{EventInput{Type: deadlines.PublicationPlanned, At: "2026-03-20", Date: "August"}, errs.Invalid},                             // bad date
		{EventInput{Type: deadlines.ActionCompleted, At: "2026-03-20", Action: "A1"}, errs.Invalid},                                  // never set
		{EventInput{Type: deadlines.ActionSet, At: "2026-03-20", Action: "A1", Due: "2026-06-01"}, ""},                               // fine
		{EventInput{Type: deadlines.ActionSet, At: "2026-03-21", Action: "A1", Due: "2026-06-02"}, errs.Invalid},                     // moved without a reason
		{EventInput{Type: deadlines.ActionCompleted, At: "2026-03-22", Action: "A1"}, ""},
		{EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: "criteria-met", Rationale: "the reasons"}, ""},
		{EventInput{Type: deadlines.SSPDecision, At: "2026-03-19", Outcome: "learning", Rationale: "the reasons"}, errs.Conflict},
		{EventInput{Type: deadlines.LDDecision, At: "2026-03-19", Outcome: "criteria-met", Rationale: "the reasons"}, errs.Invalid}, // not an L&D outcome
		{EventInput{Type: deadlines.LDDecision, At: "2026-03-19", Outcome: "single-agency-review", Rationale: "the reasons"}, ""},
		{EventInput{Type: deadlines.LDDecision, At: "2026-03-20", Outcome: "no-further-action", Rationale: "the reasons"}, errs.Conflict},
		// The process after the first week, in order, and out of it.
		{EventInput{Type: deadlines.PanelAcknowledged, At: "2026-03-19"}, errs.Invalid}, // not notified yet
		{EventInput{Type: deadlines.PanelNotified, At: "2026-03-19"}, ""},
		{EventInput{Type: deadlines.PanelAcknowledged, At: "2026-03-18"}, errs.Invalid},                                                  // before the notification
		{EventInput{Type: deadlines.PanelAcknowledged, At: "2026-03-19"}, ""},                                                            // the same day is fine
		{EventInput{Type: deadlines.RapidReviewRecommended, At: "2026-03-25", Outcome: "lcspr", Rationale: "the reasons"}, errs.Invalid}, // not held yet
		{EventInput{Type: deadlines.RapidReviewHeld, At: "2026-03-25"}, ""},
		{EventInput{Type: deadlines.RapidReviewRecommended, At: "2026-03-25", Outcome: "a review", Rationale: "the reasons"}, errs.Invalid},
		{EventInput{Type: deadlines.RapidReviewRecommended, At: "2026-03-25", Outcome: "lcspr", Rationale: "the reasons"}, ""},
		{EventInput{Type: deadlines.ReviewDecided, At: "2026-03-26", Outcome: "lcspr", Rationale: "the reasons"}, errs.Invalid}, // an LCSPR is lcspr-decided
		{EventInput{Type: deadlines.LCSPRDecided, At: "2026-03-26"}, ""},
		{EventInput{Type: deadlines.ReviewDecided, At: "2026-03-27", Outcome: "audit", Rationale: "the reasons"}, errs.Conflict}, // decided already
		{EventInput{Type: deadlines.LCSPRNotified, At: "2026-03-27"}, errs.Invalid},                                              // no reviewer
		{EventInput{Type: deadlines.LCSPRNotified, At: "2026-03-27", Reviewer: "  Dr  Jane   Reviewer "}, ""},
		{EventInput{Type: deadlines.PanelResponded, At: "2026-03-27", Outcome: "national-review"}, errs.Invalid}, // nothing sent
		{EventInput{Type: deadlines.DecisionToPanel, At: "2026-03-27"}, ""},
		{EventInput{Type: deadlines.PanelResponded, At: "2026-03-30", Outcome: "more-information"}, ""},
		{EventInput{Type: deadlines.PanelResponded, At: "2026-04-01", Outcome: "no-national-review"}, ""}, // may answer again
		{EventInput{Type: deadlines.ReportSent, At: "2026-04-01"}, errs.Invalid},                          // no publication date
	}
	for _, tt := range tests {
		_, err := e.svc.RecordEvent(ctx, res.Ref, tt.in)
		if errs.Code(err) != tt.code {
			t.Errorf("%+v: error %v, want code %q", tt.in, err, tt.code)
		}
		if err != nil && errs.Message(err) == "" {
			t.Errorf("%+v: no message", tt.in)
		}
	}
	if _, err := e.svc.RecordEvent(ctx, "DSP-2026-9999", EventInput{Type: deadlines.SSPInformed, At: "2026-03-17"}); errs.Code(err) != errs.NotFound {
		t.Errorf("unknown case: %v", err)
	}
	ds, err := e.svc.Deadlines(ctx, res.Ref)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, d := range ds {
		status[d.Rule] = d.Status
	}
	events, err := e.store.ListEvents(ctx, res.Ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Type == deadlines.LCSPRNotified && ev.Data["reviewer"] != "Dr Jane Reviewer" {
			t.Errorf("reviewer stored as %q", ev.Data["reviewer"])
		}
	}
	if status["action-escalation-hos:A1"] != "met" || status["ssp-meeting"] != "met" || status["referrer-feedback"] != "missed" ||
		status["lcspr-publication"] != "open" || status["decision-to-panel"] != "met" {
		t.Errorf("deadlines after the events: %v", status)
	}
}

// TestRecordEventOnce: 16 identical and 16 conflicting SSP decisions at
// once record one decision; the identical ones are duplicates, the others
// conflicts (the store holds the rule, not a read before the write).
func TestRecordEventOnce(t *testing.T) {
	ctx := context.Background()
	e, res := withCase(t, received.Add(30*24*time.Hour))
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := map[string]int{}
	for i := range 32 {
		in := EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaMet, Rationale: "the reasons"}
		if i%2 == 1 {
			in.Outcome = deadlines.CriteriaNotMet
			in.At = fmt.Sprintf("2026-03-%d", 18+i%8)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := e.svc.RecordEvent(ctx, res.Ref, in)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && rec.Duplicate:
				count["duplicate"]++
			case err == nil:
				count["recorded"]++
			case errs.Code(err) == errs.Conflict:
				count["conflict"]++
				if !strings.Contains(errs.Message(err), "already recorded") {
					t.Errorf("conflict message %q does not say what was recorded", errs.Message(err))
				}
			default:
				t.Errorf("RecordEvent: %v", err)
			}
		}()
	}
	wg.Wait()
	events, err := e.store.ListEvents(ctx, res.Ref)
	if err != nil {
		t.Fatal(err)
	}
	decisions := 0
	for _, ev := range events {
		if ev.Type == deadlines.SSPDecision {
			decisions++
		}
	}
	if count["recorded"] != 1 || decisions != 1 || count["recorded"]+count["duplicate"]+count["conflict"] != 32 {
		t.Errorf("32 decisions at once: %v, %d stored; want exactly one recorded", count, decisions)
	}
}

// TestRecordEventSameRequest: a request whose date is today is the same
// event when sent again later the same day (it used to take the clock).
func TestRecordEventSameRequest(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	now := time.Date(2026, time.March, 18, 10, 0, 0, 0, time.UTC)
	e.svc.Calendar, e.svc.Rules, e.svc.Now = workdays.Default(), deadlines.Darlington, func() time.Time { return now }
	res, err := e.svc.Submit(ctx, Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	in := EventInput{Type: deadlines.PanelNotified, At: "2026-03-18"}
	first, err := e.svc.RecordEvent(ctx, res.Ref, in)
	if err != nil || first.Duplicate {
		t.Fatalf("first: %+v, %v", first, err)
	}
	now = now.Add(3 * time.Hour)
	second, err := e.svc.RecordEvent(ctx, res.Ref, in)
	if err != nil || !second.Duplicate || second.Event != first.Event {
		t.Errorf("the same request three hours later: %+v, %v; want a duplicate of %s", second, err, first.Event)
	}
}

// TestCloseAndReopen: a closed case runs no clock and sends no reminder;
// re-opened, its deadlines come back as they stand; each needs a reason,
// and a duplicate names the case it duplicates.
func TestCloseAndReopen(t *testing.T) {
	ctx := context.Background()
	e, res := withCase(t, received.Add(24*time.Hour))
	other, err := e.svc.Submit(ctx, Raw{Data: sample(t, "incomplete.json"), Channel: "api", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []EventInput{
		{Type: deadlines.CaseClosed, At: "2026-03-17"},
		{Type: deadlines.CaseClosed, At: "2026-03-17", Reason: "bored"},
		{Type: deadlines.CaseClosed, At: "2026-03-17", Reason: "duplicate"},
		{Type: deadlines.CaseClosed, At: "2026-03-17", Reason: "duplicate", Of: res.Ref},
		{Type: deadlines.CaseReopened, At: "2026-03-17", Reason: "new-information"}, // not closed
	} {
		if _, err := e.svc.RecordEvent(ctx, res.Ref, in); err == nil {
			t.Errorf("%+v: accepted", in)
		}
	}
	open := func() int {
		ds, _ := e.svc.Deadlines(ctx, res.Ref)
		n := 0
		for _, d := range ds {
			if d.Status == deadlines.Open {
				n++
			}
		}
		return n
	}
	before := open()
	closeIt := EventInput{Type: deadlines.CaseClosed, At: "2026-03-17", Reason: "duplicate", Of: other.Ref}
	if rec, err := e.svc.RecordEvent(ctx, res.Ref, closeIt); err != nil || rec.Duplicate {
		t.Fatalf("close: %+v %v", rec, err)
	}
	if n := open(); before == 0 || n != 0 {
		t.Errorf("open deadlines: %d before closing, %d after; want some, then none", before, n)
	}
	if rec, err := e.svc.RecordEvent(ctx, res.Ref, closeIt); err != nil || !rec.Duplicate {
		t.Errorf("the same close again: %+v %v; want a duplicate", rec, err)
	}
	if _, err := e.svc.RecordEvent(ctx, res.Ref, EventInput{Type: deadlines.CaseClosed, At: "2026-03-17", Reason: "withdrawn"}); errs.Code(err) != errs.Conflict {
		t.Errorf("closing a closed case: %v", err)
	}
	if _, err := e.svc.RecordEvent(ctx, res.Ref, EventInput{Type: deadlines.CaseReopened, At: "2026-03-17", Reason: "closed-in-error"}); err != nil {
		t.Fatal(err)
	}
	if n := open(); n != before {
		t.Errorf("after re-opening: %d open, want %d", n, before)
	}
}

// TestMarks: closing, re-opening, a learning decision and an assignment
// show on the case's summary at once.
func TestMarks(t *testing.T) {
	ctx := context.Background()
	e, res := withCase(t, received.Add(30*24*time.Hour))
	summary := func() map[string]string {
		t.Helper()
		list, err := e.store.ListCases(ctx, "")
		if err != nil || len(list) != 1 {
			t.Fatalf("cases %v %v", list, err)
		}
		return list[0].Marks
	}
	for _, in := range []EventInput{
		{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.Learning, Rationale: "the reasons"},
		{Type: deadlines.CaseClosed, At: "2026-03-20", Reason: "withdrawn"},
	} {
		if _, err := e.svc.RecordEvent(ctx, res.Ref, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.Assign(ctx, res.Ref, "officer.jones@darlington.gov.uk"); err != nil {
		t.Fatal(err)
	}
	if m := summary(); m["learning"] != "yes" || m["closed"] != "yes" || m["assignee"] != "officer.jones@darlington.gov.uk" {
		t.Errorf("marks %v", m)
	}
	if _, err := e.svc.RecordEvent(ctx, res.Ref, EventInput{Type: deadlines.CaseReopened, At: "2026-03-21", Reason: "new-information"}); err != nil {
		t.Fatal(err)
	}
	if m := summary(); m["closed"] != "" {
		t.Errorf("re-opened, marks %v", m)
	}
	if err := e.svc.Assign(ctx, "DSP-2026-9999", "officer.jones"); errs.Code(err) != errs.NotFound {
		t.Errorf("assigning no case: %v", err)
	}
}

// ensured is an intake.Scheduler that records what it was asked to keep.
type ensured struct {
	refs map[string][]deadlines.Reminder
}

func (e *ensured) Ensure(_ context.Context, ref string, rs []deadlines.Reminder) error {
	if e.refs == nil {
		e.refs = map[string][]deadlines.Reminder{}
	}
	e.refs[ref] = rs
	return nil
}

// TestSettleLater: with SettleLater, a submission stores the case and no
// more — no deadlines read or written, nothing scheduled, no one told —
// and Settle then does all of it once, however often it is called; Remind
// schedules what the stored deadlines give.
func TestSettleLater(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	now := received.Add(time.Minute)
	sched, n := &ensured{}, &notices{}
	e.svc.Calendar, e.svc.Rules, e.svc.Now = workdays.Default(), deadlines.Darlington, func() time.Time { return now }
	e.svc.Scheduler, e.svc.Notices, e.svc.BusinessUnit = sched, n, []string{"bu@darlington.gov.uk"}
	e.svc.SettleLater = true
	res, err := e.svc.Submit(ctx, Raw{Data: sample(t, "complete.json"), Channel: "web", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	if ds, _ := e.store.ListDeadlines(ctx, res.Ref); len(ds) != 0 || len(sched.refs) != 0 || len(n.sent) != 0 {
		t.Fatalf("settled at once: %d deadlines, %d scheduled, %d told", len(ds), len(sched.refs), len(n.sent))
	}
	for range 2 {
		if err := e.svc.Settle(ctx, res.Ref); err != nil {
			t.Fatal(err)
		}
	}
	ds, _ := e.store.ListDeadlines(ctx, res.Ref)
	if len(ds) == 0 || len(sched.refs[res.Ref]) == 0 || len(n.sent) != 1 {
		t.Fatalf("settled: %d deadlines, %d reminders, %d told (want 1)", len(ds), len(sched.refs[res.Ref]), len(n.sent))
	}
	want := sched.refs[res.Ref]
	sched.refs = nil
	same := func(a, b []deadlines.Reminder) bool {
		return slices.EqualFunc(a, b, func(x, y deadlines.Reminder) bool {
			return x.Rule == y.Rule && x.Kind == y.Kind && x.At.Equal(y.At) && x.Due.Equal(y.Due)
		})
	}
	if err := e.svc.Remind(ctx, res.Ref); err != nil || !same(sched.refs[res.Ref], want) {
		t.Errorf("Remind scheduled %v, %v; want %v", sched.refs[res.Ref], err, want)
	}
	if err := e.svc.Settle(ctx, "DSP-2026-9999"); errs.Code(err) != errs.NotFound {
		t.Errorf("settling no case: %v", err)
	}
}
