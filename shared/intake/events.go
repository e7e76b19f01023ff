package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// EventInput is a lifecycle event a Business Unit officer records.
type EventInput struct {
	ID       string            `json:"id,omitempty"` // optional; the same event sent twice is recorded once
	Type     string            `json:"type"`
	At       string            `json:"at"` // RFC 3339 time, or a date (taken as that day, in London)
	Outcome  string            `json:"outcome,omitempty"`
	Date     string            `json:"date,omitempty"`     // publication-planned: the planned date
	Action   string            `json:"action,omitempty"`   // action-set, action-completed
	Due      string            `json:"due,omitempty"`      // action-set: the action's deadline
	Reason   string            `json:"reason,omitempty"`   // case-closed, case-reopened: a reason code
	Of       string            `json:"of,omitempty"`       // case-closed as a duplicate: the other case's reference
	Reviewer string            `json:"reviewer,omitempty"` // lcspr-notified: the reviewer commissioned
	Actor    string            `json:"-"`
	Extra    map[string]string `json:"-"`
}

// once are the events a case has at most one of.
var once = map[string]bool{
	deadlines.SSPInformed: true, deadlines.SSPDecision: true, deadlines.PanelNotified: true, deadlines.LookedAfter: true,
	deadlines.SoSOfstedNotified: true, deadlines.PanelAcknowledged: true, deadlines.RapidReviewHeld: true,
	deadlines.DecisionToPanel: true, deadlines.ReferrerTold: true, deadlines.LCSPRDecided: true,
	deadlines.ReportSent: true, deadlines.Published: true, deadlines.LDDecision: true,
	deadlines.RapidReviewRecommended: true, deadlines.ReviewDecided: true, deadlines.NotificationCopied: true,
	deadlines.LCSPRNotified: true,
}

// onceKey is what a one-time event is unique by: the partners decide the
// level of review once, as an LCSPR (lcspr-decided, which starts its
// clock) or as anything else (review-decided).
func onceKey(typ string) string {
	if typ == deadlines.LCSPRDecided || typ == deadlines.ReviewDecided {
		return "review-level"
	}
	return typ
}

// Recorded is what RecordEvent did.
type Recorded struct {
	Ref       string              `json:"ref"`
	Event     string              `json:"event"`     // the event's id
	Duplicate bool                `json:"duplicate"` // the same event was recorded before: nothing changed
	Deadlines []casefile.Deadline `json:"deadlines"` // the case's deadlines as they now stand
}

// RecordEvent validates and records a lifecycle event on a case, then
// recomputes its deadlines and reschedules its reminders. The same request
// again is the same event (Duplicate). A one-time event is unique in the
// store's write, not by the read before it, so requests at the same moment
// record it once. errs.NotFound for an unknown case; errs.Invalid for an
// unknown event, a missing or bad value, or a date before the referral was
// received or in the future; errs.Conflict for a one-time event recorded
// already with other details.
func (s *Service) RecordEvent(ctx context.Context, ref string, in EventInput) (Recorded, error) {
	c, err := s.Store.GetCase(ctx, ref)
	if err != nil {
		return Recorded{}, err
	}
	events, err := s.Store.ListEvents(ctx, ref)
	if err != nil {
		return Recorded{}, err
	}
	e, err := s.event(c, events, in)
	if err != nil {
		return Recorded{}, err
	}
	recorded, err := s.Store.AppendEvent(ctx, e)
	if errs.Code(err) == errs.Conflict {
		// Another request recorded this one-time event first: say which.
		if events, lerr := s.Store.ListEvents(ctx, ref); lerr == nil {
			if _, cerr := s.event(c, events, in); cerr != nil {
				return Recorded{}, cerr
			}
		}
		return Recorded{}, err
	}
	if err != nil {
		return Recorded{}, fmt.Errorf("intake: record event: %w", err)
	}
	if recorded {
		s.logger().Info("event recorded", "ref", ref, "type", e.Type, "outcome", e.Data["outcome"])
	}
	ds, err := s.SyncDeadlines(ctx, c)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Ref: ref, Event: e.ID, Duplicate: !recorded, Deadlines: ds}, nil
}

