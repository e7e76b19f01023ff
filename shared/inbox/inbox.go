// Package inbox is the e-mail intake: one message received by the
// partnership's secure mailbox becomes cases, a correction of a case, or a
// message held for the Business Unit, and the sender is told what
// happened. It knows no AWS or SMTP: functions/email-intake feeds it SES
// deliveries, infra/local its SMTP inbox.
//
// What it promises:
//
//   - The raw message is kept before anything reads it.
//   - A message is processed once. Its record (casefile.Message, keyed by
//     its Message-ID, or by its bytes when it has none) is claimed with a
//     lock that expires, so SES's and S3's repeated deliveries, concurrent
//     or hours apart, make one case and one acknowledgement; a delivery
//     that died mid-way is taken over once its lock expires. A different
//     message that reuses a Message-ID is keyed by its bytes instead.
//   - Mail that fails the virus, spam or DMARC checks, comes from outside
//     the secure domains or was sent by a machine is quarantined: kept,
//     flagged to the Business Unit, never answered (no backscatter) until
//     an officer releases it.
//   - Each Word form attached (or PDF of it) becomes a case; with none, the
//     message itself is read (the form typed or pasted in the body). Other
//     attachments are kept with the message and not read.
//   - A message that names a case (its reference in the subject, or a
//     reply to our acknowledgement) corrects that case only when it comes
//     from the address the case came from (or the referrer's address on
//     the form) and passed the sender checks (DMARC, or SPF or DKIM where
//     the domain publishes no DMARC policy). References are guessable and
//     domains are shared by thousands, so anything else naming a case is
//     held for the Business Unit as a possible correction and changes
//     nothing. A correction merges: it never blanks an answer.
//   - Acknowledgements go to the address the message came from (never a
//     Reply-To), are threaded to it, say the reference, the route, the
//     deadlines now running and what is missing, and never carry the
//     child's details, the subject or a file's name.
package inbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/mailform"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
)

// Delivery is one message as the mail system handed it over.
type Delivery struct {
	Data []byte
	// Location is where the raw message is kept already (SES writes it to
	// S3 before invoking the function); empty means keep it here.
	Location   string
	Verdicts   Verdicts // nil when the mail system gave none (the local SMTP inbox)
	ReceivedAt time.Time
	Attempt    int // 0 for the mail system's deliveries; the sweep counts its own
}

// Verdicts are the receiving mail system's checks: spam, virus, spf, dkim
// and dmarc, each PASS, FAIL, GRAY, PROCESSING_FAILED or DISABLED (SES's
// words).
type Verdicts map[string]string

// Store is the part of store.Ledger and store.Cases the inbox uses.
type Store interface {
	BeginMessage(ctx context.Context, m casefile.Message) (casefile.Message, bool, error)
	ListStuckMessages(ctx context.Context, t time.Time) ([]casefile.Message, error)
	PutMessage(ctx context.Context, m casefile.Message) error
	GetMessage(ctx context.Context, key string) (casefile.Message, error)
	GetCase(ctx context.Context, ref string) (casefile.Case, error)
	AppendEvent(ctx context.Context, e casefile.Event) (bool, error) // a bounce of our mail, on its case
}

// Blobs keeps and reads raw messages.
type Blobs interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// Intake is the part of intake.Service the inbox uses.
type Intake interface {
	Submit(ctx context.Context, raw intake.Raw) (intake.Result, error)
	Correct(ctx context.Context, ref string, raw intake.Raw) (intake.Result, error)
	Deadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
}

// Service receives messages.
type Service struct {
	Intake Intake
	Store  Store
	Blobs  Blobs
	Mail   mail.Sender
	Rules  deadlines.RuleSet // for the deadlines' titles in acknowledgements

	Partnership   string
	Mailbox       string   // the secure mailbox: acknowledgements come from it
	Prefix        string   // reference prefix: DSP
	SecureDomains []string // sender domains trusted, with their subdomains
	BusinessUnit  []string // told of every message held
	Location      *time.Location
	Limits        mailparse.Limits
	Lock          time.Duration    // how long a delivery may hold a message: the function's timeout
	Now           func() time.Time // the clock; time.Now if nil
	Log           *slog.Logger

	// TrustWithoutVerdicts takes a delivery with no verdicts at all as
	// authenticated, for corrections: only the local runner sets it (its
	// SMTP inbox listens on loopback and has no checks to read). In AWS
	// every delivery carries SES's verdicts.
	TrustWithoutVerdicts bool

	// Acks bounds the acknowledgements one address gets (see AckRate): a
	// burst of messages in someone's name does not become a burst of our
	// mail to them. nil for no bound.
	Acks *admit.Rate

	// Parse and Read parse a message and read a document in it:
	// mailparse.Parse and formdoc.ReadAs if nil.
	Parse func(r io.Reader, l mailparse.Limits) (*mailparse.Message, error)
	Read  mailform.Reader
}

