// Package intake is the use case every channel shares: a raw input (an
// e-mail, a web submission, an uploaded file) becomes a stored case with a
// reference and the list of what is missing.
//
// The order is the promise: the raw bytes are kept first, then read,
// checked and stored, so nothing a referrer sends is lost whatever happens
// after. The same raw input twice gives the same reference and one case.
// The package knows no AWS; its ports are the small interfaces below.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Raw is one input exactly as received.
type Raw struct {
	Data        []byte
	Channel     string // email, web, api, cli
	Sender      string // the address it came from, if any
	Filename    string // the file's name, if it came as a file
	ContentType string
	ReceivedAt  time.Time
	MessageKey  string // the e-mail it came in, if any (casefile.Message key)
	// Read, when set, is what reading Data gave the caller, who had to read
	// it to choose it (the mailbox): intake takes it instead of reading
	// again.
	Read *formdoc.Read
	// ReleasedBy, when an officer released the input from the held mail,
	// is who, and ReleasedAt when: a correction is dated and signed by the
	// release. Vouched: they released it as the correction of the case it
	// names, even of the child's name or date of birth.
	ReleasedBy string
	ReleasedAt time.Time
	Vouched    bool
}

// maxCorrectionAttempts bounds how often a correction is applied again on
// top of others that landed first: enough for dozens at once.
const maxCorrectionAttempts = 64

// ErrOtherChild is a correction that names another child than its case's
// (a different name or date of birth): a new referral, or a correction of
// who the child is, for the Business Unit to decide. Nothing is changed.
var ErrOtherChild = errors.New("intake: the correction names another child")

// Blobs keeps raw inputs. Put of a key that exists is a no-op.
type Blobs interface {
	Put(ctx context.Context, key string, data []byte) error
}

// Store is the part of store.Cases intake uses.
type Store interface {
	CreateCase(ctx context.Context, c casefile.Case, scope string) (casefile.Case, bool, error)
	FindByRawKey(ctx context.Context, rawKey string) (casefile.Case, error)
	GetCase(ctx context.Context, ref string) (casefile.Case, error)
	UpdateCase(ctx context.Context, c casefile.Case, e casefile.Event) (bool, error)
	AppendEvent(ctx context.Context, e casefile.Event) (bool, error)
	ListEvents(ctx context.Context, ref string) ([]casefile.Event, error)
	PutDeadlines(ctx context.Context, ref string, ds []casefile.Deadline) error
	ListDeadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
}

// Scheduler keeps a case's reminders scheduled; schedule.Scheduler is one.
type Scheduler interface {
	Ensure(ctx context.Context, ref string, rs []deadlines.Reminder) error
}

// Reader reads a referral from one format of input: what it read, the
// problems found, where each answer was, or why it could not.
type Reader func(data []byte) formdoc.Read

// Service runs intake.
type Service struct {
	Blobs    Blobs
	Store    Store
	Readers  map[string]Reader // by formdoc format; DefaultReaders if nil
	Prefix   string            // reference prefix: DSP
	Location *time.Location    // the partnership's zone: days and reference years are local
	MaxBytes int64             // larger inputs are kept but not read
	Log      *slog.Logger

	// Deadlines: with a Calendar, every case gets its statutory deadlines
	// and, with a Scheduler, their reminders.
	Calendar  *workdays.Calendar
	Rules     deadlines.RuleSet
	Scheduler Scheduler
	Now       func() time.Time // the clock; time.Now if nil
	// SettleLater leaves what follows a stored case — its deadlines, their
	// reminders and the new-case notices — to Settle, which the table's
	// stream calls once the case is stored (functions/settle): so a
	// function that takes referrals needs no right to read a case's
	// history or to schedule. Locally (no stream) it is false.
	SettleLater bool

	// Notices, when set, tells the Business Unit at once of every new
	// case: its reference, route, channel and a link — never a child's
	// details. Partnership and Mailbox sign it; CaseURL makes the link.
	Notices      mail.Sender
	BusinessUnit []string
	LDChair      []string // the Learning and Development Group's chair: told of every case too (procedure §10.1, §10.2)
	Partnership  string
	Mailbox      string
	CaseURL      func(ref string) string
}

