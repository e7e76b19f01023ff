// Package form is the public web form: one page a section of the
// referral form (the criteria boxes, then sections 1 to 12), a
// check-your-answers page and a confirmation, on GOV.UK Design System
// patterns, with the service's start page and the blank Word form. It
// works without JavaScript. Answers are kept server-side in a draft under
// a random token in a cookie (Secure, HttpOnly, SameSite=Lax), deleted
// after an idle time; every POST carries a CSRF token derived from the
// draft's token.
package form

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/web"
)

//go:embed templates/pages.html
var pagesFS embed.FS

// Intake takes a referral in and says what deadlines it runs;
// *intake.Service is one.
type Intake interface {
	Submit(ctx context.Context, raw intake.Raw) (intake.Result, error)
	Deadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
}

// Handler serves the start page, the blank Word form and, when Drafts is
// set, the web form's pages.
type Handler struct {
	Intake      Intake
	Partnership string
	Mailbox     string
	Now         func() time.Time
	Log         *slog.Logger

	// BasePath starts every link the pages make: "/live" behind API
	// Gateway's default address (its paths start with the stage), "" on a
	// custom domain and locally.
	BasePath string

	// The web form, served when Drafts is set.
	Drafts           Drafts
	Mail             mail.Sender              // optional: the referrer's confirmation e-mail
	RuleTitle        func(rule string) string // a deadline's title ("" for flags that are not tasks)
	DraftIdle        time.Duration            // answers are deleted after this long idle; 60 minutes if 0
	SubmitsPerMinute int                      // per client address; 0 for no limit (the WAF's job in AWS)
	// SecureDomains are where a confirmation e-mail may go: an address
	// typed into a public form is anyone's, so only the partnership's
	// secure domains get one, ConfirmationsPerHour at most each.
	SecureDomains []string

	mux           *http.ServeMux
	submits       *admit.Rate // submissions a client address, a minute
	confirmations *admit.Rate // confirmation e-mails an address, an hour
}

// ConfirmationsPerHour is how many confirmation e-mails one address may
// get an hour from the web form.
const ConfirmationsPerHour = 3

// New returns a ready handler.
func New(h Handler) *Handler {
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.Log == nil {
		h.Log = slog.Default()
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /healthz", web.Health)
	h.mux.HandleFunc("GET /{$}", h.startPage)
	h.mux.Handle("GET /assets/", web.Assets())
	h.mux.HandleFunc("GET /referral-form.docx", h.blankForm)
	if h.Drafts != nil {
		h.submits = admit.NewRate(h.SubmitsPerMinute, time.Minute)
		h.confirmations = admit.NewRate(ConfirmationsPerHour, time.Hour)
		for _, p := range []string{"/referral/criteria", "/referral/section/{step}"} {
			h.mux.HandleFunc("GET "+p, h.sectionPage)
			h.mux.HandleFunc("POST "+p, h.sectionPage)
		}
		h.mux.HandleFunc("GET /referral/check", h.checkPage)
		h.mux.HandleFunc("POST /referral/submit", h.submitForm)
		h.mux.HandleFunc("GET /referral/confirmation", h.confirmationPage)
		h.mux.HandleFunc("GET /referral/copy.docx", h.copyDocx)
		h.mux.HandleFunc("GET /referral/new", h.newReferral)
		h.mux.HandleFunc("GET /referral/timed-out", h.timedOut)
		h.mux.HandleFunc("POST /referral/keepalive", h.keepAlive)
	}
	return &h
}

// ServeHTTP sets the security headers every response carries and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	web.SecurityHeaders(w)
	h.mux.ServeHTTP(w, r)
}

// blankForm is the blank Word form, for those who fill it in and e-mail it.
func (h *Handler) blankForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", `attachment; filename="referral-form.docx"`)
	_, _ = w.Write(formdoc.BlankDOCX(h.Partnership, h.Mailbox))
}

// Drafts keeps forms in progress; store.Drafts is one.
type Drafts interface {
	PutDraft(ctx context.Context, d store.Draft) error
	GetDraft(ctx context.Context, key string, now time.Time) (store.Draft, error)
	DeleteDraft(ctx context.Context, key string) error
}