// AckRate is how many acknowledgements one address may get an hour.
const AckRate = 10

// Report is what became of a message.
type Report struct {
	Key       string           `json:"key"`
	Outcome   casefile.Outcome `json:"outcome"`
	Refs      []string         `json:"refs,omitempty"`
	Reasons   []string         `json:"reasons,omitempty"`
	Duplicate bool             `json:"duplicate"` // processed before: nothing done again
}

// Reasons a message is held or refused: codes, shown to officers with
// their words (Reasons).
const (
	ReasonVirus         = "virus"                      // virus found, or the scan failed
	ReasonSpam          = "spam"                       // judged spam
	ReasonDMARC         = "dmarc"                      // the sender's domain says it did not send it
	ReasonUnauthed      = "unauthenticated"            // neither SPF nor DKIM passed
	ReasonUntrusted     = "untrusted-sender"           // from outside the secure domains
	ReasonAutomatic     = "auto-submitted"             // sent by a machine (RFC 3834): never answered
	ReasonUnreadable    = "unreadable"                 // not an e-mail that could be read
	ReasonOwnMessage    = "own-message"                // sent by this system: a loop, dropped from processing
	ReasonNoSender      = "no-sender"                  // no address to answer
	ReasonTooManyForms  = "too-many-forms"             // more forms than one message may open cases for
	ReasonMayCorrect    = "possible-correction"        // names a case but may not change it: another sender, or checks not passed
	ReasonFailed        = "processing-failed"          // processing was cut off again and again: for a person to look at
	ReasonNotTheForm    = "not-the-form"               // neither an attachment nor the body is the referral form: the sender is told
	ReasonOtherChild    = "new-referral-or-correction" // a correction from the case's sender naming another child: a new referral, or who the child is corrected?
	ReasonManySenders   = "more-than-one-sender"       // two From fields, or a list: no one sender to answer or trust
	ReasonUnanswerable  = "unanswerable-sender"        // an address we do not write back to (a quoted local part, control characters)
	ReasonNotScanned    = "not-scanned"                // no virus or spam verdict, or a gray one: not read until a person looks
	maxAttempts         = 3
	maxFormsPerMessage  = 10
	defaultLock         = 2 * time.Minute
	attachmentKeyLength = 16
)

// Reasons are every reason a message is held, in the order the held-mail
// page explains them, with their words for officers.
var Reasons = []struct{ Code, Words string }{
	{ReasonUntrusted, "from outside the partnership's secure domains"},
	{ReasonDMARC, "the sender's domain says it did not send it (DMARC failed)"},
	{ReasonUnauthed, "neither SPF nor DKIM passed: the sender cannot be told from a forger"},
	{ReasonVirus, "a virus was found, or the scan failed"},
	{ReasonSpam, "judged spam"},
	{ReasonNotScanned, "no virus or spam verdict, or a gray one: not read until a person looks"},
	{ReasonAutomatic, "sent by a machine (an auto-reply): never answered"},
	{ReasonNoSender, "no address to answer"},
	{ReasonManySenders, "more than one sender: no one to answer or trust"},
	{ReasonUnanswerable, "an address this system does not write back to"},
	{ReasonMayCorrect, "names a case it may not change: another sender, or the checks not passed"},
	{ReasonOtherChild, "from the case's sender, but about another child: a new referral, or a correction of who the child is?"},
	{ReasonNotTheForm, "not the referral form (a letter, a chronology): the sender was told so"},
	{ReasonTooManyForms, "more forms than one message may open cases for"},
	{ReasonFailed, "reading it was cut off again and again"},
	{ReasonUnreadable, "not an e-mail that could be read"},
}

