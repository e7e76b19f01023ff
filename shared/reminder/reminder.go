// Package reminder is what a fired schedule runs: it re-reads the case,
// recomputes its deadlines and, only if the deadline is still to be done
// and still due when the schedule said, e-mails the roles responsible and
// records that it did. A stale schedule (the deadline met, cancelled or
// moved) sends nothing, so schedules never need to be exact.
//
// Reminder e-mails carry the case reference, the rule, the due date and a
// link: never a child's or family's names or details.
package reminder

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Store is the part of store.Cases reminders use.
type Store interface {
	GetCase(ctx context.Context, ref string) (casefile.Case, error)
	ListEvents(ctx context.Context, ref string) ([]casefile.Event, error)
	AppendEvent(ctx context.Context, e casefile.Event) (bool, error)
}

// Service sends reminders.
type Service struct {
	Store       Store
	Mail        mail.Sender
	Calendar    *workdays.Calendar
	Rules       deadlines.RuleSet
	Addresses   func(roles []string) []string // role → addresses, from configuration
	From        string                        // the partnership's mailbox
	Partnership string
	BaseURL     string
	Now         func() time.Time
	Log         *slog.Logger
}

// EventSent is the type of the event that records a reminder sent.
const EventSent = "reminder-sent"

// Handle sends the reminder p stands for, if it is still wanted. It
// returns an error only when sending should be retried.
func (s *Service) Handle(ctx context.Context, p schedule.Payload) error {
	log := s.Log.With("ref", p.Ref, "rule", p.Rule, "kind", p.Kind)
	c, err := s.Store.GetCase(ctx, p.Ref)
	if errs.Code(err) == errs.NotFound {
		log.Warn("reminder for a case that does not exist; skipped")
		return nil
	}
	if err != nil {
		return fmt.Errorf("reminder: read case: %w", err)
	}
	events, err := s.Store.ListEvents(ctx, p.Ref)
	if err != nil {
		return fmt.Errorf("reminder: read history: %w", err)
	}
	now := s.Now()
	var d *casefile.Deadline
	ds := deadlines.Compute(deadlines.FactsOf(c), events, s.Calendar, s.Rules, now)
	for i := range ds {
		if ds[i].Rule == p.Rule {
			d = &ds[i]
		}
	}
	switch {
	case d == nil:
		log.Info("stale reminder skipped: the deadline no longer applies")
		return nil
	case d.Status != deadlines.Open && d.Status != deadlines.Missed:
		log.Info("stale reminder skipped", "status", d.Status)
		return nil
	case !d.Due.Equal(p.Due):
		log.Info("stale reminder skipped: the deadline moved")
		return nil
	}
	id := fmt.Sprintf("%s-%s-%s-%s", EventSent, p.Rule, p.Kind, civil.In(p.Due, workdays.London))
	for _, e := range events {
		if e.ID == id {
			log.Info("reminder already sent")
			return nil
		}
	}
	rule, _ := s.Rules.Rule(p.Rule)
	roles := rule.Owners
	roles = appendRole(roles, deadlines.BusinessUnit)
	if p.Kind == deadlines.Overdue {
		roles = appendRole(roles, deadlines.Chair)
	}
	msg, err := s.Compose(p, rule, roles, d.Provisional, now)
	if err != nil {
		return err
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		if errs.Code(err) == errs.Invalid {
			log.Error("reminder cannot be sent; check the role addresses", "err", err)
			return nil
		}
		return fmt.Errorf("reminder: send: %w", err)
	}
	_, err = s.Store.AppendEvent(ctx, casefile.Event{Ref: p.Ref, ID: id, Type: EventSent, At: now, Actor: "reminder",
		Data: map[string]string{"rule": p.Rule, "kind": p.Kind, "due": civil.In(p.Due, workdays.London).String(), "to": strings.Join(roles, ",")}})
	if err != nil {
		return fmt.Errorf("reminder: record: %w", err)
	}
	log.Info("reminder sent", "recipients", len(msg.To))
	return nil
}

func appendRole(roles []string, role string) []string {
	for _, r := range roles {
		if r == role {
			return roles
		}
	}
	return append(append([]string(nil), roles...), role)
}

