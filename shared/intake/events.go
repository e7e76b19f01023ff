package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// EventInput is a lifecycle event a Business Unit officer records.
type EventInput struct {
	// ID, optional, is the sender's idempotency key: the same key from
	// the same sender is the same event. The event's own id is always the
	// server's.
	ID        string `json:"id,omitempty"`
	Type      string `json:"type"`
	At        string `json:"at"` // RFC 3339 time, or a date (taken as that day, in London)
	Outcome   string `json:"outcome,omitempty"`
	Rationale string `json:"rationale,omitempty"` // a decision's reasons, free text
	Date      string `json:"date,omitempty"`      // publication-planned: the planned date
	Action    string `json:"action,omitempty"`    // action-set, action-completed
	Due       string `json:"due,omitempty"`       // action-set: the action's deadline
	Reason    string `json:"reason,omitempty"`    // case-closed, case-reopened: a reason code; action-set again, event-withdrawn: why, free text
	Of        string `json:"of,omitempty"`        // case-closed as a duplicate: the other case's reference
	Reviewer  string `json:"reviewer,omitempty"`  // lcspr-notified: the reviewer commissioned
	Event     string `json:"event,omitempty"`     // event-withdrawn: the id of the event recorded in error
	Actor     string `json:"-"`
	// Role, when set, is the workspace role of the person recording it:
	// they may record (and withdraw) only what the catalogue gives it.
	Role  string            `json:"-"`
	Extra map[string]string `json:"-"`
}

// Limits of free text and keys in an event.
const (
	MaxRationale = 5000 // characters of a decision's rationale
	MaxNote      = 1000 // characters of a reason given in words
	MaxKey       = 100  // characters of a sender's idempotency key
)

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
	if e.Type == deadlines.SSPDecision {
		if err := s.tellLDChairOfDecision(ctx, c, e); err != nil {
			return Recorded{}, err
		}
	}
	ds, err := s.SyncDeadlines(ctx, c)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{Ref: ref, Event: e.ID, Duplicate: !recorded, Deadlines: ds}, nil
}

