// Package api is the JSON intake API, for partner systems and the Business
// Unit: referrals in (JSON, or a file with its name in X-Filename), events
// recorded, deadlines, the case list with the workspace's filters, one case
// whole (its reading recorded), and held mail released. It sits behind IAM
// (a Function URL with AWS_IAM auth) in AWS and on loopback locally.
package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Cases takes referrals in and records what happens to cases;
// *intake.Service is one.
type Cases interface {
	Submit(ctx context.Context, raw intake.Raw) (intake.Result, error)
	RecordEvent(ctx context.Context, ref string, in intake.EventInput) (intake.Recorded, error)
	Deadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
}

// Messages is the mailbox's held mail, for the Business Unit: listed by
// outcome and released into intake. Only the local runner sets it until
// the Business Unit's signed-in pages exist in AWS.
type Messages interface {
	ListMessages(ctx context.Context, outcome casefile.Outcome) ([]casefile.Message, error)
	Release(ctx context.Context, key, officer string) (inbox.Report, error)
	HeldMessage(ctx context.Context, key string) (inbox.Held, error)
	Dismiss(ctx context.Context, key, officer string) error
}

// CaseFiles are the cases as stored; store.Cases is one.
type CaseFiles interface {
	ListCases(ctx context.Context, status casefile.Status) ([]casefile.CaseSummary, error)
	GetCase(ctx context.Context, ref string) (casefile.Case, error)
	AppendEvent(ctx context.Context, e casefile.Event) (bool, error)
	ListEvents(ctx context.Context, ref string) ([]casefile.Event, error)
	ListDeadlines(ctx context.Context, ref string) ([]casefile.Deadline, error)
}

// Handler serves the API.
type Handler struct {
	Intake    Cases
	Messages  Messages                 // optional: GET /api/messages, POST /api/messages/{key}/release
	Files     CaseFiles                // optional: GET /api/cases, GET /api/cases/{ref}
	MaxBody   int64                    // largest request body read
	Inputs    *admit.Budget            // bytes of request bodies read at once; nil for no bound
	RuleTitle func(rule string) string // a deadline's task title ("" for flags): the list's due badges
	// Authenticate, when set, is asked who every request comes from: one
	// it does not know gets 401, and the caller's role rules what they may
	// do, as in the workspace. Unset, every caller is trusted (the AWS
	// intake API, signed with IAM at the Function URL) and recorded as
	// "api".
	Authenticate web.Authenticator
	Now          func() time.Time
	Log          *slog.Logger

	mux *http.ServeMux
}

// New returns a ready handler.
func New(h Handler) *Handler {
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.Log == nil {
		h.Log = slog.Default()
	}
	if h.MaxBody == 0 {
		h.MaxBody = 10 << 20
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /healthz", web.Health)
	h.mux.HandleFunc("POST /api/referrals", h.submit)
	h.mux.HandleFunc("POST /api/cases/{ref}/events", h.recordEvent)
	h.mux.HandleFunc("GET /api/cases/{ref}/deadlines", h.deadlines)
	if h.Files != nil {
		h.mux.HandleFunc("GET /api/cases", h.listCases)
		h.mux.HandleFunc("GET /api/cases/{ref}", h.getCase)
	}
	if h.Messages != nil {
		h.mux.HandleFunc("GET /api/messages", h.listMessages)
		h.mux.HandleFunc("POST /api/messages/{key}/release", h.release)
	}
	return &h
}

// ServeHTTP sets the security headers every response carries, knows who
// calls, and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	web.SecurityHeaders(w)
	caller := web.Caller{Actor: "api"}
	if h.Authenticate != nil && r.URL.Path != "/healthz" {
		c, ok := h.Authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cspr-intake"`)
			web.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized",
				"message": "Sign in: send Authorization: Bearer <token>, the token the local runner writes to api-token in its data folder"})
			return
		}
		caller = c
	}
	h.mux.ServeHTTP(w, r.WithContext(web.WithCaller(r.Context(), caller)))
}

// caller is who makes a request that passed ServeHTTP.
func caller(r *http.Request) web.Caller {
	c, _ := web.CallerOf(r.Context())
	return c
}

// Roles the API's rules name, as the workspace's.
const (
	roleBusinessUnit = deadlines.BusinessUnit
	roleLDChair      = deadlines.LDChair
)

// businessUnit refuses a caller whose role is not the Business Unit's
// (a trusted caller has none).
func (h *Handler) businessUnit(w http.ResponseWriter, r *http.Request) bool {
	if role := caller(r).Role; role != "" && role != roleBusinessUnit {
		web.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "forbidden", "message": "Only the Business Unit may do this"})
		return false
	}
	return true
}

