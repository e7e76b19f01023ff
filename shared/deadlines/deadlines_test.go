package deadlines

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ev(typ, when string, data ...string) casefile.Event {
	e := casefile.Event{ID: typ + "@" + when, Type: typ, At: at(when), Data: map[string]string{}}
	for i := 0; i+1 < len(data); i += 2 {
		e.Data[data[i]] = data[i+1]
	}
	return e
}

// summary renders deadlines as "rule due-date status" lines.
func summary(ds []casefile.Deadline) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s %s %s\n", d.Rule, civil.In(d.Due, workdays.London), d.Status)
	}
	return b.String()
}

var notification = Facts{Ref: "DSP-2026-0001", Route: referral.RouteNotification}

// TestProcedure works the procedure's timescales by hand for awkward days.
func TestProcedure(t *testing.T) {
	tests := []struct {
		name   string
		facts  Facts
		events []casefile.Event
		rules  RuleSet
		now    string
		want   string
	}{
		{"received on a Friday evening", notification,
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z")}, Darlington, "2026-11-20T17:30:00Z", `
inform-ssp 2026-11-23 open
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		{"received on a Saturday", notification,
			[]casefile.Event{ev(Received, "2026-11-21T10:00:00Z")}, Darlington, "2026-11-21T10:00:00Z", `
inform-ssp 2026-11-23 open
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		{"received on Christmas Eve", notification,
			[]casefile.Event{ev(Received, "2026-12-24T16:30:00Z")}, Darlington, "2026-12-24T16:30:00Z", `
inform-ssp 2026-12-29 open
notify-panel 2027-01-05 open
ssp-meeting 2027-01-05 open`},
		{"received the Thursday before Easter", notification,
			[]casefile.Event{ev(Received, "2027-03-25T11:00:00Z")}, Darlington, "2027-03-25T11:00:00Z", `
inform-ssp 2027-03-30 open
notify-panel 2027-04-05 open
ssp-meeting 2027-04-05 open`},
		{"received the day before the 2022 State Funeral", notification,
			[]casefile.Event{ev(Received, "2022-09-18T12:00:00Z")}, Darlington, "2022-09-18T12:00:00Z", `
inform-ssp 2022-09-20 open
notify-panel 2022-09-26 open
ssp-meeting 2022-09-26 open`},
		{"received 23:30 UTC on the Friday before the October clock change is Saturday in London", notification,
			[]casefile.Event{ev(Received, "2026-10-23T23:30:00Z")}, Darlington, "2026-10-23T23:30:00Z", `
inform-ssp 2026-10-26 open
notify-panel 2026-10-30 open
ssp-meeting 2026-10-30 open`},
		{"received 23:30 UTC on the Sunday of the March clock change is Monday in London", notification,
			[]casefile.Event{ev(Received, "2026-03-29T23:30:00Z")}, Darlington, "2026-03-29T23:30:00Z", `
inform-ssp 2026-03-31 open
notify-panel 2026-04-08 open
ssp-meeting 2026-04-08 open`}, // Good Friday and Easter Monday 2026 fall in the five

		{"late referral flagged", Facts{Ref: "X", Route: referral.RouteNotification, IncidentDate: civil.New(2026, 11, 18)},
			[]casefile.Event{ev(Received, "2026-11-20T09:00:00Z")}, Darlington, "2026-11-20T09:00:00Z", `
referral-late 2026-11-19 late
inform-ssp 2026-11-23 open
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		{"in-time referral", Facts{Ref: "X", Route: referral.RouteNotification, IncidentDate: civil.New(2026, 11, 19)},
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z")}, Darlington, "2026-11-20T17:30:00Z", `
referral-late 2026-11-20 met
inform-ssp 2026-11-23 open
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		// The decision on Wednesday meets inform-ssp, due Monday, late.
		{"SSP decide criteria not met: notify-panel stops, feedback starts", notification,
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z"), ev(SSPDecision, "2026-11-25T14:00:00Z", "outcome", CriteriaNotMet)}, Darlington, "2026-11-25T15:00:00Z", `
inform-ssp 2026-11-23 late
notify-panel 2026-11-27 cancelled
ssp-meeting 2026-11-27 met
referrer-feedback 2026-12-02 open`},
		{"missed while nobody recorded anything", notification,
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z")}, Darlington, "2026-11-24T09:00:00Z", `
inform-ssp 2026-11-23 missed
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		{"the whole notification route", notification, []casefile.Event{
			ev(Received, "2026-12-24T16:30:00Z"),
			ev(SSPInformed, "2026-12-29T10:00:00Z"),
			ev(SSPDecision, "2027-01-04T10:00:00Z", "outcome", CriteriaMet),
			ev(PanelNotified, "2027-01-04T15:00:00Z"),
			ev(PanelAcknowledged, "2027-01-05T10:00:00Z"),
			ev(ReferrerTold, "2027-01-06T10:00:00Z"),
			ev(RapidReviewHeld, "2027-01-18T10:00:00Z"),
			ev(LCSPRDecided, "2027-02-10T10:00:00Z"),
			ev(PublicationPlanned, "2027-05-01T10:00:00Z", "date", "2027-08-06"),
		}, Darlington, "2027-05-01T10:00:00Z", `
inform-ssp 2026-12-29 met
notify-panel 2027-01-05 met
ssp-meeting 2027-01-05 met
record-panel-ack 2027-01-06 met
referrer-feedback 2027-01-11 met
rapid-review-target 2027-01-19 met
decision-to-panel 2027-01-26 missed
rapid-review 2027-01-26 met
report-before-publication 2027-07-28 open
lcspr-publication 2027-08-10 open`},
		{"publication date changed: the report deadline moves", notification, []casefile.Event{
			ev(LCSPRDecided, "2027-02-10T10:00:00Z"),
			ev(PublicationPlanned, "2027-05-01T10:00:00Z", "date", "2027-08-06"),
			ev(PublicationPlanned, "2027-06-01T10:00:00Z", "date", "2027-08-13"),
		}, Darlington, "2027-06-01T10:00:00Z", `
report-before-publication 2027-08-04 open
lcspr-publication 2027-08-10 open`},
		{"learning route: no SSP deadlines", Facts{Ref: "X", Route: referral.RouteLearning},
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z")}, Darlington, "2026-11-20T17:30:00Z", ``},
		{"looked-after child died", Facts{Ref: "X", Route: referral.RouteNotification, ChildDied: true},
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z"), ev(LookedAfter, "2026-11-23T09:00:00Z")}, Darlington, "2026-11-23T09:00:00Z", `
inform-ssp 2026-11-23 open
lac-death 2026-11-27 open
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		{"the form says the child who died was looked after: the Secretary of State and Ofsted from receipt", Facts{Ref: "X", Route: referral.RouteNotification, ChildDied: true, LookedAfterDied: true},
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z")}, Darlington, "2026-11-20T17:30:00Z", `
inform-ssp 2026-11-23 open
lac-death 2026-11-27 open
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		{"improvement actions escalate at 3 and 6 months until completed", notification, []casefile.Event{
			ev(ActionSet, "2027-01-10T10:00:00Z", "action", "A1", "due", "2027-03-01", "date", "2027-03-01"),
			ev(ActionSet, "2027-01-10T10:00:00Z", "action", "A2", "due", "2027-03-31", "date", "2027-03-31"),
			ev(ActionCompleted, "2027-02-01T10:00:00Z", "action", "A2"),
		}, Darlington, "2027-02-01T10:00:00Z", `
action-due:A1 2027-03-01 open
action-due:A2 2027-03-31 met
action-escalation-hos:A1 2027-06-01 open
action-escalation-hos:A2 2027-06-30 met
action-escalation-chief:A1 2027-09-01 open
action-escalation-chief:A2 2027-09-30 met`},
		// Worked by hand: after Wednesday 23 December 2026 the working days
		// are 24 Dec (1st), 29 Dec (2nd: 25, 26 and the substitute 28th are
		// holidays), 30, 31 Dec, 4 Jan (1 Jan a holiday), 5, 6, 7, 8, 11 Jan
		// (10th), 12, 13, 14, 15, 18 Jan (15th). Received Monday 21 Dec:
		// +5 is 30 Dec; decided Tuesday 22 Dec: +5 is 31 Dec.
		{"Panel notified, no acknowledgement yet: the Rapid Review counts from the notification, across Christmas", notification, []casefile.Event{
			ev(Received, "2026-12-21T10:00:00Z"),
			ev(SSPDecision, "2026-12-22T10:00:00Z", "outcome", CriteriaMet),
			ev(PanelNotified, "2026-12-23T15:00:00Z"),
		}, Darlington, "2026-12-23T15:00:00Z", `
inform-ssp 2026-12-22 met
record-panel-ack 2026-12-29 open
notify-panel 2026-12-30 met
ssp-meeting 2026-12-30 met
referrer-feedback 2026-12-31 open
rapid-review-target 2027-01-11 open
decision-to-panel 2027-01-18 open
rapid-review 2027-01-18 open`},
		// Worked by hand for NEL across Christmas 2026 (25, 28 Dec and 1 Jan
		// are holidays): received Monday 21 Dec, +5 WD is 30 Dec, +15 WD is
		// 14 Jan. The Panel notified Wednesday 23 Dec: the office's copy is
		// due that day and was never recorded. The Rapid Review held
		// Thursday 24 Dec: sent +1 WD, Tuesday 29 Dec. Sent 29 Dec: the
		// Panel's answer is chased +15 WD, 20 Jan. The LCSPR decided
		// Thursday 31 Dec: the reviewer's name to the Panel, Ofsted and
		// DfE +1 WD, Monday 4 Jan; publication within 6 months.
		{"NEL: the copy of the notification, the Rapid Review sent, the Panel's answer and the reviewer's name, across Christmas", notification, []casefile.Event{
			ev(Received, "2026-12-21T10:00:00Z"),
			ev(SSPInformed, "2026-12-22T10:00:00Z"),
			ev(PanelNotified, "2026-12-23T15:00:00Z"),
			ev(RapidReviewHeld, "2026-12-24T10:00:00Z"),
			ev(DecisionToPanel, "2026-12-29T16:00:00Z"),
			ev(LCSPRDecided, "2026-12-31T10:00:00Z"),
		}, NEL, "2026-12-31T12:00:00Z", `
notification-copy 2026-12-23 missed
rapid-review-to-panel 2026-12-29 met
inform-ssp 2026-12-30 met
notify-panel 2026-12-30 met
lcspr-notify 2027-01-04 open
rapid-review 2027-01-14 met
panel-response 2027-01-20 open
lcspr-publication 2027-06-30 open`},
		{"NEL: the Panel will hold a national review: the local review's clocks stop", notification, []casefile.Event{
			ev(DecisionToPanel, "2026-12-29T16:00:00Z"),
			ev(LCSPRDecided, "2026-12-31T10:00:00Z"),
			ev(PanelResponded, "2026-12-31T11:00:00Z", "outcome", NationalReview),
		}, NEL, "2026-12-31T12:00:00Z", `
lcspr-notify 2027-01-04 cancelled
panel-response 2027-01-20 met
lcspr-publication 2027-06-30 cancelled`},
		{"Darlington: the Panel asks for more information: the local review runs on", notification, []casefile.Event{
			ev(LCSPRDecided, "2026-12-31T10:00:00Z"),
			ev(PanelResponded, "2026-12-31T11:00:00Z", "outcome", "more-information"),
		}, Darlington, "2026-12-31T12:00:00Z", `
lcspr-publication 2027-06-30 open`},
		{"NEL: rapid review 15 working days after the partners become aware", notification,
			[]casefile.Event{ev(Received, "2026-11-20T17:30:00Z")}, NEL, "2026-11-20T17:30:00Z", `
inform-ssp 2026-11-27 open
notify-panel 2026-11-27 open
rapid-review 2026-12-11 open`},
		// Worked by hand: received Friday 20 Nov; the Panel is due Friday
		// 27 Nov and is notified Monday 30 Nov: late, never met. From the
		// notification: the acknowledgement recorded +2 WD (2 Dec), the
		// Rapid Review +10 WD (14 Dec) and +15 WD (21 Dec); from the
		// decision on Thursday 26 Nov, the referrer told +5 WD (3 Dec).
		{"late is late: the Panel notified a working day after its day", notification, []casefile.Event{
			ev(Received, "2026-11-20T17:30:00Z"),
			ev(SSPInformed, "2026-11-23T10:00:00Z"),
			ev(SSPDecision, "2026-11-26T10:00:00Z", "outcome", CriteriaMet),
			ev(PanelNotified, "2026-11-30T10:00:00Z"),
		}, Darlington, "2026-11-30T12:00:00Z", `
inform-ssp 2026-11-23 met
notify-panel 2026-11-27 late
ssp-meeting 2026-11-27 met
record-panel-ack 2026-12-02 open
referrer-feedback 2026-12-03 open
rapid-review-target 2026-12-14 open
decision-to-panel 2026-12-21 open
rapid-review 2026-12-21 open`},
		// Worked by hand across Christmas 2026 (25, 28 Dec and 1 Jan are
		// not working days): the local authority became aware Wednesday
		// 23 Dec, the referral was received Tuesday 29 Dec. Partners
		// informed +1 WD from awareness: 24 Dec, already past at receipt;
		// the Panel +5 WD: 24, 29, 30, 31 Dec, 4 Jan. The partners' meeting
		// still runs from receipt: 30, 31 Dec, 4, 5, 6 Jan.
		{"the Panel clock runs from the local authority's awareness, across Christmas", notification, []casefile.Event{
			ev(LAAware, "2026-12-23T23:59:59Z"),
			ev(Received, "2026-12-29T10:00:00Z"),
		}, Darlington, "2026-12-29T10:00:00Z", `
inform-ssp 2026-12-24 missed
notify-panel 2027-01-04 open
ssp-meeting 2027-01-06 open`},
		{"until awareness is recorded, receipt stands in", notification, []casefile.Event{
			ev(Received, "2026-12-29T10:00:00Z"),
		}, Darlington, "2026-12-29T10:00:00Z", `
inform-ssp 2026-12-30 open
notify-panel 2027-01-06 open
ssp-meeting 2027-01-06 open`},
		{"a decision withdrawn as recorded in error counts as never made", notification, []casefile.Event{
			ev(Received, "2026-11-20T17:30:00Z"),
			ev(SSPDecision, "2026-11-25T14:00:00Z", "outcome", CriteriaNotMet),
			ev(EventWithdrawn, "2026-11-25T15:00:00Z", "event", "ssp-decision@2026-11-25T14:00:00Z", "reason", "recorded on the wrong case"),
		}, Darlington, "2026-11-25T15:00:00Z", `
inform-ssp 2026-11-23 missed
notify-panel 2026-11-27 open
ssp-meeting 2026-11-27 open`},
		// Re-opened with new information, the partners decide again on
		// Wednesday 2 Dec: the latest decision (criteria met) no longer
		// stops the Panel clock, and the referrer is told of the new one
		// +5 WD (9 Dec) — the first round's telling does not meet it.
		{"re-opened with new information: decided again, the referrer told again", notification, []casefile.Event{
			ev(Received, "2026-11-20T17:30:00Z"),
			ev(SSPInformed, "2026-11-23T10:00:00Z"),
			ev(SSPDecision, "2026-11-25T14:00:00Z", "outcome", CriteriaNotMet),
			ev(ReferrerTold, "2026-11-26T10:00:00Z"),
			ev(CaseClosed, "2026-11-26T11:00:00Z", "reason", "criteria-not-met"),
			ev(CaseReopened, "2026-12-01T10:00:00Z", "reason", NewInformation),
			ev(SSPDecision, "2026-12-02T10:00:00Z", "outcome", CriteriaMet),
		}, Darlington, "2026-12-02T12:00:00Z", `
inform-ssp 2026-11-23 met
notify-panel 2026-11-27 missed
ssp-meeting 2026-11-27 met
referrer-feedback 2026-12-09 open`},
		{"an improvement action's deadline moved: its clocks move with it", notification, []casefile.Event{
			ev(ActionSet, "2027-01-10T10:00:00Z", "action", "A1", "due", "2027-03-01", "date", "2027-03-01"),
			ev(ActionSet, "2027-02-20T10:00:00Z", "action", "A1", "due", "2027-04-01", "date", "2027-04-01", "reason", "the audit moved"),
		}, Darlington, "2027-03-02T10:00:00Z", `
action-due:A1 2027-04-01 open
action-escalation-hos:A1 2027-07-01 open
action-escalation-chief:A1 2027-10-01 open`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(Compute(tt.facts, tt.events, workdays.Default(), tt.rules, at(tt.now)))
			if want := strings.TrimPrefix(tt.want, "\n"); want != "" {
				want += "\n"
				if got != want {
					t.Errorf("got\n%swant\n%s", got, want)
				}
			} else if got != "" {
				t.Errorf("got\n%swant none", got)
			}
		})
	}
}

// TestFactsOfLookedAfter: the duty to tell the Secretary of State and
// Ofsted starts from the form when it says a child who died was looked
// after — not a child who was looked after and survived.
func TestFactsOfLookedAfter(t *testing.T) {
	c := casefile.Case{Ref: "X", Route: referral.RouteNotification}
	c.Referral.Children = []referral.Child{{RelatesToDeath: "no", LookedAfter: "yes"}, {RelatesToDeath: "yes", LookedAfter: "unsure"}}
	if f := FactsOf(c); !f.ChildDied || f.LookedAfterDied {
		t.Errorf("a looked-after child who survived: %+v", f)
	}
	c.Referral.Children[1].LookedAfter = "yes"
	if f := FactsOf(c); !f.LookedAfterDied {
		t.Errorf("a looked-after child who died: %+v", f)
	}
}

// TestProvisionalAwareness: until the local authority's awareness is
// recorded, the clocks that run from it count from receipt and say so.
func TestProvisionalAwareness(t *testing.T) {
	events := []casefile.Event{ev(Received, "2026-12-29T10:00:00Z")}
	provisional := func(events []casefile.Event) map[string]bool {
		out := map[string]bool{}
		for _, d := range Compute(notification, events, workdays.Default(), Darlington, at("2026-12-29T10:00:00Z")) {
			out[d.Rule] = d.Provisional
		}
		return out
	}
	if p := provisional(events); !p["inform-ssp"] || !p["notify-panel"] || p["ssp-meeting"] {
		t.Errorf("before awareness is recorded: %v", p)
	}
	if p := provisional(append(events, ev(LAAware, "2026-12-23T23:59:59Z"))); p["inform-ssp"] || p["notify-panel"] {
		t.Errorf("after: %v", p)
	}
}

func TestReminders(t *testing.T) {
	ds := Compute(notification, []casefile.Event{ev(Received, "2026-03-27T12:00:00Z")}, workdays.Default(), Darlington, at("2026-03-27T12:00:00Z"))
	var got []string
	for _, r := range Reminders(ds, workdays.Default(), Darlington) {
		if r.Rule == "inform-ssp" {
			got = append(got, fmt.Sprintf("%s %s %s", r.Kind, r.At.UTC().Format(time.RFC3339), strings.Join(r.Roles, ",")))
		}
	}
	// Due Monday 30 March 2026, the day after the clocks go forward: the
	// reminder before is at 09:00 GMT on Friday, the others at 09:00 BST.
	want := []string{
		"before 2026-03-27T09:00:00Z business-unit",
		"due 2026-03-30T08:00:00Z business-unit",
		"overdue 2026-03-31T08:00:00Z business-unit,chair",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Met and cancelled deadlines and flags are not reminded.
	ds = Compute(Facts{Ref: "X", Route: referral.RouteNotification, IncidentDate: civil.New(2026, 11, 18)}, []casefile.Event{
		ev(Received, "2026-11-20T17:30:00Z"), ev(SSPDecision, "2026-11-25T14:00:00Z", "outcome", CriteriaNotMet), ev(ReferrerTold, "2026-11-26T10:00:00Z"),
	}, workdays.Default(), Darlington, at("2026-11-26T10:00:00Z"))
	if rs := Reminders(ds, workdays.Default(), Darlington); len(rs) != 0 {
		t.Errorf("reminders for finished deadlines: %+v", rs)
	}
}

// lifeEvents is a case well into its life.
var lifeEvents = []casefile.Event{
	ev(Received, "2026-12-24T16:30:00Z"), ev(SSPInformed, "2026-12-29T10:00:00Z"),
	ev(SSPDecision, "2027-01-04T10:00:00Z", "outcome", CriteriaMet), ev(PanelNotified, "2027-01-04T15:00:00Z"),
	ev(PanelAcknowledged, "2027-01-05T10:00:00Z"), ev(LCSPRDecided, "2027-02-10T10:00:00Z"),
	ev(PublicationPlanned, "2027-05-01T10:00:00Z", "date", "2027-08-06"),
}

// BenchmarkCompute recomputes every deadline of a case well into its life
// (target ≤ 20 µs).
func BenchmarkCompute(b *testing.B) {
	now := at("2027-05-01T10:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		Compute(notification, lifeEvents, workdays.Default(), Darlington, now)
	}
}

// BenchmarkComputeAndRemind adds the reminders of those deadlines.
func BenchmarkComputeAndRemind(b *testing.B) {
	events := []casefile.Event{
		ev(Received, "2026-12-24T16:30:00Z"), ev(SSPInformed, "2026-12-29T10:00:00Z"),
		ev(SSPDecision, "2027-01-04T10:00:00Z", "outcome", CriteriaMet), ev(PanelNotified, "2027-01-04T15:00:00Z"),
		ev(PanelAcknowledged, "2027-01-05T10:00:00Z"), ev(LCSPRDecided, "2027-02-10T10:00:00Z"),
		ev(PublicationPlanned, "2027-05-01T10:00:00Z", "date", "2027-08-06"),
	}
	now := at("2027-05-01T10:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		ds := Compute(notification, events, workdays.Default(), Darlington, now)
		Reminders(ds, workdays.Default(), Darlington)
	}
}

// TestProvisionalRapidReview: until the Panel's acknowledgement is
// recorded the rapid-review clocks are provisional, counted from the
// notification; once it is, they move to it and are no longer provisional.
func TestProvisionalRapidReview(t *testing.T) {
	f := Facts{Ref: "X", Route: referral.RouteNotification}
	events := []casefile.Event{ev(Received, "2026-12-21T10:00:00Z"), ev(PanelNotified, "2026-12-23T15:00:00Z")}
	due := func(ds []casefile.Deadline, rule string) casefile.Deadline {
		for _, d := range ds {
			if d.Rule == rule {
				return d
			}
		}
		t.Fatalf("no %s in %v", rule, ds)
		return casefile.Deadline{}
	}
	before := due(Compute(f, events, workdays.Default(), Darlington, at("2026-12-24T10:00:00Z")), "rapid-review")
	if !before.Provisional || civil.In(before.Due, workdays.London) != civil.New(2027, 1, 18) {
		t.Errorf("before the acknowledgement: %+v", before)
	}
	events = append(events, ev(PanelAcknowledged, "2026-12-30T10:00:00Z"))
	after := due(Compute(f, events, workdays.Default(), Darlington, at("2026-12-30T10:00:00Z")), "rapid-review")
	if after.Provisional || !after.Due.After(before.Due) || civil.In(after.Due, workdays.London) != civil.New(2027, 1, 21) {
		t.Errorf("after the acknowledgement: %+v", after)
	}
}
