package inbox

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

type ackView struct {
	Partnership, Ref, Received, Route, Source, Next string
	Correction, Duplicate                           bool
	Version                                         int
	Deadlines                                       []ackDeadline
	Problems                                        []string // one line each, the section said once
	Changed                                         []string // a correction: the answers it changed, by label
	Others                                          string   // "1 other attachment was" …
}

type ackDeadline struct{ Title, Due string }

var ackTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("ack").Parse(`{{.Partnership}} has received your {{if .Correction}}correction to referral {{.Ref}}{{else}}referral{{end}}, on {{.Received}}.
{{if .Duplicate}}
We had already received this {{if .Correction}}correction{{else}}form{{end}}: nothing has changed.
{{end}}
Reference: {{.Ref}}{{if .Correction}} (version {{.Version}}){{end}}
Read from: {{.Source}}
Understood as: {{.Route}}
{{if .Correction}}{{if .Changed}}
Answers this correction changed ({{len .Changed}}):
{{range .Changed}}  - {{.}}
{{end}}{{else}}
This correction changed no answer: every answer it gave was the same as before.
{{end}}{{end}}{{if .Deadlines}}
Statutory deadlines now running:
{{range .Deadlines}}  - {{.Title}}: by the end of {{.Due}}
{{end}}{{else}}
What happens next: {{.Next}}
{{end}}{{if .Problems}}
What is missing or needs checking ({{len .Problems}}):
{{range .Problems}}  - {{.}}
{{end}}
To put this right, reply to this e-mail with the corrected form attached
(or the corrected answers in the reply). Keep {{.Ref}} in the subject so the
correction joins this referral.
{{else}}
Every section of the form has been answered. The Business Unit will be in touch.
{{end}}{{if .Others}}
{{.Others}} kept with the referral and not read.
{{end}}
{{.Partnership}} Business Unit
`))
})

