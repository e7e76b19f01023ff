package inbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
)

// MailEvent is what the mail system reported of a message we sent: a
// bounce, a complaint, or a send it rejected.
type MailEvent struct {
	ID         string    // the mail system's id of the report, for recording it once
	Kind       string    // bounce, complaint, reject
	Type       string    // the bounce's type and subtype: "Permanent General", "Transient MailboxFull"
	MessageID  string    // the Message-ID we gave the message, without angle brackets
	Recipients []string  // the addresses it concerns
	At         time.Time // when it was reported
}

// EventMailBounced records on a case that a message about it came back.
const EventMailBounced = "mail-bounced"

// bounceNotice is the Message-ID prefix of the Business Unit's notice of a
// bounce: a notice that bounces itself is not noticed again (no loop).
const bounceNotice = "bounced."

// MailReported records a bounce, complaint or rejection of a message we
// sent — an acknowledgement, a reminder, a notice — on the case it was
// about (its reference is in every Message-ID we give), and tells the
// Business Unit at once: a statutory reminder that went nowhere is a
// deadline nobody was told of. The same report twice is recorded once.
func (s *Service) MailReported(ctx context.Context, ev MailEvent) error {
	if ev.ID == "" {
		return errs.E(errs.Invalid, "inbox: a mail report without an id")
	}
	log := s.logger().With("report", ev.ID, "kind", ev.Kind, "type", ev.Type)
	if strings.HasPrefix(ev.MessageID, bounceNotice) {
		log.Warn("the Business Unit's notice of a bounce bounced: not noticed again")
		return nil
	}
	what := sentWhat(ev.MessageID)
	ref := ""
	if refs := casefile.RefsIn(ev.MessageID, s.Prefix); len(refs) > 0 {
		if _, err := s.Store.GetCase(ctx, refs[0]); err == nil {
			ref = refs[0]
		}
	}
	if ref != "" {
		e := casefile.Event{Ref: ref, ID: "mail-" + hash(ev.ID)[:16], Type: EventMailBounced, At: ev.At, RecordedAt: s.now(), Actor: "ses",
			Data: map[string]string{"kind": ev.Kind, "type": ev.Type, "what": what, "to": strings.Join(ev.Recipients, ", ")}}
		recorded, err := s.Store.AppendEvent(ctx, e)
		if err != nil {
			return fmt.Errorf("inbox: record the %s of %s: %w", ev.Kind, ref, err)
		}
		if !recorded {
			return nil // the same report again: the Business Unit was told
		}
	}
	log.Warn("a message we sent came back", "ref", ref, "what", what)
	to := s.BusinessUnit
	if len(to) == 0 {
		to = []string{s.Mailbox}
	}
	var b strings.Builder
	about := "no case"
	if ref != "" {
		about = "case " + ref
	}
	fmt.Fprintf(&b, "An e-mail this system sent (%s, about %s) came back: %s", what, about, ev.Kind)
	if ev.Type != "" {
		fmt.Fprintf(&b, " (%s)", ev.Type)
	}
	fmt.Fprintf(&b, ".\n\nTo: %s\n\n", strings.Join(ev.Recipients, ", "))
	switch ev.Kind {
	case "bounce":
		b.WriteString("Its recipient was not told. If the address is wrong, correct it in the partnership's settings; a permanent bounce also puts the address on SES's suppression list, so later mail to it goes nowhere until it is removed (docs/aws.md). Tell the recipient another way in the meantime.\n")
	case "complaint":
		b.WriteString("Its recipient marked it as spam. Ask them to mark the partnership's mail as safe: later mail may not reach them.\n")
	default:
		b.WriteString("It was not sent. Tell the recipient another way.\n")
	}
	err := s.Mail.Send(ctx, mail.Message{
		From: s.Partnership + " <" + s.Mailbox + ">", To: to,
		Subject:   fmt.Sprintf("An e-mail came back: %s, %s", what, about),
		Text:      b.String(),
		MessageID: bounceNotice + mail.SafeID(ev.ID) + "@cspr-intake", Date: s.now(),
	})
	if err != nil && errs.Code(err) != errs.Invalid {
		return fmt.Errorf("inbox: tell the Business Unit of a %s: %w", ev.Kind, err)
	}
	return nil
}

// sentWhat says what a message was, from the Message-ID we gave it.
func sentWhat(id string) string {
	switch {
	case strings.HasPrefix(id, "ack."):
		return "an acknowledgement"
	case strings.HasPrefix(id, "inform."):
		return "the partners' notice"
	case strings.HasPrefix(id, "outcome."):
		return "the outcome to the referrer"
	case strings.HasPrefix(id, "decision."), strings.HasPrefix(id, "ld."):
		return "the L&D chair's notice"
	case strings.HasPrefix(id, "new."):
		return "the Business Unit's new-case notice"
	case strings.HasPrefix(id, "held."):
		return "a held-mail notice"
	case strings.HasPrefix(id, "web-confirmation."):
		return "the web form's confirmation"
	case strings.Contains(id, ".due.") || strings.Contains(id, ".before.") || strings.Contains(id, ".overdue."):
		return "a reminder"
	}
	return "a message"
}
