// Package store is the port for keeping cases: each referral with its raw
// input's key, its history of events and its statutory deadlines.
//
// Adapters: store/bolt (embedded, the local default) and store/dynamo
// (DynamoDB single table). Both pass the conformance suite in
// store/storetest. The package knows no database.
package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// Status is where a case stands.
type Status string

// Statuses.
const (
	Incomplete Status = "incomplete" // received, with problems the referrer must fix
	Complete   Status = "complete"   // received with every section answered
)

// Case is one referral as received, with its current state.
type Case struct {
	Ref         string             `json:"ref"`         // DSP-2026-0042, given by the store
	RawKey      string             `json:"rawKey"`      // SHA-256 of the raw input, hex: one case per raw input
	RawLocation string             `json:"rawLocation"` // where the raw input is kept
	Channel     string             `json:"channel"`     // email, web, api, cli
	Sender      string             `json:"sender"`      // the referrer's address as received
	Filename    string             `json:"filename,omitempty"`
	ReceivedAt  time.Time          `json:"receivedAt"`
	Status      Status             `json:"status"`
	Route       referral.Route     `json:"route"`
	Referral    referral.Referral  `json:"referral"`
	Problems    []referral.Problem `json:"problems"`
	CreatedAt   time.Time          `json:"createdAt"`
	// Version counts the corrections: 0 as first received, then 1, 2, …
	// Each version's raw input is kept; RawLocation is the latest.
	Version int `json:"version"`
	// MessageKey is the e-mail the case came in, if it came by e-mail.
	MessageKey string `json:"messageKey,omitempty"`
}

// CaseSummary is a case as a list shows it: no answers, no child details.
type CaseSummary struct {
	Ref        string         `json:"ref"`
	RawKey     string         `json:"rawKey"`
	Channel    string         `json:"channel"`
	ReceivedAt time.Time      `json:"receivedAt"`
	Status     Status         `json:"status"`
	Route      referral.Route `json:"route"`
	Version    int            `json:"version"`
	// Marks are set by events (Event.Marks), not by the case record: a
	// correction keeps them.
	Marks map[string]string `json:"marks,omitempty"`
	// Next is the case's earliest open deadline (its Ref, Rule and Due
	// only), kept by PutDeadlines in the same write; zero when none is open.
	Next Deadline `json:"next,omitzero"`
}

// NextOpen returns the earliest open deadline, by due time then rule.
func NextOpen(ds []Deadline) (Deadline, bool) {
	var next Deadline
	found := false
	for _, d := range ds {
		if d.Status != DeadlineOpen {
			continue
		}
		if !found || d.Due.Before(next.Due) || (d.Due.Equal(next.Due) && d.Rule < next.Rule) {
			next, found = d, true
		}
	}
	return next, found
}

// Summary is the case's summary, without its marks.
func (c Case) Summary() CaseSummary {
	return CaseSummary{Ref: c.Ref, RawKey: c.RawKey, Channel: c.Channel, ReceivedAt: c.ReceivedAt, Status: c.Status, Route: c.Route, Version: c.Version}
}

// Event is one entry in a case's history. Events are append-only.
type Event struct {
	Ref        string            `json:"ref"`
	ID         string            `json:"id"`   // unique within the case; appending the same ID twice is a no-op
	Type       string            `json:"type"` // received, corrected, ssp-decision, …
	At         time.Time         `json:"at"`   // when it happened
	RecordedAt time.Time         `json:"recordedAt"`
	Actor      string            `json:"actor,omitempty"` // who recorded it: a channel or an officer's id
	Data       map[string]string `json:"data,omitempty"`  // references and codes, never child details
	// Unique, when set, is a key no other event of the case may hold: the
	// type of a one-time event ("ssp-decision"), or type and action id
	// ("action-set#A1"). The store enforces it in the write.
	Unique string `json:"unique,omitempty"`
	// Marks, when set, are what the event changes in the case's summary —
	// MarkAssignee, MarkClosed, MarkLearning — in the same write; "" takes
	// a mark off. Not stored with the event.
	Marks map[string]string `json:"-"`
}

// Marks a case's summary carries beside its status, set by events.
const (
	MarkAssignee = "assignee" // the officer the case is assigned to
	MarkClosed   = "closed"   // "yes" while the case is closed
	MarkLearning = "learning" // "yes" once the case is for the Learning and Development Group
)

// EventReceived is the type of the first event of every case.
const EventReceived = "received"

// Deadline is one statutory deadline of a case.
type Deadline struct {
	Ref    string    `json:"ref"`
	Rule   string    `json:"rule"` // inform-ssp, ssp-meeting, …
	Due    time.Time `json:"due"`
	Status string    `json:"status"` // open, met, missed, cancelled
	Owners []string  `json:"owners,omitempty"`
	// Provisional: counted from an earlier event while the one that starts
	// it is not recorded yet (never later than the real deadline).
	Provisional bool `json:"provisional,omitempty"`
}