// event checks an input against the case and its history: the catalogue
// says what it takes, who may record it and what must come first.
func (s *Service) event(c casefile.Case, history []casefile.Event, in EventInput) (casefile.Event, error) {
	spec, ok := deadlines.Spec(in.Type)
	if !ok || spec.System {
		return casefile.Event{}, errs.E(errs.Invalid, "%q is not an event that can be recorded; use one of: %s", clip(in.Type, 40),
			strings.Join(deadlines.Recordable(deadlines.BusinessUnit), ", "))
	}
	if in.Role != "" && !deadlines.MayRecord(in.Role, in.Type) {
		return casefile.Event{}, errs.E(errs.Invalid, "%s is not recorded by your role: ask the Business Unit", in.Type)
	}
	if utf8.RuneCountInString(in.ID) > MaxKey || strings.ContainsFunc(in.ID, unicode.IsControl) {
		return casefile.Event{}, errs.E(errs.Invalid, "an event's id (your key for it) is up to %d characters", MaxKey)
	}
	now := s.now()
	at, err := s.parseAt(in.At, now)
	if err != nil {
		return casefile.Event{}, err
	}
	received := civil.In(c.ReceivedAt, workdays.London)
	if !spec.BeforeReceipt && civil.In(at, workdays.London).Before(received) {
		return casefile.Event{}, errs.E(errs.Invalid, "%s is before the referral was received (%s)", in.Type, received)
	}
	if at.After(now.Add(5 * time.Minute)) {
		return casefile.Event{}, errs.E(errs.Invalid, "%s cannot be recorded for a time in the future", in.Type)
	}
	active := deadlines.Active(history)
	data := map[string]string{}
	for k, v := range in.Extra {
		data[k] = v
	}
	if len(spec.Outcomes) > 0 {
		if !slices.Contains(deadlines.Values(spec.Outcomes), in.Outcome) {
			return casefile.Event{}, errs.E(errs.Invalid, "%s needs an outcome: %s", in.Type, orList(deadlines.Values(spec.Outcomes)))
		}
		data["outcome"] = in.Outcome
	}
	if len(spec.Reasons) > 0 {
		if !slices.Contains(deadlines.Values(spec.Reasons), in.Reason) {
			return casefile.Event{}, errs.E(errs.Invalid, "%s needs a reason: %s", in.Type, orList(deadlines.Values(spec.Reasons)))
		}
		data["reason"] = in.Reason
	}
	for _, field := range spec.Fields {
		if err := takeField(data, field, in); err != nil {
			return casefile.Event{}, err
		}
	}
	var target casefile.Event
	switch in.Type {
	case deadlines.CaseClosed:
		if in.Reason == "duplicate" {
			if !casefile.IsRef(in.Of) || in.Of == c.Ref {
				return casefile.Event{}, errs.E(errs.Invalid, "a duplicate names the case it duplicates (of), like %s-2026-0001", strings.SplitN(c.Ref, "-", 2)[0])
			}
			if _, err := s.Store.GetCase(context.Background(), in.Of); err != nil {
				return casefile.Event{}, errs.E(errs.Invalid, "there is no case %s to be a duplicate of", in.Of)
			}
			data["of"] = in.Of
		}
	case deadlines.ActionCompleted:
		if !hasAction(active, data["action"]) {
			return casefile.Event{}, errs.E(errs.Invalid, "action %s was never set", data["action"])
		}
	case deadlines.ActionSet:
		// Set again: its deadline moves, for a reason given.
		if hasAction(active, data["action"]) {
			note, err := freeText(in.Reason, MaxNote, "moving action "+data["action"]+"'s deadline needs the reason")
			if err != nil {
				return casefile.Event{}, err
			}
			data["reason"] = note
		}
	case deadlines.EventWithdrawn:
		if target, err = withdrawable(active, history, data[deadlines.FieldEvent], in.Role); err != nil {
			return casefile.Event{}, err
		}
	}
	if err := inOrder(in.Type, at, active); err != nil {
		return casefile.Event{}, err
	}
	since := deadlines.RoundStart(active)
	if spec.Round && at.Before(since) {
		return casefile.Event{}, errs.E(errs.Invalid, "the case was re-opened with new information on %s: %s of the new round is on or after it", civil.In(since, workdays.London), in.Type)
	}
	e := casefile.Event{Ref: c.Ref, Type: in.Type, At: at, RecordedAt: now, Actor: in.Actor, Data: data, Unique: uniqueKey(in.Type, data, history)}
	round := ""
	if spec.Round && !since.IsZero() {
		round = since.UTC().Format(time.RFC3339Nano)
	}
	e.ID = eventID(e, strings.TrimSpace(in.At)+round, in.Actor, in.ID, history)
	for _, old := range history {
		if old.ID != e.ID {
			continue
		}
		if old.Type != e.Type {
			return casefile.Event{}, errs.E(errs.Conflict, "your id %q is another event's already", clip(in.ID, 40))
		}
		return e, nil // the same request again: recorded already
	}
	for _, old := range active {
		sameAction := old.Data["action"] == data["action"]
		oldSpec, _ := deadlines.Spec(old.Type)
		switch {
		case spec.Once && oldSpec.Once && oldSpec.Key() == spec.Key() && !(spec.Round && old.At.Before(since)):
			return casefile.Event{}, errs.E(errs.Conflict, "%s was already recorded on %s (withdraw it if it was recorded in error)", old.Type, civil.In(old.At, workdays.London))
		case in.Type == deadlines.ActionSet && old.Type == deadlines.ActionCompleted && sameAction:
			return casefile.Event{}, errs.E(errs.Conflict, "action %s was completed already", data["action"])
		case in.Type == deadlines.ActionCompleted && old.Type == in.Type && sameAction:
			return casefile.Event{}, errs.E(errs.Conflict, "action %s was already completed", data["action"])
		}
	}
	switch closed := deadlines.Closed(active); {
	case in.Type == deadlines.CaseClosed && closed:
		return casefile.Event{}, errs.E(errs.Conflict, "case %s is closed already", c.Ref)
	case in.Type == deadlines.CaseReopened && !closed:
		return casefile.Event{}, errs.E(errs.Conflict, "case %s is not closed", c.Ref)
	}
	if in.Type == deadlines.EventWithdrawn {
		data["withdrawnType"] = target.Type
	}
	e.Marks = marks(c, e, history)
	return e, nil
}

