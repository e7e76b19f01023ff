package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

var dynamoLocal = testenv.Lazy{Start: testenv.StartDynamoDBLocal}

func TestMain(m *testing.M) { testenv.Main(m, &dynamoLocal) }

var dynamoTables atomic.Int64

// onEachStore runs a test of what RecordEvent writes on the embedded store
// and on AWS's DynamoDB Local: the one-time rules, withdrawals and rounds
// are held by each store's write, so each is tried on both.
func onEachStore(t *testing.T, test func(t *testing.T, svc *Service, n *notices, st store.Store)) {
	for _, name := range []string{"bolt", "dynamodb"} {
		t.Run(name, func(t *testing.T) {
			data := t.TempDir()
			var st store.Store
			switch name {
			case "bolt":
				b, err := bolt.Open(filepath.Join(data, "cspr.db"), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				st = b
			case "dynamodb":
				endpoint := dynamoLocal.Endpoint(t)
				cfg := testenv.AWSConfig()
				cfg.BaseEndpoint = &endpoint
				client := dynamo.NewClient(cfg)
				table := fmt.Sprintf("cspr-intake-%d", dynamoTables.Add(1))
				if err := dynamo.CreateTable(context.Background(), client, table); err != nil {
					t.Fatal(err)
				}
				st = dynamo.New(client, table, nil)
			}
			blobs, err := dir.New(data)
			if err != nil {
				t.Fatal(err)
			}
			clock := received.Add(30 * 24 * time.Hour)
			n := &notices{}
			svc := &Service{Blobs: blobs, Store: st, Prefix: "DSP", Location: config.London, MaxBytes: 1 << 20,
				Calendar: workdays.Default(), Rules: deadlines.Darlington, Now: func() time.Time { return clock },
				Notices: n, LDChair: []string{"ld.chair@darlington.gov.uk"}, Partnership: "Darlington Safeguarding Partnership",
				Mailbox: "DSP@darlington.gov.uk", CaseURL: func(ref string) string { return "https://cspr.example/cases/" + ref }}
			test(t, svc, n, st)
		})
	}
}

func submitComplete(t *testing.T, svc *Service) string {
	t.Helper()
	res, err := svc.Submit(context.Background(), Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	return res.Ref
}

func status(t *testing.T, svc *Service, ref string) map[string]string {
	t.Helper()
	ds, err := svc.Deadlines(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range ds {
		out[d.Rule] = londonDay(d.Due) + " " + d.Status
	}
	return out
}

func londonDay(t time.Time) string { return t.In(workdays.London).Format("2006-01-02") }

func mustRecord(t *testing.T, svc *Service, ref string, in EventInput) Recorded {
	t.Helper()
	rec, err := svc.RecordEvent(context.Background(), ref, in)
	if err != nil {
		t.Fatalf("%s: %v", in.Type, err)
	}
	return rec
}

// TestRationale: each decision needs its reasons, kept on the event, and
// never e-mailed; the L&D chair is told of the partners' decision,
// whatever it is, once.
func TestRationale(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, n *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		n.sent = nil
		for _, typ := range []string{deadlines.SSPDecision, deadlines.LDDecision, deadlines.RapidReviewRecommended, deadlines.ReviewDecided, deadlines.LDApproved} {
			spec, _ := deadlines.Spec(typ)
			in := EventInput{Type: typ, At: "2026-03-18"}
			if len(spec.Outcomes) > 0 {
				in.Outcome = spec.Outcomes[len(spec.Outcomes)-1].Value
			}
			if _, err := svc.RecordEvent(ctx, ref, in); errs.Code(err) != errs.Invalid || !strings.Contains(errs.Message(err), "rationale") {
				t.Errorf("%s without a rationale: %v", typ, err)
			}
			in.Rationale = "   "
			if _, err := svc.RecordEvent(ctx, ref, in); errs.Code(err) != errs.Invalid {
				t.Errorf("%s with a blank rationale: %v", typ, err)
			}
		}
		const secret = "Child A Example's mother told the health visitor"
		rec := mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaNotMet,
			Rationale: secret + "; no abuse or neglect is suspected.\nMinuted."})
		again := mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaNotMet,
			Rationale: secret + "; no abuse or neglect is suspected.\nMinuted."})
		if !again.Duplicate {
			t.Error("the same decision again was recorded twice")
		}
		events, _ := svc.Store.ListEvents(ctx, ref)
		i := slices.IndexFunc(events, func(e casefile.Event) bool { return e.ID == rec.Event })
		if i < 0 || !strings.HasPrefix(events[i].Data["rationale"], secret) {
			t.Fatalf("the rationale is not kept on the decision: %+v", events)
		}
		if len(n.sent) != 1 || !slices.Equal(n.sent[0].To, []string{"ld.chair@darlington.gov.uk"}) {
			t.Fatalf("the L&D chair was told %d times: %+v", len(n.sent), n.sent)
		}
		m := n.sent[0]
		if strings.Contains(m.Text+m.Subject, "Child A") || strings.Contains(m.Text, "Minuted") || !strings.Contains(m.Text, "https://cspr.example/cases/"+ref) ||
			!strings.Contains(m.Text, "criteria not met") {
			t.Errorf("the L&D chair's e-mail: %s\n%s", m.Subject, m.Text)
		}
		list, _ := st.ListCases(ctx, "")
		if len(list) != 1 || list[0].Marks[casefile.MarkLearning] != "yes" {
			t.Errorf("a decision not for learning does not open the case to the L&D chair: %v", list)
		}
	})
}