// SenderAnswered reports whether a held message's sender was answered:
// only one held as not the form was (told to send the form).
func SenderAnswered(reasons []string) bool { return slices.Contains(reasons, ReasonNotTheForm) }

// Receive processes one delivery. It returns an error only when the work
// should be retried (storage or mail failures, or another delivery of the
// same message still under way: errs.Conflict); everything about the
// message itself ends in a stored outcome.
func (s *Service) Receive(ctx context.Context, d Delivery) (Report, error) {
	rawKey := intake.RawKey(d.Data)
	location := d.Location
	if location == "" {
		location = "mail/" + rawKey
		if err := s.Blobs.Put(ctx, location, d.Data); err != nil {
			return Report{}, fmt.Errorf("inbox: keep message: %w", err)
		}
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = s.now()
	}
	msg, perr := s.parse(bytes.NewReader(d.Data), s.limits())
	rec := casefile.Message{Key: "raw-" + rawKey[:32], RawKey: rawKey, RawLocation: location, ReceivedAt: d.ReceivedAt.UTC(),
		Verdicts: d.Verdicts, Attempts: d.Attempt}
	if msg != nil {
		rec.MessageID, rec.From = msg.MessageID, msg.From
		if msg.MessageID != "" {
			rec.Key = "id-" + hash(msg.MessageID)[:32]
		}
		rec.Attachments = attachments(msg, location)
	}
	rec, began, err := s.begin(ctx, rec)
	if err != nil || !began {
		return report(rec, !began), err
	}
	log := s.logger().With("message", rec.Key, "bytes", len(d.Data))

	switch reasons := s.screen(msg, d.Verdicts); {
	case msg == nil:
		log.Warn("message not readable", "code", errs.Code(perr))
		return s.hold(ctx, rec, casefile.OutcomeRefused, []string{ReasonUnreadable}, log)
	case strings.EqualFold(msg.From, s.Mailbox):
		log.Warn("message from this system's own mailbox: not processed")
		rec.State, rec.Outcome, rec.Reasons = casefile.Done, casefile.OutcomeRefused, []string{ReasonOwnMessage}
		return s.finish(ctx, rec)
	case len(reasons) > 0:
		return s.hold(ctx, rec, casefile.OutcomeQuarantined, reasons, log)
	case perr != nil:
		// A trusted sender whose message cannot be read (over the limits,
		// damaged): they are told why, and the Business Unit too.
		log.Warn("message not readable", "code", errs.Code(perr))
		if err := s.refuse(ctx, rec, msg, errs.Message(perr)); err != nil {
			return report(rec, false), err
		}
		return s.hold(ctx, rec, casefile.OutcomeRefused, []string{ReasonUnreadable}, log)
	}
	return s.process(ctx, rec, msg, d.Data, false, log)
}

// Sweep picks up the messages whose processing was cut off (a crash, a
// timeout): each in progress past its lock is processed again from its
// raw copy, as its mail system would have delivered it. One cut off
// maxAttempts times is not tried again but held for the Business Unit
// with reason processing-failed, so nothing stays invisible. It returns
// how many it picked up; an error only when the store cannot be read.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	stuck, err := s.Store.ListStuckMessages(ctx, s.now())
	if err != nil {
		return 0, fmt.Errorf("inbox: list stuck messages: %w", err)
	}
	for _, m := range stuck {
		log := s.logger().With("message", m.Key, "attempts", m.Attempts)
		if m.Attempts+1 >= maxAttempts {
			// Claimed first, so two sweeps never both hold and notify.
			m.Attempts++
			m.UpdatedAt, m.LockedUntil = s.now(), s.now().Add(s.lock())
			claimed, began, err := s.Store.BeginMessage(ctx, m)
			if err != nil || !began {
				continue
			}
			if _, err := s.hold(ctx, claimed, casefile.OutcomeQuarantined, []string{ReasonFailed}, log); err != nil {
				log.Error("stuck message not held", "err", err)
			}
			continue
		}
		data, err := s.Blobs.Get(ctx, m.RawLocation)
		if err != nil {
			log.Error("stuck message's raw copy cannot be read", "err", err)
			continue
		}
		log.Warn("processing was cut off: picked up again")
		if _, err := s.Receive(ctx, Delivery{Data: data, Location: m.RawLocation, Verdicts: m.Verdicts, ReceivedAt: m.ReceivedAt,
			Attempt: m.Attempts + 1}); err != nil {
			log.Error("stuck message failed again", "err", err)
		}
	}
	return len(stuck), nil
}

