// Package workspace is the partnership's signed-in case workspace: the
// case list (the same filters as the API, shared/web), each case with its
// answers — where each was read, and any that could not be — its raw
// input, deadlines and timeline, the forms that record what happened,
// held mail and the figures; and the sign-in (OIDC, or local one-time
// links) that every page needs. Every view of a case is recorded on it.
package workspace

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	netmail "net/mail"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadletter"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// CaseFiles is what the workspace reads of cases, and where it records
// who looked; store.Store is one.
type CaseFiles interface {
	GetCase(ctx context.Context, ref string) (casefile.Case, error)
	ListCases(ctx context.Context, status casefile.Status) ([]casefile.CaseSummary, error)
	ListEvents(ctx context.Context, ref string) ([]casefile.Event, error)
	ListDeadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
	AppendEvent(ctx context.Context, e casefile.Event) (bool, error)
}

// RawFiles reads the raw inputs cases were read from.
type RawFiles interface {
	Get(ctx context.Context, key string) ([]byte, error)
}

// EventRecorder records what happened to a case; *intake.Service is one.
type EventRecorder interface {
	RecordEvent(ctx context.Context, ref string, in intake.EventInput) (intake.Recorded, error)
	Assign(ctx context.Context, ref, officer string) error
}

// Messages is the mailbox's held mail, for the Business Unit: listed by
// outcome, read, released into intake or dismissed.
type Messages interface {
	ListMessages(ctx context.Context, outcome casefile.Outcome) ([]casefile.Message, error)
	Release(ctx context.Context, key, officer string) (inbox.Report, error)
	HeldMessage(ctx context.Context, key string) (inbox.Held, error)
	Dismiss(ctx context.Context, key, officer string) error
	// GetMessage is a message as the mailbox recorded it, whatever became
	// of it: what the page says of a release or dismissal is read here.
	GetMessage(ctx context.Context, key string) (casefile.Message, error)
}

// Sessions keeps signed-in sessions and one-time links as short-lived
// records; store.Drafts is one.
type Sessions interface {
	PutDraft(ctx context.Context, d store.Draft) error
	GetDraft(ctx context.Context, key string, now time.Time) (store.Draft, error)
	DeleteDraft(ctx context.Context, key string) error
}

// Workspace serves the partnership's signed-in pages: the case list, each
// case with its answers, raw input, deadlines and timeline, the forms that
// record what happened, and held mail. Every page needs a session; every
// view of a case and download of its raw input is recorded on the case.
type Workspace struct {
	Cases  CaseFiles
	Raw    RawFiles
	Events EventRecorder
	Held   Messages // optional: held mail (GET /cases/held, release)
	// DeadLetters, optional: what AWS could not deliver after its retries,
	// listed with the held mail.
	DeadLetters DeadLetters
	Sessions    Sessions // server-side sessions, in the drafts' short-lived records
	OIDC        *OIDC    // the identity provider; nil: local one-time links only
	// ProviderLogout, when set, is the provider's sign-out endpoint
	// (Cognito's hosted /logout): signing out of the workspace ends the
	// provider's session too, so the next person at a shared computer is
	// not signed straight back in.
	ProviderLogout string

	// "Inform the partners": a notice to the Statutory Safeguarding
	// Partners (reference and link, never a child's details), from the
	// mailbox, then ssp-informed recorded.
	Mail     mail.Sender
	Partners []string
	Mailbox  string
	CaseURL  func(ref string) string

	Partnership string
	BasePath    string // before every path the browser sees
	Rules       deadlines.RuleSet
	Calendar    *workdays.Calendar // working days for the figures
	Now         func() time.Time
	Log         *slog.Logger

	mux *http.ServeMux
}

// DeadLetters lists the dead-letter queues' messages without taking them
// off.
type DeadLetters interface {
	List(ctx context.Context) ([]deadletter.Letter, error)
}

