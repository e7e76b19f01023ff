package intake

import (
	"context"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

func TestRecordEvent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	now := received.Add(30 * 24 * time.Hour)
	e.svc.Calendar, e.svc.Rules, e.svc.Now = workdays.Default, deadlines.Darlington, func() time.Time { return now }
	res, err := e.svc.Submit(ctx, Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   EventInput
		code string
	}{
		{EventInput{Type: "received", At: "2026-03-17"}, errs.Invalid},
		{EventInput{Type: "lunch", At: "2026-03-17"}, errs.Invalid},
		{EventInput{Type: deadlines.SSPDecision, At: "2026-03-17"}, errs.Invalid},                          // no outcome
		{EventInput{Type: deadlines.SSPDecision, At: "17/03/2026", Outcome: "criteria-met"}, errs.Invalid}, // not ISO
		{EventInput{Type: deadlines.SSPInformed, At: "2026-03-15"}, errs.Invalid},                          // before received
		{EventInput{Type: deadlines.PublicationPlanned, At: "2026-03-20", Date: "August"}, errs.Invalid},   // bad date
		{EventInput{Type: deadlines.ActionCompleted, At: "2026-03-20", Action: "A1"}, errs.Invalid},        // never set
		{EventInput{Type: deadlines.ActionSet, At: "2026-03-20", Action: "A1", Due: "2026-06-01"}, ""},     // fine
		{EventInput{Type: deadlines.ActionSet, At: "2026-03-21", Action: "A1", Due: "2026-06-02"}, errs.Conflict},
		{EventInput{Type: deadlines.ActionCompleted, At: "2026-03-22", Action: "A1"}, ""},
		{EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: "criteria-met"}, ""},
		{EventInput{Type: deadlines.SSPDecision, At: "2026-03-19", Outcome: "learning"}, errs.Conflict},
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
	if status["action-escalation-hos:A1"] != "met" || status["ssp-meeting"] != "met" || status["referrer-feedback"] != "missed" {
		t.Errorf("deadlines after the events: %v", status)
	}
}