// TestLateIsLate: a deadline met after its day is late, never met.
func TestLateIsLate(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ref := submitComplete(t, svc) // received Monday 16 March 2026, 23:05
		// Due: partners informed Tuesday 17 March; the Panel Monday 23 March.
		mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPInformed, At: "2026-03-17"})
		mustRecord(t, svc, ref, EventInput{Type: deadlines.PanelNotified, At: "2026-03-24"})
		got := status(t, svc, ref)
		if got["inform-ssp"] != "2026-03-17 met" || got["notify-panel"] != "2026-03-23 late" {
			t.Errorf("deadlines: %v", got)
		}
	})
}

// TestLAAware: the Panel clock runs from the local authority's awareness,
// which may come before receipt, and moves when it is recorded after a
// decision; once only.
func TestLAAware(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc) // received Monday 16 March 2026
		if got := status(t, svc, ref); got["notify-panel"] != "2026-03-23 missed" || got["inform-ssp"] != "2026-03-17 missed" {
			t.Errorf("from receipt: %v", got)
		}
		ds, _ := svc.Deadlines(ctx, ref)
		for _, d := range ds {
			if (d.Rule == "notify-panel" || d.Rule == "inform-ssp") != d.Provisional {
				t.Errorf("%s provisional %v", d.Rule, d.Provisional)
			}
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaMet, Rationale: "met"})
		// Aware on Wednesday 11 March, before the referral came: Panel +5 WD
		// is Wednesday 18 March; partners +1 WD, Thursday 12 March.
		mustRecord(t, svc, ref, EventInput{Type: deadlines.LAAware, At: "2026-03-11"})
		got := status(t, svc, ref)
		if got["notify-panel"] != "2026-03-18 missed" || got["inform-ssp"] != "2026-03-12 late" || got["ssp-meeting"] != "2026-03-23 met" {
			t.Errorf("from awareness: %v", got)
		}
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.LAAware, At: "2026-03-10"}); errs.Code(err) != errs.Conflict {
			t.Errorf("a second awareness: %v", err)
		}
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.SSPInformed, At: "2026-03-11"}); errs.Code(err) != errs.Invalid {
			t.Errorf("partners informed before receipt: %v", err)
		}
	})
}

