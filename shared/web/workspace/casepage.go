package workspace

import (
	"fmt"
	"net/http"
	netmail "net/mail"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

type caseView struct {
	Ref, Received, Channel, Sender, Status, Route string
	CanInform, AsksReviewer, AssignedToMe         bool
	AwaitingApproval                              bool          // the L&D Group decided; the partners have not approved it
	PanelOwed                                     string        // the day the Panel asked for more information, while owed
	Outcome                                       *outcomeDraft // the e-mail telling the referrer the outcome, to send
	Assignee                                      string
	Version, Problems                             int
	Deadlines                                     []deadlineRow
	Timeline                                      []timelineRow
	Audit                                         []timelineRow // views and downloads
	Versions                                      []rawVersion
	Reasons                                       []reasonGroup
	Sections                                      []answerSection
	GeneralProblems                               []string
	Events                                        []eventOption
	Outcomes                                      []outcomeGroup
	Form                                          eventForm
}

// outcomeGroup is the outcomes of one decision event, shown together.
type outcomeGroup struct {
	Type, Label string
	Options     []eventOption
}

// reasonGroup is the reason codes of one event, shown together.
type reasonGroup struct {
	Label   string
	Options []eventOption
}

type deadlineRow struct {
	Title, Source, Due, Status string
	Provisional                string // why the date is provisional, if it is
}

// timelineRow is one entry of the case's history: Rationale its reasons
// (a decision's), Withdrawn who withdrew it, when and why; an entry that
// can be withdrawn has its ID.
type timelineRow struct {
	When, At, What, Who, Detail, Rationale, Withdrawn, ID string
}

type answerSection struct {
	Number int
	Title  string
	Rows   []answerRow
}

// answerRow is one answer on the case page: Source is where in what was
// sent it was read ("table 2, row 3") and SourceText what stands there,
// for checking it — or filling in one that could not be read — without
// opening the file.
type answerRow struct{ Label, Value, Problem, ID, Source, SourceText string }

type eventOption struct{ Value, Text string }

type eventForm struct{ Type, At, Outcome, Rationale, Date, Action, Due, Reason, Note, Of, Reviewer, Error string }

// openCase reads a case the person may see; the 404 page for one they
// may not (its existence is not confirmed).
func (w *Workspace) openCase(rw http.ResponseWriter, r *http.Request) (casefile.Case, bool) {
	id, _ := who(r)
	c, err := w.Cases.GetCase(r.Context(), r.PathValue("ref"))
	if err == nil && !canSee(id.Role, c.Route, false) {
		// The L&D chair sees a notification too once the partners sent
		// it for learning.
		var events []casefile.Event
		if events, err = w.Cases.ListEvents(r.Context(), c.Ref); err == nil && !deadlines.ForLearning(c.Route, events) {
			err = errs.E(errs.NotFound, "no case")
		}
	}
	if err != nil {
		w.fail(rw, r, err)
		return casefile.Case{}, false
	}
	return c, true
}

// caseForm opens the case a form posts to, once the form's token is
// checked; refused says what did not happen.
func (w *Workspace) caseForm(rw http.ResponseWriter, r *http.Request, refused string) (casefile.Case, bool) {
	c, ok := w.openCase(rw, r)
	if !ok {
		return c, false
	}
	if !w.checkCSRF(r) {
		w.message(rw, http.StatusForbidden, refused, "The form was out of date. Go back, reload the case and try again.")
		return c, false
	}
	return c, true
}

// audit records on the case that someone looked: every view and every
// raw download, who and when.
func (w *Workspace) audit(r *http.Request, c casefile.Case, typ string) error {
	id, _ := who(r)
	token, err := web.RandomToken()
	if err != nil {
		return err
	}
	now := w.Now()
	_, err = w.Cases.AppendEvent(r.Context(), casefile.Event{Ref: c.Ref, ID: typ + "-" + token[:16], Type: typ, At: now, RecordedAt: now,
		Actor: actor(id), Data: map[string]string{"role": id.Role, "version": strconv.Itoa(c.Version)}})
	if err != nil {
		return fmt.Errorf("web: record %s of %s: %w", typ, c.Ref, err)
	}
	return nil
}

func (w *Workspace) casePage(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.openCase(rw, r)
	if !ok {
		return
	}
	if err := w.audit(r, c, web.EventViewed); err != nil {
		w.fail(rw, r, err) // a view that cannot be recorded is not shown
		return
	}
	notice := ""
	if r.URL.Query().Get("recorded") != "" {
		notice = "The event was recorded and the deadlines updated."
	}
	if r.URL.Query().Get("told") != "" {
		notice = "The referrer was sent the outcome, and that they were told is recorded."
	}
	if r.URL.Query().Get("withdrawn") != "" {
		notice = "The entry was withdrawn: it stays in the history, marked, and the deadlines were worked out again without it."
	}
	if r.URL.Query().Get("assigned") != "" {
		notice = "The case is assigned to you."
	}
	w.showCase(rw, r, c, eventForm{At: civil.In(w.Now(), workdays.London).String()}, http.StatusOK, notice)
}

func (w *Workspace) showCase(rw http.ResponseWriter, r *http.Request, c casefile.Case, form eventForm, status int, notice string) {
	id, _ := who(r)
	events, err := w.Cases.ListEvents(r.Context(), c.Ref)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	ds, err := w.Cases.ListDeadlines(r.Context(), c.Ref)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, c.Ref, "cases")
	v.Notice = notice
	state := string(c.Status)
	if deadlines.Closed(events) {
		state = "closed (was " + state + "): no deadline runs and no reminder is sent"
	}
	cv := &caseView{Ref: c.Ref, Received: londonTime(c.ReceivedAt), Channel: c.Channel, Sender: c.Sender, Status: state,
		Route: string(c.Route), Version: c.Version, Problems: len(c.Problems), Form: form}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Due.Before(ds[j].Due) })
	for _, d := range ds {
		rule, _ := w.Rules.Rule(d.Rule)
		title := rule.Title
		if title == "" {
			title = d.Rule
		}
		row := deadlineRow{Title: title, Source: rule.Source, Due: londonDate(d.Due), Status: d.Status}
		if d.Provisional {
			row.Provisional = provisionalNote(rule)
		}
		cv.Deadlines = append(cv.Deadlines, row)
	}
	may := recordable(id.Role)
	// Each re-opening for new information starts a round the partners
	// decide again in: its decisions say which round they are.
	var rounds []time.Time
	for _, e := range deadlines.Active(events) {
		if e.Type == deadlines.CaseReopened && e.Data["reason"] == deadlines.NewInformation {
			rounds = append(rounds, e.At)
		}
	}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		row := timelineRow{When: londonTime(e.At), At: e.At.UTC().Format(time.RFC3339), What: deadlines.Words(e), Who: e.Actor}
		if spec, ok := deadlines.Spec(e.Type); ok && spec.Round && len(rounds) > 0 {
			n := 1
			for _, start := range rounds {
				if !e.At.Before(start) {
					n++
				}
			}
			row.What += fmt.Sprintf(" (round %d)", n)
		}
		switch e.Type {
		case web.EventViewed, web.EventRawDownloaded:
			row.What = "Viewed"
			if e.Type == web.EventRawDownloaded {
				row.What = "Raw input downloaded"
			}
			if v := e.Data["version"]; v != "" {
				row.Detail = "version " + v
			}
			cv.Audit = append(cv.Audit, row)
			continue
		case deadlines.EventWithdrawn:
			continue // shown on the entry it withdrew
		case intake.EventBusinessUnitTold:
			row.What = "The Business Unit was told of the new case"
		case intake.EventLDChairTold:
			row.What = "The Learning and Development Group's chair was told of the new case"
		case intake.EventLDChairToldDecision:
			row.What = "The Learning and Development Group's chair was told of the partners' decision"
		case intake.EventCorrected:
			row.What = "A correction was received (version " + e.Data["version"] + ")"
		case intake.EventAssigned:
			row.What = "The case was assigned to " + e.Data["assignee"]
			if cv.Assignee == "" { // the latest, as the timeline runs newest first
				cv.Assignee = e.Data["assignee"]
			}
		case inbox.EventMailBounced:
			row.What = fmt.Sprintf("An e-mail came back (%s to %s): %s %s", e.Data["what"], e.Data["to"], e.Data["kind"], e.Data["type"])
		case "reminder-sent":
			row.What = "A reminder was sent (" + e.Data["rule"] + ", " + e.Data["kind"] + ")"
		}
		if row.What == "" {
			row.What = e.Type
		}
		var detail []string
		for _, k := range []string{"date", "action", "due", "of", "reviewer"} {
			if e.Data[k] != "" {
				detail = append(detail, k+": "+e.Data[k])
			}
		}
		if e.Type == deadlines.ActionSet && e.Data["reason"] != "" {
			detail = append(detail, "deadline moved: "+e.Data["reason"])
		}
		if e.Type == intake.EventCorrected && e.Data["changed"] != "" {
			detail = append(detail, "answers changed: "+strings.ReplaceAll(e.Data["changed"], ",", ", "))
		}
		row.Detail, row.Rationale = strings.Join(detail, "; "), e.Data[deadlines.FieldRationale]
		if wd, ok := deadlines.Withdrawal(events, e.ID); ok {
			row.Withdrawn = fmt.Sprintf("Withdrawn as recorded in error by %s on %s: %s", wd.Actor, londonTime(wd.RecordedAt), wd.Data[deadlines.FieldNote])
		} else if spec, ok := deadlines.Spec(e.Type); ok && !spec.System && slices.Contains(may, e.Type) && slices.Contains(may, deadlines.EventWithdrawn) {
			row.ID = e.ID
		}
		cv.Timeline = append(cv.Timeline, row)
	}
	cv.Versions = w.rawVersions(c, events)
	cv.Sections, cv.GeneralProblems = answers(c)
	for _, t := range may {
		spec, _ := deadlines.Spec(t)
		cv.Events = append(cv.Events, eventOption{Value: t, Text: t + ": " + spec.Help})
		cv.AsksReviewer = cv.AsksReviewer || spec.Takes(deadlines.FieldReviewer)
		if len(spec.Outcomes) > 0 {
			g := outcomeGroup{Type: t, Label: t}
			for _, c := range spec.Outcomes {
				g.Options = append(g.Options, eventOption{Value: c.Value, Text: c.Text})
			}
			cv.Outcomes = append(cv.Outcomes, g)
		}
		if len(spec.Reasons) > 0 {
			g := reasonGroup{Label: spec.Done}
			for _, c := range spec.Reasons {
				g.Options = append(g.Options, eventOption{Value: c.Value, Text: c.Text})
			}
			cv.Reasons = append(cv.Reasons, g)
		}
	}
	cv.AssignedToMe = cv.Assignee != "" && cv.Assignee == actor(id)
	active := deadlines.Active(events)
	cv.AwaitingApproval = deadlines.InRound(active, deadlines.LDDecision) && !deadlines.InRound(active, deadlines.LDApproved)
	if asked, owed := deadlines.PanelInformationOwed(active); owed {
		cv.PanelOwed = londonDate(asked)
	}
	informed := deadlines.InRound(active, deadlines.SSPInformed) || deadlines.InRound(active, deadlines.SSPDecision)
	if id.Role == RoleBusinessUnit && w.Mail != nil {
		cv.Outcome = w.draftOutcome(c, active, form)
	}
	cv.CanInform = id.Role == RoleBusinessUnit && w.Mail != nil && len(w.Partners) > 0 && !informed && c.Route != referral.RouteLearning
	v.Case = cv
	if form.Error != "" {
		href := "#event-type"
		if form.Type == "tell-referrer" {
			href = "#outcome-text"
		}
		v.Errors = []web.ErrorLink{{Href: href, Message: form.Error}}
	}
	if form.Type == "tell-referrer" {
		cv.Form = eventForm{At: form.At} // its error is shown with the e-mail
	}
	w.render(rw, status, "caseContent", v)
}