// NewWorkspace returns the workspace ready to serve.
func NewWorkspace(w Workspace) *Workspace {
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
	w.mux = http.NewServeMux()
	w.mux.HandleFunc("GET /signin", w.signIn)
	w.mux.HandleFunc("GET /signin/callback", w.callback)
	w.mux.HandleFunc("POST /signout", w.signOut)
	w.mux.HandleFunc("GET /signout/done", w.signedOut)
	w.mux.Handle("GET /cases", w.Require(http.HandlerFunc(w.list)))
	w.mux.Handle("GET /cases/{ref}", w.Require(http.HandlerFunc(w.casePage)))
	w.mux.Handle("POST /cases/{ref}/events", w.Require(http.HandlerFunc(w.recordEvent)))
	w.mux.Handle("POST /cases/{ref}/assign", w.Require(http.HandlerFunc(w.assign)))
	w.mux.Handle("GET /cases/{ref}/raw", w.Require(http.HandlerFunc(w.raw)))
	w.mux.Handle("GET /cases/figures", w.Require(http.HandlerFunc(w.figuresPage), RoleBusinessUnit, RoleSSP, RoleChair))
	w.mux.Handle("GET /cases/figures.csv", w.Require(http.HandlerFunc(w.figuresCSV), RoleBusinessUnit, RoleSSP, RoleChair))
	if w.Mail != nil && len(w.Partners) > 0 {
		w.mux.Handle("POST /cases/{ref}/inform", w.Require(http.HandlerFunc(w.inform), RoleBusinessUnit))
	}
	if w.Mail != nil {
		w.mux.Handle("POST /cases/{ref}/tell-referrer", w.Require(http.HandlerFunc(w.tellReferrer), RoleBusinessUnit))
	}
	if w.Held != nil {
		w.mux.Handle("GET /cases/held", w.Require(http.HandlerFunc(w.held), RoleBusinessUnit))
		w.mux.Handle("POST /cases/held/{key}/release", w.Require(http.HandlerFunc(w.release), RoleBusinessUnit))
		w.mux.Handle("GET /cases/held/{key}/message", w.Require(http.HandlerFunc(w.heldMessage), RoleBusinessUnit))
		w.mux.Handle("POST /cases/held/{key}/dismiss", w.Require(http.HandlerFunc(w.dismiss), RoleBusinessUnit))
	}
	return &w
}

// ServeHTTP sets the pages' security headers and routes.
func (w *Workspace) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	web.SecurityHeaders(rw)
	w.mux.ServeHTTP(rw, r)
}

type identityKey struct{}

// who is the person signed in for a request that passed Require.
func who(r *http.Request) (Identity, string) {
	s, _ := r.Context().Value(identityKey{}).(wsSession)
	return s.Identity, s.token
}

// Require passes only requests of a signed-in person with one of roles
// (any workspace role if none are given). Signed out, a GET goes to sign
// in and comes back; a person without the role gets the 403 page.
func (w *Workspace) Require(next http.Handler, roles ...string) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s, ok, err := w.session(r)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		if !ok {
			if r.Method != http.MethodGet {
				w.message(rw, http.StatusUnauthorized, "You are signed out", "Your session ended, so nothing was changed. Sign in and try again.")
				return
			}
			http.Redirect(rw, r, w.at("/signin?next="+url.QueryEscape(r.URL.RequestURI())), http.StatusSeeOther)
			return
		}
		if len(roles) > 0 && !slices.Contains(roles, s.Identity.Role) || s.Identity.Role == "" {
			w.message(rw, http.StatusForbidden, "You cannot see this page", "Your account does not give you access to it. Ask the Business Unit if you need it.")
			return
		}
		// Each request keeps the session for another idle period.
		if err := w.keepSession(r.Context(), s); err != nil {
			w.fail(rw, r, err)
			return
		}
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), identityKey{}, s)))
	})
}

func (w *Workspace) session(r *http.Request) (wsSession, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) < 20 || len(c.Value) > 100 {
		return wsSession{}, false, nil
	}
	var s wsSession
	ok, err := getJSON(r.Context(), w.Sessions, keep("session", c.Value), w.Now(), &s)
	if !ok || err != nil || w.Now().After(s.Started.Add(sessionMax)) {
		return wsSession{}, false, err
	}
	s.token = c.Value
	return s, true, nil
}