// acknowledge tells the sender what became of their message: one e-mail
// per case, threaded to theirs, with a Message-ID that is the same on
// every delivery.
func (s *Service) acknowledge(ctx context.Context, rec casefile.Message, msg *mailparse.Message, res intake.Result, received time.Time,
	correction bool, source string, others []mailparse.Attachment) error {
	to := msg.From // never a Reply-To: it may be anywhere
	if to == "" || msg.AutoSubmitted || msg.Senders > 1 || !mail.Answerable(to) {
		return nil // nobody, a machine, or an address we do not write to: the Business Unit has it held
	}
	if !s.Acks.Allow(to, s.now()) {
		s.logger().Warn("acknowledgement not sent: this address had its hour's acknowledgements", "ref", res.Ref, "domain", mail.DomainOf(to))
		return nil // the case is stored and the Business Unit told of it; the sender hears no more this hour
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
		Partnership: s.Partnership, Ref: res.Ref, Route: intake.RouteWords(res.Route), Next: intake.NextSteps(res.Route), Source: source,
		Received:   received.In(s.location()).Format("Monday 2 January 2006 at 15:04"),
		Correction: correction, Duplicate: res.Duplicate, Version: c.Version,
		Problems: problemLines(res.Problems), Changed: changedLines(res.Changed),
	}
	switch len(others) {
	case 0:
	case 1:
		v.Others = "1 other attachment was"
	default:
		v.Others = fmt.Sprintf("%d other attachments were", len(others))
	}
	for _, d := range ds {
		rule, ok := s.Rules.Rule(d.Rule)
		if d.Status != casefile.DeadlineOpen || !ok || rule.NoReminders {
			continue
		}
		v.Deadlines = append(v.Deadlines, ackDeadline{Title: rule.Title, Due: d.Due.In(s.location()).Format("Monday 2 January 2006")})
	}
	var body bytes.Buffer
	if err := ackTmpl().Execute(&body, v); err != nil {
		return err
	}
	subject := fmt.Sprintf("[%s] Referral received", res.Ref)
	if correction {
		subject = fmt.Sprintf("[%s] Correction received", res.Ref)
	}
	switch n := len(res.Problems); n {
	case 0:
	case 1:
		subject += ": 1 thing to put right"
	default:
		subject += fmt.Sprintf(": %d things to put right", n)
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

// problemLines are the problems as the referrer reads them, each naming
// its section once ("Section 5: choose the main cause").
func problemLines(probs []referral.Problem) []string {
	out := make([]string, 0, len(probs))
	for _, p := range probs {
		line := p.Message
		if p.Section > 0 && !strings.HasPrefix(line, "Section ") {
			line = fmt.Sprintf("Section %d: %s", p.Section, line)
		}
		out = append(out, line)
	}
	return out
}

// changedLines names the answers a correction changed by their sections
// and printed labels (never their values: they may be a child's details).
func changedLines(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == "criteria" {
			out = append(out, "the criteria boxes at the top of the form")
			continue
		}
		if f, ok := referral.FieldByPath(p); ok {
			line := fmt.Sprintf("Section %d: %s", f.Section, f.Noun)
			if n := rowNumber(p); n > 0 {
				line += fmt.Sprintf(" (row %d)", n)
			}
			out = append(out, line)
			continue
		}
		table, _, _ := strings.Cut(p, "[")
		for _, t := range referral.Tables {
			if t.Path == table {
				sec, _ := referral.SectionOf(tableField(table))
				out = append(out, fmt.Sprintf("Section %d: %s %d added", sec.Number, t.One, rowNumber(p)))
			}
		}
	}
	return out
}

// tableField is the path of a table's first field.
func tableField(table string) string {
	for _, sec := range referral.Form {
		for _, f := range sec.Fields {
			if strings.HasPrefix(f.Path, table+".") {
				return f.Path
			}
		}
	}
	return ""
}

// rowNumber is the 1-based row of a path in a table, 0 outside one.
func rowNumber(path string) int {
	i := strings.IndexByte(path, '[')
	j := strings.IndexByte(path, ']')
	if i < 0 || j < i {
		return 0
	}
	n := 0
	for _, c := range path[i+1 : j] {
		n = n*10 + int(c-'0')
	}
	return n + 1
}

// heldNotice tells the Business Unit of a held message, by its key and
// reasons only: the subject and body may hold a child's details.
func (s *Service) heldNotice(rec casefile.Message) mail.Message {
	to := s.BusinessUnit
	if len(to) == 0 {
		to = []string{s.Mailbox}
	}
	verb := "held for review"
	if rec.Outcome == casefile.OutcomeRefused {
		verb = "could not be read"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "A message to %s %s.\n\n", s.Mailbox, verb)
	fmt.Fprintf(&b, "Message: %s\nReceived: %s\nFrom: %s\nReasons: %s\nAttachments: %d\n", rec.Key,
		rec.ReceivedAt.In(s.location()).Format("Monday 2 January 2006 at 15:04"), orNone(rec.From), strings.Join(rec.Reasons, ", "), len(rec.Attachments))
	for _, r := range rec.Reasons {
		if r == ReasonMayCorrect && len(rec.Refs) > 0 {
			fmt.Fprintf(&b, "Possible correction of %s: it names that case but does not come from the address the case came from, or failed the sender checks. Nothing in the case was changed.\n", rec.Refs[0])
		}
		if r == ReasonOtherChild && len(rec.Refs) > 0 {
			fmt.Fprintf(&b, "New referral or correction of %s? It comes from the case's sender and names the case, but the child's name or date of birth differs from the case's. Nothing in the case was changed. Released, it is applied to %s as a correction of who the child is; if it is a new referral, ask the sender to send it again without the reference.\n", rec.Refs[0], rec.Refs[0])
		}
	}
	b.WriteString("\n")
	if SenderAnswered(rec.Reasons) {
		b.WriteString("The sender was told it is not the referral form and asked to send the form. The message is kept as it was received.\n")
	} else {
		b.WriteString("The sender has not been answered. The message is kept as it was received.\n")
	}
	if rec.Outcome == casefile.OutcomeQuarantined {
		fmt.Fprintf(&b, "If it is a genuine referral, release it so it is read and acknowledged:\n  POST /api/messages/%s/release on the intake API (or: go run ./infra/local release %s)\n", rec.Key, rec.Key)
	}
	return mail.Message{
		From: s.Partnership + " <" + s.Mailbox + ">", To: to,
		Subject:   fmt.Sprintf("Message %s: %s", verb, strings.Join(rec.Reasons, ", ")),
		Text:      b.String(),
		MessageID: mail.SafeID("held."+rec.Key+"."+strings.Join(rec.Reasons, ".")) + "@cspr-intake", Date: s.now(),
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// refuse tells a trusted sender their message could not be read at all.
func (s *Service) refuse(ctx context.Context, rec casefile.Message, msg *mailparse.Message, why string) error {
	to := msg.From // never a Reply-To
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