// provisionalNote says what a provisional deadline counts from, until
// what.
func provisionalNote(r deadlines.Rule) string {
	switch r.Start {
	case deadlines.LAAware:
		return "provisional: from receipt, until the day the local authority became aware is recorded"
	case deadlines.PanelAcknowledged:
		return "provisional: from the Panel notification until its acknowledgement is recorded"
	}
	return "provisional: until " + r.Start + " is recorded"
}

// answers lays a case's answers out by section, each problem at its
// answer; problems of no answer are general.
func answers(c casefile.Case) ([]answerSection, []string) {
	byField := map[string][]string{}
	var general []string
	for _, p := range c.Problems {
		if p.Field == "" {
			general = append(general, p.Message)
			continue
		}
		byField[p.Field] = append(byField[p.Field], p.Message)
	}
	r := c.Referral
	var out []answerSection
	for _, sec := range referral.Form {
		as := answerSection{Number: sec.Number, Title: sec.Title}
		seenTable := map[string]bool{}
		for _, f := range sec.Fields {
			table := ""
			for _, t := range referral.Tables {
				if strings.HasPrefix(f.Path, t.Path+".") {
					table = t.Path
				}
			}
			if table == "" {
				as.Rows = append(as.Rows, answerRowOf(f.Label, referral.Get(&r, f.Path), byField[f.Path], f.Path, c.Sources[f.Path]))
				continue
			}
			if seenTable[table] {
				continue
			}
			seenTable[table] = true
			n := referral.Count(&r, table)
			for i := 0; i < max(n, 1); i++ {
				for _, g := range sec.Fields {
					if !strings.HasPrefix(g.Path, table+".") {
						continue
					}
					p := table + "[" + strconv.Itoa(i) + "]" + strings.TrimPrefix(g.Path, table)
					label := g.Label
					if n > 1 {
						label = fmt.Sprintf("%s (%d)", g.Label, i+1)
					}
					as.Rows = append(as.Rows, answerRowOf(label, referral.Get(&r, p), byField[p], p, c.Sources[p]))
				}
			}
		}
		out = append(out, as)
	}
	return out, general
}

