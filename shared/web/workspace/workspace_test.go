package workspace

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/deadletter"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/web/webtest"
)

type wsEnv struct {
	sent  *sentMail
	srv   *httptest.Server
	ws    *Workspace
	store *bolt.Store
	in    *intake.Service
	env   *webtest.Env
	now   time.Time
}

// sentMail records what the workspace sends.
type sentMail struct{ got []mail.Message }

func (s *sentMail) Send(_ context.Context, m mail.Message) error {
	s.got = append(s.got, m)
	return nil
}

// fakeHeld is held mail with one message.
type fakeHeld struct{ released, dismissed []string }

func (f *fakeHeld) ListMessages(context.Context, casefile.Outcome) ([]casefile.Message, error) {
	return []casefile.Message{{Key: "raw-held-1", From: "someone@gmail.com", Reasons: []string{"untrusted-sender"}, ReceivedAt: time.Now()}}, nil
}

func (f *fakeHeld) HeldMessage(_ context.Context, key string) (inbox.Held, error) {
	if key != "raw-held-1" {
		return inbox.Held{}, errs.E(errs.NotFound, "no message %s", key)
	}
	return inbox.Held{Message: casefile.Message{Key: key, From: "someone@gmail.com", Reasons: []string{"untrusted-sender"}, Verdicts: map[string]string{"dmarc": "PASS"}},
		Subject: "Referral", Text: "Please see the form. <script>alert(1)</script>"}, nil
}

func (f *fakeHeld) Dismiss(_ context.Context, key, officer string) error {
	f.dismissed = append(f.dismissed, key+" by "+officer)
	return nil
}

func (f *fakeHeld) Release(_ context.Context, key, officer string) (inbox.Report, error) {
	f.released = append(f.released, key+" by "+officer)
	return inbox.Report{Key: key}, nil
}

// GetMessage is the message as its fate left it: released into a case,
// dismissed, or held.
func (f *fakeHeld) GetMessage(_ context.Context, key string) (casefile.Message, error) {
	m := casefile.Message{Key: key, Outcome: casefile.OutcomeQuarantined, Reasons: []string{"untrusted-sender"}}
	for _, d := range f.dismissed {
		if strings.HasPrefix(d, key+" by ") {
			m.Outcome = casefile.OutcomeDismissed
		}
	}
	for _, r := range f.released {
		if strings.HasPrefix(r, key+" by ") {
			m.Outcome, m.ReleasedBy = casefile.OutcomeCase, "officer"
		}
	}
	if key != "raw-held-1" && key != "raw-held-2" {
		return casefile.Message{}, errs.E(errs.NotFound, "no message %s", key)
	}
	return m, nil
}