// Release processes a quarantined message as if it had passed the checks,
// on a Business Unit officer's word.
func (s *Service) Release(ctx context.Context, key, officer string) (Report, error) {
	rec, err := s.Store.GetMessage(ctx, key)
	if err != nil {
		return Report{}, err
	}
	if rec.Outcome != casefile.OutcomeQuarantined {
		return report(rec, true), errs.E(errs.Conflict, "message %s is not held (it is %s)", key, rec.Outcome)
	}
	data, err := s.Blobs.Get(ctx, rec.RawLocation)
	if err != nil {
		return Report{}, fmt.Errorf("inbox: read held message: %w", err)
	}
	msg, err := s.parse(bytes.NewReader(data), s.limits())
	if err != nil {
		return Report{}, errs.Wrap(errs.Invalid, err, "the held message cannot be read")
	}
	rec.ReleasedBy = officer
	log := s.logger().With("message", rec.Key, "releasedBy", officer)
	log.Info("message released")
	// The officer vouches for the sender; for changing a case only when the
	// message was held as a possible correction of it (the notice named the
	// case). Released for another reason, a message that names a case it
	// may not change is held again, as a possible correction.
	return s.process(ctx, rec, msg, data, slices.Contains(rec.Reasons, ReasonMayCorrect) || slices.Contains(rec.Reasons, ReasonOtherChild), log)
}

// Held is a held message as the Business Unit reads it before deciding:
// its record, its headers and its text — never its HTML rendered.
type Held struct {
	Message          casefile.Message
	Subject, ReplyTo string
	Date             time.Time
	Text             string // the body as plain text, at most 100,000 characters
	Unreadable       string // why the body could not be read, if it could not
}

// HeldMessage reads a held message. errs.NotFound for an unknown key;
// errs.Conflict for one that is not held.
func (s *Service) HeldMessage(ctx context.Context, key string) (Held, error) {
	rec, err := s.Store.GetMessage(ctx, key)
	if err != nil {
		return Held{}, err
	}
	if rec.Outcome != casefile.OutcomeQuarantined {
		return Held{}, errs.E(errs.Conflict, "message %s is not held (it is %s)", key, rec.Outcome)
	}
	h := Held{Message: rec}
	data, err := s.Blobs.Get(ctx, rec.RawLocation)
	if err != nil {
		return Held{}, fmt.Errorf("inbox: read held message: %w", err)
	}
	msg, err := s.parse(bytes.NewReader(data), s.limits())
	if msg != nil {
		h.Subject, h.ReplyTo, h.Date = msg.Subject, msg.ReplyTo, msg.Date
		h.Text = msg.Text
		if r := []rune(h.Text); len(r) > 100_000 {
			h.Text = string(r[:100_000]) + "\n[…]"
		}
	}
	if err != nil {
		h.Unreadable = errs.Message(err)
	}
	return h, nil
}

// Dismiss marks a held message not a referral: it is kept, its sender is
// not answered, and it leaves the held list. errs.Conflict for one that is
// not held.
func (s *Service) Dismiss(ctx context.Context, key, officer string) error {
	rec, err := s.Store.GetMessage(ctx, key)
	if err != nil {
		return err
	}
	if rec.Outcome != casefile.OutcomeQuarantined {
		return errs.E(errs.Conflict, "message %s is not held (it is %s)", key, rec.Outcome)
	}
	rec.Outcome, rec.DismissedBy, rec.UpdatedAt = casefile.OutcomeDismissed, officer, s.now()
	if err := s.Store.PutMessage(ctx, rec); err != nil {
		return fmt.Errorf("inbox: mark not a referral: %w", err)
	}
	s.logger().Info("message marked not a referral", "message", key, "dismissedBy", officer)
	return nil
}