// RoleNames are the roles as people say them.
var RoleNames = map[string]string{
	deadlines.BusinessUnit:   "Business Unit",
	deadlines.SSP:            "Statutory Safeguarding Partners",
	deadlines.LocalAuthority: "Local Authority",
	deadlines.Chair:          "Independent Scrutineer/Chair",
	deadlines.LDChair:        "Learning & Development Group Chair",
	deadlines.Referrer:       "Referrer",
}

type view struct {
	Ref, Partnership, Title, Source, Owners, DueLong, When, Link string
	Overdue, Provisional                                         bool
}

// Compose writes the reminder e-mail. provisional: the deadline counts from
// an earlier event until the one that starts it is recorded.
func (s *Service) Compose(p schedule.Payload, rule deadlines.Rule, roles []string, provisional bool, now time.Time) (mail.Message, error) {
	dueDate := civil.In(p.Due, workdays.London)
	today := civil.In(now, workdays.London)
	left := s.Calendar.WorkdaysBetween(today, dueDate)
	var when string
	switch {
	case p.Kind == deadlines.Overdue || now.After(p.Due):
		when = "overdue"
	case left == 0:
		when = "today"
	case left == 1:
		when = "1 working day"
	default:
		when = fmt.Sprintf("%d working days", left)
	}
	var owners []string
	for _, o := range rule.Owners {
		owners = append(owners, RoleNames[o])
	}
	v := view{
		Ref: p.Ref, Partnership: s.Partnership, Title: rule.Title, Source: rule.Source,
		Owners: strings.Join(owners, ", "), DueLong: "end of " + dueDate.Time(workdays.London).Format("Monday 2 January 2006"),
		When: when, Link: strings.TrimRight(s.BaseURL, "/") + "/cases/" + p.Ref, Overdue: when == "overdue", Provisional: provisional,
	}
	short := dueDate.Time(workdays.London).Format("Mon 2 Jan 2006")
	subject := fmt.Sprintf("[%s] %s due %s (%s)", p.Ref, rule.Title, short, when)
	if v.Overdue {
		subject = fmt.Sprintf("[%s] OVERDUE: %s was due %s", p.Ref, rule.Title, short)
	}
	var text, html bytes.Buffer
	if err := textTmpl.Execute(&text, v); err != nil {
		return mail.Message{}, err
	}
	if err := htmlTmpl.Execute(&html, v); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{
		From: s.Partnership + " <" + s.From + ">", To: s.Addresses(roles), Subject: subject,
		Text: text.String(), HTML: html.String(), Date: now,
		MessageID: mail.SafeID(fmt.Sprintf("%s.%s.%s.%s", p.Ref, p.Rule, p.Kind, dueDate)) + "@cspr-intake",
	}, nil
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`Case {{.Ref}} ({{.Partnership}})

{{if .Overdue}}OVERDUE: {{end}}{{.Title}}
Due: {{.DueLong}}{{if not .Overdue}} ({{.When}}){{end}}
Responsible: {{.Owners}}
Statutory source: {{.Source}}
{{if .Provisional}}
Provisional: counted from the Panel notification until the Panel's
acknowledgement is recorded on the case; it then moves, never earlier.
{{end}}
Open the case: {{.Link}}

When it is done, record it on the case and these reminders stop.
This e-mail carries the case reference only; do not reply with personal details.
`))

var htmlTmpl = template.Must(template.New("html").Parse(`<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{.Ref}}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif">
<p>Case <strong>{{.Ref}}</strong> ({{.Partnership}})</p>
<h1 style="font-size: 1.3em">{{if .Overdue}}Overdue: {{end}}{{.Title}}</h1>
<table>
<tr><th align="left">Due</th><td>{{.DueLong}}{{if not .Overdue}} ({{.When}}){{end}}</td></tr>
<tr><th align="left">Responsible</th><td>{{.Owners}}</td></tr>
<tr><th align="left">Statutory source</th><td>{{.Source}}</td></tr>
{{if .Provisional}}<tr><th align="left">Provisional</th><td>counted from the Panel notification until the Panel's acknowledgement is recorded on the case; it then moves, never earlier</td></tr>{{end}}
</table>
<p><a href="{{.Link}}">Open case {{.Ref}}</a></p>
<p>When it is done, record it on the case and these reminders stop.
This e-mail carries the case reference only; do not reply with personal details.</p>
</body></html>
`))