func newWSEnv(t *testing.T, provider func(redirect string) *OIDC) *wsEnv {
	t.Helper()
	e := &wsEnv{now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	env := webtest.New(t, clock)
	st, blobs, cfg, cal, log := env.Store, env.Blobs, env.Config, env.Calendar, env.Log
	e.store, e.in, e.env = st, env.Intake, env
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	var o *OIDC
	if provider != nil {
		o = provider(e.srv.URL + "/signin/callback")
	}
	e.sent = &sentMail{}
	e.ws = NewWorkspace(Workspace{Cases: st, Raw: blobs, Events: e.in, Held: &fakeHeld{}, Sessions: st, OIDC: o, Calendar: cal,
		Mail: e.sent, Partners: []string{"ssp@darlington.gov.uk"}, Mailbox: cfg.Mailbox, CaseURL: cfg.CaseURL,
		Partnership: cfg.Partnership, Rules: cfg.Rules(), Now: clock, Log: log})
	mux.Handle("/", e.ws)
	return e
}

func (e *wsEnv) submit(t *testing.T, name string) (intake.Result, []byte) {
	return e.env.Submit(t, name, e.now.Add(-72*time.Hour))
}

func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func (e *wsEnv) signIn(t *testing.T, role string) *http.Client {
	t.Helper()
	path, err := e.ws.IssueLink(context.Background(), role, "Officer "+role)
	if err != nil {
		t.Fatal(err)
	}
	c := browser()
	status, _, final := get(t, c, e.srv.URL+path)
	if status != http.StatusOK || final != "/cases" {
		t.Fatalf("sign-in link: %d at %s", status, final)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Request.URL.Path
}

var wsCSRFRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func post(t *testing.T, c *http.Client, u, page string, form url.Values) (int, string) {
	t.Helper()
	if m := wsCSRFRE.FindStringSubmatch(page); m != nil && form.Get("csrf") == "" {
		form.Set("csrf", m[1])
	}
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestWorkspaceLocalSignIn(t *testing.T) {
	e := newWSEnv(t, nil)
	res, _ := e.submit(t, "complete.json")
	// Signed out, a case page asks for sign-in.
	resp, err := http.Get(e.srv.URL + "/cases/" + res.Ref)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Request.URL.Path != "/signin" || resp.Request.URL.Query().Get("next") != "/cases/"+res.Ref {
		t.Errorf("signed out: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	path, _ := e.ws.IssueLink(context.Background(), RoleBusinessUnit, "Jo Officer")
	c := browser()
	if status, _, final := get(t, c, e.srv.URL+path+"&next="+url.QueryEscape("/cases/"+res.Ref)); status != 200 || final != "/cases/"+res.Ref {
		t.Errorf("sign-in with next: %d at %s", status, final)
	}
	// One use.
	if status, _, _ := get(t, browser(), e.srv.URL+path); status != http.StatusUnauthorized {
		t.Errorf("a sign-in link used twice: %d", status)
	}
	// Never to another site.
	path2, _ := e.ws.IssueLink(context.Background(), RoleBusinessUnit, "Jo Officer")
	for _, next := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`} {
		if got := safeNext(next); got != "/cases" {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
	if _, _, final := get(t, browser(), e.srv.URL+path2+"&next="+url.QueryEscape("//evil.example/")); final != "/cases" {
		t.Errorf("open redirect: landed at %s", final)
	}
	// Signing out ends the session.
	_, page, _ := get(t, c, e.srv.URL+"/cases")
	if status, _ := post(t, c, e.srv.URL+"/signout", page, url.Values{}); status != http.StatusOK {
		t.Errorf("sign out: %d", status)
	}
	if status, _, final := get(t, c, e.srv.URL+"/cases"); status != http.StatusUnauthorized || final != "/signin" {
		t.Errorf("after sign-out: %d at %s", status, final)
	}
	// Sessions end after 30 minutes idle.
	c = e.signIn(t, RoleBusinessUnit)
	e.now = e.now.Add(31 * time.Minute)
	if _, _, final := get(t, c, e.srv.URL+"/cases"); final != "/signin" {
		t.Errorf("after 31 idle minutes: at %s", final)
	}
}

func TestWorkspaceCasePages(t *testing.T) {
	e := newWSEnv(t, nil)
	res, raw := e.submit(t, "complete.json")
	incomplete, _ := e.submit(t, "incomplete.json")
	c := e.signIn(t, RoleBusinessUnit)

	status, page, _ := get(t, c, e.srv.URL+"/cases")
	if status != 200 || !strings.Contains(page, res.Ref) || !strings.Contains(page, incomplete.Ref) || !strings.Contains(page, "2 cases") {
		t.Errorf("case list: %d\n%s", status, page)
	}
	if _, page, _ := get(t, c, e.srv.URL+"/cases?status=incomplete"); strings.Contains(page, res.Ref+"<") || !strings.Contains(page, incomplete.Ref) {
		t.Error("the incomplete filter shows a complete case")
	}

	status, page, _ = get(t, c, e.srv.URL+"/cases/"+res.Ref)
	for _, want := range []string{"Child A Example", "Inform the Statutory Safeguarding Partners", "Record what happened", "Who looked", "Viewed (version 0)", "Section 2"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if status != 200 {
		t.Errorf("case page: %d", status)
	}
	// The raw input, byte for byte, recorded.
	resp, err := c.Get(e.srv.URL + "/cases/" + res.Ref + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, raw) || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(resp.Header.Get("Content-Disposition"), res.Ref) {
		t.Errorf("raw download: %d bytes (want %d), headers %v", len(got), len(raw), resp.Header)
	}
	events, _ := e.store.ListEvents(context.Background(), res.Ref)
	var audit []string
	for _, ev := range events {
		if ev.Type == web.EventViewed || ev.Type == web.EventRawDownloaded {
			audit = append(audit, ev.Type+" by "+ev.Actor)
		}
	}
	sort.Strings(audit) // the test clock stands still: both at one moment
	if len(audit) != 2 || audit[0] != "raw-downloaded by Officer business-unit" || audit[1] != "viewed by Officer business-unit" {
		t.Errorf("audit trail: %v", audit)
	}

	// Inform the partners: a notice with the reference and a link, and
	// ssp-informed recorded; the button goes.
	if !strings.Contains(page, "Inform the partners") {
		t.Fatal("no Inform the partners button")
	}
	status, page = post(t, c, e.srv.URL+"/cases/"+res.Ref+"/inform", page, url.Values{})
	if status != 200 || strings.Contains(page, "Inform the partners</button>") || !strings.Contains(page, "the Statutory Safeguarding Partners were informed") {
		t.Errorf("after informing: %d", status)
	}
	if len(e.sent.got) != 1 || e.sent.got[0].To[0] != "ssp@darlington.gov.uk" || !strings.Contains(e.sent.got[0].Text, "/cases/"+res.Ref) ||
		strings.Contains(e.sent.got[0].Text, "Child A") {
		t.Errorf("the partners' notice: %+v", e.sent.got)
	}
	// Record the partners' decision: the deadlines change.
	status, page = post(t, c, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"ssp-decision"}, "at": {"2026-11-23"}, "outcome": {"criteria-not-met"}, "rationale": {"The reasons, as minuted."}})
	if status != 200 || !strings.Contains(page, "The event was recorded") || !strings.Contains(page, "Tell the referrer the outcome") {
		t.Errorf("record decision: %d\n%s", status, page)
	}
	ds, _ := e.store.ListDeadlines(context.Background(), res.Ref)
	for _, d := range ds {
		if d.Rule == "notify-panel" && d.Status != "cancelled" {
			t.Errorf("notify-panel after criteria-not-met: %s", d.Status)
		}
	}
	// A second decision is refused with the form and an error summary.
	status, page = post(t, c, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"ssp-decision"}, "at": {"2026-11-23"}, "outcome": {"criteria-met"}, "rationale": {"The reasons, as minuted."}})
	if status != http.StatusConflict || !strings.Contains(page, "govuk-error-summary") || !strings.Contains(page, "already recorded") {
		t.Errorf("second decision: %d", status)
	}
	// Without the form's token, nothing is recorded.
	if status, _ := post(t, c, e.srv.URL+"/cases/"+res.Ref+"/events", "", url.Values{"csrf": {"forged"}, "type": {"ssp-informed"}, "at": {"2026-11-23"}}); status != http.StatusForbidden {
		t.Errorf("forged form: %d", status)
	}
	// Unknown reference.
	if status, _, _ := get(t, c, e.srv.URL+"/cases/DSP-2026-9999"); status != http.StatusNotFound {
		t.Errorf("unknown case: %d", status)
	}
	// Held mail, released by the officer.
	status, page, _ = get(t, c, e.srv.URL+"/cases/held")
	if status != 200 || !strings.Contains(page, "someone@gmail.com") {
		t.Errorf("held mail: %d", status)
	}
	if status, page := post(t, c, e.srv.URL+"/cases/held/raw-held-1/release", page, url.Values{}); status != 200 || !strings.Contains(page, "was released") {
		t.Errorf("release: %d", status)
	}
	if got := e.ws.Held.(*fakeHeld).released; len(got) != 1 || got[0] != "raw-held-1 by Officer business-unit" {
		t.Errorf("released: %v", got)
	}
}

func TestWorkspaceRoles(t *testing.T) {
	e := newWSEnv(t, nil)
	res, _ := e.submit(t, "complete.json") // a notification
	ld := e.signIn(t, RoleLDChair)
	if status, page, _ := get(t, ld, e.srv.URL+"/cases"); status != 200 || strings.Contains(page, res.Ref) {
		t.Errorf("the L&D chair's list shows a notification case: %d", status)
	}
	if status, _, _ := get(t, ld, e.srv.URL+"/cases/"+res.Ref); status != http.StatusNotFound {
		t.Errorf("the L&D chair opens a notification case: %d", status)
	}
	if status, _, _ := get(t, ld, e.srv.URL+"/cases/held"); status != http.StatusForbidden {
		t.Errorf("the L&D chair opens held mail: %d", status)
	}
	ssp := e.signIn(t, RoleSSP)
	_, page, _ := get(t, ssp, e.srv.URL+"/cases/"+res.Ref)
	if !strings.Contains(page, `value="ssp-decision"`) || strings.Contains(page, `value="panel-notified"`) {
		t.Error("the partners may record their decisions, not the Business Unit's events")
	}
	if status, _ := post(t, ssp, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"panel-notified"}, "at": {"2026-11-23"}}); status != http.StatusBadRequest {
		t.Errorf("a partner recording panel-notified: %d", status)
	}
}

// TestWorkspaceOIDC: the authorization code flow with PKCE end to end
// against an OpenID Connect provider in this process.
func TestWorkspaceOIDC(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	cfg := m.Config()
	e := newWSEnv(t, func(redirect string) *OIDC {
		return NewOIDC(cfg.Issuer, client(cfg.ClientID, cfg.ClientSecret), redirect, "groups")
	})
	e.now = time.Now() // the provider's tokens are issued on the real clock
	res, _ := e.submit(t, "complete.json")
	m.QueueUser(&mockoidc.MockUser{Subject: "u-1", Email: "jo.officer@darlington.gov.uk", Groups: []string{"staff", "business-unit"}})
	c := browser()
	status, page, final := get(t, c, e.srv.URL+"/cases/"+res.Ref)
	if status != 200 || final != "/cases/"+res.Ref || !strings.Contains(page, "jo.officer@darlington.gov.uk") {
		t.Fatalf("after the provider: %d at %s", status, final)
	}
	// Someone in no workspace group gets nothing.
	m.QueueUser(&mockoidc.MockUser{Subject: "u-2", Email: "visitor@darlington.gov.uk", Groups: []string{"staff"}})
	if status, _, _ := get(t, browser(), e.srv.URL+"/cases"); status != http.StatusForbidden {
		t.Errorf("no role: %d", status)
	}
	// A callback with a state this browser did not start is refused.
	if status, _, _ := get(t, browser(), e.srv.URL+"/signin/callback?state=abc&code=x"); status != http.StatusBadRequest {
		t.Errorf("forged callback: %d", status)
	}
	// Signing out ends the provider's session too: the browser goes to its
	// logout endpoint with the app client and the page to come back to.
	e.ws.ProviderLogout = "https://cspr-x.auth.eu-west-2.amazoncognito.com/logout"
	m2 := wsCSRFRE.FindStringSubmatch(page)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/signout", strings.NewReader(url.Values{"csrf": {m2[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	noFollow := &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	to, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || to == nil || to.Host != "cspr-x.auth.eu-west-2.amazoncognito.com" || to.Path != "/logout" ||
		to.Query().Get("client_id") != cfg.ClientID || !strings.HasSuffix(to.Query().Get("logout_uri"), "/signout/done") {
		t.Errorf("sign-out: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, _, final := get(t, c, e.srv.URL+"/cases"); final == "/cases" && status == 200 {
		t.Error("still signed in after signing out")
	}
	if status, page, _ := get(t, c, e.srv.URL+"/signout/done"); status != 200 || !strings.Contains(page, "You are signed out") {
		t.Errorf("back from the provider: %d", status)
	}
}

// TestVerifyIDToken: every token that is not the provider's, for us, now,
// is refused.
func TestVerifyIDToken(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	cfg := m.Config()
	o := NewOIDC(cfg.Issuer, client(cfg.ClientID, cfg.ClientSecret), "http://127.0.0.1/signin/callback", "cognito:groups")
	now := time.Now()
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": cfg.Issuer, "aud": cfg.ClientID, "sub": "u-1", "email": "jo@darlington.gov.uk", "nonce": "n-1",
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "cognito:groups": []string{"ssp"}}
		if change != nil {
			change(c)
		}
		return c
	}
	sign := func(c jwt.MapClaims) string {
		s, err := m.Keypair.SignJWT(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := sign(claims(nil))
	id, err := o.Verify(context.Background(), good, "n-1")
	if err != nil || id.Role != RoleSSP || id.Subject != "u-1" {
		t.Fatalf("a good token: %+v %v", id, err)
	}
	parts := strings.Split(good, ".")
	unsigned, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	other, _ := mockoidc.RandomKeypair(2048)
	otherKey, _ := other.SignJWT(claims(nil))
	for name, tok := range map[string]string{
		"wrong issuer":   sign(claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })),
		"wrong audience": sign(claims(func(c jwt.MapClaims) { c["aud"] = "another-client" })),
		"expired":        sign(claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })),
		"unsigned":       unsigned,
		"tampered":       parts[0] + "." + strings.TrimRight(b64(`{"iss":"`+cfg.Issuer+`","aud":"`+cfg.ClientID+`","sub":"admin","nonce":"n-1","exp":9999999999,"cognito:groups":["business-unit"]}`), "=") + "." + parts[2],
		"another key":    otherKey,
	} {
		if _, err := o.Verify(context.Background(), tok, "n-1"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := o.Verify(context.Background(), good, "another-nonce"); err == nil {
		t.Error("a replayed token (another nonce): accepted")
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestFigures: a quarter's numbers by route and channel, working days to
// the partners' decision, deadlines met and missed; as CSV too; no child's
// details anywhere.
func TestFigures(t *testing.T) {
	e := newWSEnv(t, nil)
	res, _ := e.submit(t, "complete.json") // received Friday 20 November 2026
	e.submit(t, "incomplete.json")
	if _, err := e.in.RecordEvent(context.Background(), res.Ref, intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "criteria-met", Rationale: "as minuted"}); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, RoleBusinessUnit)
	status, page, _ := get(t, c, e.srv.URL+"/cases/figures?q=2026-Q4")
	for _, want := range []string{"Referrals received 2026-10-01 to 2026-12-31", "<svg", "Referrals a month: 2026-10: 0, 2026-11: 2, 2026-12: 0", "1 working days"} {
		if !strings.Contains(page, want) {
			t.Errorf("figures lack %q", want)
		}
	}
	if status != 200 || strings.Contains(page, "Child A") {
		t.Errorf("figures: %d", status)
	}
	resp, err := c.Get(e.srv.URL + "/cases/figures.csv?q=2026-Q4")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"2026-Q4,referrals,all,2", "2026-Q4,referrals,notification by api,2", "2026-Q4,working days to ssp decision,median,1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("CSV lacks %q:\n%s", want, body)
		}
	}
	if status, _, _ := get(t, e.signIn(t, RoleLDChair), e.srv.URL+"/cases/figures"); status != http.StatusForbidden {
		t.Errorf("the L&D chair's figures: %d", status)
	}
}

// TestWorkspaceCloseCase: the Business Unit closes a case from its page:
// every open deadline is cancelled and the page says no reminder is sent.
func TestWorkspaceCloseCase(t *testing.T) {
	e := newWSEnv(t, nil)
	res, _ := e.submit(t, "complete.json")
	c := e.signIn(t, RoleBusinessUnit)
	_, page, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref)
	status, page := post(t, c, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"case-closed"}, "at": {"2026-11-23"}, "reason": {"withdrawn"}})
	if status != 200 || !strings.Contains(page, "closed (was complete)") {
		t.Fatalf("after closing: %d", status)
	}
	ds, _ := e.store.ListDeadlines(context.Background(), res.Ref)
	for _, d := range ds {
		if d.Status == "open" {
			t.Errorf("%s still open after the case was closed", d.Rule)
		}
	}
	if status, page := post(t, c, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"case-closed"}, "at": {"2026-11-23"}, "reason": {"bored"}}); status != http.StatusBadRequest || !strings.Contains(page, "needs a reason") {
		t.Errorf("closing with no reason: %d", status)
	}
}

// TestLDChairDecides: the L&D chair opens a learning referral and records
// the Group's decision; the partners' events are not theirs to record.
func TestLDChairDecides(t *testing.T) {
	e := newWSEnv(t, nil)
	data, err := os.ReadFile(filepath.Join("..", "..", "formdoc", "testdata", "forms", "learning-route.docx"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.in.Submit(context.Background(), intake.Raw{Data: data, Filename: "learning.docx", Channel: "api", ReceivedAt: e.now.Add(-72 * time.Hour)})
	if err != nil || res.Route != "learning" {
		t.Fatalf("learning referral: %+v %v", res, err)
	}
	ld := e.signIn(t, RoleLDChair)
	status, page, _ := get(t, ld, e.srv.URL+"/cases/"+res.Ref)
	if status != 200 || !strings.Contains(page, `value="ld-decision"`) || strings.Contains(page, `value="ssp-decision"`) {
		t.Fatalf("the L&D chair's case page: %d", status)
	}
	status, page = post(t, ld, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"ld-decision"}, "at": {"2026-11-23"}, "outcome": {"single-agency-review"}, "rationale": {"The reasons, as minuted."}})
	if status != 200 || !strings.Contains(page, "The Learning and Development Group decided: a single-agency review") || !strings.Contains(page, "The reasons, as minuted.") {
		t.Errorf("after the L&D decision: %d", status)
	}
}

// TestChairRecordsTheRapidReview: the chair records the Rapid Review, its
// recommendation and the partners' decision with the outcome chosen from
// that event's own list; the reviewer's name goes with the notice to the
// Panel; an answer before anything was sent is refused with the reason.
func TestChairRecordsTheRapidReview(t *testing.T) {
	e := newWSEnv(t, nil)
	res, _ := e.submit(t, "complete.json")
	chair := e.signIn(t, RoleChair)
	_, page, _ := get(t, chair, e.srv.URL+"/cases/"+res.Ref)
	if !strings.Contains(page, `<optgroup label="rapid-review-recommended">`) || !strings.Contains(page, `id="event-reviewer"`) {
		t.Fatal("the chair's form has no outcomes by event or no reviewer")
	}
	for _, step := range []url.Values{
		{"type": {"rapid-review-held"}, "at": {"2026-11-23"}},
		{"type": {"rapid-review-recommended"}, "at": {"2026-11-23"}, "outcome": {"lcspr"}, "rationale": {"The Rapid Review found learning for every agency."}},
		{"type": {"lcspr-decided"}, "at": {"2026-11-23"}},
		{"type": {"lcspr-notified"}, "at": {"2026-11-23"}, "reviewer": {"Dr Jane Reviewer"}},
	} {
		status, next := post(t, chair, e.srv.URL+"/cases/"+res.Ref+"/events", page, step)
		if status != 200 || !strings.Contains(next, "The event was recorded") {
			t.Fatalf("%v: %d", step, status)
		}
		page = next
	}
	if !strings.Contains(page, "The Rapid Review recommended: a Local Child Safeguarding Practice Review") || !strings.Contains(page, "reviewer: Dr Jane Reviewer") ||
		!strings.Contains(page, "The Rapid Review found learning for every agency.") ||
		!strings.Contains(page, "Complete and publish the Local Child Safeguarding Practice Review") {
		t.Error("the timeline or the deadlines do not show the review")
	}
	status, page := post(t, chair, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"panel-responded"}, "at": {"2026-11-23"}, "outcome": {"national-review"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "govuk-error-summary") || !strings.Contains(page, "record that first") {
		t.Errorf("an answer before anything was sent: %d", status)
	}
	status, page = post(t, chair, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"review-decided"}, "at": {"2026-11-23"}, "outcome": {"audit"}, "rationale": {"The reasons, as minuted."}})
	if status != http.StatusConflict || !strings.Contains(page, "lcspr-decided was already recorded") {
		t.Errorf("a second decision on the level of review: %d", status)
	}
}

type fakeLetters struct {
	letters []deadletter.Letter
	err     error
}

func (f fakeLetters) List(context.Context) ([]deadletter.Letter, error) { return f.letters, f.err }

// TestHeldPageShowsFailedDeliveries: the held-mail page lists what is on
// the dead-letter queues, and says so when the queues cannot be read
// rather than failing the page.
func TestHeldPageShowsFailedDeliveries(t *testing.T) {
	e := newWSEnv(t, nil)
	c := e.signIn(t, RoleBusinessUnit)
	e.ws.DeadLetters = fakeLetters{letters: []deadletter.Letter{{Queue: "reminders", SentAt: e.now,
		What: "the due reminder of inform-ssp for DSP-2026-0042 (due 2026-12-01T23:59:59Z) was not sent", Detail: "AWS.Lambda.TooManyRequestsException"}}}
	status, page, _ := get(t, c, e.srv.URL+"/cases/held")
	if status != 200 || !strings.Contains(page, "Deliveries that failed") || !strings.Contains(page, "reminder of inform-ssp for DSP-2026-0042") {
		t.Errorf("held page with a dead letter: %d", status)
	}
	e.ws.DeadLetters = fakeLetters{err: errors.New("AccessDenied")}
	status, page, _ = get(t, c, e.srv.URL+"/cases/held")
	if status != 200 || !strings.Contains(page, "could not be read just now") {
		t.Errorf("held page with the queues unreadable: %d", status)
	}
}

// TestAssignAndFilter: an officer assigns a case to themselves; the list
// shows who has it and filters by "assigned to me", closed, year and held
// mail; the L&D chair sees a notification once the partners send it for
// learning.
func TestAssignAndFilter(t *testing.T) {
	e := newWSEnv(t, nil)
	a, _ := e.submit(t, "complete.json")
	b, _ := e.submit(t, "incomplete.json")
	e.ws.Held = &heldNaming{ref: b.Ref}
	c := e.signIn(t, RoleBusinessUnit)
	_, page, _ := get(t, c, e.srv.URL+"/cases/"+a.Ref)
	status, page := post(t, c, e.srv.URL+"/cases/"+a.Ref+"/assign", page, url.Values{})
	if status != 200 || !strings.Contains(page, "The case is assigned to you") || strings.Contains(page, ">Assign to me<") ||
		!strings.Contains(page, "The case was assigned to") {
		t.Fatalf("assigning: %d", status)
	}
	list := func(query string) string {
		t.Helper()
		_, page, _ := get(t, c, e.srv.URL+"/cases?"+query)
		return page
	}
	has := func(page, ref string) bool { return strings.Contains(page, `href="/cases/`+ref+`"`) }
	if p := list("mine=1"); !has(p, a.Ref) || has(p, b.Ref) {
		t.Error("assigned to me")
	}
	if p := list("status=held"); has(p, a.Ref) || !has(p, b.Ref) || !strings.Contains(p, "held mail") {
		t.Error("held mail")
	}
	if p := list("year=2019"); has(p, a.Ref) || has(p, b.Ref) {
		t.Error("another year")
	}
	if p := list("year=2026"); !has(p, a.Ref) || !has(p, b.Ref) {
		t.Error("this year")
	}
	if _, err := e.in.RecordEvent(context.Background(), b.Ref, intake.EventInput{Type: "case-closed", At: "2026-11-23", Reason: "withdrawn"}); err != nil {
		t.Fatal(err)
	}
	if p := list("status=closed"); has(p, a.Ref) || !has(p, b.Ref) {
		t.Error("closed")
	}
	if p := list("status=incomplete"); has(p, b.Ref) {
		t.Error("a closed case listed as incomplete")
	}
	// The L&D chair: not the notification, until it is sent for learning.
	ld := e.signIn(t, RoleLDChair)
	if status, _, _ := get(t, ld, e.srv.URL+"/cases/"+a.Ref); status != http.StatusNotFound {
		t.Errorf("the L&D chair opened a notification: %d", status)
	}
	if _, err := e.in.RecordEvent(context.Background(), a.Ref, intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "learning", Rationale: "as minuted"}); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := get(t, ld, e.srv.URL+"/cases/"+a.Ref); status != http.StatusOK {
		t.Errorf("the L&D chair cannot open a case sent for learning: %d", status)
	}
	if _, p, _ := get(t, ld, e.srv.URL+"/cases"); !has(p, a.Ref) {
		t.Error("the L&D chair's list lacks the case sent for learning")
	}
}

// heldNaming is held mail with one message naming a case.
type heldNaming struct {
	fakeHeld
	ref string
}

func (h *heldNaming) ListMessages(context.Context, casefile.Outcome) ([]casefile.Message, error) {
	return []casefile.Message{{Key: "raw-held-2", From: "someone@nhs.net", Reasons: []string{"possible-correction"}, Refs: []string{h.ref}, ReceivedAt: time.Now()}}, nil
}

// TestHeldMessagePage: a held message read before deciding — headers,
// verdicts and its text escaped, never rendered — then marked not a
// referral.
func TestHeldMessagePage(t *testing.T) {
	e := newWSEnv(t, nil)
	c := e.signIn(t, RoleBusinessUnit)
	status, page, _ := get(t, c, e.srv.URL+"/cases/held/raw-held-1/message")
	if status != 200 || !strings.Contains(page, "A message from <bdi>someone@gmail.com</bdi>") || !strings.Contains(page, "DMARC PASS") ||
		!strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(page, "<script>alert") {
		t.Fatalf("held message page: %d", status)
	}
	status, page = post(t, c, e.srv.URL+"/cases/held/raw-held-1/dismiss", page, url.Values{})
	if status != 200 || !strings.Contains(page, "marked not a referral") {
		t.Errorf("dismiss: %d", status)
	}
	if got := e.ws.Held.(*fakeHeld).dismissed; len(got) != 1 || !strings.HasPrefix(got[0], "raw-held-1 by ") {
		t.Errorf("dismissed %v", got)
	}
	if status, _, _ := get(t, c, e.srv.URL+"/cases/held/raw-unknown/message"); status != http.StatusNotFound {
		t.Errorf("unknown held message: %d", status)
	}
	if status, _, _ := get(t, e.signIn(t, RoleSSP), e.srv.URL+"/cases/held/raw-held-1/message"); status != http.StatusForbidden {
		t.Errorf("the partners read held mail: %d", status)
	}
}

// TestCasePageShowsWhereAnswersWereRead: a case read from a Word form shows
// beside each answer where in the form it was read, and an answer that
// could not be read says so where it belongs.
func TestCasePageShowsWhereAnswersWereRead(t *testing.T) {
	e := newWSEnv(t, nil)
	corpus := filepath.Join("..", "..", "formdoc", "testdata", "corpus")
	docx, err := os.ReadFile(filepath.Join(corpus, "libreoffice-odt-tracked.docx"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.in.Submit(context.Background(), intake.Raw{Data: docx, Filename: "Referral.docx", Channel: "api", ReceivedAt: e.now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, RoleBusinessUnit)
	_, page, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref)
	for _, want := range []string{"Read from table 1, row 1, cell 2", "Read from table 1, row 4, cell 2",
		"we could not read the child&#39;s gender from what you sent; please check it", "Read from table 1, row 3, cell 2"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
}

// TestPagesParse: every page parses (each is made only when first shown).
func TestPagesParse(t *testing.T) {
	if err := wsPages.Check(); err != nil {
		t.Error(err)
	}
}

func client(id, secret string) func(context.Context) (OIDCClient, error) {
	return func(context.Context) (OIDCClient, error) { return OIDCClient{ID: id, Secret: secret}, nil }
}

// TestSignInProviderLate: the provider is not asked until someone signs
// in; when its client cannot be read the sign-in says so (503) and the
// next one tries again and succeeds.
func TestSignInProviderLate(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	cfg := m.Config()
	var asked atomic.Int32
	e := newWSEnv(t, func(redirect string) *OIDC {
		return NewOIDC(cfg.Issuer, func(context.Context) (OIDCClient, error) {
			if asked.Add(1) == 1 {
				return OIDCClient{}, errors.New("secret not yet readable")
			}
			return OIDCClient{ID: cfg.ClientID, Secret: cfg.ClientSecret}, nil
		}, redirect, "groups")
	})
	e.now = time.Now()
	if n := asked.Load(); n != 0 {
		t.Fatalf("the provider's client was read %d times before anyone signed in", n)
	}
	status, page, _ := get(t, browser(), e.srv.URL+"/cases")
	if status != http.StatusServiceUnavailable || !strings.Contains(page, "Sign-in is not available just now") {
		t.Fatalf("provider unavailable: %d %.200s", status, page)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "u-1", Email: "jo.officer@darlington.gov.uk", Groups: []string{"business-unit"}})
	if status, _, final := get(t, browser(), e.srv.URL+"/cases"); status != http.StatusOK || final != "/cases" || asked.Load() != 2 {
		t.Errorf("second sign-in: %d at %s, client read %d times", status, final, asked.Load())
	}
}

// TestCasePageRecord: the case page tells what happened in words, with the
// reasons; a late deadline says so; an entry recorded in error is
// withdrawn there by the role that records it, and stays, marked; views go
// to their own list; the L&D chair opens a case whatever the partners
// decided.
func TestCasePageRecord(t *testing.T) {
	e := newWSEnv(t, nil)
	res, _ := e.submit(t, "complete.json") // received Friday 20 November 10:00; inform-ssp due Monday 23rd
	ld := e.signIn(t, RoleLDChair)
	if status, _, _ := get(t, ld, e.srv.URL+"/cases/"+res.Ref); status != http.StatusNotFound {
		t.Fatalf("the L&D chair opens a notification before any decision: %d", status)
	}
	e.now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	ssp := e.signIn(t, RoleSSP)
	_, page, _ := get(t, ssp, e.srv.URL+"/cases/"+res.Ref)
	status, page := post(t, ssp, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"ssp-decision"}, "at": {"2026-11-24"},
		"outcome": {"criteria-not-met"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "needs its rationale") {
		t.Errorf("a decision without its rationale: %d", status)
	}
	status, page = post(t, ssp, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"ssp-decision"}, "at": {"2026-11-24"},
		"outcome": {"criteria-not-met"}, "rationale": {"No abuse or neglect <b>suspected</b>."}})
	if status != 200 || !strings.Contains(page, "The partners decided: criteria not met") || !strings.Contains(page, "No abuse or neglect &lt;b&gt;suspected&lt;/b&gt;.") {
		t.Fatalf("after the decision: %d", status)
	}
	if !strings.Contains(page, `govuk-tag--orange">met late<`) {
		t.Error("inform-ssp, met by a decision a day after its day, is not shown as late")
	}
	if strings.Contains(page, "decided (outcome)") || strings.Contains(page, "outcome: criteria-not-met") {
		t.Error("the timeline speaks in codes")
	}
	if i, j := strings.Index(page, `id="timeline"`), strings.Index(page, `id="audit"`); i < 0 || j < i || strings.Contains(page[i:j], "Viewed") {
		t.Error("views are not in a list of their own after the timeline")
	}
	ld = e.signIn(t, RoleLDChair) // a day later: signed in again
	if status, _, _ := get(t, ld, e.srv.URL+"/cases/"+res.Ref); status != 200 {
		t.Errorf("the L&D chair cannot open the case the partners decided: %d", status)
	}
	events, _ := e.store.ListEvents(context.Background(), res.Ref)
	var decision string
	for _, ev := range events {
		if ev.Type == "ssp-decision" {
			decision = ev.ID
		}
	}
	// Not the L&D chair's to withdraw.
	_, ldPage, _ := get(t, ld, e.srv.URL+"/cases/"+res.Ref)
	if strings.Contains(ldPage, `name="event" value="`+decision+`"`) {
		t.Error("the L&D chair is offered to withdraw the partners' decision")
	}
	if status, _ := post(t, ld, e.srv.URL+"/cases/"+res.Ref+"/events", ldPage, url.Values{"type": {"event-withdrawn"}, "event": {decision}, "note": {"no"}, "at": {"2026-11-24"}}); status != http.StatusBadRequest {
		t.Errorf("the L&D chair withdrew the partners' decision: %d", status)
	}
	if !strings.Contains(page, `name="event" value="`+decision+`"`) {
		t.Fatal("the partners are not offered to withdraw their decision")
	}
	status, page = post(t, ssp, e.srv.URL+"/cases/"+res.Ref+"/events", page, url.Values{"type": {"event-withdrawn"}, "event": {decision},
		"note": {"Recorded on the wrong case."}, "at": {"2026-11-24"}})
	if status != 200 || !strings.Contains(page, "The entry was withdrawn") || !strings.Contains(page, "Withdrawn as recorded in error by Officer ssp") ||
		!strings.Contains(page, "Recorded on the wrong case.") || !strings.Contains(page, "The partners decided: criteria not met") {
		t.Errorf("after the withdrawal: %d", status)
	}
	if strings.Contains(page, `name="event" value="`+decision+`"`) {
		t.Error("a withdrawn entry is offered to be withdrawn again")
	}
}

// TestFiguresLate: the figures count met on time, late and missed apart,
// on the page and in the CSV — worked by hand: two referrals received
// Friday 20 November, the partners due to be informed Monday 23rd,
// informed that day for one and on Tuesday 24th for the other.
func TestFiguresLate(t *testing.T) {
	e := newWSEnv(t, nil)
	onTime, _ := e.submit(t, "complete.json")
	late, _ := e.submit(t, "incomplete.json")
	if _, err := e.in.RecordEvent(context.Background(), onTime.Ref, intake.EventInput{Type: "ssp-informed", At: "2026-11-23"}); err != nil {
		t.Fatal(err)
	}
	e.now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	if _, err := e.in.RecordEvent(context.Background(), late.Ref, intake.EventInput{Type: "ssp-informed", At: "2026-11-24"}); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, RoleBusinessUnit)
	_, csv, _ := get(t, c, e.srv.URL+"/cases/figures.csv?q=2026-Q4")
	for _, want := range []string{
		"2026-Q4,deadline Inform the Statutory Safeguarding Partners,met on time,1\n",
		"2026-Q4,deadline Inform the Statutory Safeguarding Partners,late,1\n",
		"2026-Q4,deadline Inform the Statutory Safeguarding Partners,missed,0\n",
	} {
		if !strings.Contains(strings.ReplaceAll(csv, "\r\n", "\n"), want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv)
		}
	}
	_, page, _ := get(t, c, e.srv.URL+"/cases/figures?q=2026-Q4")
	if !strings.Contains(page, "Met late") {
		t.Error("the figures page has no column for deadlines met late")
	}
}

// TestRawVersions: after a correction, each version's input is still
// there to download, named as sent with its type, never shown inline.
func TestRawVersions(t *testing.T) {
	e := newWSEnv(t, nil)
	res, first := e.submit(t, "complete.json")
	docx, err := os.ReadFile(filepath.Join("..", "..", "formdoc", "testdata", "forms", "learning-route.docx"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.in.Correct(context.Background(), res.Ref, intake.Raw{Data: docx, Filename: "Child A Example.docx", Channel: "email", ReceivedAt: e.now}); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, RoleBusinessUnit)
	_, page, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref)
	if !strings.Contains(page, "/cases/"+res.Ref+"/raw?v=0") || !strings.Contains(page, "/cases/"+res.Ref+"/raw?v=1") {
		t.Fatal("the case page does not list each version's input")
	}
	for _, tt := range []struct {
		v, name, media string
		want           []byte
	}{
		{"0", res.Ref + "-v0.json", "application/json", first},
		{"1", res.Ref + "-v1.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx},
		{"", res.Ref + "-v1.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx},
	} {
		resp, err := c.Get(e.srv.URL + "/cases/" + res.Ref + "/raw?v=" + tt.v)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, tt.want) || resp.Header.Get("Content-Type") != tt.media || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="`+tt.name+`"` {
			t.Errorf("version %q: %d bytes, headers %v", tt.v, len(got), resp.Header)
		}
	}
	for _, v := range []string{"2", "-1", "x"} {
		if status, _, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref+"/raw?v="+v); status != http.StatusNotFound {
			t.Errorf("version %s: %d", v, status)
		}
	}
	events, _ := e.store.ListEvents(context.Background(), res.Ref)
	var versions []string
	for _, ev := range events {
		if ev.Type == web.EventRawDownloaded {
			versions = append(versions, ev.Data["version"])
		}
	}
	sort.Strings(versions) // the test clock stands still: all at one moment
	if strings.Join(versions, ",") != "0,1,1" {
		t.Errorf("downloads recorded of versions %v", versions)
	}
}

// TestCasePageOneStory: what the page says agrees with the record — the
// partners told once they decided, an L&D decision awaiting approval
// until approved, the Panel's request for information owed (on the case
// and in the list) until it is sent, an unclear route's deadlines named.
func TestCasePageOneStory(t *testing.T) {
	e := newWSEnv(t, nil)
	ctx := context.Background()
	res, _ := e.submit(t, "complete.json")
	record := func(in intake.EventInput) {
		t.Helper()
		if _, err := e.in.RecordEvent(ctx, res.Ref, in); err != nil {
			t.Fatal(err)
		}
	}
	c := e.signIn(t, RoleBusinessUnit)
	page := func() string {
		t.Helper()
		_, p, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref)
		return p
	}
	if !strings.Contains(page(), "have not been told of this referral yet") {
		t.Fatal("a new case does not offer to inform the partners")
	}
	record(intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "criteria-met", Rationale: "met"})
	if strings.Contains(page(), "have not been told") {
		t.Error("after the partners decided, the page says they have not been told")
	}
	record(intake.EventInput{Type: "ld-decision", At: "2026-11-23", Outcome: "multi-agency-audit", Rationale: "an audit will show it"})
	if !strings.Contains(page(), "awaits the partners") {
		t.Error("the L&D decision is not shown awaiting approval")
	}
	record(intake.EventInput{Type: "ld-approved", At: "2026-11-23", Rationale: "agreed"})
	if strings.Contains(page(), "awaits the partners") {
		t.Error("approved, still awaiting approval")
	}
	record(intake.EventInput{Type: "rapid-review-held", At: "2026-11-23"})
	record(intake.EventInput{Type: "decision-to-panel", At: "2026-11-23"})
	record(intake.EventInput{Type: "panel-responded", At: "2026-11-23", Outcome: "more-information"})
	_, list, _ := get(t, c, e.srv.URL+"/cases")
	if !strings.Contains(page(), "The Panel asked for more information on 23 Nov 2026") || !strings.Contains(list, "Send the Panel the information it asked for (asked 23 Nov 2026") {
		t.Error("the Panel's request is not shown as owed on the case and in the list")
	}
	record(intake.EventInput{Type: "panel-information-sent", At: "2026-11-23"})
	_, list, _ = get(t, c, e.srv.URL+"/cases")
	if strings.Contains(page(), "The Panel asked for more information") || strings.Contains(list, "Send the Panel the information") {
		t.Error("the information was sent, and is still shown owed")
	}
	unclear, err := e.in.Submit(ctx, intake.Raw{Data: []byte(`{"referrer": {"fullName": "Sam Referrer"}}`), Channel: "api", ReceivedAt: e.now})
	if err != nil || unclear.Route != "unknown" {
		t.Fatalf("a form that says no route: %+v %v", unclear, err)
	}
	_, p, _ := get(t, c, e.srv.URL+"/cases/"+unclear.Ref)
	if !strings.Contains(p, "the notification deadlines run until the route is known") || !strings.Contains(p, "Notify the Child Safeguarding Practice Review Panel") {
		t.Error("an unclear route does not say the notification deadlines run")
	}
}

// TestTellReferrer: once the partners decide, the Business Unit is offered
// an e-mail to the referrer — the reference and the decision, no child's
// details, no rationale — which they may change and send with one action;
// that records referrer-told and meets its clock. Nothing goes by itself.
func TestTellReferrer(t *testing.T) {
	e := newWSEnv(t, nil)
	ctx := context.Background()
	res, _ := e.submit(t, "complete.json")
	c := e.signIn(t, RoleBusinessUnit)
	if _, page, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref); strings.Contains(page, "Tell the referrer the outcome</h2>") {
		t.Error("an e-mail to the referrer is offered before any decision")
	}
	if _, err := e.in.RecordEvent(ctx, res.Ref, intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "criteria-not-met", Rationale: "Child A Example is safe at home"}); err != nil {
		t.Fatal(err)
	}
	e.sent.got = nil
	_, page, _ := get(t, c, e.srv.URL+"/cases/"+res.Ref)
	i := strings.Index(page, `id="outcome-text"`)
	if i < 0 || !strings.Contains(page[i:], "Thank you for your referral "+res.Ref) || !strings.Contains(page[i:], "are not met") {
		t.Fatal("no drafted e-mail to the referrer after the decision")
	}
	draft := page[i : i+strings.Index(page[i:], "</textarea>")]
	if strings.Contains(draft, "Child A") || strings.Contains(draft, "safe at home") {
		t.Errorf("the draft carries child details or the rationale: %s", draft)
	}
	if len(e.sent.got) != 0 {
		t.Error("an e-mail went to the referrer before an officer sent it")
	}
	ssp := e.signIn(t, RoleSSP)
	_, sspPage, _ := get(t, ssp, e.srv.URL+"/cases/"+res.Ref)
	if status, _ := post(t, ssp, e.srv.URL+"/cases/"+res.Ref+"/tell-referrer", sspPage, url.Values{"text": {"x"}}); status != http.StatusForbidden {
		t.Errorf("the partners sent the Business Unit's e-mail: %d", status)
	}
	if status, p := post(t, c, e.srv.URL+"/cases/"+res.Ref+"/tell-referrer", page, url.Values{"text": {"  "}}); status != http.StatusBadRequest || !strings.Contains(p, "govuk-error-summary") {
		t.Errorf("an empty e-mail: %d", status)
	}
	status, page := post(t, c, e.srv.URL+"/cases/"+res.Ref+"/tell-referrer", page, url.Values{"text": {"Dear Sam,\n\nThe partners decided the criteria are not met.\n"}})
	if status != 200 || !strings.Contains(page, "The referrer was sent the outcome") || strings.Contains(page, `id="outcome-text"`) ||
		!strings.Contains(page, "The referrer was told the outcome") {
		t.Fatalf("after sending: %d", status)
	}
	cs, _ := e.store.GetCase(ctx, res.Ref)
	if len(e.sent.got) != 1 || e.sent.got[0].To[0] != cs.Referral.Referrer.Email || !strings.HasPrefix(e.sent.got[0].Text, "Dear Sam,") ||
		strings.Contains(e.sent.got[0].Subject, "Child") {
		t.Errorf("sent %+v", e.sent.got)
	}
	ds, _ := e.store.ListDeadlines(ctx, res.Ref)
	for _, d := range ds {
		if d.Rule == "referrer-feedback" && d.Status != "met" {
			t.Errorf("referrer-feedback %s", d.Status)
		}
	}
	if status, _ := post(t, c, e.srv.URL+"/cases/"+res.Ref+"/tell-referrer", page, url.Values{"text": {"again"}}); status != http.StatusBadRequest || len(e.sent.got) != 1 {
		t.Errorf("told twice: %d, %d sent", status, len(e.sent.got))
	}
}

// TestFiguresSeeded: the annual report's numbers on a seeded set of cases,
// each worked out by hand. Four referrals received Friday 20 November
// 2026 by the API, all notifications; the partners to be informed by
// Monday 23rd; the figures read on Tuesday 24th at noon:
//
//	A: partners informed and decided criteria met on the 23rd; the Panel
//	   notified, the Rapid Review held, an LCSPR commissioned and
//	   published, all on the 23rd (1 working day to the decision);
//	B: decided criteria not met on the 23rd, withdrawn as recorded in
//	   error, then decided learning the same day (1 working day); the L&D
//	   Group decided quality assurance;
//	C: nothing recorded: informing the partners missed;
//	D: decided criteria not met on the 24th (2 working days): informed
//	   late, by the decision.
//
// So: 3 decided (met 1, not met 1, learning 1), median 1 and longest 2
// working days; L&D quality assurance 1; 1 Rapid Review, on time; 1 LCSPR
// commissioned, published on time; informing the partners met on time 2,
// late 1, missed 1.
func TestFiguresSeeded(t *testing.T) {
	e := newWSEnv(t, nil)
	ctx := context.Background()
	complete, _ := os.ReadFile(filepath.Join("..", "..", "..", "events", "referrals", "complete.json"))
	submit := func(data []byte) string {
		t.Helper()
		res, err := e.in.Submit(ctx, intake.Raw{Data: data, Channel: "api", ReceivedAt: e.now.Add(-72 * time.Hour)})
		if err != nil || res.Route != "notification" {
			t.Fatalf("seed: %+v %v", res, err)
		}
		return res.Ref
	}
	a := submit(complete)
	b := submit(bytes.ReplaceAll(complete, []byte("Child A Example"), []byte("Child B Example")))
	submit(bytes.ReplaceAll(complete, []byte("Child A Example"), []byte("Child C Example")))
	d := submit(bytes.ReplaceAll(complete, []byte("Child A Example"), []byte("Child D Example")))
	record := func(ref string, in intake.EventInput) intake.Recorded {
		t.Helper()
		rec, err := e.in.RecordEvent(ctx, ref, in)
		if err != nil {
			t.Fatalf("%s %s: %v", ref, in.Type, err)
		}
		return rec
	}
	on := func(typ string) intake.EventInput { return intake.EventInput{Type: typ, At: "2026-11-23"} }
	record(a, on("ssp-informed"))
	record(a, intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "criteria-met", Rationale: "met"})
	record(a, on("panel-notified"))
	record(a, on("rapid-review-held"))
	record(a, on("lcspr-decided"))
	record(a, on("published"))
	wrong := record(b, intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "criteria-not-met", Rationale: "x"})
	record(b, intake.EventInput{Type: "event-withdrawn", At: "2026-11-23", Event: wrong.Event, Reason: "the wrong outcome was chosen"})
	record(b, intake.EventInput{Type: "ssp-decision", At: "2026-11-23", Outcome: "learning", Rationale: "learning"})
	record(b, intake.EventInput{Type: "ld-decision", At: "2026-11-23", Outcome: "quality-assurance", Rationale: "qa"})
	e.now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	record(d, intake.EventInput{Type: "ssp-decision", At: "2026-11-24", Outcome: "criteria-not-met", Rationale: "not met"})
	c := e.signIn(t, RoleBusinessUnit)
	_, csv, _ := get(t, c, e.srv.URL+"/cases/figures.csv?from=2026-04-01&to=2027-03-31")
	csv = strings.ReplaceAll(csv, "\r\n", "\n")
	const p = "2026-04-01 to 2027-03-31,"
	for _, want := range []string{
		p + "referrals,all,4", p + "referrals,notification by api,4",
		p + "ssp decisions,cases,3", p + "ssp decisions,criteria met,1", p + "ssp decisions,criteria not met,1",
		p + "ssp decisions,\"not notifiable, but learning to explore\",1",
		p + "working days to ssp decision,median,1", p + "working days to ssp decision,worst,2",
		p + "ld decisions,quality assurance,1", p + "ld decisions,a multi-agency review,0",
		p + "rapid reviews,held,1", p + "rapid reviews,held on time,1",
		p + "lcsprs,commissioned,1", p + "lcsprs,reports published,1", p + "lcsprs,published on time,1", p + "lcsprs,decided not to publish,0",
		p + "deadline Inform the Statutory Safeguarding Partners,met on time,2",
		p + "deadline Inform the Statutory Safeguarding Partners,late,1",
		p + "deadline Inform the Statutory Safeguarding Partners,missed,1",
		p + "deadline Inform the Statutory Safeguarding Partners,open,0",
	} {
		if !strings.Contains(csv, want+"\n") {
			t.Errorf("CSV lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("CSV:\n%s", csv)
	}
	_, page, _ := get(t, c, e.srv.URL+"/cases/figures?from=2026-04-01&to=2027-03-31")
	if !strings.Contains(page, "Referrals a month: 2026-04: 0") || !strings.Contains(page, "2027-03: 0") || strings.Count(page, "<rect ") != 12 {
		t.Error("a year's chart has not its twelve months")
	}
	// A period with no decided case says so, never "median 0".
	_, page, _ = get(t, c, e.srv.URL+"/cases/figures?q=2026-Q3")
	if !strings.Contains(page, "The partners have decided none of the cases received in this period yet") || strings.Contains(page, "0 working days") {
		t.Error("a period without decisions shows a median")
	}
}

// TestRounds: re-opened with new information, the partners decide again;
// the case page says which round each decision was.
func TestRounds(t *testing.T) {
	e := newWSEnv(t, nil)
	ctx := context.Background()
	res, _ := e.submit(t, "complete.json")
	for _, in := range []intake.EventInput{
		{Type: "ssp-decision", At: "2026-11-20", Outcome: "criteria-not-met", Rationale: "not met"},
		{Type: "case-closed", At: "2026-11-20", Reason: "criteria-not-met"},
		{Type: "case-reopened", At: "2026-11-23", Reason: "new-information"},
		{Type: "ssp-decision", At: "2026-11-23", Outcome: "criteria-met", Rationale: "the new information shows neglect"},
	} {
		if _, err := e.in.RecordEvent(ctx, res.Ref, in); err != nil {
			t.Fatalf("%s: %v", in.Type, err)
		}
	}
	_, page, _ := get(t, e.signIn(t, RoleBusinessUnit), e.srv.URL+"/cases/"+res.Ref)
	if !strings.Contains(page, "The partners decided: criteria not met (round 1)") || !strings.Contains(page, "The partners decided: criteria met (round 2)") {
		t.Error("the case page does not show each round's decision")
	}
}

// TestHeldBannerFromItsOwnState: the held-mail page's banner says what
// became of the message from its record, never words from the address.
func TestHeldBannerFromItsOwnState(t *testing.T) {
	e := newWSEnv(t, nil)
	c := e.signIn(t, RoleBusinessUnit)
	for _, q := range []string{"released=1", "stillheld=Your+account+is+suspended%2C+call+0800+000", "dismissed=raw-held-1", "released=raw-held-1"} {
		_, page, _ := get(t, c, e.srv.URL+"/cases/held?"+q)
		if strings.Contains(page, "suspended") || strings.Contains(page, "govuk-notification-banner--success") && !strings.Contains(q, "raw-held") {
			t.Errorf("?%s: the banner shows what the address says", q)
		}
		if strings.Contains(page, "was released") || strings.Contains(page, "marked not a referral") {
			t.Errorf("?%s: the banner says something that did not happen", q)
		}
	}
	_, page, _ := get(t, c, e.srv.URL+"/cases/held")
	status, page := post(t, c, e.srv.URL+"/cases/held/raw-held-1/release", page, url.Values{})
	if status != 200 || !strings.Contains(page, "The message was released") {
		t.Errorf("after a release: %d", status)
	}
}

// TestBidiAnswersFlagged: an answer holding a direction-changing character
// is flagged on the case page and shown isolated; the sender too.
func TestBidiAnswersFlagged(t *testing.T) {
	e := newWSEnv(t, nil)
	data, _ := os.ReadFile(filepath.Join("..", "..", "..", "events", "referrals", "complete.json"))
	data = bytes.Replace(data, []byte("Child A Example"), []byte("Child A \u202eelpmaxE"), 1)
	res, err := e.in.Submit(context.Background(), intake.Raw{Data: data, Channel: "api", Sender: "sam\u202e@darlington.gov.uk", ReceivedAt: e.now})
	if err != nil {
		t.Fatal(err)
	}
	_, page, _ := get(t, e.signIn(t, RoleBusinessUnit), e.srv.URL+"/cases/"+res.Ref)
	if !strings.Contains(page, "characters that change the direction text is shown in") || !strings.Contains(page, "<bdi>sam") {
		t.Error("a direction-changing answer or sender is not flagged and isolated")
	}
}

// TestCaseShowsWhatAnswersWereReadFrom: beside an answer read from a file,
// the case page shows the text it was read from.
func TestCaseShowsWhatAnswersWereReadFrom(t *testing.T) {
	e := newWSEnv(t, nil)
	data, err := os.ReadFile(filepath.Join("..", "..", "formdoc", "testdata", "forms", "learning-route.docx"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.in.Submit(context.Background(), intake.Raw{Data: data, Filename: "form.docx", Channel: "api", ReceivedAt: e.now})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := e.store.GetCase(context.Background(), res.Ref)
	src := c.Sources["referrer.fullName"]
	if src.At == "" || !strings.Contains(src.Text, c.Referral.Referrer.FullName) {
		t.Fatalf("the referrer's name read from %+v", src)
	}
	_, page, _ := get(t, e.signIn(t, RoleBusinessUnit), e.srv.URL+"/cases/"+res.Ref)
	if !strings.Contains(page, "Read from "+src.At+", which says:") {
		t.Error("the case page does not show the text an answer was read from")
	}
}

// TestHeldPageSaysWhatHappened: the held-mail page explains every reason
// mail is held, and says of each message whether its sender was answered.
func TestHeldPageSaysWhatHappened(t *testing.T) {
	e := newWSEnv(t, nil)
	_, page, _ := get(t, e.signIn(t, RoleBusinessUnit), e.srv.URL+"/cases/held")
	for _, r := range inbox.Reasons {
		if !strings.Contains(page, "<dt class=\"govuk-summary-list__key\">"+r.Code+"</dt>") {
			t.Errorf("the page does not explain %s", r.Code)
		}
	}
	if !strings.Contains(page, "The sender has not been answered.") {
		t.Error("a held message does not say its sender was not answered")
	}
}
