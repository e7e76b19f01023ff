// Package casefile is the domain's records: a case as received, its
// history of events, its statutory deadlines, and the mailbox's ledger of
// messages. It imports nothing of the project's adapters: storage keeps
// these, the rules read them, the pages show them.
package casefile

import (
	"regexp"
	"strings"
	"sync"
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
	// Sources says where in what was sent each answer was read ("table 2,
	// row 3"), by its path, so the case page can show it.
	Sources   map[string]referral.Source `json:"sources,omitempty"`
	CreatedAt time.Time                  `json:"createdAt"`
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
	MarkAssignee  = "assignee"   // the officer the case is assigned to
	MarkClosed    = "closed"     // "yes" while the case is closed
	MarkLearning  = "learning"   // "yes" once the case is for the Learning and Development Group
	MarkPanelOwed = "panel-owed" // the day (2026-12-02) the Panel asked for more information, while it is owed
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

// Check is the check every adapter makes before AppendEvent: an event
// has an id and a type.
func (e Event) Check() error {
	if e.ID == "" || e.Type == "" {
		return errs.E(errs.Invalid, "an event needs an id and a type")
	}
	return nil
}

// RefPattern is what a case reference looks like: its prefix (two to
// eight capitals), the year, and a number of four digits or more —
// DSP-2026-0042. One definition for every place that finds or checks one.
const RefPattern = `[A-Z]{2,8}-\d{4}-\d{4,}`

var refOnly = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^` + RefPattern + `$`) })

// IsRef reports whether s is a case reference, whole.
func IsRef(s string) bool { return refOnly().MatchString(s) }

var refsIn = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b` + RefPattern + `\b`) })

// RefsIn finds the references of a prefix in text (a subject, a
// Message-ID), in any case, as references are written: upper case.
func RefsIn(text, prefix string) []string {
	var out []string
	for _, m := range refsIn().FindAllString(text, -1) {
		if r := strings.ToUpper(m); strings.HasPrefix(r, strings.ToUpper(prefix)+"-") {
			out = append(out, r)
		}
	}
	return out
}