// DefaultReaders are the formats read without further set-up. A whole
// e-mail (formdoc.Email) is read where the mailbox is assembled
// (shared/app/mailbox), so what takes no mail links no MIME reader.
func DefaultReaders() map[string]Reader {
	as := func(format string) Reader {
		return func(data []byte) formdoc.Read { return formdoc.ReadAs(format, data) }
	}
	return map[string]Reader{
		formdoc.JSON: as(formdoc.JSON),
		formdoc.Text: as(formdoc.Text),
		formdoc.DOCX: as(formdoc.DOCX),
		formdoc.DOC:  as(formdoc.DOC), // says what to do with an old or password-protected document
		formdoc.PDF:  as(formdoc.PDF),
	}
}

// Result is what the referrer is told.
type Result struct {
	Ref       string             `json:"ref"`
	Status    casefile.Status    `json:"status"`
	Route     referral.Route     `json:"route"`
	Problems  []referral.Problem `json:"problems"`
	Duplicate bool               `json:"duplicate"`         // this input was received before
	Changed   []string           `json:"changed,omitempty"` // a correction: the answers it changed (JSON paths)
}

// RawKey is the key of a raw input: its SHA-256, hex.
func RawKey(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Submit keeps, reads, checks and stores one raw input. It returns an error
// only when the input could not be kept or stored, which is worth a retry;
// an input that cannot be read is stored as an incomplete case with a
// problem that says why.
func (s *Service) Submit(ctx context.Context, raw Raw) (Result, error) {
	key := RawKey(raw.Data)
	location := "raw/" + key
	if err := s.Blobs.Put(ctx, location, raw.Data); err != nil {
		return Result{}, fmt.Errorf("intake: keep raw input: %w", err)
	}
	log := s.logger().With("channel", raw.Channel, "rawKey", key[:16], "bytes", len(raw.Data))
	if c, err := s.Store.FindByRawKey(ctx, key); err == nil {
		log.Info("duplicate input", "ref", c.Ref)
		// The first delivery may have stopped before its deadlines were set
		// or the Business Unit was told (with SettleLater, the stream's
		// record of the case is still there to settle it).
		if !s.SettleLater {
			if err := s.settle(ctx, c); err != nil {
				return Result{}, err
			}
		}
		return result(c, true), nil
	} else if errs.Code(err) != errs.NotFound {
		return Result{}, fmt.Errorf("intake: look up raw input: %w", err)
	}

	p := s.Parse(raw)
	if p.NotTheForm {
		// A letter or a chronology, kept above: no case is opened for it.
		log.Warn("not the referral form: no case opened", "format", p.Format)
		return Result{}, errs.Wrap(errs.Invalid, formdoc.ErrNotTheForm, "%s", p.Problems[0].Message)
	}
	status := casefile.Complete
	if len(p.Problems) > 0 {
		status = casefile.Incomplete
	}
	c, created, err := s.Store.CreateCase(ctx, casefile.Case{
		RawKey:      key,
		RawLocation: location,
		Channel:     raw.Channel,
		Sender:      raw.Sender,
		Filename:    raw.Filename,
		MessageKey:  raw.MessageKey,
		ReceivedAt:  raw.ReceivedAt.UTC(),
		Status:      status,
		Route:       p.Route,
		Referral:    p.Referral,
		Problems:    p.Problems,
		Sources:     p.Sources,
	}, s.Prefix+"-"+strconv.Itoa(civil.In(raw.ReceivedAt, s.location()).Year))
	if err != nil {
		return Result{}, fmt.Errorf("intake: store case: %w", err)
	}
	log.Info("referral received", "ref", c.Ref, "format", p.Format, "status", c.Status, "route", c.Route,
		"problems", len(c.Problems), "duplicate", !created)
	if s.SettleLater {
		return result(c, !created), nil
	}
	if err := s.settle(ctx, c); err != nil {
		// The case is stored; a retry of the same input finishes the job.
		return Result{}, err
	}
	return result(c, !created), nil
}

// Settle does what follows case ref's being stored: its deadlines and
// reminders, and the new-case notices, each once however often it is
// called (the notices are recorded in the case's history). The table's
// stream calls it for every new case when intake leaves it (SettleLater).
func (s *Service) Settle(ctx context.Context, ref string) error {
	c, err := s.Store.GetCase(ctx, ref)
	if err != nil {
		return fmt.Errorf("intake: settle %s: %w", ref, err)
	}
	return s.settle(ctx, c)
}

// settle does what follows a stored case, on one read of its history:
// its deadlines and reminders, and the new-case notices.
func (s *Service) settle(ctx context.Context, c casefile.Case) error {
	if s.Calendar == nil && s.Notices == nil {
		return nil
	}
	events, err := s.Store.ListEvents(ctx, c.Ref)
	if err != nil {
		return fmt.Errorf("intake: read history: %w", err)
	}
	if _, err := s.syncDeadlines(ctx, c, events); err != nil {
		return err
	}
	return s.tellBusinessUnit(ctx, c, events)
}

// Notice events record who was told of a new case, so a retry tells each
// once.
const (
	EventBusinessUnitTold = "business-unit-told"
	EventLDChairTold      = "ld-chair-told"
)

// tellBusinessUnit sends the new-case notices — to the Business Unit, and
// to the Learning and Development Group's chair, who sees every
// notification and every learning referral (§10.1, §10.2) — unless the
// case's history says each went: at least once, and once more only if a
// send's record was lost.
func (s *Service) tellBusinessUnit(ctx context.Context, c casefile.Case, events []casefile.Event) error {
	if s.Notices == nil {
		return nil
	}
	for _, n := range []struct {
		event, id, role, intro string
		to                     []string
	}{
		{EventBusinessUnitTold, "new", deadlines.BusinessUnit, "A new referral has been received.", s.BusinessUnit},
		{EventLDChairTold, "ld", deadlines.LDChair, "For the Learning and Development Group: a new referral has been received (procedure §10.1, §10.2).", s.LDChair},
	} {
		if len(n.to) == 0 || slices.ContainsFunc(events, func(e casefile.Event) bool { return e.Type == n.event }) {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n\nReference: %s\nReceived: %s\nChannel: %s\nRoute: %s\nStatus: %s", n.intro,
			c.Ref, c.ReceivedAt.In(s.location()).Format("Monday 2 January 2006 at 15:04"), c.Channel, c.Route, c.Status)
		if k := len(c.Problems); k > 0 {
			fmt.Fprintf(&b, " (%d %s for the referrer)", k, map[bool]string{true: "problem", false: "problems"}[k == 1])
		}
		b.WriteString("\n")
		switch {
		case n.event == EventLDChairTold && c.Route != referral.RouteLearning:
			// The L&D chair's pages hold learning referrals: a notification
			// is the partners', who share their decision and its rationale.
			b.WriteString("\nThe case is for the Statutory Safeguarding Partners; the Business Unit will share their decision and its rationale (§5.6, §10.5).\n")
		case s.CaseURL != nil:
			fmt.Fprintf(&b, "\nOpen the case: %s\n", s.CaseURL(c.Ref))
		}
		b.WriteString("\nThe child's details are on the case page only: they are never sent by e-mail.\n")
		err := s.Notices.Send(ctx, mail.Message{
			From: s.Partnership + " <" + s.Mailbox + ">", To: n.to,
			Subject:   fmt.Sprintf("[%s] New referral: %s, by %s", c.Ref, c.Route, c.Channel),
			Text:      b.String(),
			MessageID: n.id + "." + mail.SafeID(c.Ref) + "@cspr-intake", Date: s.now(),
		})
		if err != nil && errs.Code(err) != errs.Invalid {
			return fmt.Errorf("intake: tell the %s of %s: %w", n.role, c.Ref, err)
		}
		_, err = s.Store.AppendEvent(ctx, casefile.Event{Ref: c.Ref, ID: n.event, Type: n.event, At: s.now(), Actor: "intake",
			Data: map[string]string{"to": n.role}})
		if err != nil {
			return fmt.Errorf("intake: record notice of %s: %w", c.Ref, err)
		}
	}
	return nil
}

// EventCorrected is the history event of a new version of a case.
const EventCorrected = "corrected"

// Correct keeps, reads and checks a corrected form for case ref, and stores
// it as the case's next version. A correction merges, it never blanks: the
// answers it gives replace the case's, the answers it leaves out are kept
// (referral.Merge), and the whole is checked again. The new version and
// its "corrected" event (with the raw input's key and the answers
// changed) are one write, so the same raw input sent again, even at the
// same time, is one correction. Who may correct a case is the caller's
// decision (the mailbox checks the sender).
func (s *Service) Correct(ctx context.Context, ref string, raw Raw) (Result, error) {
	key := RawKey(raw.Data)
	location := "raw/" + key
	if err := s.Blobs.Put(ctx, location, raw.Data); err != nil {
		return Result{}, fmt.Errorf("intake: keep raw input: %w", err)
	}
	log := s.logger().With("channel", raw.Channel, "rawKey", key[:16], "bytes", len(raw.Data), "ref", ref)
	eventID := EventCorrected + "-" + key[:16]
	format, read, readProbs, sources, _ := s.read(raw)
	for attempt := 0; ; attempt++ {
		c, err := s.Store.GetCase(ctx, ref)
		if err != nil {
			return Result{}, fmt.Errorf("intake: correct %s: %w", ref, err)
		}
		next := c
		next.Version = c.Version + 1
		next.RawKey, next.RawLocation = c.RawKey, location // the first input keeps the case's raw-key guard
		next.Filename, next.MessageKey = raw.Filename, raw.MessageKey
		if !raw.Vouched && !unreadable(readProbs) && otherChild(c.Referral, read) {
			log.Warn("correction names another child: not applied")
			return Result{}, errs.Wrap(errs.Conflict, ErrOtherChild, "the correction of %s names another child: a new referral, or a correction of who the child is?", ref)
		}
		var changed []string
		if unreadable(readProbs) {
			// A correction that cannot be read changes no answer; its
			// problem is added so the referrer hears of it.
			next.Problems = append(append([]referral.Problem(nil), readProbs...), withoutUnreadable(c.Problems)...)
		} else {
			// What a correction received later already changed stays.
			correction := read
			if newer, err := s.changedSince(ctx, ref, raw.ReceivedAt); err != nil {
				return Result{}, err
			} else if len(newer) > 0 {
				correction = read.Clone()
				for _, p := range newer {
					referral.Clear(&correction, p)
				}
			}
			next.Referral, changed = referral.Merge(c.Referral, correction)
			next.Sources = mergeSources(c.Sources, sources, changed, c.Version+1)
			route, checked := referral.Check(&next.Referral, civil.In(raw.ReceivedAt, s.location()))
			next.Route, next.Problems = route, referral.WithReadProblems(&next.Referral, readProbs, checked)
		}
		next.Status = casefile.Complete
		if len(next.Problems) > 0 {
			next.Status = casefile.Incomplete
		}
		e := casefile.Event{Ref: ref, ID: eventID, Type: EventCorrected, At: raw.ReceivedAt.UTC(), Actor: raw.Channel,
			Data: map[string]string{"rawKey": key, "version": strconv.Itoa(next.Version), "problems": strconv.Itoa(len(next.Problems)),
				"changed": strings.Join(changed, ","), "format": format, "receivedAt": raw.ReceivedAt.UTC().Format(time.RFC3339Nano)}}
		if raw.ReleasedBy != "" {
			// Applied when an officer released it: dated and signed so.
			e.At, e.Actor, e.Data["releasedBy"] = raw.ReleasedAt.UTC(), raw.ReleasedBy, raw.ReleasedBy
		}
		applied, err := s.Store.UpdateCase(ctx, next, e)
		if errs.Code(err) == errs.Conflict && attempt < maxCorrectionAttempts {
			// Another correction landed first: apply this one on top, after
			// a short random wait so that many at once take turns.
			select {
			case <-ctx.Done():
				return Result{}, ctx.Err()
			case <-time.After(time.Duration(rand.Int64N(int64(5*time.Millisecond) * int64(min(attempt+1, 8))))):
			}
			continue
		}
		if err != nil {
			return Result{}, fmt.Errorf("intake: correct %s: %w", ref, err)
		}
		if !applied {
			log.Info("duplicate correction", "version", c.Version)
			res := result(c, true)
			res.Changed = changedOf(ctx, s.Store, ref, eventID)
			return res, nil
		}
		log.Info("referral corrected", "version", next.Version, "status", next.Status, "route", next.Route,
			"problems", len(next.Problems), "changed", len(changed))
		if _, err := s.SyncDeadlines(ctx, next); err != nil {
			return Result{}, err
		}
		res := result(next, false)
		res.Changed = changed
		return res, nil
	}
}

// otherChild reports whether a correction names another child than the
// case: a child in the same place with another name or date of birth,
// where both give one.
func otherChild(c, correction referral.Referral) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	for i := range min(len(c.Children), len(correction.Children)) {
		a, b := c.Children[i], correction.Children[i]
		if norm(a.FullName) != "" && norm(b.FullName) != "" && norm(a.FullName) != norm(b.FullName) {
			return true
		}
		da, okA := referral.ParseDate(a.DateOfBirth)
		db, okB := referral.ParseDate(b.DateOfBirth)
		if okA && okB && da != db {
			return true
		}
	}
	return false
}