// sees says whether the caller may see a case: the L&D chair sees the
// learning route, and the cases the partners have decided (§5.6).
func (h *Handler) sees(r *http.Request, c casefile.Case) (bool, error) {
	if caller(r).Role != roleLDChair || c.Route == referral.RouteLearning {
		return true, nil
	}
	events, err := h.Files.ListEvents(r.Context(), c.Ref)
	if err != nil {
		return false, err
	}
	return deadlines.ForLearning(c.Route, events), nil
}

// submit takes one referral as the request body: the form as JSON, or a
// file such as text (its name in the X-Filename header, optional).
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	if simpleRequest(r) && r.Header.Get("X-Filename") == "" {
		h.error(w, r, errUnsupportedType)
		return
	}
	body, held, err := h.Inputs.Read(http.MaxBytesReader(w, r.Body, h.MaxBody), r.ContentLength)
	defer h.Inputs.Release(held)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, admit.ErrBusy):
		w.Header().Set("Retry-After", "30")
		h.error(w, r, errs.E(errs.Busy, "Many large referrals are being read at this moment; nothing was received. Please send it again in a minute"))
		return
	case errors.As(err, &tooBig):
		h.error(w, r, errs.E(errs.TooLarge, "The request is larger than %d MB; send the referral form on its own", h.MaxBody>>20))
		return
	case err != nil:
		h.error(w, r, errs.Wrap(errs.Invalid, err, "The request could not be read; send it again"))
		return
	}
	res, err := h.Intake.Submit(r.Context(), intake.Raw{
		Data:        body,
		Channel:     "api",
		Filename:    r.Header.Get("X-Filename"),
		ContentType: r.Header.Get("Content-Type"),
		ReceivedAt:  h.Now(),
	})
	if err != nil {
		h.error(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/cases/"+res.Ref)
	web.WriteJSON(w, status, res)
}

// recordEvent records a lifecycle event on a case:
// {"type": "ssp-decision", "at": "2027-01-04", "outcome": "criteria-met"}.
// It answers 201 with the case's deadlines as they now stand, or 200 with
// "duplicate": true when the same event was recorded before.
func (h *Handler) recordEvent(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		h.error(w, r, errUnsupportedType)
		return
	}
	var in intake.EventInput
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		h.error(w, r, errs.Wrap(errs.Invalid, err, "The event must be JSON such as {\"type\": \"ssp-decision\", \"at\": \"2027-01-04\", \"outcome\": \"criteria-met\"}"))
		return
	}
	in.Actor, in.Role = caller(r).Actor, caller(r).Role
	rec, err := h.Intake.RecordEvent(r.Context(), r.PathValue("ref"), in)
	if err != nil {
		h.error(w, r, err)
		return
	}
	status := http.StatusCreated
	if rec.Duplicate {
		status = http.StatusOK
	}
	web.WriteJSON(w, status, rec)
}

func (h *Handler) deadlines(w http.ResponseWriter, r *http.Request) {
	ds, err := h.Intake.Deadlines(r.Context(), r.PathValue("ref"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"ref": r.PathValue("ref"), "deadlines": ds})
}

// caseSummary is one case in the API's list.
type caseSummary struct {
	Ref        string             `json:"ref"`
	ReceivedAt time.Time          `json:"receivedAt"`
	Channel    string             `json:"channel"`
	Route      string             `json:"route"`
	Status     string             `json:"status"`
	Closed     bool               `json:"closed,omitempty"`
	Assignee   string             `json:"assignee,omitempty"`
	Version    int                `json:"version"`
	Next       *casefile.Deadline `json:"nextDeadline,omitempty"`
	Badge      string             `json:"badge,omitempty"` // overdue, due today
}