const (
	draftCookie        = "cspr_draft"
	defaultIdle        = 60 * time.Minute
	maxFormBody        = 256 << 10
	confirmationPrefix = "web-confirmation."
)

// pages are the public form's pages, each made when first shown.
var pages = web.Pages(pagesFS, "templates/pages.html", "startContent", "sectionContent", "checkContent", "confirmationContent", "messageContent")

// view is what every page's layout needs.
type view struct {
	Title, Partnership, Mailbox, CSRF, Back string
	Base                                    string // BasePath, before every link
	IdleSeconds, IdleMinutes                int
	Errors                                  []web.ErrorLink

	// section pages
	Action, Return, Caption, Heading string
	Guidance                         []string
	Items                            []itemView

	// check and confirmation
	Summary     []summarySection
	Ref         string
	Emailed     string
	Route, Next string
	Deadlines   []deadlineView
}

type itemView struct {
	Field *fieldView
	Table *tableView
}

type tableView struct {
	ID, Path, One, A, Many, ManyLower string
	Rows                              []rowView
	CanAdd                            bool
}

type rowView struct {
	ID, Table, Legend string
	Index             int
	Fields            []*fieldView
}

type fieldView struct {
	ID, Name, Label, Hint, Kind, Value, Error string
	Day, Month, Year                          string
	InputType, Width, Autocomplete            string
	Spellcheck, Inline, Small                 bool
	MaxLen                                    int
	Options                                   []optionView
}

type optionView struct {
	ID, Value, Label string
	Checked          bool
	Reveals          []*fieldView
}

type summarySection struct {
	Heading string
	Rows    []summaryRow
}

type summaryRow struct {
	Key, Change string
	Lines       []string
}

type deadlineView struct{ Title, Due string }

// draft is a form in progress.
type draft struct {
	Referral referral.Referral `json:"referral"`
	Ref      string            `json:"ref,omitempty"` // sent: the case it made
	Route    referral.Route    `json:"route,omitempty"`
	Emailed  string            `json:"emailed,omitempty"`
}

// session is the draft of this request, with its token.
type session struct {
	token string // the cookie's value
	d     draft
}

func (h *Handler) idle() time.Duration {
	if h.DraftIdle <= 0 {
		return defaultIdle
	}
	return h.DraftIdle
}

func draftKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// csrf is the token every form of a draft carries: an HMAC of the draft's
// token, so it needs no storage and is worthless without the cookie.
func csrf(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// load finds the request's draft; ok false when there is none (never
// started, or deleted after the idle time).
func (h *Handler) load(r *http.Request) (session, bool, error) {
	c, err := r.Cookie(draftCookie)
	if err != nil || len(c.Value) < 20 || len(c.Value) > 100 {
		return session{}, false, nil
	}
	d, err := h.Drafts.GetDraft(r.Context(), draftKey(c.Value), h.Now())
	if errs.Code(err) == errs.NotFound {
		return session{}, false, nil
	}
	if err != nil {
		return session{}, false, err
	}
	s := session{token: c.Value}
	if err := json.Unmarshal(d.Body, &s.d); err != nil {
		return session{}, false, nil // an unreadable draft is no draft
	}
	return s, true, nil
}

// save keeps the draft for another idle period.
func (h *Handler) save(ctx context.Context, s session) error {
	body, err := json.Marshal(s.d)
	if err != nil {
		return err
	}
	return h.Drafts.PutDraft(ctx, store.Draft{Key: draftKey(s.token), Body: body, ExpiresAt: h.Now().Add(h.idle())})
}

// begin starts a new draft with one child row and sets its cookie.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request) (session, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return session{}, err
	}
	s := session{token: base64.RawURLEncoding.EncodeToString(raw)}
	referral.AddRow(&s.d.Referral, "children")
	if err := h.save(r.Context(), s); err != nil {
		return session{}, err
	}
	http.SetCookie(w, &http.Cookie{Name: draftCookie, Value: s.token, Path: h.at("/referral"), HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	return s, nil
}

// steps are the form's pages in order: "criteria", "1" … "12".
var steps = func() []string {
	out := []string{"criteria"}
	for i := 1; i <= 12; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}()

func stepPath(step string) string {
	if step == "criteria" {
		return "/referral/criteria"
	}
	return "/referral/section/" + step
}

func sectionOfStep(step string) (referral.Section, bool) {
	n := 0
	if step != "criteria" {
		var err error
		if n, err = strconv.Atoi(step); err != nil || n < 1 || n > 12 {
			return referral.Section{}, false
		}
	}
	for _, s := range referral.Form {
		if s.Number == n {
			return s, true
		}
	}
	return referral.Section{}, false
}

func (h *Handler) base(title string) view {
	return view{Title: title, Partnership: h.Partnership, Mailbox: h.Mailbox, IdleMinutes: int(h.idle() / time.Minute), Base: h.BasePath}
}

// at is a path as the browser sees it: behind API Gateway's default
// address every path starts with the stage's name.
func (h *Handler) at(p string) string { return h.BasePath + p }

func (h *Handler) render(w http.ResponseWriter, status int, page string, v view) {
	pages.Render(w, h.Log, "layout", page, status, v)
}

// renderPage writes a page whole or not at all: into a buffer first, so a
// template error is a clean 500, never half a page.

// startPage is the service's start page.
func (h *Handler) startPage(w http.ResponseWriter, r *http.Request) {
	v := h.base("Start")
	v.Guidance = referral.Opening(h.Partnership, h.Mailbox)
	h.render(w, http.StatusOK, "startContent", v)
}

// newReferral forgets the current draft and starts again.
func (h *Handler) newReferral(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(draftCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 100 {
		if err := h.Drafts.DeleteDraft(r.Context(), draftKey(c.Value)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	// The cookie is cleared on the path it was set on (behind a base path
	// such as /live too), or the browser keeps it.
	http.SetCookie(w, &http.Cookie{Name: draftCookie, Value: "", Path: h.at("/referral"), MaxAge: -1, HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, h.at("/referral/criteria"), http.StatusSeeOther)
}

// timedOut says the answers were deleted.
func (h *Handler) timedOut(w http.ResponseWriter, r *http.Request) {
	v := h.base("Your answers have been deleted")
	v.Heading = "Your answers have been deleted"
	v.Guidance = []string{fmt.Sprintf("You did not do anything for %d minutes, so we deleted your answers to protect your information.", v.IdleMinutes)}
	v.Action, v.Caption = h.at("/referral/criteria"), "Start your referral again"
	h.render(w, http.StatusOK, "messageContent", v)
}

// sessionFor gets the draft of a form page, starting one on GET.
func (h *Handler) sessionFor(w http.ResponseWriter, r *http.Request) (session, bool) {
	s, ok, err := h.load(r)
	if err != nil {
		h.fail(w, r, err)
		return session{}, false
	}
	if ok {
		return s, true
	}
	if r.Method != http.MethodGet {
		http.Redirect(w, r, h.at("/referral/timed-out"), http.StatusSeeOther)
		return session{}, false
	}
	if s, err = h.begin(w, r); err != nil {
		h.fail(w, r, err)
		return session{}, false
	}
	return s, true
}

// checkPost reads a form POST: body limit, CSRF token, honeypot.
func (h *Handler) checkPost(w http.ResponseWriter, r *http.Request, s session) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errs.Wrap(errs.Invalid, err, "The answers could not be read: they may be too long"))
		return false
	}
	if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(csrf(s.token))) {
		h.Log.Warn("form post without a valid CSRF token", "path", r.URL.Path)
		h.fail(w, r, errs.E(errs.Invalid, "The page had expired. Go back, reload it and try again"))
		return false
	}
	if r.PostForm.Get("website") != "" {
		h.Log.Warn("honeypot field filled: automated submission refused", "path", r.URL.Path)
		h.fail(w, r, errs.E(errs.Invalid, "The answers could not be accepted"))
		return false
	}
	return true
}

// fail shows an error as a page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := web.StatusOf(err)
	if status == http.StatusInternalServerError {
		h.Log.Error("form request failed", "path", r.URL.Path, "err", err)
	}
	v := h.base("There is a problem")
	v.Heading = "Sorry, there is a problem"
	v.Guidance = []string{errs.Message(err)}
	v.Action, v.Caption = h.at("/referral/check"), "Go back to your answers"
	h.render(w, status, "messageContent", v)
}

