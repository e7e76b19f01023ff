package inbox

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store"
)

// routeText says what a route means to the referrer.
var routeText = map[referral.Route]string{
	referral.RouteNotification: "a notifiable incident: the Statutory Safeguarding Partners decide whether the national Child Safeguarding Practice Review Panel is notified",
	referral.RouteLearning:     "a learning referral for the Learning and Development Group",
	referral.RouteUnknown:      "not yet clear: the form does not say which criteria apply",
}

type ackView struct {
	Partnership, Ref, Received, Route, Filename string
	Correction, Duplicate                       bool
	Version                                     int
	Deadlines                                   []ackDeadline
	Problems                                    []referral.Problem
	Others                                      int
}

type ackDeadline struct{ Title, Due string }

var ackTmpl = template.Must(template.New("ack").Parse(`{{.Partnership}} has received your {{if .Correction}}correction to referral {{.Ref}}{{else}}referral{{end}}, on {{.Received}}.
{{if .Duplicate}}
We had already received this {{if .Correction}}correction{{else}}form{{end}}: nothing has changed.
{{end}}
Reference: {{.Ref}}{{if .Correction}} (version {{.Version}}){{end}}
Read from: {{.Filename}}
Understood as: {{.Route}}
{{if .Deadlines}}
Statutory deadlines now running:
{{range .Deadlines}}  - {{.Title}}: by the end of {{.Due}}
{{end}}{{end}}{{if .Problems}}
What is missing or needs checking ({{len .Problems}}):
{{range .Problems}}  - {{if .Section}}Section {{.Section}}: {{end}}{{.Message}}
{{end}}
To put this right, reply to this e-mail with the corrected form attached
(or the corrected answers in the reply). Keep {{.Ref}} in the subject so the
correction joins this referral.
{{else}}
Every section of the form has been answered. The Business Unit will be in touch.
{{end}}{{if .Others}}
{{.Others}} other attachment(s) were kept with the referral and not read.
{{end}}
{{.Partnership}} Business Unit
`))

// acknowledge tells the sender what became of their message: one e-mail
// per case, threaded to theirs, with a Message-ID that is the same on
// every delivery.
func (s *Service) acknowledge(ctx context.Context, rec store.Message, msg *mailparse.Message, res intake.Result, received time.Time,
	correction bool, others []mailparse.Attachment) error {
	to := msg.ReplyTo
	if to == "" {
		to = msg.From
	}
	if to == "" || msg.AutoSubmitted {
		return nil
	}
	ds, err := s.Intake.Deadlines(ctx, res.Ref)
	if err != nil {
		return fmt.Errorf("inbox: deadlines of %s: %w", res.Ref, err)
	}
	c, err := s.Store.GetCase(ctx, res.Ref)
	if err != nil {
		return fmt.Errorf("inbox: case %s: %w", res.Ref, err)
	}
	v := ackView{
		Partnership: s.Partnership, Ref: res.Ref, Route: routeText[res.Route], Filename: c.Filename,
		Received:   received.In(s.location()).Format("Monday 2 January 2006 at 15:04"),
		Correction: correction, Duplicate: res.Duplicate, Version: c.Version, Problems: res.Problems, Others: len(others),
	}
	if v.Filename == "" || v.Filename == "message.eml" {
		v.Filename = "the text of your e-mail"
	}
	for _, d := range ds {
		rule, ok := s.Rules.Rule(d.Rule)
		if d.Status != store.DeadlineOpen || !ok || rule.NoReminders {
			continue
		}
		v.Deadlines = append(v.Deadlines, ackDeadline{Title: rule.Title, Due: d.Due.In(s.location()).Format("Monday 2 January 2006")})
	}
	var body bytes.Buffer
	if err := ackTmpl.Execute(&body, v); err != nil {
		return err
	}
	subject := fmt.Sprintf("[%s] Referral received", res.Ref)
	if correction {
		subject = fmt.Sprintf("[%s] Correction received", res.Ref)
	}
	if len(res.Problems) > 0 {
		subject += fmt.Sprintf(": %d thing(s) to put right", len(res.Problems))
	}
	refs := append([]string(nil), msg.References...)
	if msg.MessageID != "" {
		refs = append(refs, msg.MessageID)
	}
	m := mail.Message{
		From: s.Partnership + " <" + s.Mailbox + ">", To: []string{to}, Subject: subject, Text: body.String(),
		MessageID: s.AckID(res.Ref, rec.Key, correction), InReplyTo: msg.MessageID, References: refs, Date: s.now(),
	}
	if err := s.Mail.Send(ctx, m); err != nil {
		if errs.Code(err) == errs.Invalid {
			s.logger().Warn("acknowledgement cannot be sent", "ref", res.Ref, "code", errs.Code(err))
			return nil // a bad address: the case is stored; the Business Unit sees it
		}
		return fmt.Errorf("inbox: acknowledge %s: %w", res.Ref, err)
	}
	return nil
}