// listCases lists cases 50 a page with the workspace's filters — ?status=
// (incomplete, complete, closed), ?route=, ?due= (today, overdue), ?year=
// — newest first, or soonest deadline first with ?sort=due; ?page= (the
// next page's number is in "next").
func (h *Handler) listCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := web.FilterOf(q)
	f.Mine = "" // the API is not a person
	cases, err := h.Files.ListCases(r.Context(), f.StoreStatus())
	if err != nil {
		h.error(w, r, err)
		return
	}
	task := h.RuleTitle
	if task == nil {
		task = func(rule string) string { return rule }
	}
	lister := web.Lister{Today: civil.In(h.Now(), workdays.London), Task: task}
	if caller(r).Role == roleLDChair {
		lister.Sees = func(c *casefile.CaseSummary) bool {
			return c.Route == referral.RouteLearning || c.Marks[casefile.MarkLearning] != ""
		}
	}
	ls := lister.Select(cases, f)
	if q.Get("sort") == "due" {
		web.ByDue(ls)
	} else {
		web.ByReceived(ls)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	from := min((page-1)*web.PageSize, len(ls))
	out := struct {
		Cases []caseSummary `json:"cases"`
		Next  int           `json:"next,omitempty"`
	}{Cases: []caseSummary{}}
	for _, l := range ls[from:min(from+web.PageSize, len(ls))] {
		c := l.C
		cs := caseSummary{Ref: c.Ref, ReceivedAt: c.ReceivedAt, Channel: c.Channel, Route: string(c.Route), Status: string(c.Status), Version: c.Version,
			Closed: l.Closed, Assignee: c.Marks[casefile.MarkAssignee], Badge: l.Badge}
		if d := c.Next; d.Rule != "" && !l.Closed {
			cs.Next = &d
		}
		out.Cases = append(out.Cases, cs)
	}
	if from+web.PageSize < len(ls) {
		out.Next = page + 1
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// getCase is one case whole — its referral, problems, history and
// deadlines — and records that it was read.
func (h *Handler) getCase(w http.ResponseWriter, r *http.Request) {
	c, err := h.Files.GetCase(r.Context(), r.PathValue("ref"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	if ok, err := h.sees(r, c); err != nil || !ok {
		h.error(w, r, cmp.Or(err, error(errs.E(errs.NotFound, "There is no case %s", c.Ref))))
		return
	}
	now := h.Now()
	token, err := web.RandomToken()
	if err != nil {
		h.error(w, r, err)
		return
	}
	if _, err := h.Files.AppendEvent(r.Context(), casefile.Event{Ref: c.Ref, ID: web.EventViewed + "-" + token[:16], Type: web.EventViewed, At: now,
		RecordedAt: now, Actor: caller(r).Actor, Data: map[string]string{"version": strconv.Itoa(c.Version), "role": caller(r).Role}}); err != nil {
		h.error(w, r, err)
		return
	}
	events, err := h.Files.ListEvents(r.Context(), c.Ref)
	if err != nil {
		h.error(w, r, err)
		return
	}
	ds, err := h.Files.ListDeadlines(r.Context(), c.Ref)
	if err != nil {
		h.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"case": c, "events": events, "deadlines": ds})
}

// listMessages lists the mailbox's messages with an outcome (?outcome=,
// quarantined by default): the Business Unit's queue of held mail.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) {
	if !h.businessUnit(w, r) {
		return
	}
	outcome := casefile.Outcome(r.URL.Query().Get("outcome"))
	if outcome == "" {
		outcome = casefile.OutcomeQuarantined
	}
	list, err := h.Messages.ListMessages(r.Context(), outcome)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if list == nil {
		list = []casefile.Message{}
	}
	web.WriteJSON(w, http.StatusOK, list)
}

// release reads a held message after all, on the word of the caller
// (the Business Unit); a trusted caller without a name of its own names
// the officer in X-Officer.
func (h *Handler) release(w http.ResponseWriter, r *http.Request) {
	if !h.businessUnit(w, r) {
		return
	}
	officer := caller(r).Actor
	if h.Authenticate == nil {
		officer = r.Header.Get("X-Officer")
	}
	if officer == "" {
		h.error(w, r, errs.E(errs.Invalid, "Say who releases the message (X-Officer)"))
		return
	}
	rep, err := h.Messages.Release(r.Context(), r.PathValue("key"), officer)
	if err != nil {
		h.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, rep)
}

// errUnsupportedType refuses a request any web page could have sent
// without the browser asking first (CORS): a "simple" content type and no
// header of ours.
var errUnsupportedType = errs.E(errs.Unsupported, "Send the request as JSON (Content-Type: application/json), or a file with its name in X-Filename")

// simpleRequest reports whether a POST is one a browser sends cross-site
// without a preflight: no content type, or one a plain HTML form uses.
func simpleRequest(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return true
	}
	switch mt {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return true
	}
	return false
}

// isJSON reports whether a request says its body is JSON.
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// error is the one place that turns an error into a response: the code
// picks the status, the message is safe to show, and only internal errors
// are logged (without request bodies).
func (h *Handler) error(w http.ResponseWriter, r *http.Request, err error) {
	code, status := errs.Code(err), web.StatusOf(err)
	if status == http.StatusInternalServerError {
		h.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	web.WriteJSON(w, status, map[string]string{"error": code, "message": errs.Message(err)})
}