// event checks an input against the case and its history.
func (s *Service) event(c casefile.Case, history []casefile.Event, in EventInput) (casefile.Event, error) {
	if _, ok := deadlines.EventTypes[in.Type]; !ok || in.Type == deadlines.Received {
		known := make([]string, 0, len(deadlines.EventTypes))
		for t := range deadlines.EventTypes {
			if t != deadlines.Received {
				known = append(known, t)
			}
		}
		sort.Strings(known)
		return casefile.Event{}, errs.E(errs.Invalid, "%q is not an event that can be recorded; use one of: %s", clip(in.Type, 40), strings.Join(known, ", "))
	}
	now := s.now()
	at, err := s.parseAt(in.At, now)
	if err != nil {
		return casefile.Event{}, err
	}
	received := civil.In(c.ReceivedAt, workdays.London)
	if civil.In(at, workdays.London).Before(received) {
		return casefile.Event{}, errs.E(errs.Invalid, "%s is before the referral was received (%s)", in.Type, received)
	}
	if at.After(now.Add(5 * time.Minute)) {
		return casefile.Event{}, errs.E(errs.Invalid, "%s cannot be recorded for a time in the future", in.Type)
	}
	data := map[string]string{}
	for k, v := range in.Extra {
		data[k] = v
	}
	if choices, ok := deadlines.Outcomes[in.Type]; ok {
		values := make([]string, len(choices))
		for i, c := range choices {
			values[i] = c.Value
		}
		if !slices.Contains(values, in.Outcome) {
			return casefile.Event{}, errs.E(errs.Invalid, "%s needs an outcome: %s", in.Type, orList(values))
		}
		data["outcome"] = in.Outcome
	}
	switch in.Type {
	case deadlines.LCSPRNotified:
		reviewer := strings.Join(strings.Fields(in.Reviewer), " ")
		if reviewer == "" || utf8.RuneCountInString(reviewer) > 100 {
			return casefile.Event{}, errs.E(errs.Invalid, "lcspr-notified needs the name of the reviewer commissioned (up to 100 characters)")
		}
		data["reviewer"] = reviewer
	case deadlines.PublicationPlanned:
		if _, err := civil.Parse(in.Date); err != nil {
			return casefile.Event{}, errs.E(errs.Invalid, "publication-planned needs the planned date, like 2027-08-06")
		}
		data["date"] = in.Date
	case deadlines.ActionSet, deadlines.ActionCompleted:
		if in.Action == "" || len(in.Action) > 40 {
			return casefile.Event{}, errs.E(errs.Invalid, "%s needs the action's id (up to 40 characters)", in.Type)
		}
		data["action"] = in.Action
		if in.Type == deadlines.ActionSet {
			if _, err := civil.Parse(in.Due); err != nil {
				return casefile.Event{}, errs.E(errs.Invalid, "action-set needs the action's deadline, like 2027-03-01")
			}
			data["due"], data["date"] = in.Due, in.Due
		}
	}
	switch in.Type {
	case deadlines.CaseClosed:
		if _, ok := deadlines.CloseReasons[in.Reason]; !ok {
			return casefile.Event{}, errs.E(errs.Invalid, "closing a case needs a reason: criteria-not-met, review-complete, withdrawn or duplicate")
		}
		data["reason"] = in.Reason
		if in.Reason == "duplicate" {
			if !refRE.MatchString(in.Of) || in.Of == c.Ref {
				return casefile.Event{}, errs.E(errs.Invalid, "a duplicate names the case it duplicates (of), like %s-2026-0001", strings.SplitN(c.Ref, "-", 2)[0])
			}
			if _, err := s.Store.GetCase(context.Background(), in.Of); err != nil {
				return casefile.Event{}, errs.E(errs.Invalid, "there is no case %s to be a duplicate of", in.Of)
			}
			data["of"] = in.Of
		}
	case deadlines.CaseReopened:
		if !reopenReasons[in.Reason] {
			return casefile.Event{}, errs.E(errs.Invalid, "re-opening a case needs a reason: new-information, closed-in-error or panel-request")
		}
		data["reason"] = in.Reason
	}
	if in.Type == deadlines.ActionCompleted && !hasAction(history, data["action"]) {
		return casefile.Event{}, errs.E(errs.Invalid, "action %s was never set", data["action"])
	}
	if err := inOrder(in.Type, at, history); err != nil {
		return casefile.Event{}, err
	}
	e := casefile.Event{Ref: c.Ref, ID: in.ID, Type: in.Type, At: at, RecordedAt: now, Actor: in.Actor, Data: data, Unique: uniqueKey(in.Type, data, history)}
	if e.ID == "" {
		e.ID = eventID(in.Type, strings.TrimSpace(in.At), data)
	}
	for _, old := range history {
		sameAction := old.Data["action"] == data["action"]
		switch {
		case old.ID == e.ID:
			return e, nil // the same request again: recorded already
		case once[in.Type] && once[old.Type] && onceKey(old.Type) == onceKey(in.Type):
			return casefile.Event{}, errs.E(errs.Conflict, "%s was already recorded on %s", old.Type, civil.In(old.At, workdays.London))
		case in.Type == deadlines.ActionSet && old.Type == in.Type && sameAction:
			return casefile.Event{}, errs.E(errs.Conflict, "action %s was already set", data["action"])
		case in.Type == deadlines.ActionCompleted && old.Type == in.Type && sameAction:
			return casefile.Event{}, errs.E(errs.Conflict, "action %s was already completed", data["action"])
		}
	}
	switch closed := deadlines.Closed(history); {
	case in.Type == deadlines.CaseClosed && closed:
		return casefile.Event{}, errs.E(errs.Conflict, "case %s is closed already", c.Ref)
	case in.Type == deadlines.CaseReopened && !closed:
		return casefile.Event{}, errs.E(errs.Conflict, "case %s is not closed", c.Ref)
	}
	e.Marks = marks(e, history)
	return e, nil
}