// answerRowOf is one answer as the case page shows it: an answer holding a
// direction-changing character is flagged (it may show as other words
// than it holds), and shown isolated from the text around it.
func answerRowOf(label, value string, problems []string, path string, source referral.Source) answerRow {
	if referral.BidiControl(value) {
		problems = append(problems, "This answer holds characters that change the direction text is shown in: check it against the raw input.")
	}
	return answerRow{Label: label, Value: value, Problem: strings.Join(problems, " "), ID: path, Source: source.At, SourceText: source.Text}
}

// recordEvent records what happened from the case page's form.
func (w *Workspace) recordEvent(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.caseForm(rw, r, "Nothing was recorded")
	if !ok {
		return
	}
	id, _ := who(r)
	f := r.PostForm
	form := eventForm{Type: f.Get("type"), At: strings.TrimSpace(f.Get("at")), Outcome: f.Get("outcome"), Rationale: f.Get("rationale"),
		Date: strings.TrimSpace(f.Get("date")), Action: strings.TrimSpace(f.Get("action")), Due: strings.TrimSpace(f.Get("due")),
		Reason: f.Get("reason"), Note: f.Get("note"), Of: strings.ToUpper(strings.TrimSpace(f.Get("of"))), Reviewer: strings.TrimSpace(f.Get("reviewer"))}
	if !slices.Contains(recordable(id.Role), form.Type) {
		form.Error = "Choose what happened"
		w.showCase(rw, r, c, form, http.StatusBadRequest, "")
		return
	}
	in := intake.EventInput{Type: form.Type, At: form.At, Outcome: form.Outcome, Rationale: form.Rationale,
		Date: form.Date, Action: form.Action, Due: form.Due, Reason: form.Reason, Of: form.Of, Reviewer: form.Reviewer,
		Event: f.Get("event"), Actor: actor(id), Role: id.Role}
	if spec, _ := deadlines.Spec(form.Type); len(spec.Reasons) == 0 {
		in.Reason = form.Note // a reason in words: an action's deadline moved, an entry withdrawn
	}
	_, err := w.Events.RecordEvent(r.Context(), c.Ref, in)
	switch code := errs.Code(err); {
	case err == nil && form.Type == deadlines.EventWithdrawn:
		http.Redirect(rw, r, w.at("/cases/"+c.Ref+"?withdrawn=1#timeline"), http.StatusSeeOther)
	case err == nil:
		http.Redirect(rw, r, w.at("/cases/"+c.Ref+"?recorded=1"), http.StatusSeeOther)
	case code == errs.Invalid || code == errs.Conflict:
		form.Error = errs.Message(err)
		w.showCase(rw, r, c, form, web.StatusOf(err), "")
	default:
		w.fail(rw, r, err)
	}
}