// changedSince lists the answers changed by the case's corrections
// received after t: an older correction, released later, keeps them.
func (s *Service) changedSince(ctx context.Context, ref string, t time.Time) ([]string, error) {
	events, err := s.Store.ListEvents(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("intake: read history: %w", err)
	}
	var out []string
	for _, e := range events {
		if e.Type != EventCorrected || e.Data["changed"] == "" {
			continue
		}
		received := e.At
		if r, err := time.Parse(time.RFC3339Nano, e.Data["receivedAt"]); err == nil {
			received = r
		}
		if received.After(t) {
			out = append(out, strings.Split(e.Data["changed"], ",")...)
		}
	}
	return out, nil
}

// mergeSources is where each answer of a corrected case was read: the
// answers the correction changed, in the correction (version n); the
// rest where they were.
func mergeSources(before, correction map[string]referral.Source, changed []string, n int) map[string]referral.Source {
	out := maps.Clone(before)
	for _, p := range changed {
		if out == nil {
			out = map[string]referral.Source{}
		}
		if src := correction[p]; src.At != "" {
			src.At += " of correction " + strconv.Itoa(n)
			out[p] = src
		} else {
			delete(out, p)
		}
	}
	return out
}

// changedOf reads the answers a recorded correction changed.
func changedOf(ctx context.Context, st Store, ref, eventID string) []string {
	events, err := st.ListEvents(ctx, ref)
	if err != nil {
		return nil
	}
	for _, e := range events {
		if e.ID == eventID && e.Data["changed"] != "" {
			return strings.Split(e.Data["changed"], ",")
		}
	}
	return nil
}