// sectionPage shows one page of the form.
func (h *Handler) sectionPage(w http.ResponseWriter, r *http.Request) {
	step := r.PathValue("step")
	if r.URL.Path == "/referral/criteria" {
		step = "criteria"
	}
	sec, ok := sectionOfStep(step)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s, ok := h.sessionFor(w, r)
	if !ok {
		return
	}
	if s.d.Ref != "" {
		http.Redirect(w, r, h.at("/referral/confirmation"), http.StatusSeeOther)
		return
	}
	ret := ""
	if r.URL.Query().Get("return") == "check" {
		ret = "check"
	}
	if r.Method == http.MethodGet {
		h.render(w, http.StatusOK, "sectionContent", h.sectionView(s, step, sec, ret, nil))
		return
	}
	if !h.checkPost(w, r, s) {
		return
	}
	ret = r.PostForm.Get("return")
	readSection(&s.d.Referral, sec, r.PostForm)
	action := r.PostForm.Get("action")
	switch {
	case strings.HasPrefix(action, "add:"):
		if t, ok := tableNamed(strings.TrimPrefix(action, "add:")); ok && referral.Count(&s.d.Referral, t.Path) < t.Max {
			referral.AddRow(&s.d.Referral, t.Path)
		}
	case strings.HasPrefix(action, "remove:"):
		parts := strings.Split(action, ":")
		if len(parts) == 3 {
			if i, err := strconv.Atoi(parts[2]); err == nil {
				referral.RemoveRow(&s.d.Referral, parts[1], i)
			}
		}
	}
	if err := h.save(r.Context(), s); err != nil {
		h.fail(w, r, err)
		return
	}
	if action != "continue" {
		target := stepPath(step)
		if ret != "" {
			target += "?return=check"
		}
		http.Redirect(w, r, h.at(target)+"#"+anchorFor(action), http.StatusSeeOther)
		return
	}
	if probs := h.problems(s.d.Referral, sec.Number); len(probs) > 0 {
		h.render(w, http.StatusOK, "sectionContent", h.sectionView(s, step, sec, ret, probs))
		return
	}
	next := "/referral/check"
	if ret == "" {
		for i, st := range steps {
			if st == step && i+1 < len(steps) {
				next = stepPath(steps[i+1])
			}
		}
	}
	http.Redirect(w, r, h.at(next), http.StatusSeeOther)
}

func anchorFor(action string) string {
	if strings.HasPrefix(action, "add:") {
		return idOf(strings.TrimPrefix(action, "add:"))
	}
	parts := strings.Split(action, ":")
	if len(parts) == 3 {
		return idOf(parts[1])
	}
	return "main-content"
}

func tableNamed(path string) (referral.Rows, bool) {
	for _, t := range referral.Tables {
		if t.Path == path {
			return t, true
		}
	}
	return referral.Rows{}, false
}

// problems checks a copy of the answers as intake will and keeps the
// section's problems.
func (h *Handler) problems(r referral.Referral, section int) []referral.Problem {
	cp := copyReferral(r)
	_, probs := referral.Check(&cp, civil.In(h.Now(), london))
	var out []referral.Problem
	for _, p := range probs {
		if p.Section == section || section < 0 {
			out = append(out, p)
		}
	}
	return out
}

func copyReferral(r referral.Referral) referral.Referral {
	data, _ := json.Marshal(r)
	var cp referral.Referral
	_ = json.Unmarshal(data, &cp)
	return cp
}

// checkPage shows every answer, with change links, and sends.
func (h *Handler) checkPage(w http.ResponseWriter, r *http.Request) {
	s, ok := h.sessionFor(w, r)
	if !ok {
		return
	}
	if s.d.Ref != "" {
		http.Redirect(w, r, h.at("/referral/confirmation"), http.StatusSeeOther)
		return
	}
	h.render(w, http.StatusOK, "checkContent", h.checkView(s, nil))
}