// TestWithdraw: an entry recorded in error is withdrawn with a reason,
// kept and marked, the deadlines worked out without it, and a one-time
// event can then be recorded again — once, even at once.
func TestWithdraw(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		wrong := mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaNotMet, Rationale: "typed on the wrong case"})
		if got := status(t, svc, ref); got["notify-panel"] != "2026-03-23 cancelled" {
			t.Fatalf("before: %v", got)
		}
		for _, in := range []EventInput{
			{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: wrong.Event},                                         // no reason
			{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: "ssp-decision-000000000000", Reason: "wrong"},        // no such event
			{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: wrong.Event, Reason: "wrong", Role: "ld-chair"},      // not theirs to record
			{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: "received", Reason: "wrong"},                         // the service's own
			{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: wrong.Event, Reason: strings.Repeat("x", MaxNote+1)}, // too long
		} {
			if _, err := svc.RecordEvent(ctx, ref, in); errs.Code(err) != errs.Invalid {
				t.Errorf("%+v: %v", in, err)
			}
		}
		w := mustRecord(t, svc, ref, EventInput{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: wrong.Event, Reason: "recorded on the wrong case", Actor: "officer.jones", Role: "ssp"})
		if got := status(t, svc, ref); got["notify-panel"] != "2026-03-23 missed" || got["referrer-feedback"] != "" {
			t.Errorf("after withdrawing the decision: %v", got)
		}
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.EventWithdrawn, At: "2026-03-19", Event: wrong.Event, Reason: "again"}); errs.Code(err) != errs.Conflict {
			t.Errorf("withdrawn twice: %v", err)
		}
		events, _ := svc.Store.ListEvents(ctx, ref)
		if !slices.ContainsFunc(events, func(e casefile.Event) bool { return e.ID == wrong.Event }) {
			t.Error("the withdrawn decision is gone from the history")
		}
		if wd, ok := deadlines.Withdrawal(events, wrong.Event); !ok || wd.ID != w.Event || wd.Actor != "officer.jones" || wd.Data["reason"] != "recorded on the wrong case" {
			t.Errorf("the withdrawal: %+v", wd)
		}
		if list, _ := st.ListCases(ctx, ""); list[0].Marks[casefile.MarkLearning] != "" {
			t.Errorf("marks after the withdrawal: %v", list[0].Marks)
		}
		// The same decision sent again is a new one, not the withdrawn one;
		// sixteen at once record one.
		var wg sync.WaitGroup
		var recorded atomic.Int32
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaNotMet, Rationale: "typed on the wrong case"}
				if i%2 == 1 {
					in.Outcome, in.Rationale = deadlines.CriteriaMet, "the right decision"
				}
				rec, err := svc.RecordEvent(ctx, ref, in)
				switch {
				case err == nil && !rec.Duplicate:
					recorded.Add(1)
					if rec.Event == wrong.Event {
						t.Errorf("the new decision took the withdrawn one's id")
					}
				case err == nil || errs.Code(err) == errs.Conflict:
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		events, _ = svc.Store.ListEvents(ctx, ref)
		active := 0
		for _, e := range deadlines.Active(events) {
			if e.Type == deadlines.SSPDecision {
				active++
			}
		}
		if recorded.Load() != 1 || active != 1 {
			t.Errorf("decided again after the withdrawal: %d recorded, %d standing; want 1", recorded.Load(), active)
		}
	})
}

// TestWithdrawNeeded: an entry a later one needs is withdrawn only after
// it.
func TestWithdrawNeeded(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		notified := mustRecord(t, svc, ref, EventInput{Type: deadlines.PanelNotified, At: "2026-03-18"})
		ack := mustRecord(t, svc, ref, EventInput{Type: deadlines.PanelAcknowledged, At: "2026-03-19"})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.EventWithdrawn, At: "2026-03-20", Event: notified.Event, Reason: "wrong date"}); errs.Code(err) != errs.Conflict ||
			!strings.Contains(errs.Message(err), "panel-acknowledged") {
			t.Errorf("withdrawing what the acknowledgement needs: %v", err)
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.EventWithdrawn, At: "2026-03-20", Event: ack.Event, Reason: "wrong date"})
		mustRecord(t, svc, ref, EventInput{Type: deadlines.EventWithdrawn, At: "2026-03-20", Event: notified.Event, Reason: "wrong date"})
		mustRecord(t, svc, ref, EventInput{Type: deadlines.PanelNotified, At: "2026-03-19"})
		if got := status(t, svc, ref); got["notify-panel"] != "2026-03-23 met" || got["record-panel-ack"] != "2026-03-23 missed" {
			t.Errorf("notified again: %v", got)
		}
	})
}