// marks are what an event changes in its case's summary, worked out on
// the history with the event in its place: whether the case is closed, and
// whether it went to the Learning and Development Group.
func marks(e casefile.Event, history []casefile.Event) map[string]string {
	switch e.Type {
	case deadlines.CaseClosed, deadlines.CaseReopened:
		after := append(append([]casefile.Event(nil), history...), e)
		sort.SliceStable(after, func(i, j int) bool { return after[i].At.Before(after[j].At) })
		closed := ""
		if deadlines.Closed(after) {
			closed = "yes"
		}
		return map[string]string{casefile.MarkClosed: closed}
	case deadlines.SSPDecision:
		if e.Data["outcome"] == deadlines.Learning {
			return map[string]string{casefile.MarkLearning: "yes"}
		}
	}
	return nil
}

// EventAssigned records who a case is assigned to; the latest is the one.
const EventAssigned = "assigned"

// Assign assigns a case to an officer (assignee: their name as signed in)
// and marks its summary so the case list shows it. errs.NotFound for an
// unknown case; errs.Invalid without an officer.
func (s *Service) Assign(ctx context.Context, ref, officer string) error {
	officer = strings.TrimSpace(officer)
	if officer == "" || utf8.RuneCountInString(officer) > 200 {
		return errs.E(errs.Invalid, "a case is assigned to an officer by name")
	}
	now := s.now()
	data := map[string]string{"assignee": officer}
	e := casefile.Event{Ref: ref, ID: eventID(EventAssigned, now.Format(time.RFC3339), data), Type: EventAssigned, At: now, RecordedAt: now,
		Actor: officer, Data: data, Marks: map[string]string{casefile.MarkAssignee: officer}}
	if _, err := s.Store.AppendEvent(ctx, e); err != nil {
		return fmt.Errorf("intake: assign %s: %w", ref, err)
	}
	s.logger().Info("case assigned", "ref", ref)
	return nil
}

// inOrder refuses an event the procedure cannot have reached: one whose
// prerequisite (deadlines.Needs) is not recorded on or before its day.
func inOrder(typ string, at time.Time, history []casefile.Event) error {
	needs := deadlines.Needs[typ]
	if len(needs) == 0 {
		return nil
	}
	day := civil.In(at, workdays.London)
	for _, e := range history {
		if slices.Contains(needs, e.Type) && !day.Before(civil.In(e.At, workdays.London)) {
			return nil
		}
	}
	for _, e := range history {
		if slices.Contains(needs, e.Type) {
			return errs.E(errs.Invalid, "%s cannot be before %s (recorded on %s)", typ, e.Type, civil.In(e.At, workdays.London))
		}
	}
	return errs.E(errs.Invalid, "%s comes after %s: record that first", typ, orList(needs))
}