// takeField checks one field an event needs and keeps it in data.
func takeField(data map[string]string, field string, in EventInput) error {
	var err error
	switch field {
	case deadlines.FieldRationale:
		data[field], err = freeText(in.Rationale, MaxRationale, in.Type+" needs its rationale: the reasons for it, in words")
	case deadlines.FieldNote:
		data[field], err = freeText(in.Reason, MaxNote, in.Type+" needs the reason, in words")
	case deadlines.FieldReviewer:
		reviewer := strings.Join(strings.Fields(in.Reviewer), " ")
		if reviewer == "" || utf8.RuneCountInString(reviewer) > 100 {
			return errs.E(errs.Invalid, "%s needs the name of the reviewer commissioned (up to 100 characters)", in.Type)
		}
		data[field] = reviewer
	case deadlines.FieldDate:
		if _, err := civil.Parse(in.Date); err != nil {
			return errs.E(errs.Invalid, "%s needs the planned date, like 2027-08-06", in.Type)
		}
		data[field] = in.Date
	case deadlines.FieldAction:
		if in.Action == "" || len(in.Action) > 40 || strings.ContainsFunc(in.Action, unicode.IsControl) {
			return errs.E(errs.Invalid, "%s needs the action's id (up to 40 characters)", in.Type)
		}
		data[field] = in.Action
	case deadlines.FieldDue:
		if _, err := civil.Parse(in.Due); err != nil {
			return errs.E(errs.Invalid, "%s needs the action's deadline, like 2027-03-01", in.Type)
		}
		data[field], data[deadlines.FieldDate] = in.Due, in.Due
	case deadlines.FieldEvent:
		if in.Event == "" || len(in.Event) > 200 {
			return errs.E(errs.Invalid, "%s needs the id of the event recorded in error (event)", in.Type)
		}
		data[field] = in.Event
	}
	return err
}

// freeText is a text typed by an officer: trimmed, required, at most n
// characters, no control characters but line breaks and tabs.
func freeText(v string, n int, missing string) (string, error) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	if v == "" {
		return "", errs.E(errs.Invalid, "%s", missing)
	}
	if utf8.RuneCountInString(v) > n || !utf8.ValidString(v) {
		return "", errs.E(errs.Invalid, "%s: up to %d characters", missing, n)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return "", errs.E(errs.Invalid, "%s: without control characters", missing)
	}
	return v, nil
}

// withdrawable finds the event a withdrawal names and checks it can be:
// one an officer recorded (not the service's), not withdrawn already, by
// a role that may record it, and that nothing still recorded needs.
func withdrawable(active, history []casefile.Event, id, role string) (casefile.Event, error) {
	i := slices.IndexFunc(history, func(e casefile.Event) bool { return e.ID == id })
	if i < 0 {
		return casefile.Event{}, errs.E(errs.Invalid, "there is no event %s on this case", clip(id, 60))
	}
	target := history[i]
	spec, ok := deadlines.Spec(target.Type)
	if !ok || spec.System || target.Type == deadlines.EventWithdrawn {
		return casefile.Event{}, errs.E(errs.Invalid, "only what an officer recorded can be withdrawn")
	}
	if _, done := deadlines.Withdrawal(history, id); done {
		return casefile.Event{}, errs.E(errs.Conflict, "that entry was withdrawn already")
	}
	if role != "" && !deadlines.MayRecord(role, target.Type) {
		return casefile.Event{}, errs.E(errs.Invalid, "%s is withdrawn by the role that records it: ask the Business Unit", target.Type)
	}
	rest := slices.DeleteFunc(slices.Clone(active), func(e casefile.Event) bool { return e.ID == id })
	for _, e := range rest {
		needs := deadlines.NeedsOf(e.Type)
		if !slices.Contains(needs, target.Type) {
			continue
		}
		if inOrder(e.Type, e.At, rest) != nil {
			return casefile.Event{}, errs.E(errs.Conflict, "%s (%s) comes after it: withdraw that first", e.Type, civil.In(e.At, workdays.London))
		}
	}
	return target, nil
}

