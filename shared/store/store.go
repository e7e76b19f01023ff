// Package store is the port for keeping what the service holds, in three
// parts by what each keeps: Cases (each referral with its raw input's
// key, its history of events and its statutory deadlines), Ledger (the
// mailbox's messages) and Drafts (web forms in progress and sessions).
// The records are shared/casefile's.
//
// Adapters: store/bolt (embedded, the local default) and store/dynamo
// (DynamoDB single table) each implement all three as Store. Both pass the
// conformance suite in store/storetest. The package knows no database.
package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// Store is all three parts in one, as both adapters provide them.
type Store interface {
	Cases
	Ledger
	Drafts
	// Close releases the store.
	Close() error
}

// Cases keeps cases, their events and their deadlines. Methods here and in
// Ledger and Drafts return *errs.Error with the codes named; any other
// error is internal.
type Cases interface {
	// CreateCase stores c as a new case with the next reference in scope
	// ("DSP-2026" gives DSP-2026-0001, DSP-2026-0002, … with no gaps) and
	// its "received" event, in one atomic write. If a case already exists
	// for c.RawKey it returns that case and created false, whatever else c
	// says: the same raw input never makes two cases, even concurrently.
	// errs.Invalid if c has no RawKey or scope is empty.
	CreateCase(ctx context.Context, c casefile.Case, scope string) (stored casefile.Case, created bool, err error)

	// GetCase returns the case. errs.NotFound if there is none.
	GetCase(ctx context.Context, ref string) (casefile.Case, error)

	// FindByRawKey returns the case made from a raw input. errs.NotFound if
	// there is none.
	FindByRawKey(ctx context.Context, rawKey string) (casefile.Case, error)

	// UpdateCase replaces a case with a new version of it (a correction)
	// and appends e, the event that records why, in one atomic write.
	// c.Version must be one more than the stored case's, or the update
	// fails with errs.Conflict, so two corrections at once cannot undo
	// each other. If e.ID is recorded already (the same correction
	// delivered again) nothing is written and applied is false.
	// errs.NotFound if there is no case c.Ref; errs.Invalid if e has no
	// ID or type or is not for c.Ref.
	UpdateCase(ctx context.Context, c casefile.Case, e casefile.Event) (applied bool, err error)

	// ListCases returns the summaries of the cases with a status (every
	// case for ""), oldest first: what a list of cases shows, without the
	// referral.
	ListCases(ctx context.Context, status casefile.Status) ([]casefile.CaseSummary, error)

	// AppendEvent adds e to its case's history and reports whether it was
	// added: appending an event whose ID the case has already is a no-op
	// (false). errs.Conflict if another event of the case holds e.Unique,
	// even when both are appended at once; errs.NotFound if the case does
	// not exist; errs.Invalid if e has no ID or type.
	AppendEvent(ctx context.Context, e casefile.Event) (recorded bool, err error)

	// ListEvents returns a case's history, oldest first. errs.NotFound if
	// the case does not exist.
	ListEvents(ctx context.Context, ref string) ([]casefile.Event, error)

	// PutDeadlines replaces a case's deadlines with ds in one atomic write:
	// rules not in ds are removed. errs.NotFound if the case does not exist.
	PutDeadlines(ctx context.Context, ref string, ds []casefile.Deadline) error

	// ListDeadlines returns a case's deadlines ordered by rule.
	ListDeadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
}

// Ledger keeps the mailbox's messages: what arrived and what became of it.
type Ledger interface {
	// BeginMessage claims an incoming message for processing (the
	// idempotency record of the e-mail intake). If no message m.Key is
	// stored, it stores m in progress until m.LockedUntil and returns it
	// with began true. If one is stored in progress whose lock has expired
	// by m.UpdatedAt, it takes that one over (began true). Otherwise it
	// returns the stored message and began false: done already, or another
	// delivery is working on it. errs.Invalid if m has no key.
	BeginMessage(ctx context.Context, m casefile.Message) (stored casefile.Message, began bool, err error)

	// PutMessage stores m as it is, replacing the message m.Key.
	// errs.Invalid if m has no key.
	PutMessage(ctx context.Context, m casefile.Message) error

	// GetMessage returns a message. errs.NotFound if there is none.
	GetMessage(ctx context.Context, key string) (casefile.Message, error)

	// ListMessages returns the messages with an outcome, oldest first.
	ListMessages(ctx context.Context, outcome casefile.Outcome) ([]casefile.Message, error)

	// ListStuckMessages returns the messages still in progress whose lock
	// expired at or before t — their processing was cut off (a crash, a
	// timeout) — earliest lock first.
	ListStuckMessages(ctx context.Context, t time.Time) ([]casefile.Message, error)
}

// Drafts keeps web forms in progress and signed-in sessions, short-lived.
type Drafts interface {
	// PutDraft stores a web form in progress, replacing the draft d.Key.
	// errs.Invalid without a key or expiry; errs.TooLarge over
	// MaxDraftBytes.
	PutDraft(ctx context.Context, d Draft) error

	// GetDraft returns a draft. errs.NotFound if there is none, or it
	// expired before now.
	GetDraft(ctx context.Context, key string, now time.Time) (Draft, error)

	// DeleteDraft removes a draft; removing none is not an error.
	DeleteDraft(ctx context.Context, key string) error
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

// CheckMessage is the check every adapter makes before storing a message.
func CheckMessage(m casefile.Message) error {
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
func CheckNewCase(c casefile.Case, scope string) error {
	if c.RawKey == "" || scope == "" {
		return errs.E(errs.Invalid, "a case needs a raw input key and a reference scope")
	}
	return nil
}

// CheckUpdate is the check every adapter makes before UpdateCase.
func CheckUpdate(c casefile.Case, e casefile.Event) error {
	if err := e.Check(); err != nil {
		return err
	}
	if e.Ref != c.Ref {
		return errs.E(errs.Invalid, "the event of an update must be for case %s", c.Ref)
	}
	return nil
}

// CheckDeadlines is the check every adapter makes before PutDeadlines.
func CheckDeadlines(ds []casefile.Deadline) error {
	if len(ds) > MaxDeadlines {
		return errs.E(errs.Invalid, "a case holds at most %d deadlines", MaxDeadlines)
	}
	return nil
}