// heldNotice tells the Business Unit of a held message, by its key and
// reasons only: the subject and body may hold a child's details.
func (s *Service) heldNotice(rec store.Message) mail.Message {
	to := s.BusinessUnit
	if len(to) == 0 {
		to = []string{s.Mailbox}
	}
	verb := "held for review"
	if rec.Outcome == store.OutcomeRefused {
		verb = "could not be read"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "A message to %s %s.\n\n", s.Mailbox, verb)
	fmt.Fprintf(&b, "Message: %s\nReceived: %s\nFrom: %s\nReasons: %s\nAttachments: %d\n\n", rec.Key,
		rec.ReceivedAt.In(s.location()).Format("Monday 2 January 2006 at 15:04"), orNone(rec.From), strings.Join(rec.Reasons, ", "), len(rec.Attachments))
	b.WriteString("The sender has not been answered. The message is kept as it was received.\n")
	if rec.Outcome == store.OutcomeQuarantined {
		fmt.Fprintf(&b, "If it is a genuine referral, release it so it is read and acknowledged:\n  POST /api/messages/%s/release on the intake API (or: go run ./infra/local release %s)\n", rec.Key, rec.Key)
	}
	return mail.Message{
		From: s.Partnership + " <" + s.Mailbox + ">", To: to,
		Subject:   fmt.Sprintf("Message %s: %s", verb, strings.Join(rec.Reasons, ", ")),
		Text:      b.String(),
		MessageID: "held." + rec.Key + "@cspr-intake", Date: s.now(),
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// refuse tells a trusted sender their message could not be read at all.
func (s *Service) refuse(ctx context.Context, rec store.Message, msg *mailparse.Message, why string) error {
	to := msg.ReplyTo
	if to == "" {
		to = msg.From
	}
	if to == "" || msg.AutoSubmitted {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s received your e-mail on %s, but could not read it:\n\n  %s\n\n", s.Partnership,
		rec.ReceivedAt.In(s.location()).Format("Monday 2 January 2006 at 15:04"), why)
	b.WriteString("It has been kept, and the Business Unit has been told. No referral has been opened from it yet.\n")
	b.WriteString("Please send the completed referral form again as a Word document (.docx) attached to a new e-mail.\n\n")
	fmt.Fprintf(&b, "%s Business Unit\n", s.Partnership)
	refs := append([]string(nil), msg.References...)
	if msg.MessageID != "" {
		refs = append(refs, msg.MessageID)
	}
	err := s.Mail.Send(ctx, mail.Message{
		From: s.Partnership + " <" + s.Mailbox + ">", To: []string{to}, Subject: "Your e-mail could not be read", Text: b.String(),
		MessageID: "refused." + rec.Key + "@cspr-intake", InReplyTo: msg.MessageID, References: refs, Date: s.now(),
	})
	if err != nil && errs.Code(err) != errs.Invalid {
		return fmt.Errorf("inbox: answer sender: %w", err)
	}
	return nil
}