// TestDecidedAgain: re-opened with new information, the partners decide
// again as a new round; the referrer is told again.
func TestDecidedAgain(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, n *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaNotMet, Rationale: "not met"})
		mustRecord(t, svc, ref, EventInput{Type: deadlines.ReferrerTold, At: "2026-03-19"})
		mustRecord(t, svc, ref, EventInput{Type: deadlines.CaseClosed, At: "2026-03-19", Reason: "criteria-not-met"})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-20", Outcome: deadlines.CriteriaMet, Rationale: "met"}); errs.Code(err) != errs.Conflict {
			t.Errorf("decided again without a new round: %v", err)
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.CaseReopened, At: "2026-03-24", Reason: deadlines.NewInformation})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-23", Outcome: deadlines.CriteriaMet, Rationale: "met"}); errs.Code(err) != errs.Invalid {
			t.Errorf("the new round's decision dated before the re-opening: %v", err)
		}
		n.sent = nil
		mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-25", Outcome: deadlines.CriteriaMet, Rationale: "the new information shows neglect"})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.SSPDecision, At: "2026-03-25", Outcome: deadlines.Learning, Rationale: "x"}); errs.Code(err) != errs.Conflict {
			t.Errorf("a third decision in the second round: %v", err)
		}
		got := status(t, svc, ref)
		// Decided Wednesday 25 March: the referrer told +5 WD, Wednesday 1 April.
		if got["referrer-feedback"] != "2026-04-01 missed" || got["notify-panel"] != "2026-03-23 missed" { // the clock reads 15 April
			t.Errorf("the second round: %v", got)
		}
		if len(n.sent) != 1 {
			t.Errorf("the L&D chair told of the second decision %d times", len(n.sent))
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.ReferrerTold, At: "2026-03-26"})
		if got := status(t, svc, ref); got["referrer-feedback"] != "2026-04-01 met" {
			t.Errorf("told again: %v", got)
		}
	})
}

// TestActionMoved: an improvement action set again moves its deadline,
// for a reason given; a completed one is not moved.
func TestActionMoved(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		mustRecord(t, svc, ref, EventInput{Type: deadlines.ActionSet, At: "2026-03-18", Action: "A1", Due: "2026-06-01"})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.ActionSet, At: "2026-03-19", Action: "A1", Due: "2026-07-01"}); errs.Code(err) != errs.Invalid {
			t.Errorf("moved without a reason: %v", err)
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.ActionSet, At: "2026-03-19", Action: "A1", Due: "2026-07-01", Reason: "the training is in June"})
		got := status(t, svc, ref)
		if got["action-due:A1"] != "2026-07-01 open" || got["action-escalation-hos:A1"] != "2026-10-01 open" {
			t.Errorf("moved: %v", got)
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.ActionCompleted, At: "2026-03-20", Action: "A1"})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.ActionSet, At: "2026-03-21", Action: "A1", Due: "2026-08-01", Reason: "x"}); errs.Code(err) != errs.Conflict {
			t.Errorf("moving a completed action: %v", err)
		}
	})
}

// TestEventIDsAreTheServers: a sender's id is a key for that sender only,
// never an event's id: it cannot pass for another event, nor be too long.
func TestEventIDsAreTheServers(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		informed := mustRecord(t, svc, ref, EventInput{Type: deadlines.SSPInformed, At: "2026-03-17"})
		// A client naming its decision with the id the server gave another event.
		rec := mustRecord(t, svc, ref, EventInput{ID: informed.Event, Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaMet, Rationale: "met", Actor: "api"})
		if rec.Duplicate || rec.Event == informed.Event {
			t.Errorf("a client's id suppressed a decision: %+v", rec)
		}
		again := mustRecord(t, svc, ref, EventInput{ID: informed.Event, Type: deadlines.SSPDecision, At: "2026-03-18", Outcome: deadlines.CriteriaMet, Rationale: "met", Actor: "api"})
		if !again.Duplicate || again.Event != rec.Event {
			t.Errorf("the same key again: %+v", again)
		}
		if _, err := svc.RecordEvent(ctx, ref, EventInput{ID: strings.Repeat("k", 40000), Type: deadlines.PanelNotified, At: "2026-03-18"}); errs.Code(err) != errs.Invalid {
			t.Errorf("a 40,000-character id: %v", err)
		}
	})
}