// orList writes values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// reopenReasons are why a closed case is opened again.
var reopenReasons = map[string]bool{"new-information": true, "closed-in-error": true, "panel-request": true}

var refRE = regexp.MustCompile(`^[A-Z]{2,8}-\d{4}-\d{4,}$`)

// uniqueKey is the key no two events of a case share: a one-time event's
// type, an action's type and id; for closing and re-opening, the place in
// the sequence of those (so two closes at once record one); "" for events
// a case may have many of.
func uniqueKey(typ string, data map[string]string, history []casefile.Event) string {
	switch {
	case once[typ]:
		return onceKey(typ)
	case typ == deadlines.ActionSet || typ == deadlines.ActionCompleted:
		return typ + "#" + data["action"]
	case typ == deadlines.CaseClosed || typ == deadlines.CaseReopened:
		n := 0
		for _, e := range history {
			if e.Type == deadlines.CaseClosed || e.Type == deadlines.CaseReopened {
				n++
			}
		}
		return "open-close#" + strconv.Itoa(n)
	}
	return ""
}

func hasAction(history []casefile.Event, action string) bool {
	for _, e := range history {
		if e.Type == deadlines.ActionSet && e.Data["action"] == action {
			return true
		}
	}
	return false
}

// eventID derives an id from what the request says — the type, the date
// or time as given (not the time it resolves to, which for today's date
// is the clock) and the event's fields — so the same request sent twice
// is one event.
func eventID(typ, at string, data map[string]string) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s", typ, at)
	for _, k := range keys {
		fmt.Fprintf(h, "|%s=%s", k, data[k])
	}
	return typ + "-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// parseAt reads a time or a date; a date is the end of that day in
// London, or now if that is earlier.
func (s *Service) parseAt(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if d, err := civil.Parse(v); err == nil {
		end := workdays.EndOfDay(d)
		if end.After(now) && !civil.In(now, workdays.London).Before(d) {
			return now, nil
		}
		return end, nil
	}
	return time.Time{}, errs.E(errs.Invalid, "give when it happened as a date (2027-01-05) or a time (2027-01-05T10:30:00Z)")
}

// Deadlines returns a case's stored deadlines, earliest first.
// errs.NotFound for an unknown case.
func (s *Service) Deadlines(ctx context.Context, ref string) ([]casefile.Deadline, error) {
	if _, err := s.Store.GetCase(ctx, ref); err != nil {
		return nil, err
	}
	ds, err := s.Store.ListDeadlines(ctx, ref)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Due.Before(ds[j].Due) })
	return ds, nil
}

// SyncDeadlines recomputes a case's deadlines from its history, stores
// them and schedules the reminders still to come.
func (s *Service) SyncDeadlines(ctx context.Context, c casefile.Case) ([]casefile.Deadline, error) {
	if s.Calendar == nil {
		return nil, nil // deadlines not configured (the parse command)
	}
	events, err := s.Store.ListEvents(ctx, c.Ref)
	if err != nil {
		return nil, fmt.Errorf("intake: read history: %w", err)
	}
	return s.syncDeadlines(ctx, c, events)
}

// syncDeadlines is SyncDeadlines on a history already read.
func (s *Service) syncDeadlines(ctx context.Context, c casefile.Case, events []casefile.Event) ([]casefile.Deadline, error) {
	if s.Calendar == nil {
		return nil, nil
	}
	now := s.now()
	ds := deadlines.Compute(deadlines.FactsOf(c), events, s.Calendar, s.Rules, now)
	if err := s.Store.PutDeadlines(ctx, c.Ref, ds); err != nil {
		return nil, fmt.Errorf("intake: store deadlines: %w", err)
	}
	if s.Scheduler == nil {
		return ds, nil
	}
	var future []deadlines.Reminder
	for _, r := range deadlines.Reminders(ds, s.Calendar, s.Rules) {
		if r.At.After(now) {
			future = append(future, r)
		}
	}
	if err := s.Scheduler.Ensure(ctx, c.Ref, future); err != nil {
		return nil, fmt.Errorf("intake: schedule reminders: %w", err)
	}
	return ds, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