func (h *Handler) checkView(s session, probs []referral.Problem) view {
	v := h.base("Check your answers")
	v.CSRF, v.IdleSeconds, v.Back = csrf(s.token), int(h.idle()/time.Second), h.at(stepPath("12"))
	for _, sec := range referral.Form {
		step := "criteria"
		heading := "Which criteria apply"
		if sec.Number > 0 {
			step = strconv.Itoa(sec.Number)
			heading = fmt.Sprintf("Section %d: %s", sec.Number, sentence(sec.Title))
		}
		ss := summarySection{Heading: heading}
		change := h.at(stepPath(step)) + "?return=check"
		done := map[string]bool{}
		for _, f := range sec.Fields {
			if t, ok := tableOf(f.Path); ok {
				if done[t.Path] {
					continue
				}
				done[t.Path] = true
				n := referral.Count(&s.d.Referral, t.Path)
				for i := 0; i < n; i++ {
					var lines []string
					for _, g := range sec.Fields {
						if strings.HasPrefix(g.Path, t.Path+".") {
							if val := display(g, referral.Get(&s.d.Referral, fmt.Sprintf("%s[%d]%s", t.Path, i, strings.TrimPrefix(g.Path, t.Path)))); val != "" {
								lines = append(lines, sentence(g.Label)+": "+val)
							}
						}
					}
					ss.Rows = append(ss.Rows, summaryRow{Key: fmt.Sprintf("%s %d", capital(t.One), i+1), Change: change + "#" + idOf(fmt.Sprintf("%s[%d]", t.Path, i)), Lines: lines})
				}
				if n == 0 {
					ss.Rows = append(ss.Rows, summaryRow{Key: capital(t.Many), Change: change, Lines: []string{"None added"}})
				}
				continue
			}
			val := display(f, referral.Get(&s.d.Referral, f.Path))
			var lines []string
			if val != "" {
				lines = strings.Split(val, "\n")
			}
			ss.Rows = append(ss.Rows, summaryRow{Key: sentence(f.Label), Change: change + "#" + idOf(f.Path), Lines: lines})
		}
		v.Summary = append(v.Summary, ss)
	}
	for _, p := range probs {
		step := "criteria"
		if p.Section > 0 {
			step = strconv.Itoa(p.Section)
		}
		v.Errors = append(v.Errors, web.ErrorLink{Href: h.at(stepPath(step)) + "?return=check#" + idOf(p.Field), Message: p.Message})
	}
	return v
}

// submitForm sends the referral to intake: once, however often it is
// posted.
func (h *Handler) submitForm(w http.ResponseWriter, r *http.Request) {
	s, ok, err := h.load(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		http.Redirect(w, r, h.at("/referral/timed-out"), http.StatusSeeOther)
		return
	}
	if !h.checkPost(w, r, s) {
		return
	}
	if s.d.Ref != "" {
		http.Redirect(w, r, h.at("/referral/confirmation"), http.StatusSeeOther)
		return
	}
	if !h.allow(r) {
		h.fail(w, r, errs.E(errs.Invalid, "Too many referrals have been sent from your network in the last few minutes. Wait a minute and try again, or e-mail the form to %s", h.Mailbox))
		return
	}
	if probs := h.problems(s.d.Referral, -1); len(probs) > 0 {
		h.render(w, http.StatusOK, "checkContent", h.checkView(s, probs))
		return
	}
	body, err := json.Marshal(s.d.Referral)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.Intake.Submit(r.Context(), intake.Raw{Data: body, Channel: "web", Sender: s.d.Referral.Referrer.Email,
		Filename: "web-form.json", ContentType: "application/json", ReceivedAt: h.Now()})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s.d.Ref, s.d.Route = res.Ref, res.Route
	if err := h.save(r.Context(), s); err != nil {
		h.fail(w, r, err)
		return
	}
	if to := s.d.Referral.Referrer.Email; h.Mail != nil && referral.IsEmail(to) && mail.Answerable(to) && mail.InDomains(to, h.SecureDomains) &&
		h.confirmations.Allow(strings.ToLower(to), h.Now()) {
		if err := h.confirm(r.Context(), s.d.Referral.Referrer.Email, res.Ref, res.Route); err != nil {
			h.Log.Warn("confirmation e-mail not sent", "ref", res.Ref, "code", errs.Code(err))
		} else {
			s.d.Emailed = s.d.Referral.Referrer.Email
			_ = h.save(r.Context(), s)
		}
	}
	h.Log.Info("web referral sent", "ref", res.Ref, "duplicate", res.Duplicate)
	http.Redirect(w, r, h.at("/referral/confirmation"), http.StatusSeeOther)
}

