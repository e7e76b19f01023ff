// Package workspace is the partnership's signed-in case workspace: the
// case list (the same filters as the API, shared/web), each case with its
// answers — where each was read, and any that could not be — its raw
// input, deadlines and timeline, the forms that record what happened,
// held mail and the figures; and the sign-in (OIDC, or local one-time
// links) that every page needs. Every view of a case is recorded on it.
package workspace

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/deadletter"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
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
	// Outbox, optional: the mail the system sent (the local runner's
	// outbox), for the Business Unit (GET /cases/outbox).
	Outbox Outbox

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
	if w.Outbox != nil {
		w.mux.Handle("GET /cases/outbox", w.Require(http.HandlerFunc(w.outbox), RoleBusinessUnit))
		w.mux.Handle("GET /cases/outbox/{name}/message", w.Require(http.HandlerFunc(w.outboxMessage), RoleBusinessUnit))
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

func (w *Workspace) at(p string) string { return w.BasePath + p }

// canSee says whether a role may open a case: the L&D chair sees the
// learning route only.
func canSee(role string, route referral.Route, learning bool) bool {
	return role != RoleLDChair || route == referral.RouteLearning || learning
}

// recordable are the events a role may record: the catalogue's.
func recordable(role string) []string { return deadlines.Recordable(role) }

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
	HasOutbox                     bool
	Sent                          []sentRow
	SentMessage                   *sentView
}

// wsPages are the workspace's pages, each made when first shown.
var wsPages = web.Pages(pagesFS, "templates/workspace.html", "casesContent", "caseContent", "heldContent", "heldMessageContent", "figuresContent", "wsMessageContent", "outboxContent", "outboxMessageContent")

//go:embed templates/workspace.html
var pagesFS embed.FS

func (w *Workspace) view(r *http.Request, title, nav string) wsView {
	id, token := who(r)
	v := wsView{Title: title, Partnership: w.Partnership, Base: w.BasePath, Who: id, Nav: nav, HasOutbox: w.Outbox != nil}
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