// TestLDApproval: L&D's five outcomes, and the partners' approval after.
func TestLDApproval(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		spec, _ := deadlines.Spec(deadlines.LDDecision)
		if got := deadlines.Values(spec.Outcomes); !slices.Equal(got, []string{"multi-agency-review", "multi-agency-audit", "single-agency-review", "quality-assurance", "no-further-action"}) {
			t.Errorf("L&D outcomes %v", got)
		}
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.LDApproved, At: "2026-03-18", Rationale: "agreed"}); errs.Code(err) != errs.Invalid {
			t.Errorf("approved before any decision: %v", err)
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.LDDecision, At: "2026-03-18", Outcome: "quality-assurance", Rationale: "single agency learning", Role: "ld-chair"})
		if _, err := svc.RecordEvent(ctx, ref, EventInput{Type: deadlines.LDApproved, At: "2026-03-19", Rationale: "agreed", Role: "ld-chair"}); errs.Code(err) != errs.Invalid {
			t.Errorf("the L&D chair approving their own decision: %v", err)
		}
		mustRecord(t, svc, ref, EventInput{Type: deadlines.LDApproved, At: "2026-03-19", Rationale: "agreed at the partners' meeting", Role: "chair"})
	})
}

// TestReleasedCorrectionNeverOverwritesNewer: a correction held, then
// released after a later one was applied, keeps the later one's answers
// and gives its own where nothing newer changed them; it is dated at its
// release and signed by the officer.
func TestReleasedCorrectionNeverOverwritesNewer(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		newer := Raw{Data: []byte(`{"referrer": {"email": "sam.newer@darlington.gov.uk"}}`), Channel: "email", ReceivedAt: received.Add(2 * time.Hour)}
		if _, err := svc.Correct(ctx, ref, newer); err != nil {
			t.Fatal(err)
		}
		releasedAt := received.Add(5 * time.Hour)
		older := Raw{Data: []byte(`{"referrer": {"email": "sam.older@darlington.gov.uk", "telephone": "01325 000000"}}`), Channel: "email",
			ReceivedAt: received.Add(time.Hour), ReleasedBy: "officer.jones", ReleasedAt: releasedAt, Vouched: true}
		res, err := svc.Correct(ctx, ref, older)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := st.GetCase(ctx, ref)
		if c.Referral.Referrer.Email != "sam.newer@darlington.gov.uk" || c.Referral.Referrer.Telephone != "01325 000000" || !slices.Equal(res.Changed, []string{"referrer.telephone"}) {
			t.Errorf("after the older correction: email %q, telephone %q, changed %v", c.Referral.Referrer.Email, c.Referral.Referrer.Telephone, res.Changed)
		}
		events, _ := st.ListEvents(ctx, ref)
		e := events[len(events)-1]
		for _, ev := range events {
			if ev.Type == EventCorrected && ev.Data["version"] == "2" {
				e = ev
			}
		}
		if e.Actor != "officer.jones" || !e.At.Equal(releasedAt) || e.Data["releasedBy"] != "officer.jones" {
			t.Errorf("the released correction's event: %+v", e)
		}
	})
}

// TestCorrectionsAtOnce: sixteen corrections of one case at the same
// moment are all applied, each once, none lost to the others.
func TestCorrectionsAtOnce(t *testing.T) {
	onEachStore(t, func(t *testing.T, svc *Service, _ *notices, st store.Store) {
		ctx := context.Background()
		ref := submitComplete(t, svc)
		var wg sync.WaitGroup
		errc := make(chan error, 16)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				raw := Raw{Data: []byte(fmt.Sprintf(`{"referrer": {"jobTitle": "Social Worker %d"}}`, i)), Channel: "email",
					ReceivedAt: received.Add(time.Duration(i+1) * time.Minute)}
				if _, err := svc.Correct(ctx, ref, raw); err != nil {
					errc <- err
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Errorf("a correction was not applied: %v", err)
		}
		c, _ := st.GetCase(ctx, ref)
		if c.Version != 16 {
			t.Errorf("version %d after 16 corrections", c.Version)
		}
		// Applied in whatever order they landed, the latest received stands.
		if c.Referral.Referrer.JobTitle != "Social Worker 15" {
			t.Errorf("job title %q: the last correction received does not stand", c.Referral.Referrer.JobTitle)
		}
	})
}

// TestCompleteHasNoProblemsNotNull: a complete referral's answer lists
// its problems as [], which other tools read as a list, never null.
func TestCompleteHasNoProblemsNotNull(t *testing.T) {
	e := newEnv(t)
	res, err := e.svc.Submit(context.Background(), Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(res); !strings.Contains(string(out), `"problems":[]`) {
		t.Errorf("a complete referral answers %s", out)
	}
}
