package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestDeadlinesEndToEnd: a referral taken in gets its deadlines; the
// reminders fire into the outbox at the right London times; recording what
// happened moves, meets and cancels them.
func TestDeadlinesEndToEnd(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 20, 17, 30, 0, 0, time.UTC)} // a Friday evening
	cfg, err := config.Parse([]byte(`{"roles": {"ssp": ["ssp@example.gov.uk"], "chair": ["chair@example.gov.uk"], "local-authority": ["la@example.gov.uk"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	sys, err := assemble(cfg, data, slog.New(slog.DiscardHandler), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	srv := httptest.NewServer(withToken(sys.handler, sys.apiToken))
	defer srv.Close()

	body, _ := os.ReadFile("../../events/referrals/complete.json")
	resp, err := http.Post(srv.URL+"/api/referrals", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Ref string }
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	ref := res.Ref

	due := func() map[string]string {
		t.Helper()
		resp, err := http.Get(srv.URL + "/api/cases/" + ref + "/deadlines")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct {
			Deadlines []struct {
				Rule   string
				Due    time.Time
				Status string
			}
		}
		json.NewDecoder(resp.Body).Decode(&v)
		out := map[string]string{}
		for _, d := range v.Deadlines {
			out[d.Rule] = d.Due.In(config.London).Format("2006-01-02") + " " + d.Status
		}
		return out
	}
	got := due()
	for rule, want := range map[string]string{
		"inform-ssp":    "2026-11-23 open",
		"ssp-meeting":   "2026-11-27 open",
		"notify-panel":  "2026-11-27 open",
		"referral-late": "2026-03-16 late", // the sample's incident was in March: referred late
	} {
		if got[rule] != want {
			t.Errorf("%s: %q, want %q", rule, got[rule], want)
		}
	}

	// Nothing is due over the weekend; at 09:00 on Monday the inform-ssp
	// "due" reminder goes out.
	fire := func(at time.Time) []string {
		t.Helper()
		clk.t = at
		before, _ := sys.outbox.List()
		if _, err := sys.fireDue(ctx); err != nil {
			t.Fatal(err)
		}
		after, _ := sys.outbox.List()
		return after[len(before):]
	}
	if sent := fire(time.Date(2026, 11, 23, 8, 59, 0, 0, time.UTC)); len(sent) != 0 {
		t.Errorf("sent before 09:00 Monday: %v", sent)
	}
	sent := fire(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if len(sent) != 1 {
		t.Fatalf("at 09:00 Monday sent %v, want the inform-ssp reminder", sent)
	}
	eml, _ := os.ReadFile(filepath.Join(data, "outbox", sent[0]))
	eml = bytes.ReplaceAll(eml, []byte("\r\n "), []byte(" ")) // unfold headers
	for _, want := range []string{
		"Subject: [" + ref + "] Inform the Statutory Safeguarding Partners due Mon 23 Nov 2026 (today)",
		"To: <DSP@darlington.gov.uk>", "DSP procedure =C2=A74.6",
	} {
		if !bytes.Contains(eml, []byte(want)) {
			t.Errorf("reminder lacks %q:\n%s", want, eml)
		}
	}
	for _, secret := range []string{"Child A", "Example Street", "DL1 5QT", "2022-05-02"} {
		if bytes.Contains(eml, []byte(secret)) {
			t.Errorf("reminder carries child details %q", secret)
		}
	}

	// The Business Unit informs the SSP on Monday: no overdue reminder on Tuesday.
	record := func(body string, want int) {
		t.Helper()
		resp, err := http.Post(srv.URL+"/api/cases/"+ref+"/events", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("record %s: %d, want %d", body, resp.StatusCode, want)
		}
	}
	clk.t = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	record(`{"type": "ssp-informed", "at": "2026-11-23T10:00:00Z"}`, http.StatusCreated)
	record(`{"type": "ssp-informed", "at": "2026-11-23T10:00:00Z"}`, http.StatusOK) // a retry of the same request: recorded once
	record(`{"type": "ssp-informed", "at": "2026-11-23T09:30:00Z"}`, http.StatusConflict)
	record(`{"type": "ssp-decision", "at": "2026-11-19", "outcome": "criteria-met", "rationale": "as minuted"}`, http.StatusBadRequest) // before received
	record(`{"type": "ssp-decision", "at": "2026-12-19", "outcome": "criteria-met", "rationale": "as minuted"}`, http.StatusBadRequest) // future
	record(`{"type": "coffee", "at": "2026-11-23"}`, http.StatusBadRequest)
	if sent := fire(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)); len(sent) != 0 {
		t.Errorf("sent after inform-ssp was met: %v", sent)
	}

	// Thursday 09:00: the day-before reminders of ssp-meeting and notify-panel.
	if sent := fire(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)); len(sent) != 2 {
		t.Errorf("Thursday 09:00 sent %v, want 2", sent)
	}
	// The SSP decide on Thursday: criteria not met. notify-panel stops and
	// the referrer must be told within 5 working days.
	clk.t = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	record(`{"type": "ssp-decision", "at": "2026-11-26", "outcome": "criteria-not-met"}`, http.StatusBadRequest) // no rationale
	// Recorded in error, then withdrawn through the API: the deadlines as
	// if it had not been, and the decision recorded again.
	resp, err = http.Post(srv.URL+"/api/cases/"+ref+"/events", "application/json",
		strings.NewReader(`{"type": "ssp-decision", "at": "2026-11-26", "outcome": "learning", "rationale": "typed on the wrong case"}`))
	if err != nil {
		t.Fatal(err)
	}
	var wrong struct{ Event string }
	json.NewDecoder(resp.Body).Decode(&wrong)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || wrong.Event == "" {
		t.Fatalf("the decision recorded in error: %d %+v", resp.StatusCode, wrong)
	}
	record(`{"type": "event-withdrawn", "at": "2026-11-26", "event": "`+wrong.Event+`", "reason": "recorded on the wrong case"}`, http.StatusCreated)
	if got := due(); got["notify-panel"] != "2026-11-27 open" {
		t.Errorf("after the withdrawal: %v", got)
	}
	record(`{"type": "ssp-decision", "at": "2026-11-26", "outcome": "criteria-not-met", "rationale": "as minuted"}`, http.StatusCreated)
	record(`{"type": "ssp-decision", "at": "2026-11-26", "outcome": "criteria-met", "rationale": "as minuted"}`, http.StatusConflict)
	got = due()
	if got["notify-panel"] != "2026-11-27 cancelled" || got["ssp-meeting"] != "2026-11-27 met" || got["referrer-feedback"] != "2026-12-03 open" {
		t.Errorf("after the decision: %v", got)
	}
	if sent := fire(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)); len(sent) != 0 {
		t.Errorf("Friday sent %v after the decision", sent)
	}
	// A stale schedule (say from before a restart) sends nothing.
	if err := sys.reminders.Handle(ctx, schedule.Payload{Ref: ref, Rule: "notify-panel", Kind: deadlines.Due}); err != nil {
		t.Error(err)
	}
	if sent := fire(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)); len(sent) != 1 || !strings.Contains(sent[0], "referrer-feedback") {
		t.Errorf("the day before referrer feedback is due sent %v", sent)
	}
	// The referrer is told on Friday 4 December, a day after the 3rd: late.
	clk.t = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	record(`{"type": "referrer-told", "at": "2026-12-04"}`, http.StatusCreated)
	if got := due(); got["referrer-feedback"] != "2026-12-03 late" {
		t.Errorf("told a day late: %v", got)
	}

	// The outbox is the Business Unit's Sent mail page: signed out it asks
	// for sign-in; signed in it lists each message by subject, and shows
	// one decoded, not as the file's quoted-printable.
	resp, err = http.Get(srv.URL + "/outbox")
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Request.URL.Path, "/signin") {
		t.Fatalf("GET /outbox signed out: %v %v", resp, err)
	}
	resp.Body.Close()
	browser := signedIn(t, sys, srv.URL)
	list := getPage(t, browser, srv.URL+"/outbox")
	link := regexp.MustCompile(`href="(/cases/outbox/[^"/]+\.before\.[^"/]+\.eml/message)">(\[DSP-2026-0001\] [^<]+ due [^<]+)<`).FindStringSubmatch(list)
	if link == nil {
		t.Fatalf("the Sent mail page lists no reminder by its subject:\n%s", list)
	}
	page := getPage(t, browser, srv.URL+link[1])
	if !strings.Contains(page, link[2]) || !strings.Contains(page, "Open the case: http://127.0.0.1:8080/cases/DSP-2026-0001") || strings.Contains(page, "=\r\n") || strings.Contains(page, "=3D") || strings.Contains(page, "=E2=80") {
		t.Errorf("a sent message is not shown decoded:\n%s", page)
	}
}

// getPage is a page's HTML, which must be there (200).
func getPage(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, body)
	}
	return string(body)
}

// signedIn is a browser signed in to the workspace with a one-time link.
func signedIn(t *testing.T, sys *system, base string) *http.Client {
	t.Helper()
	path, err := sys.workspace.IssueLink(context.Background(), "business-unit", "Test officer")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/cases" {
		t.Fatalf("sign-in link: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return c
}

// TestLocalRunnerRefusesOtherSites: a web page in the officer's browser
// cannot use the local API or read the outbox: a Host that is not
// loopback (DNS rebinding) is refused, and so are POSTs any page can send
// without asking (text/plain, forms).
func TestLocalRunnerRefusesOtherSites(t *testing.T) {
	sys, err := assemble(config.Default(), t.TempDir(), slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	// A session cookie, as a signed-in officer's browser has.
	path, err := sys.workspace.IssueLink(context.Background(), "business-unit", "Test officer")
	if err != nil {
		t.Fatal(err)
	}
	signin := httptest.NewRecorder()
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "127.0.0.1:8080"
	sys.handler.ServeHTTP(signin, req)
	cookies := signin.Result().Cookies()
	if signin.Code != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("sign-in: %d %v", signin.Code, cookies)
	}
	for _, tt := range []struct {
		method, path, host, ctype string
		want                      int
	}{
		{"GET", "/outbox", "evil.example", "", http.StatusMisdirectedRequest},
		{"GET", "/api/messages", "evil.example:8080", "", http.StatusMisdirectedRequest},
		{"GET", "/cases/outbox", "127.0.0.1:8080", "", http.StatusOK},
		{"GET", "/cases/outbox", "localhost:8080", "", http.StatusOK},
		{"GET", "/cases/outbox", "[::1]:8080", "", http.StatusOK},
		{"POST", "/api/referrals", "127.0.0.1:8080", "text/plain", http.StatusUnsupportedMediaType},
		{"POST", "/api/referrals", "127.0.0.1:8080", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"POST", "/api/cases/DSP-2026-0001/events", "127.0.0.1:8080", "text/plain", http.StatusUnsupportedMediaType},
	} {
		req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(`{"type": "ssp-informed", "at": "2026-11-23"}`))
		req.Host = tt.host
		req.AddCookie(cookies[0])
		if tt.ctype != "" {
			req.Header.Set("Content-Type", tt.ctype)
		}
		rec := httptest.NewRecorder()
		sys.handler.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s %s (Host %s, %s): %d, want %d", tt.method, tt.path, tt.host, tt.ctype, rec.Code, tt.want)
		}
		if tt.path == "/outbox" && rec.Code == http.StatusOK {
			if rec.Header().Get("Cache-Control") != "no-store" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("/outbox headers: %v", rec.Header())
			}
		}
	}
}

// withToken sends every request with the local API's token, as the
// runner's own commands do.
func withToken(next http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		next.ServeHTTP(w, r)
	})
}