func (w *Workspace) keepSession(ctx context.Context, s wsSession) error {
	until := w.Now().Add(sessionIdle)
	if end := s.Started.Add(sessionMax); end.Before(until) {
		until = end
	}
	return putJSON(ctx, w.Sessions, keep("session", s.token), s, until)
}

// startSession signs a person in: a new token, its record, the cookie.
func (w *Workspace) startSession(rw http.ResponseWriter, r *http.Request, id Identity, next string) {
	token, err := web.RandomToken()
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	s := wsSession{Identity: id, Started: w.Now(), token: token}
	if err := w.keepSession(r.Context(), s); err != nil {
		w.fail(rw, r, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: token, Path: w.at("/"), HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	w.Log.Info("signed in", "subject", id.Subject, "role", id.Role)
	http.Redirect(rw, r, w.at(safeNext(next)), http.StatusSeeOther)
}

// safeNext keeps a return address on this site: a path, never another
// host ("//evil.example", "https://…", "/\evil.example").
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/cases"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/cases"
	}
	return next
}

// signIn takes a one-time link's token, or sends the browser to the
// identity provider.
func (w *Workspace) signIn(rw http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if token := r.URL.Query().Get("token"); token != "" {
		var id Identity
		ok, err := getJSON(r.Context(), w.Sessions, keep("link", token), w.Now(), &id)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		if !ok {
			w.message(rw, http.StatusUnauthorized, "This sign-in link cannot be used", "Sign-in links work once, for 15 minutes. Restart the local runner for a new one.")
			return
		}
		if err := w.Sessions.DeleteDraft(r.Context(), keep("link", token)); err != nil {
			w.fail(rw, r, err)
			return
		}
		w.startSession(rw, r, id, next)
		return
	}
	if w.OIDC == nil {
		w.message(rw, http.StatusUnauthorized, "Sign in", "Use the sign-in link the local runner wrote to its log when it started (the signinURL of its first lines).")
		return
	}
	oauth, err := w.oauth(r)
	if err != nil {
		w.signInUnavailable(rw, err)
		return
	}
	state, err1 := web.RandomToken()
	nonce, err2 := web.RandomToken()
	if err1 != nil || err2 != nil {
		w.fail(rw, r, fmt.Errorf("web: random: %v %v", err1, err2))
		return
	}
	rt := roundTrip{Verifier: oauth2.GenerateVerifier(), Nonce: nonce, Next: safeNext(next)}
	if err := putJSON(r.Context(), w.Sessions, keep("oidc", state), rt, w.Now().Add(roundTripLife)); err != nil {
		w.fail(rw, r, err)
		return
	}
	// The state is tied to this browser too: a callback carrying someone
	// else's state finds no cookie to match.
	http.SetCookie(rw, &http.Cookie{Name: stateCookie, Value: state, Path: w.at("/signin"), MaxAge: int(roundTripLife / time.Second),
		HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(rw, r, oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(rt.Verifier)), http.StatusFound)
}

// callback finishes a provider sign-in: state, code exchange with the
// PKCE verifier, ID token verified, a role required.
func (w *Workspace) callback(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := r.Cookie(stateCookie)
	if w.OIDC == nil || err != nil || q.Get("state") == "" || !hmac.Equal([]byte(c.Value), []byte(q.Get("state"))) {
		w.message(rw, http.StatusBadRequest, "The sign-in did not work", "It may have taken too long, or started in another browser. Try again.")
		return
	}
	var rt roundTrip
	ok, err := getJSON(r.Context(), w.Sessions, keep("oidc", c.Value), w.Now(), &rt)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	_ = w.Sessions.DeleteDraft(r.Context(), keep("oidc", c.Value)) // one use
	http.SetCookie(rw, &http.Cookie{Name: stateCookie, Value: "", Path: w.at("/signin"), MaxAge: -1, HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	if !ok || q.Get("code") == "" {
		w.message(rw, http.StatusBadRequest, "The sign-in did not work", "It may have taken too long, or started in another browser. Try again.")
		return
	}
	oauth, err := w.oauth(r)
	if err != nil {
		w.signInUnavailable(rw, err)
		return
	}
	tok, err := oauth.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(rt.Verifier))
	if err != nil {
		w.Log.Warn("sign-in code exchange failed", "err", err)
		w.message(rw, http.StatusBadGateway, "The sign-in did not work", "The sign-in service did not confirm who you are. Try again.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := w.OIDC.Verify(r.Context(), raw, rt.Nonce)
	if err != nil {
		w.Log.Warn("ID token refused", "err", err)
		w.message(rw, http.StatusUnauthorized, "The sign-in did not work", errs.Message(err)+". Try again.")
		return
	}
	if id.Role == "" {
		w.Log.Warn("signed in without a workspace role", "subject", id.Subject)
		w.message(rw, http.StatusForbidden, "You cannot use the workspace", "Your account is not in a workspace group (business-unit, ssp, chair, ld-chair). Ask the Business Unit.")
		return
	}
	w.startSession(rw, r, id, rt.Next)
}

// signInUnavailable answers a sign-in when the provider cannot be
// reached or its client read; the next sign-in tries again.
func (w *Workspace) signInUnavailable(rw http.ResponseWriter, err error) {
	w.Log.Error("sign-in provider unavailable", "err", err)
	w.message(rw, http.StatusServiceUnavailable, "Sign-in is not available just now", "The sign-in service cannot be reached. Try again in a few minutes; if it goes on, tell the Business Unit.")
}

func (w *Workspace) signOut(rw http.ResponseWriter, r *http.Request) {
	s, ok, _ := w.session(r)
	if ok && (r.ParseForm() != nil || !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(wsCSRF(s.token)))) {
		w.message(rw, http.StatusForbidden, "You are still signed in", "The sign-out form was out of date. Go back and try again.")
		return
	}
	if ok {
		_ = w.Sessions.DeleteDraft(r.Context(), keep("session", s.token))
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: w.at("/"), MaxAge: -1, HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	if ok && w.OIDC != nil && w.ProviderLogout != "" {
		if to, err := w.providerLogout(r); err == nil {
			http.Redirect(rw, r, to, http.StatusSeeOther)
			return
		} else {
			w.Log.Warn("provider sign-out not reached", "err", err)
		}
	}
	w.signedOut(rw, r)
}

// providerLogout is where the browser ends the provider's session: its
// logout endpoint, with the app client and the page to come back to
// (registered with the provider as a sign-out address).
func (w *Workspace) providerLogout(r *http.Request) (string, error) {
	oauth, err := w.oauth(r)
	if err != nil {
		return "", err
	}
	back := strings.TrimSuffix(oauth.RedirectURL, "/signin/callback") + "/signout/done"
	q := url.Values{"client_id": {oauth.ClientID}, "logout_uri": {back}}
	return w.ProviderLogout + "?" + q.Encode(), nil
}

// signedOut is where sign-out ends.
func (w *Workspace) signedOut(rw http.ResponseWriter, r *http.Request) {
	w.message(rw, http.StatusOK, "You are signed out", "Close the browser if others use this computer.")
}

// wsCSRF is the token every workspace form carries: an HMAC of the
// session's token.
func wsCSRF(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("workspace-csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (w *Workspace) checkCSRF(r *http.Request) bool {
	_, token := who(r)
	return r.ParseForm() == nil && hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(wsCSRF(token)))
}

func (w *Workspace) at(p string) string { return w.BasePath + p }

// canSee says whether a role may open a case: the L&D chair sees the
// learning route only.
func canSee(role string, route referral.Route, learning bool) bool {
	return role != RoleLDChair || route == referral.RouteLearning || learning
}

// recordable are the events a role may record: the catalogue's.
func recordable(role string) []string { return deadlines.Recordable(role) }

// ---- pages ----

type wsView struct {
	Title, Partnership, Base, CSRF, Nav string
	Who                                 Identity
	Errors                              []web.ErrorLink
	Notice                              string

	Heading string
	Body    []string

	Rows                          []caseRow
	Filter                        web.Filter
	Total, Page, Pages            int
	PrevURL, NextURL              string
	Case                          *caseView
	Held                          []heldRow
	DeadLetters                   []deadLetterRow
	HeldMessage                   *heldView
	ShowDeadLetters               bool
	DeadLetterError               bool
	Figures                       *Figures
	HeldReasons                   []struct{ Code, Words string }
	RouteOptions, Statuses, Years []string
}

type caseRow struct {
	Ref, Received, Channel, Route, Status, Next, Due, Badge, Assignee string
	Owed                                                              string // asked by the Panel on this day, and owed
	ReceivedSort, DueSort                                             string // sortable forms, for the table's sorting
	HeldMail                                                          bool
}

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

type deadLetterRow struct{ Queue, Sent, What, Detail string }

type heldView struct {
	Key, From, Received, Reasons, Refs, Subject, ReplyTo, MessageID, Date, Text, Unreadable string
	Verdicts, Attachments                                                                   []string
}

type heldRow struct {
	Key, Received, From, Reasons, Refs string
	Attachments                        int
	Answered                           bool // the sender was told (not the form)
}

// wsPages are the workspace's pages, each made when first shown.
var wsPages = web.Pages(pagesFS, "templates/workspace.html", "casesContent", "caseContent", "heldContent", "heldMessageContent", "figuresContent", "wsMessageContent")

//go:embed templates/workspace.html
var pagesFS embed.FS

func (w *Workspace) view(r *http.Request, title, nav string) wsView {
	id, token := who(r)
	v := wsView{Title: title, Partnership: w.Partnership, Base: w.BasePath, Who: id, Nav: nav}
	if token != "" {
		v.CSRF = wsCSRF(token)
	}
	return v
}

func (w *Workspace) render(rw http.ResponseWriter, status int, page string, v wsView) {
	wsPages.Render(rw, w.Log, "wsLayout", page, status, v)
}

func (w *Workspace) message(rw http.ResponseWriter, status int, heading, body string) {
	v := wsView{Title: heading, Partnership: w.Partnership, Base: w.BasePath, Heading: heading, Body: []string{body}}
	w.render(rw, status, "wsMessageContent", v)
}

// fail is the one place a workspace error becomes a page.
func (w *Workspace) fail(rw http.ResponseWriter, r *http.Request, err error) {
	switch status := web.StatusOf(err); status {
	case http.StatusNotFound:
		w.message(rw, status, "Page not found", "There is no case or message at this address. Check the reference.")
	case http.StatusInternalServerError:
		w.Log.Error("workspace request failed", "path", r.URL.Path, "err", err)
		w.message(rw, status, "Sorry, there is a problem", "Something went wrong on our side; nothing was changed. Try again later.")
	default:
		w.message(rw, status, "There is a problem", errs.Message(err))
	}
}

func londonDate(t time.Time) string { return t.In(workdays.London).Format("2 Jan 2006") }
func londonTime(t time.Time) string { return t.In(workdays.London).Format("2 Jan 2006 15:04") }

// list is every case the person may see, with its next deadline.
func (w *Workspace) list(rw http.ResponseWriter, r *http.Request) {
	id, _ := who(r)
	q := r.URL.Query()
	f := web.FilterOf(q)
	cases, err := w.Cases.ListCases(r.Context(), f.StoreStatus())
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := civil.In(w.Now(), workdays.London)
	held := map[string]bool{} // cases that held mail names
	if w.Held != nil && id.Role == RoleBusinessUnit {
		msgs, err := w.Held.ListMessages(r.Context(), casefile.OutcomeQuarantined)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, m := range msgs {
			for _, ref := range m.Refs {
				held[ref] = true
			}
		}
	}
	// Filter and sort small entries; only the page's rows are written out.
	sees := func(c *casefile.CaseSummary) bool {
		return canSee(id.Role, c.Route, c.Marks[casefile.MarkLearning] != "")
	}
	entries := web.Lister{Sees: sees, Me: actor(id), Today: today, Held: held, Task: w.Rules.TaskTitle}.Select(cases, f)
	web.ByDue(entries)
	rowOf := func(e web.Listed) caseRow {
		c := e.C
		row := caseRow{Ref: c.Ref, Received: londonDate(c.ReceivedAt), Channel: c.Channel, Route: string(c.Route), Status: string(c.Status),
			Assignee: c.Marks[casefile.MarkAssignee], HeldMail: held[c.Ref], ReceivedSort: strconv.FormatInt(c.ReceivedAt.Unix(), 10),
			DueSort: "99999999999", Badge: e.Badge}
		if e.Closed {
			row.Status = "closed"
		}
		if d, err := civil.Parse(c.Marks[casefile.MarkPanelOwed]); err == nil && !e.Closed {
			row.Owed = "asked " + londonDate(workdays.EndOfDay(d))
		}
		if !e.Due.IsZero() {
			row.Next, row.Due, row.DueSort = w.Rules.TaskTitle(c.Next.Rule), londonDate(e.Due), strconv.FormatInt(e.Due.Unix(), 10)
		}
		return row
	}
	v := w.view(r, "Cases", "cases")
	v.Filter, v.Total = f, len(entries)
	v.RouteOptions = []string{string(referral.RouteNotification), string(referral.RouteLearning), string(referral.RouteUnknown)}
	v.Statuses = []string{string(casefile.Incomplete), string(casefile.Complete), "closed"}
	if w.Held != nil && id.Role == RoleBusinessUnit {
		v.Statuses = append(v.Statuses, "held")
	}
	for y := civil.In(w.Now(), workdays.London).Year; y >= 2019 && len(v.Years) < 8; y-- {
		v.Years = append(v.Years, strconv.Itoa(y))
	}
	v.Pages = max(1, (len(entries)+web.PageSize-1)/web.PageSize)
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = min(max(v.Page, 1), v.Pages)
	for _, e := range entries[(v.Page-1)*web.PageSize : min(v.Page*web.PageSize, len(entries))] {
		v.Rows = append(v.Rows, rowOf(e))
	}
	pageURL := func(n int) string {
		q := url.Values{}
		for k, val := range map[string]string{"status": f.Status, "route": f.Route, "due": f.Due, "year": f.Year, "mine": f.Mine} {
			if val != "" {
				q.Set(k, val)
			}
		}
		q.Set("page", strconv.Itoa(n))
		return w.at("/cases?" + q.Encode())
	}
	if v.Page > 1 {
		v.PrevURL = pageURL(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextURL = pageURL(v.Page + 1)
	}
	w.render(rw, http.StatusOK, "casesContent", v)
}

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

// actor names a person on the timeline: their e-mail, else their name.
func actor(id Identity) string { return id.Actor() }

// Actor names a person on a case's record: their e-mail, else their name.
func (id Identity) Actor() string {
	if id.Email != "" {
		return id.Email
	}
	if id.Name != "" {
		return id.Name
	}
	return id.Subject
}

// Caller is who a request comes from by its workspace session, for the
// JSON API's rules: false when it carries no live session.
func (w *Workspace) Caller(r *http.Request) (web.Caller, bool) {
	s, ok, err := w.session(r)
	if err != nil || !ok || s.Identity.Role == "" {
		return web.Caller{}, false
	}
	return web.Caller{Actor: s.Identity.Actor(), Role: s.Identity.Role}, true
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

// held lists the mail held for the Business Unit.
func (w *Workspace) held(rw http.ResponseWriter, r *http.Request) {
	list, err := w.Held.ListMessages(r.Context(), casefile.OutcomeQuarantined)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Held mail", "held")
	v.Notice, v.HeldReasons = w.heldNotice(r), inbox.Reasons
	if w.DeadLetters != nil {
		letters, err := w.DeadLetters.List(r.Context())
		if err != nil {
			w.Log.Error("dead-letter queues not read", "err", err)
			v.DeadLetterError = true
		}
		for _, l := range letters {
			v.DeadLetters = append(v.DeadLetters, deadLetterRow{Queue: l.Queue, Sent: londonTime(l.SentAt), What: l.What, Detail: l.Detail})
		}
		v.ShowDeadLetters = true
	}
	for i := len(list) - 1; i >= 0; i-- {
		m := list[i]
		v.Held = append(v.Held, heldRow{Key: m.Key, Received: londonTime(m.ReceivedAt), From: m.From, Reasons: strings.Join(m.Reasons, ", "),
			Refs: strings.Join(m.Refs, ", "), Attachments: len(m.Attachments), Answered: inbox.SenderAnswered(m.Reasons)})
	}
	w.render(rw, http.StatusOK, "heldContent", v)
}

// heldNotice says what became of the message an action was taken on, from
// the message's own record — the query string names only which message —
// so no text of anyone's choosing reaches the banner.
func (w *Workspace) heldNotice(r *http.Request) string {
	q := r.URL.Query()
	key := cmp.Or(q.Get("released"), q.Get("stillheld"), q.Get("dismissed"))
	if key == "" {
		return ""
	}
	m, err := w.Held.GetMessage(r.Context(), key)
	switch {
	case err != nil:
		return ""
	case m.Outcome == casefile.OutcomeDismissed:
		return "The message was marked not a referral: it is kept and its sender was not answered."
	case m.ReleasedBy != "" && m.Outcome == casefile.OutcomeQuarantined:
		return "The message was read again and is still held (" + strings.Join(m.Reasons, ", ") + "): no case was opened."
	case m.ReleasedBy != "" && (m.Outcome == casefile.OutcomeCase || m.Outcome == casefile.OutcomeCorrection):
		return "The message was released: it was read and its sender answered."
	}
	return ""
}

// heldMessage shows one held message — its headers, the checks' verdicts,
// its attachments' names and its text, never its HTML — to decide on.
func (w *Workspace) heldMessage(rw http.ResponseWriter, r *http.Request) {
	h, err := w.Held.HeldMessage(r.Context(), r.PathValue("key"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	m := h.Message
	v := w.view(r, "Held message", "held")
	hv := &heldView{Key: m.Key, From: m.From, Received: londonTime(m.ReceivedAt), Reasons: strings.Join(m.Reasons, ", "),
		Refs: strings.Join(m.Refs, ", "), Subject: h.Subject, ReplyTo: h.ReplyTo, MessageID: m.MessageID, Text: h.Text, Unreadable: h.Unreadable}
	if !h.Date.IsZero() {
		hv.Date = londonTime(h.Date)
	}
	for _, k := range []string{"spf", "dkim", "dmarc", "spam", "virus"} {
		if verdict := m.Verdicts[k]; verdict != "" {
			hv.Verdicts = append(hv.Verdicts, strings.ToUpper(k)+" "+verdict)
		}
	}
	for _, a := range m.Attachments {
		hv.Attachments = append(hv.Attachments, fmt.Sprintf("%s (%s, %d bytes)", a.Name, a.ContentType, a.Bytes))
	}
	v.HeldMessage = hv
	w.render(rw, http.StatusOK, "heldMessageContent", v)
}

// dismiss marks a held message not a referral: kept, never answered.
func (w *Workspace) dismiss(rw http.ResponseWriter, r *http.Request) {
	if !w.checkCSRF(r) {
		w.message(rw, http.StatusForbidden, "Nothing was changed", "The form was out of date. Go back, reload the page and try again.")
		return
	}
	id, _ := who(r)
	if err := w.Held.Dismiss(r.Context(), r.PathValue("key"), actor(id)); err != nil {
		w.fail(rw, r, err)
		return
	}
	http.Redirect(rw, r, w.at("/cases/held?dismissed="+url.QueryEscape(r.PathValue("key"))), http.StatusSeeOther)
}

func (w *Workspace) release(rw http.ResponseWriter, r *http.Request) {
	if !w.checkCSRF(r) {
		w.message(rw, http.StatusForbidden, "Nothing was released", "The form was out of date. Go back, reload the page and try again.")
		return
	}
	id, _ := who(r)
	rep, err := w.Held.Release(r.Context(), r.PathValue("key"), actor(id))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if rep.Outcome == casefile.OutcomeQuarantined { // read, and held again: not the form, or a case it may not change
		http.Redirect(rw, r, w.at("/cases/held?stillheld="+url.QueryEscape(r.PathValue("key"))), http.StatusSeeOther)
		return
	}
	http.Redirect(rw, r, w.at("/cases/held?released="+url.QueryEscape(r.PathValue("key"))), http.StatusSeeOther)
}
