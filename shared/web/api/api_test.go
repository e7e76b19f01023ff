package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/cspr-intake/cspr-intake/shared/web/webtest"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/intake"
)

// fakeIntake records the raw input and answers with its functions.
type fakeIntake struct {
	SubmitFn      func(intake.Raw) (intake.Result, error)
	RecordEventFn func(ref string, in intake.EventInput) (intake.Recorded, error)
	got           []intake.Raw
}

func (f *fakeIntake) RecordEvent(_ context.Context, ref string, in intake.EventInput) (intake.Recorded, error) {
	if f.RecordEventFn == nil {
		panic("fakeIntake.RecordEventFn not set")
	}
	return f.RecordEventFn(ref, in)
}

func (f *fakeIntake) Deadlines(_ context.Context, ref string) ([]casefile.Deadline, error) {
	return nil, errs.E(errs.NotFound, "no case %s", ref)
}

var _ Cases = (*fakeIntake)(nil)

func (f *fakeIntake) Submit(_ context.Context, raw intake.Raw) (intake.Result, error) {
	f.got = append(f.got, raw)
	if f.SubmitFn == nil {
		panic("fakeIntake.SubmitFn not set")
	}
	return f.SubmitFn(raw)
}

func TestSubmit(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		result intake.Result
		err    error
		status int
		want   string
	}{
		{"new", `{}`, intake.Result{Ref: "DSP-2026-0001"}, nil, http.StatusCreated, `"ref": "DSP-2026-0001"`},
		{"duplicate", `{}`, intake.Result{Ref: "DSP-2026-0001", Duplicate: true}, nil, http.StatusOK, `"duplicate": true`},
		{"store down", `{}`, intake.Result{}, errors.New("dynamo: connection refused at 10.0.0.1"), http.StatusInternalServerError, `"error": "internal"`},
		{"too large", strings.Repeat("x", 2048), intake.Result{}, nil, http.StatusRequestEntityTooLarge, `"error": "toolarge"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeIntake{SubmitFn: func(intake.Raw) (intake.Result, error) { return tt.result, tt.err }}
			h := New(Handler{Intake: f, MaxBody: 1024})
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/api/referrals", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("status %d body %s; want %d with %s", rec.Code, rec.Body, tt.status, tt.want)
			}
			if strings.Contains(rec.Body.String(), "10.0.0.1") {
				t.Error("internal error detail leaked to the client")
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("security headers missing: %v", rec.Header())
			}
		})
	}
}

// TestHealthAndMethods: health; the API's paths only, and their methods.
func TestHealthAndMethods(t *testing.T) {
	h := New(Handler{Intake: &fakeIntake{}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || rec.Code != http.StatusOK || v["status"] != "ok" {
		t.Errorf("GET /healthz: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/nowhere", "/", "/referral-form.docx"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/referrals", bytes.NewReader(nil)))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/referrals: %d", rec.Code)
	}
}

func TestRecordEvent(t *testing.T) {
	f := &fakeIntake{RecordEventFn: func(ref string, in intake.EventInput) (intake.Recorded, error) {
		if in.Type == "ssp-decision" && in.Outcome == "" {
			return intake.Recorded{}, errs.E(errs.Invalid, "an SSP decision needs an outcome")
		}
		if in.Type == "panel-acknowledged" {
			return intake.Recorded{}, errs.E(errs.Conflict, "panel-acknowledged was already recorded on 2027-01-05")
		}
		return intake.Recorded{Ref: ref, Duplicate: in.Type == "ssp-informed",
			Deadlines: []casefile.Deadline{{Ref: ref, Rule: "referrer-feedback", Status: "open"}}}, nil
	}}
	h := New(Handler{Intake: f})
	for body, want := range map[string]int{
		`{"type": "ssp-decision", "at": "2027-01-04", "outcome": "criteria-met"}`: http.StatusCreated,
		`{"type": "ssp-informed", "at": "2027-01-04"}`:                            http.StatusOK, // recorded before
		`{"type": "ssp-decision", "at": "2027-01-04"}`:                            http.StatusBadRequest,
		`{"type": "panel-acknowledged", "at": "2027-01-05"}`:                      http.StatusConflict,
		`{"type": "x", "colour": "red"}`:                                          http.StatusBadRequest,
		`not json`:                                                                http.StatusBadRequest,
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/api/cases/DSP-2026-0001/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%s: %d %s, want %d", body, rec.Code, rec.Body, want)
		}
	}
	// Any web page can POST text/plain without asking first: the events
	// endpoint takes JSON only.
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/api/cases/DSP-2026-0001/events", strings.NewReader(`{"type": "ssp-decision", "at": "2027-01-04", "outcome": "criteria-met"}`))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnsupportedMediaType {
			t.Errorf("events as %q: %d, want 415", ct, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/cases/DSP-2026-9999/deadlines", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("deadlines of an unknown case: %d", rec.Code)
	}
}

// TestSubmitWhenBusy: with the input budget taken, a large submission is
// told to come back (503, Retry-After) before its body is read.
func TestSubmitWhenBusy(t *testing.T) {
	inputs := admit.New(1 << 20)
	f := &fakeIntake{SubmitFn: func(intake.Raw) (intake.Result, error) { return intake.Result{Ref: "DSP-2026-0001"}, nil }}
	h := New(Handler{Intake: f, MaxBody: 1 << 20, Inputs: inputs})
	send := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/api/referrals", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		return rec
	}
	inputs.Take(1 << 20) // a large input being read
	if rec := send(); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || len(f.got) != 0 {
		t.Errorf("while busy: %d %v, %d read", rec.Code, rec.Header(), len(f.got))
	}
	inputs.Release(1 << 20)
	if rec := send(); rec.Code != http.StatusCreated {
		t.Errorf("after: %d", rec.Code)
	}
}

// TestCasesAPI: the case list with the workspace's filters, and one case
// whole with its reading recorded, on a real store and intake.
func TestCasesAPI(t *testing.T) {
	e := newCasesEnv(t)
	res, _ := e.submit(t, "complete.json")
	e.submit(t, "incomplete.json")
	h := New(Handler{Intake: e.Intake, Files: e.Store, Now: func() time.Time { return e.now }})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/cases?status=complete", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ref": "`+res.Ref+`"`) || strings.Count(rec.Body.String(), `"channel"`) != 1 ||
		!strings.Contains(rec.Body.String(), `"nextDeadline"`) {
		t.Errorf("GET /api/cases?status=complete: %d\n%s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/cases/"+res.Ref, nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"deadlines"`) || !strings.Contains(rec.Body.String(), `"type": "viewed"`) {
		t.Errorf("GET /api/cases/%s: %d\n%s", res.Ref, rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/cases/DSP-2026-9999", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown case: %d", rec.Code)
	}
	// The workspace's filters: closed, due, year; the assignee shown.
	if err := e.Intake.Assign(context.Background(), res.Ref, "jo.officer@darlington.gov.uk"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Intake.RecordEvent(context.Background(), res.Ref, intake.EventInput{Type: "case-closed", At: "2026-11-23", Reason: "withdrawn"}); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{"status=closed": 1, "status=complete": 0, "year=2025": 0, "year=2026": 2, "due=today&sort=due": 1, "due=overdue": 0} {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/cases?"+query, nil))
		if got := strings.Count(rec.Body.String(), `"channel"`); rec.Code != 200 || got != want {
			t.Errorf("GET /api/cases?%s: %d, %d cases, want %d\n%s", query, rec.Code, got, want, rec.Body)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/cases?status=closed", nil))
	if !strings.Contains(rec.Body.String(), `"assignee": "jo.officer@darlington.gov.uk"`) || !strings.Contains(rec.Body.String(), `"closed": true`) {
		t.Errorf("the closed case:\n%s", rec.Body)
	}
}

type casesEnv struct {
	*webtest.Env
	now time.Time
}

func newCasesEnv(t *testing.T) *casesEnv {
	e := &casesEnv{now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	e.Env = webtest.New(t, func() time.Time { return e.now })
	return e
}

func (e *casesEnv) submit(t *testing.T, name string) (intake.Result, []byte) {
	return e.Submit(t, name, e.now.Add(-72*time.Hour))
}