// marks are what an event changes in its case's summary, worked out on
// the history with the event in its place: whether the case is closed,
// whether it went to the Learning and Development Group — whatever the
// partners decide goes to the Group, with its rationale (§5.6) — and
// whether the Panel is owed information.
func marks(c casefile.Case, e casefile.Event, history []casefile.Event) map[string]string {
	switch e.Type {
	case deadlines.CaseClosed, deadlines.CaseReopened, deadlines.EventWithdrawn, deadlines.SSPDecision,
		deadlines.PanelResponded, deadlines.PanelInformationSent:
	default:
		return nil
	}
	after := deadlines.Active(append(append([]casefile.Event(nil), history...), e))
	sort.SliceStable(after, func(i, j int) bool { return after[i].At.Before(after[j].At) })
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return ""
	}
	owed := ""
	if asked, ok := deadlines.PanelInformationOwed(after); ok {
		owed = civil.In(asked, workdays.London).String()
	}
	return map[string]string{casefile.MarkClosed: yes(deadlines.Closed(after)), casefile.MarkLearning: yes(deadlines.ForLearning(c.Route, after)),
		casefile.MarkPanelOwed: owed}
}

// EventLDChairToldDecision records that the Learning and Development
// Group's chair was told of a decision of the partners.
const EventLDChairToldDecision = "ld-chair-told-decision"