func unreadable(probs []referral.Problem) bool {
	return len(probs) > 0 && probs[0].Code == referral.CodeUnreadable && probs[0].Field == ""
}

// withoutUnreadable drops the whole-input "unreadable" problems of an
// earlier input, so they do not pile up.
func withoutUnreadable(probs []referral.Problem) []referral.Problem {
	var out []referral.Problem
	for _, p := range probs {
		if !(p.Code == referral.CodeUnreadable && p.Field == "") {
			out = append(out, p)
		}
	}
	return out
}

func result(c casefile.Case, duplicate bool) Result {
	probs := c.Problems
	if probs == nil {
		probs = []referral.Problem{} // "problems": [] for a complete referral, never null
	}
	return Result{Ref: c.Ref, Status: c.Status, Route: c.Route, Problems: probs, Duplicate: duplicate}
}

// Parsed is a raw input read and checked.
type Parsed struct {
	Format   string
	Route    referral.Route
	Referral referral.Referral
	Problems []referral.Problem
	Sources  map[string]referral.Source // where each answer was read, and its text (formdoc.Read)
	Readable bool                       // false: nothing of the form could be read, and Problems says why
	// NotTheForm: what was sent is not the referral form at all (a letter,
	// a chronology): Submit opens no case for it.
	NotTheForm bool
}