// confirmationPage shows the reference and what happens next.
func (h *Handler) confirmationPage(w http.ResponseWriter, r *http.Request) {
	s, ok, err := h.load(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok || s.d.Ref == "" {
		http.Redirect(w, r, h.at("/"), http.StatusSeeOther)
		return
	}
	v := h.base("Referral sent")
	v.Ref, v.Emailed = s.d.Ref, s.d.Emailed
	v.Route, v.Next = intake.RouteWords(s.d.Route), intake.NextSteps(s.d.Route)
	v.Deadlines = h.deadlineViews(r.Context(), s.d.Ref)
	h.render(w, http.StatusOK, "confirmationContent", v)
}

func (h *Handler) deadlineViews(ctx context.Context, ref string) []deadlineView {
	ds, err := h.Intake.Deadlines(ctx, ref)
	if err != nil {
		return nil
	}
	var out []deadlineView
	for _, d := range ds {
		if d.Status != casefile.DeadlineOpen {
			continue
		}
		title := d.Rule
		if h.RuleTitle != nil {
			if t := h.RuleTitle(d.Rule); t != "" {
				title = t
			} else {
				continue // a flag, not a task
			}
		}
		out = append(out, deadlineView{Title: title, Due: d.Due.In(london).Format("Monday 2 January 2006")})
	}
	return out
}

// confirm e-mails the referrer their reference and the deadlines.
func (h *Handler) confirm(ctx context.Context, to, ref string, route referral.Route) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has received your referral.\n\nReference: %s\nUnderstood as: %s\n\n", h.Partnership, ref, intake.RouteWords(route))
	if ds := h.deadlineViews(ctx, ref); len(ds) > 0 {
		b.WriteString("Statutory deadlines now running:\n")
		for _, d := range ds {
			fmt.Fprintf(&b, "  - %s: by the end of %s\n", d.Title, d.Due)
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(&b, "What happens next: %s\n\n", intake.NextSteps(route))
	}
	fmt.Fprintf(&b, "Quote %s if you contact the Business Unit at %s.\n\n%s Business Unit\n", ref, h.Mailbox, h.Partnership)
	return h.Mail.Send(ctx, mail.Message{
		From: h.Partnership + " <" + h.Mailbox + ">", To: []string{to}, Subject: fmt.Sprintf("[%s] Referral received", ref),
		Text: b.String(), MessageID: confirmationPrefix + ref + "@cspr-intake", Date: h.Now(),
	})
}

// copyDocx downloads the answers as the Word form.
func (h *Handler) copyDocx(w http.ResponseWriter, r *http.Request) {
	s, ok, err := h.load(r)
	if err != nil || !ok {
		http.Redirect(w, r, h.at("/"), http.StatusSeeOther)
		return
	}
	var buf bytes.Buffer
	if err := formdoc.WriteDOCX(&buf, &s.d.Referral, h.Partnership, h.Mailbox); err != nil {
		h.fail(w, r, err)
		return
	}
	name := "referral"
	if s.d.Ref != "" {
		name = s.d.Ref
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.docx"`)
	_, _ = w.Write(buf.Bytes())
}

// keepAlive resets a draft's idle clock (the timeout warning's button).
func (h *Handler) keepAlive(w http.ResponseWriter, r *http.Request) {
	s, ok, err := h.load(r)
	if err != nil || !ok {
		http.Error(w, "no draft", http.StatusGone)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if r.ParseForm() != nil || !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(csrf(s.token))) {
		http.Error(w, "bad token", http.StatusForbidden)
		return
	}
	if err := h.save(r.Context(), s); err != nil {
		http.Error(w, "not kept", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