// begin claims the message, keyed by its Message-ID; a message reusing
// another's Message-ID is keyed by its bytes instead.
func (s *Service) begin(ctx context.Context, rec casefile.Message) (casefile.Message, bool, error) {
	now := s.now()
	rec.State, rec.UpdatedAt, rec.LockedUntil = casefile.InProgress, now, now.Add(s.lock())
	got, began, err := s.Store.BeginMessage(ctx, rec)
	if err == nil && !began && got.RawKey != rec.RawKey && strings.HasPrefix(rec.Key, "id-") {
		s.logger().Warn("Message-ID reused by a different message: keyed by its bytes", "message", rec.Key)
		rec.Key = "raw-" + rec.RawKey[:32]
		got, began, err = s.Store.BeginMessage(ctx, rec)
	}
	switch {
	case err != nil:
		return rec, false, fmt.Errorf("inbox: claim message: %w", err)
	case began:
		return got, true, nil
	case got.State == casefile.InProgress:
		return got, false, errs.E(errs.Conflict, "message %s is being processed by another delivery; try again after %s", got.Key, got.LockedUntil.Format(time.RFC3339))
	}
	s.logger().Info("message processed before", "message", got.Key, "outcome", got.Outcome)
	return got, false, nil
}

// screen lists why a message must be held.
func (s *Service) screen(msg *mailparse.Message, v Verdicts) []string {
	if msg == nil {
		return nil
	}
	var reasons []string
	if st := v["virus"]; st == "FAIL" || st == "PROCESSING_FAILED" {
		reasons = append(reasons, ReasonVirus)
	}
	if v["spam"] == "FAIL" {
		reasons = append(reasons, ReasonSpam)
	}
	if v["dmarc"] == "FAIL" {
		reasons = append(reasons, ReasonDMARC)
	} else if v["dmarc"] != "PASS" && v["spf"] == "FAIL" && v["dkim"] == "FAIL" {
		reasons = append(reasons, ReasonUnauthed)
	}
	if !(v == nil && s.TrustWithoutVerdicts) && (v["virus"] != "PASS" && v["virus"] != "FAIL" && v["virus"] != "PROCESSING_FAILED" || v["spam"] != "PASS" && v["spam"] != "FAIL") {
		reasons = append(reasons, ReasonNotScanned)
	}
	switch {
	case msg.From == "":
		reasons = append(reasons, ReasonNoSender)
	case msg.Senders > 1:
		reasons = append(reasons, ReasonManySenders)
	case !mail.Answerable(msg.From):
		reasons = append(reasons, ReasonUnanswerable)
	case !mail.InDomains(msg.From, s.SecureDomains):
		reasons = append(reasons, ReasonUntrusted)
	}
	if msg.AutoSubmitted {
		reasons = append(reasons, ReasonAutomatic)
	}
	return reasons
}

// hold stores a message as held (quarantined or refused) and tells the
// Business Unit; the sender is not answered.
func (s *Service) hold(ctx context.Context, rec casefile.Message, outcome casefile.Outcome, reasons []string, log *slog.Logger) (Report, error) {
	rec.State, rec.Outcome, rec.Reasons = casefile.Done, outcome, reasons
	log.Warn("message held", "outcome", outcome, "reasons", strings.Join(reasons, ","))
	if err := s.Mail.Send(ctx, s.heldNotice(rec)); err != nil && errs.Code(err) != errs.Invalid {
		return report(rec, false), fmt.Errorf("inbox: tell the Business Unit: %w", err)
	}
	return s.finish(ctx, rec)
}

func (s *Service) finish(ctx context.Context, rec casefile.Message) (Report, error) {
	rec.LockedUntil, rec.UpdatedAt = time.Time{}, s.now()
	if err := s.Store.PutMessage(ctx, rec); err != nil {
		return report(rec, false), fmt.Errorf("inbox: record outcome: %w", err)
	}
	return report(rec, false), nil
}

func report(rec casefile.Message, duplicate bool) Report {
	return Report{Key: rec.Key, Outcome: rec.Outcome, Refs: rec.Refs, Reasons: rec.Reasons, Duplicate: duplicate}
}