// Parse reads and checks a raw input as of the day it was received, in
// the partnership's zone. It needs only Readers, MaxBytes and Location;
// the same input and day always give the same answer.
func (s *Service) Parse(raw Raw) Parsed {
	format, r, probs, sources, notForm := s.read(raw)
	p := Parsed{Format: format, Route: referral.RouteUnknown, Referral: r, Problems: probs, Sources: sources, NotTheForm: notForm}
	if unreadable(probs) {
		return p
	}
	p.Readable = true
	route, checked := referral.Check(&p.Referral, civil.In(raw.ReceivedAt, s.location()))
	p.Route, p.Problems = route, referral.WithReadProblems(&p.Referral, p.Problems, checked)
	return p
}

// read picks a reader by the input's format. A problem with code
// "unreadable" means nothing of the form could be read; notForm that it is
// not the form at all.
func (s *Service) read(raw Raw) (format string, r referral.Referral, probs []referral.Problem, sources map[string]referral.Source, notForm bool) {
	if s.MaxBytes > 0 && int64(len(raw.Data)) > s.MaxBytes {
		return "", referral.Referral{}, []referral.Problem{unreadableProblem(fmt.Sprintf(
			"What you sent is %s MB, more than the %s MB we read. It has been kept; please send the referral form on its own",
			megabytes(int64(len(raw.Data))), megabytes(s.MaxBytes)))}, nil, false
	}
	if len(raw.Data) == 0 {
		return "", referral.Referral{}, []referral.Problem{unreadableProblem("What you sent was empty. Please send the completed referral form")}, nil, false
	}
	var err error
	if raw.Read != nil {
		format, r, probs, err, sources = raw.Read.Format, raw.Read.Referral, raw.Read.Problems, raw.Read.Err, raw.Read.Sources
	} else {
		format = formdoc.Detect(raw.Filename, raw.ContentType, raw.Data)
		readers := s.Readers
		if readers == nil {
			readers = DefaultReaders()
		}
		read, ok := readers[format]
		if !ok { // formdoc says what it is and what to send instead (an Outlook .msg, a spreadsheet …)
			read = func(data []byte) formdoc.Read { return formdoc.ReadAs(formdoc.Unknown, data) }
		}
		got := read(raw.Data)
		r, probs, err, sources = got.Referral, got.Problems, got.Err, got.Sources
	}
	if err != nil {
		msg := errs.Message(err)
		if errs.Code(err) != errs.Invalid {
			msg = "We could not read the form. It has been kept and the Business Unit will look at it"
		}
		s.logger().Warn("input not read", "format", format, "code", errs.Code(err))
		return format, referral.Referral{}, []referral.Problem{unreadableProblem(msg)}, nil, errors.Is(err, formdoc.ErrNotTheForm)
	}
	return format, r, probs, sources, false
}

func unreadableProblem(msg string) referral.Problem {
	return referral.Problem{Code: referral.CodeUnreadable, Message: msg}
}

func megabytes(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) }

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s *Service) logger() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}