// tellLDChairOfDecision tells the Learning and Development Group's chair
// that the partners decided on a case — whatever they decided, its
// rationale goes to the Group (procedure §5.6) — with the reference and a
// link, never the rationale or a child's details: those are on the case
// page, which the chair can now open. Once for each decision: a retry of
// the same decision sends it only if its record was lost.
func (s *Service) tellLDChairOfDecision(ctx context.Context, c casefile.Case, decision casefile.Event) error {
	if s.Notices == nil || len(s.LDChair) == 0 {
		return nil
	}
	id := "ld-told-" + decision.ID
	events, err := s.Store.ListEvents(ctx, c.Ref)
	if err != nil {
		return fmt.Errorf("intake: read history: %w", err)
	}
	if slices.ContainsFunc(events, func(e casefile.Event) bool { return e.ID == id }) {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "For the Learning and Development Group: the Statutory Safeguarding Partners have decided on referral %s (%s).\n\n", c.Ref,
		deadlines.Words(decision))
	b.WriteString("Their rationale is on the case page, for the Group to consider (procedure §5.6).\n")
	if s.CaseURL != nil {
		fmt.Fprintf(&b, "\nOpen the case: %s\n", s.CaseURL(c.Ref))
	}
	b.WriteString("\nThe child's details and the rationale are on the case page only: they are never sent by e-mail.\n")
	err = s.Notices.Send(ctx, mail.Message{
		From: s.Partnership + " <" + s.Mailbox + ">", To: s.LDChair,
		Subject:   fmt.Sprintf("[%s] The partners' decision, for the Learning and Development Group", c.Ref),
		Text:      b.String(),
		MessageID: "decision." + mail.SafeID(decision.ID) + "." + mail.SafeID(c.Ref) + "@cspr-intake", Date: s.now(),
	})
	if err != nil && errs.Code(err) != errs.Invalid {
		return fmt.Errorf("intake: tell the ld-chair of the decision on %s: %w", c.Ref, err)
	}
	_, err = s.Store.AppendEvent(ctx, casefile.Event{Ref: c.Ref, ID: id, Type: EventLDChairToldDecision, At: s.now(), RecordedAt: s.now(), Actor: "intake",
		Data: map[string]string{"to": deadlines.LDChair, "decision": decision.ID}})
	if err != nil {
		return fmt.Errorf("intake: record notice of %s: %w", c.Ref, err)
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
	e := casefile.Event{Ref: ref, ID: eventID(casefile.Event{Type: EventAssigned, Data: data}, now.Format(time.RFC3339), "", "", nil), Type: EventAssigned, At: now, RecordedAt: now,
		Actor: officer, Data: data, Marks: map[string]string{casefile.MarkAssignee: officer}}
	if _, err := s.Store.AppendEvent(ctx, e); err != nil {
		return fmt.Errorf("intake: assign %s: %w", ref, err)
	}
	s.logger().Info("case assigned", "ref", ref)
	return nil
}

// inOrder refuses an event the procedure cannot have reached (the
// catalogue's deadlines.InOrder).
func inOrder(typ string, at time.Time, history []casefile.Event) error {
	return deadlines.InOrder(typ, at, history)
}

// orList writes values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// uniqueKey is the key no two events of a case share, which the store
// holds in its write: what the event is one of — a one-time event's key,
// an action's type and id, a withdrawal's event, the sequence of closes
// and re-opens — numbered by how many of it the history holds already, so
// that after a withdrawal, or in a new round, the next is a new key, and
// two at once from the same history record one. "" for events a case may
// have many of.
func uniqueKey(typ string, data map[string]string, history []casefile.Event) string {
	base := baseKey(typ, data)
	if base == "" {
		return ""
	}
	n := 0
	for _, e := range history {
		if baseKey(e.Type, e.Data) == base {
			n++
		}
	}
	if n == 0 || typ == deadlines.EventWithdrawn {
		return base
	}
	return base + "#" + strconv.Itoa(n)
}

func baseKey(typ string, data map[string]string) string {
	spec, _ := deadlines.Spec(typ)
	switch {
	case spec.Once:
		return spec.Key()
	case typ == deadlines.ActionSet || typ == deadlines.ActionCompleted:
		return typ + "#" + data["action"]
	case typ == deadlines.CaseClosed || typ == deadlines.CaseReopened:
		return "open-close"
	case typ == deadlines.EventWithdrawn:
		return "withdrawn#" + data[deadlines.FieldEvent]
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

// eventID is the server's id of an event. From a sender's key, it is that
// key's hash with the sender's name, so the same key from the same sender
// is the same event, and no key can be another event's id. Without one it
// is derived from what the request says — the type, the date or time as
// given (not the time it resolves to, which for today's date is the
// clock; with the round's start for what is decided again in each round)
// and the event's fields — so the same request sent twice is one event; an
// id a withdrawn event held is never given again.
func eventID(e casefile.Event, at, actor, key string, history []casefile.Event) string {
	h := sha256.New()
	if key != "" {
		fmt.Fprintf(h, "key|%s|%s", actor, key)
	} else {
		keys := make([]string, 0, len(e.Data))
		for k := range e.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(h, "%s|%s", e.Type, at)
		for _, k := range keys {
			fmt.Fprintf(h, "|%s=%s", k, e.Data[k])
		}
	}
	base := e.Type + "-" + hex.EncodeToString(h.Sum(nil))[:12]
	id := base
	for n := 2; ; n++ {
		if _, withdrawn := deadlines.Withdrawal(history, id); !withdrawn {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
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
	if err := s.schedule(ctx, c.Ref, ds, now); err != nil {
		return nil, err
	}
	return ds, nil
}

// schedule keeps the reminders of a case's deadlines that are still to
// come scheduled, and no others; nothing without a Scheduler.
func (s *Service) schedule(ctx context.Context, ref string, ds []casefile.Deadline, now time.Time) error {
	if s.Scheduler == nil {
		return nil
	}
	var future []deadlines.Reminder
	for _, r := range deadlines.Reminders(ds, s.Calendar, s.Rules) {
		if r.At.After(now) {
			future = append(future, r)
		}
	}
	if err := s.Scheduler.Ensure(ctx, ref, future); err != nil {
		return fmt.Errorf("intake: schedule reminders of %s: %w", ref, err)
	}
	return nil
}

// Remind schedules the reminders of case ref's stored deadlines: the
// table's stream calls it whenever a deadline of the case changes, so the
// functions that change deadlines need no right to schedule.
func (s *Service) Remind(ctx context.Context, ref string) error {
	if s.Calendar == nil || s.Scheduler == nil {
		return errs.E(errs.Invalid, "reminders are not configured")
	}
	ds, err := s.Store.ListDeadlines(ctx, ref)
	if err != nil {
		return fmt.Errorf("intake: read deadlines of %s: %w", ref, err)
	}
	return s.schedule(ctx, ref, ds, s.now())
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