// assign assigns the case to the officer signed in.
func (w *Workspace) assign(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.caseForm(rw, r, "The case was not assigned")
	if !ok {
		return
	}
	id, _ := who(r)
	if err := w.Events.Assign(r.Context(), c.Ref, actor(id)); err != nil {
		w.fail(rw, r, err)
		return
	}
	http.Redirect(rw, r, w.at("/cases/"+c.Ref+"?assigned=1"), http.StatusSeeOther)
}

// inform tells the Statutory Safeguarding Partners of a case — its
// reference, route and a link — and records that they were told.
func (w *Workspace) inform(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.caseForm(rw, r, "Nobody was told")
	if !ok {
		return
	}
	id, _ := who(r)
	events, err := w.Cases.ListEvents(r.Context(), c.Ref)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if deadlines.InRound(deadlines.Active(events), deadlines.SSPInformed) {
		w.showCase(rw, r, c, eventForm{At: civil.In(w.Now(), workdays.London).String(), Error: "The partners were told already: see the timeline"}, http.StatusConflict, "")
		return
	}
	link := ""
	if w.CaseURL != nil {
		link = "\nOpen the case (sign in first): " + w.CaseURL(c.Ref) + "\n"
	}
	err = w.Mail.Send(r.Context(), mail.Message{
		From: w.Partnership + " <" + w.Mailbox + ">", To: w.Partners,
		Subject: fmt.Sprintf("[%s] A serious incident referral for the Statutory Safeguarding Partners", c.Ref),
		Text: fmt.Sprintf("The %s Business Unit asks the Statutory Safeguarding Partners to consider referral %s (received %s, route: %s).\n%s\n"+
			"The child's details are in the case workspace only: they are never sent by e-mail.\n", w.Partnership, c.Ref, londonDate(c.ReceivedAt), c.Route, link),
		MessageID: "inform." + mail.SafeID(c.Ref) + "@cspr-intake", Date: w.Now(),
	})
	if err != nil {
		w.fail(rw, r, fmt.Errorf("web: inform the partners of %s: %w", c.Ref, err))
		return
	}
	_, err = w.Events.RecordEvent(r.Context(), c.Ref, intake.EventInput{Type: deadlines.SSPInformed, At: w.Now().UTC().Format(time.RFC3339), Actor: actor(id), Role: id.Role})
	if err != nil && errs.Code(err) != errs.Conflict {
		w.fail(rw, r, err)
		return
	}
	http.Redirect(rw, r, w.at("/cases/"+c.Ref+"?recorded=1"), http.StatusSeeOther)
}