// process turns a trusted message into a correction or new cases, and
// answers the sender. vouched: an officer released it as a correction of
// the case it names.
func (s *Service) process(ctx context.Context, rec casefile.Message, msg *mailparse.Message, data []byte, vouched bool, log *slog.Logger) (Report, error) {
	forms, others := s.Read.Forms(msg)
	if ref, may := s.correctionOf(ctx, msg, rec.Verdicts); ref != "" {
		if !may && !vouched {
			rec.Refs = []string{ref}
			log.Warn("message names a case but may not correct it: held", "ref", ref)
			return s.hold(ctx, rec, casefile.OutcomeQuarantined, []string{ReasonMayCorrect}, log)
		}
		raw := raw(rec, msg, data, forms)
		if len(forms) == 0 {
			body := s.Read.Body(msg)
			raw.Read = &body
		}
		if rec.ReleasedBy != "" {
			raw.ReleasedBy, raw.ReleasedAt, raw.Vouched = rec.ReleasedBy, s.now(), vouched
		}
		res, err := s.Intake.Correct(ctx, ref, raw)
		if errors.Is(err, intake.ErrOtherChild) {
			// Not the case's child: a new referral, or a correction of who
			// the child is — the Business Unit decides; nothing changed.
			rec.Refs = []string{ref}
			log.Warn("correction names another child: held", "ref", ref)
			return s.hold(ctx, rec, casefile.OutcomeQuarantined, []string{ReasonOtherChild}, log)
		}
		if err != nil {
			return report(rec, false), err
		}
		if err := s.acknowledge(ctx, rec, msg, res, raw.ReceivedAt, true, source(forms, 0), others); err != nil {
			return report(rec, false), err
		}
		rec.State, rec.Outcome, rec.Refs = casefile.Done, casefile.OutcomeCorrection, []string{ref}
		log.Info("message corrected a case", "ref", ref, "changed", len(res.Changed))
		return s.finish(ctx, rec)
	}
	var raws []intake.Raw
	var sources []string
	if len(forms) == 0 {
		body := s.Read.Body(msg)
		if errors.Is(body.Err, formdoc.ErrNotTheForm) {
			// A letter, a chronology, "please see attached" with nothing
			// attached: no case. The sender is told; the Business Unit sees
			// it held.
			log.Warn("message is not the referral form: held, the sender told")
			if err := s.refuse(ctx, rec, msg, errs.Message(body.Err)); err != nil {
				return report(rec, false), err
			}
			return s.hold(ctx, rec, casefile.OutcomeQuarantined, []string{ReasonNotTheForm}, log)
		}
		r := raw(rec, msg, data, nil)
		r.Read = &body
		raws, sources = []intake.Raw{r}, []string{source(nil, 0)}
	}
	for i, f := range forms {
		if i == maxFormsPerMessage {
			rec.Reasons = append(rec.Reasons, ReasonTooManyForms)
			log.Warn("more forms than one message may open cases for", "forms", len(forms))
			break
		}
		raws = append(raws, raw(rec, msg, data, []mailform.Form{f}))
		sources = append(sources, source(forms, i))
	}
	rec.Refs = nil
	for i, raw := range raws {
		res, err := s.Intake.Submit(ctx, raw)
		if err != nil {
			return report(rec, false), err
		}
		if err := s.acknowledge(ctx, rec, msg, res, raw.ReceivedAt, false, sources[i], others); err != nil {
			return report(rec, false), err
		}
		rec.Refs = append(rec.Refs, res.Ref)
	}
	rec.State, rec.Outcome = casefile.Done, casefile.OutcomeCase
	log.Info("message made cases", "refs", strings.Join(rec.Refs, ","), "forms", len(forms), "otherAttachments", len(others))
	return s.finish(ctx, rec)
}

// source says what a case was read from without echoing a file's name
// (names often hold a child's): "your Word form (1 of 2)".
func source(forms []mailform.Form, i int) string {
	if len(forms) == 0 {
		return "the text of your e-mail"
	}
	what := "your Word form"
	if forms[i].Read.Format == formdoc.PDF {
		what = "your PDF form"
	}
	if len(forms) > 1 {
		what += fmt.Sprintf(" (%d of %d)", i+1, len(forms))
	}
	return what
}

// raw is the input intake reads: the form attached, or the whole message
// when there is none (its body is read).
func raw(rec casefile.Message, msg *mailparse.Message, data []byte, forms []mailform.Form) intake.Raw {
	sender := msg.From
	if len(forms) == 0 { // the body is read, and handed over, by process
		return intake.Raw{Data: data, Channel: "email", Sender: sender, Filename: "message.eml", ContentType: "message/rfc822",
			ReceivedAt: rec.ReceivedAt, MessageKey: rec.Key}
	}
	f := forms[0]
	return intake.Raw{Data: f.Attachment.Data, Channel: "email", Sender: sender, Filename: safeName(f.Attachment.Filename),
		ContentType: f.Attachment.ContentType, ReceivedAt: rec.ReceivedAt, MessageKey: rec.Key, Read: &f.Read}
}