// DeadlineOpen is the status of a deadline still running.
const DeadlineOpen = "open"

// Store keeps cases. Methods return *errs.Error with the codes named; any
// other error is internal.
type Store interface {
	// CreateCase stores c as a new case with the next reference in scope
	// ("DSP-2026" gives DSP-2026-0001, DSP-2026-0002, … with no gaps) and
	// its "received" event, in one atomic write. If a case already exists
	// for c.RawKey it returns that case and created false, whatever else c
	// says: the same raw input never makes two cases, even concurrently.
	// errs.Invalid if c has no RawKey or scope is empty.
	CreateCase(ctx context.Context, c Case, scope string) (stored Case, created bool, err error)

	// GetCase returns the case. errs.NotFound if there is none.
	GetCase(ctx context.Context, ref string) (Case, error)

	// FindByRawKey returns the case made from a raw input. errs.NotFound if
	// there is none.
	FindByRawKey(ctx context.Context, rawKey string) (Case, error)

	// UpdateCase replaces a case with a new version of it (a correction)
	// and appends e, the event that records why, in one atomic write.
	// c.Version must be one more than the stored case's, or the update
	// fails with errs.Conflict, so two corrections at once cannot undo
	// each other. If e.ID is recorded already (the same correction
	// delivered again) nothing is written and applied is false.
	// errs.NotFound if there is no case c.Ref; errs.Invalid if e has no
	// ID or type or is not for c.Ref.
	UpdateCase(ctx context.Context, c Case, e Event) (applied bool, err error)

	// ListCases returns the summaries of the cases with a status (every
	// case for ""), oldest first: what a list of cases shows, without the
	// referral.
	ListCases(ctx context.Context, status Status) ([]CaseSummary, error)

	// AppendEvent adds e to its case's history and reports whether it was
	// added: appending an event whose ID the case has already is a no-op
	// (false). errs.Conflict if another event of the case holds e.Unique,
	// even when both are appended at once; errs.NotFound if the case does
	// not exist; errs.Invalid if e has no ID or type.
	AppendEvent(ctx context.Context, e Event) (recorded bool, err error)

	// ListEvents returns a case's history, oldest first. errs.NotFound if
	// the case does not exist.
	ListEvents(ctx context.Context, ref string) ([]Event, error)

	// PutDeadlines replaces a case's deadlines with ds in one atomic write:
	// rules not in ds are removed. errs.NotFound if the case does not exist.
	PutDeadlines(ctx context.Context, ref string, ds []Deadline) error

	// ListDeadlines returns a case's deadlines ordered by rule.
	ListDeadlines(ctx context.Context, ref string) ([]Deadline, error)

	// ListDueDeadlines returns the open deadlines of every case due at or
	// before t, earliest first.
	ListDueDeadlines(ctx context.Context, t time.Time) ([]Deadline, error)

	// BeginMessage claims an incoming message for processing (the
	// idempotency record of the e-mail intake). If no message m.Key is
	// stored, it stores m in progress until m.LockedUntil and returns it
	// with began true. If one is stored in progress whose lock has expired
	// by m.UpdatedAt, it takes that one over (began true). Otherwise it
	// returns the stored message and began false: done already, or another
	// delivery is working on it. errs.Invalid if m has no key.
	BeginMessage(ctx context.Context, m Message) (stored Message, began bool, err error)

	// PutMessage stores m as it is, replacing the message m.Key.
	// errs.Invalid if m has no key.
	PutMessage(ctx context.Context, m Message) error

	// GetMessage returns a message. errs.NotFound if there is none.
	GetMessage(ctx context.Context, key string) (Message, error)

	// ListMessages returns the messages with an outcome, oldest first.
	ListMessages(ctx context.Context, outcome Outcome) ([]Message, error)

	// ListStuckMessages returns the messages still in progress whose lock
	// expired at or before t — their processing was cut off (a crash, a
	// timeout) — earliest lock first.
	ListStuckMessages(ctx context.Context, t time.Time) ([]Message, error)

	// PutDraft stores a web form in progress, replacing the draft d.Key.
	// errs.Invalid without a key or expiry; errs.TooLarge over
	// MaxDraftBytes.
	PutDraft(ctx context.Context, d Draft) error

	// GetDraft returns a draft. errs.NotFound if there is none, or it
	// expired before now.
	GetDraft(ctx context.Context, key string, now time.Time) (Draft, error)

	// DeleteDraft removes a draft; removing none is not an error.
	DeleteDraft(ctx context.Context, key string) error

	// Close releases the store.
	Close() error
}