// rawVersion is one version of a case's raw input: what was sent first,
// then each correction.
type rawVersion struct {
	Version  int
	Location string
	When     string
	URL      string
}

// rawVersions lists a case's inputs from its history: the first as
// received, then each correction's.
func (w *Workspace) rawVersions(c casefile.Case, events []casefile.Event) []rawVersion {
	out := []rawVersion{{Version: 0, Location: "raw/" + c.RawKey, When: londonTime(c.ReceivedAt)}}
	for _, e := range events {
		if e.Type != intake.EventCorrected || e.Data["rawKey"] == "" {
			continue
		}
		n, err := strconv.Atoi(e.Data["version"])
		if err != nil {
			continue
		}
		out = append(out, rawVersion{Version: n, Location: "raw/" + e.Data["rawKey"], When: londonTime(e.At)})
	}
	for i := range out {
		out[i].URL = w.at(fmt.Sprintf("/cases/%s/raw?v=%d", c.Ref, out[i].Version))
	}
	return out
}

// outcomeDraft is the e-mail that tells the referrer the outcome, drafted
// for the Business Unit to read, change and send (§5.7).
type outcomeDraft struct {
	To, Subject, Text, Error string
}

// referrerAddress is where the referrer is written to: the address the
// case came from, else the referrer's own on the form.
func referrerAddress(c casefile.Case) string {
	if a, err := netmail.ParseAddress(c.Sender); err == nil {
		return a.Address
	}
	if a, err := netmail.ParseAddress(c.Referral.Referrer.Email); err == nil {
		return a.Address
	}
	return ""
}