// correctionOf finds the case a message names — a reference in the
// acknowledgement it answers, or in its subject — and whether its sender
// may correct that case: the same address the case came from (or the
// referrer's own address on the form), with the sender checks passed.
// A reference to no case names nothing.
func (s *Service) correctionOf(ctx context.Context, msg *mailparse.Message, v Verdicts) (ref string, may bool) {
	var refs []string
	for _, id := range append([]string{msg.InReplyTo}, msg.References...) {
		if ref, ok := refOfAck(id); ok {
			refs = append(refs, ref)
		}
	}
	refs = append(refs, casefile.RefsIn(msg.Subject, s.Prefix)...)
	for _, r := range refs {
		c, err := s.Store.GetCase(ctx, r)
		if err != nil {
			continue
		}
		if ref == "" {
			ref = r
		}
		if s.authenticated(v) && sameAddress(msg.From, c.Sender, c.Referral.Referrer.Email) {
			return r, true
		}
	}
	return ref, false
}

// authenticated reports whether the receiving mail system vouches for the
// sender's domain: DMARC passed, or where the domain publishes no DMARC
// policy (GRAY), SPF or DKIM passed.
func (s *Service) authenticated(v Verdicts) bool {
	if v == nil {
		return s.TrustWithoutVerdicts
	}
	switch v["dmarc"] {
	case "PASS":
		return true
	case "GRAY", "":
		return v["spf"] == "PASS" || v["dkim"] == "PASS"
	}
	return false
}

// sameAddress reports whether from is one of the addresses, ignoring case.
func sameAddress(from string, addrs ...string) bool {
	from = strings.ToLower(strings.TrimSpace(from))
	if mail.DomainOf(from) == "" {
		return false
	}
	for _, a := range addrs {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" && a == from {
			return true
		}
	}
	return false
}

// domainOf is the domain of an address, after its last "@".
// AckID is the Message-ID of the acknowledgement of case ref for message
// key: the same for every delivery, so receivers and the outbox drop a
// second copy, and a reply to it names the case.
func (s *Service) AckID(ref, key string, correction bool) string {
	kind := "ack"
	if correction {
		kind = "ack-c"
	}
	_, domain, _ := strings.Cut(s.Mailbox, "@")
	if domain == "" {
		domain = "cspr-intake"
	}
	return kind + "." + ref + "." + key + "@" + domain
}

var ackRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ack(?:-c)?\.((?i)` + casefile.RefPattern + `)\.`) })

func refOfAck(id string) (string, bool) {
	m := ackRE().FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// attachments lists a message's files for its record: names cleaned, no
// contents (they stay in the raw message, at their part number).
func attachments(msg *mailparse.Message, location string) []casefile.Attachment {
	var out []casefile.Attachment
	for i, a := range msg.Attachments {
		sum := sha256.Sum256(a.Data)
		out = append(out, casefile.Attachment{Name: safeName(a.Filename), ContentType: a.ContentType, Bytes: len(a.Data),
			Location: fmt.Sprintf("%s#%d:%s", location, i+1, hex.EncodeToString(sum[:])[:attachmentKeyLength])})
	}
	return out
}

// safeName is a file name without any path, control characters or
// leading dots: "../../etc/passwd" is "passwd".
func safeName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name))
	name = strings.TrimLeft(name, ".")
	if name == "" || name == "/" {
		return "attachment"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (s *Service) parse(r io.Reader, l mailparse.Limits) (*mailparse.Message, error) {
	if s.Parse == nil {
		return mailparse.Parse(r, l)
	}
	return s.Parse(r, l)
}

func (s *Service) limits() mailparse.Limits {
	if s.Limits == (mailparse.Limits{}) {
		return mailparse.DefaultLimits
	}
	return s.Limits
}

func (s *Service) lock() time.Duration {
	if s.Lock <= 0 {
		return defaultLock
	}
	return s.Lock
}

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