// Draft is a web form in progress: its answers, opaque to the store,
// under a key that is a hash of the referrer's cookie, until ExpiresAt.
type Draft struct {
	Key       string    `json:"key"`
	Body      []byte    `json:"body"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// MaxDraftBytes bounds one draft's body.
const MaxDraftBytes = 300 << 10

// CheckDraft is the check every adapter makes before PutDraft.
func CheckDraft(d Draft) error {
	if d.Key == "" || d.ExpiresAt.IsZero() {
		return errs.E(errs.Invalid, "a draft needs a key and an expiry")
	}
	if len(d.Body) > MaxDraftBytes {
		return errs.E(errs.TooLarge, "the answers are too long to keep (%d KB)", len(d.Body)>>10)
	}
	return nil
}

// Message is one e-mail received by the mailbox and what became of it.
// It holds no child details: those stay in the raw message and the case.
type Message struct {
	Key         string            `json:"key"`       // "id-" + hash of the Message-ID, or "raw-" + hash of the bytes
	MessageID   string            `json:"messageId"` // as sent, without angle brackets
	RawKey      string            `json:"rawKey"`    // SHA-256 of the raw message: the payload check
	RawLocation string            `json:"rawLocation"`
	From        string            `json:"from"`
	ReceivedAt  time.Time         `json:"receivedAt"`
	State       MessageState      `json:"state"`
	LockedUntil time.Time         `json:"lockedUntil,omitzero"` // while in progress
	UpdatedAt   time.Time         `json:"updatedAt"`
	Outcome     Outcome           `json:"outcome,omitempty"`
	Reasons     []string          `json:"reasons,omitempty"` // why it was quarantined or refused: codes
	Refs        []string          `json:"refs,omitempty"`    // the cases it made or corrected
	Attachments []Attachment      `json:"attachments,omitempty"`
	Verdicts    map[string]string `json:"verdicts,omitempty"` // spam, virus, spf, dkim, dmarc: PASS, FAIL, GRAY, …
	ReleasedBy  string            `json:"releasedBy,omitempty"`
	DismissedBy string            `json:"dismissedBy,omitempty"` // the officer who marked it not a referral
	// Attempts counts the deliveries that took the message over after
	// another was cut off; past a few it is held as processing-failed.
	Attempts int `json:"attempts,omitempty"`
}

// Attachment is a file that came with a message, kept as a blob.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Location    string `json:"location"`
	Bytes       int    `json:"bytes"`
}

// MessageState is where processing a message stands.
type MessageState string

// Message states.
const (
	InProgress MessageState = "in-progress"
	Done       MessageState = "done"
)

// Outcome is what became of a message.
type Outcome string

// Outcomes.
const (
	OutcomeCase        Outcome = "case"           // new referral(s)
	OutcomeCorrection  Outcome = "correction"     // a new version of a case
	OutcomeQuarantined Outcome = "quarantined"    // held for the Business Unit: failed checks or untrusted sender
	OutcomeRefused     Outcome = "refused"        // not an e-mail that could be read; kept
	OutcomeDismissed   Outcome = "not-a-referral" // held, then marked not a referral by an officer: kept, never answered
)

// CheckMessage is the check every adapter makes before storing a message.
func CheckMessage(m Message) error {
	if m.Key == "" {
		return errs.E(errs.Invalid, "a message needs a key")
	}
	return nil
}

// Reference formats the n-th reference of a scope: DSP-2026-0042. Numbers
// past 9999 keep all their digits.
func Reference(scope string, n int64) string { return fmt.Sprintf("%s-%04d", scope, n) }

// MaxDeadlines is the most deadlines one case holds.
const MaxDeadlines = 40

// TimeKey formats t for keys that sort by time: UTC, fixed width.
func TimeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// CheckNewCase is the check every adapter makes before CreateCase.
func CheckNewCase(c Case, scope string) error {
	if c.RawKey == "" || scope == "" {
		return errs.E(errs.Invalid, "a case needs a raw input key and a reference scope")
	}
	return nil
}

// Check is the check every adapter makes before AppendEvent.
func (e Event) Check() error {
	if e.ID == "" || e.Type == "" {
		return errs.E(errs.Invalid, "an event needs an id and a type")
	}
	return nil
}

// CheckUpdate is the check every adapter makes before UpdateCase.
func CheckUpdate(c Case, e Event) error {
	if err := e.Check(); err != nil {
		return err
	}
	if e.Ref != c.Ref {
		return errs.E(errs.Invalid, "the event of an update must be for case %s", c.Ref)
	}
	return nil
}

// CheckDeadlines is the check every adapter makes before PutDeadlines.
func CheckDeadlines(ds []Deadline) error {
	if len(ds) > MaxDeadlines {
		return errs.E(errs.Invalid, "a case holds at most %d deadlines", MaxDeadlines)
	}
	return nil
}