// draftOutcome drafts the referrer's e-mail once the partners (or the
// Learning and Development Group) have decided this round and the
// referrer has not been told: the reference and the decision, never a
// child's details nor the rationale. nil when there is nothing to tell.
func (w *Workspace) draftOutcome(c casefile.Case, active []casefile.Event, form eventForm) *outcomeDraft {
	if deadlines.InRound(active, deadlines.ReferrerTold) || deadlines.Closed(active) {
		return nil
	}
	var decision *casefile.Event
	since := deadlines.RoundStart(active)
	for i := range active {
		e := &active[i]
		if (e.Type == deadlines.SSPDecision || e.Type == deadlines.LDDecision) && !e.At.Before(since) {
			decision = e
		}
	}
	if decision == nil {
		return nil
	}
	d := &outcomeDraft{To: referrerAddress(c), Subject: fmt.Sprintf("[%s] The outcome of your referral", c.Ref), Error: form.Error}
	if d.To == "" {
		d.Error = "There is no address to write to: the referrer's e-mail address is not on the case. Tell them another way, then record referrer-told."
	}
	what := map[string]string{
		deadlines.CriteriaMet:    "the criteria for notifying the national Child Safeguarding Practice Review Panel are met. The local authority notifies the Panel, and a Rapid Review of the case follows.",
		deadlines.CriteriaNotMet: "the criteria for notifying the national Child Safeguarding Practice Review Panel are not met.",
		deadlines.Learning:       "the case is not notifiable to the national Panel, but holds learning to explore: the Learning and Development Group will consider it.",
	}[decision.Data["outcome"]]
	who := "the Statutory Safeguarding Partners"
	if decision.Type == deadlines.LDDecision {
		spec, _ := deadlines.Spec(deadlines.LDDecision)
		who, what = "the Learning and Development Group", "the outcome is "+deadlines.ChoiceText(spec.Outcomes, decision.Data["outcome"])+"."
	}
	d.Text = fmt.Sprintf("Dear colleague,\n\nThank you for your referral %s, received on %s.\n\n"+
		"It has been considered by %s, who decided on %s that %s\n\n"+
		"If you have any questions, reply to this e-mail quoting the reference %s. Please do not include a child's details in your reply.\n\n"+
		"%s Business Unit\n", c.Ref, londonDate(c.ReceivedAt), who, londonDate(decision.At), what, c.Ref, w.Partnership)
	if form.Type == "tell-referrer" && form.Note != "" {
		d.Text = form.Note // what the officer wrote, shown again
	}
	return d
}

// tellReferrer sends the referrer the outcome, as the Business Unit
// wrote it, and records that they were told.
func (w *Workspace) tellReferrer(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.caseForm(rw, r, "Nothing was sent")
	if !ok {
		return
	}
	id, _ := who(r)
	events, err := w.Cases.ListEvents(r.Context(), c.Ref)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	form := eventForm{Type: "tell-referrer", At: civil.In(w.Now(), workdays.London).String(), Note: strings.TrimSpace(r.PostForm.Get("text"))}
	draft := w.draftOutcome(c, deadlines.Active(events), eventForm{})
	switch {
	case draft == nil:
		form.Error = "There is no decision to tell the referrer of, or they were told already: see the timeline"
	case draft.To == "":
		form.Error = draft.Error
	case form.Note == "" || len(form.Note) > 20000:
		form.Error = "Write the e-mail to the referrer (up to 20,000 characters)"
	}
	if form.Error != "" {
		w.showCase(rw, r, c, form, http.StatusBadRequest, "")
		return
	}
	err = w.Mail.Send(r.Context(), mail.Message{
		From: w.Partnership + " <" + w.Mailbox + ">", To: []string{draft.To}, Subject: draft.Subject, Text: form.Note + "\n",
		MessageID: "outcome." + mail.SafeID(c.Ref) + "." + strconv.Itoa(len(events)) + "@cspr-intake", Date: w.Now(),
	})
	if err != nil {
		w.fail(rw, r, fmt.Errorf("web: tell the referrer of %s: %w", c.Ref, err))
		return
	}
	_, err = w.Events.RecordEvent(r.Context(), c.Ref, intake.EventInput{Type: deadlines.ReferrerTold, At: w.Now().UTC().Format(time.RFC3339),
		Actor: actor(id), Role: id.Role, Extra: map[string]string{"by": "e-mail"}})
	if err != nil && errs.Code(err) != errs.Conflict {
		w.fail(rw, r, err)
		return
	}
	http.Redirect(rw, r, w.at("/cases/"+c.Ref+"?told=1"), http.StatusSeeOther)
}

// raw serves an input a case was read from, byte for byte: the version
// asked for (?v=N), or the latest.
func (w *Workspace) raw(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.openCase(rw, r)
	if !ok {
		return
	}
	version, location := c.Version, c.RawLocation
	if v := r.URL.Query().Get("v"); v != "" {
		events, err := w.Cases.ListEvents(r.Context(), c.Ref)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		n, err := strconv.Atoi(v)
		i := slices.IndexFunc(w.rawVersions(c, events), func(rv rawVersion) bool { return rv.Version == n })
		if err != nil || i < 0 {
			w.fail(rw, r, errs.E(errs.NotFound, "no version %q", v))
			return
		}
		version, location = n, w.rawVersions(c, events)[i].Location
	}
	data, err := w.Raw.Get(r.Context(), location)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	c.Version = version // the audit records the version downloaded
	if err := w.audit(r, c, web.EventRawDownloaded); err != nil {
		w.fail(rw, r, err)
		return
	}
	// Named by the reference and version, never the sender's file name
	// (it may hold a child's name), with the type its content shows;
	// always a download, never shown in the browser (nosniff).
	ext, media := formdoc.Saved(data)
	rw.Header().Set("Content-Type", media)
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d%s"`, c.Ref, version, ext))
	rw.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = rw.Write(data)
}
