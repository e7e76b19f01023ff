package form

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail/outbox"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
	"github.com/cspr-intake/cspr-intake/shared/web/webtest"
)

type formEnv struct {
	srv    *httptest.Server
	client *http.Client
	store  *bolt.Store
	outbox *outbox.Outbox
	now    time.Time
}

func newFormEnv(t *testing.T) *formEnv {
	t.Helper()
	e := &formEnv{now: time.Date(2026, 3, 16, 22, 30, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	env := webtest.New(t, clock)
	st, in, cfg, log := env.Store, env.Intake, env.Config, env.Log
	out, err := outbox.New(filepath.Join(env.Dir, "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	e.store, e.outbox = st, out
	h := New(Handler{Intake: in, Partnership: cfg.Partnership, Mailbox: cfg.Mailbox, Now: clock, Log: log,
		Drafts: st, Mail: out, RuleTitle: cfg.Rules().TaskTitle, SubmitsPerMinute: 5, SecureDomains: cfg.SecureDomains})
	e.srv = httptest.NewTLSServer(h)
	t.Cleanup(e.srv.Close)
	e.client = e.newClient()
	return e
}

func (e *formEnv) newClient() *http.Client {
	c := e.srv.Client()
	jar, _ := cookiejar.New(nil)
	c.Jar = jar
	return c
}

func (e *formEnv) get(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post sends a page's form with the page's CSRF token; it returns the
// final status, path and body after redirects.
func (e *formEnv) post(t *testing.T, c *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	_, page := e.get(t, c, path)
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s has no CSRF token", path)
	}
	form.Set("csrf", m[1])
	resp, err := c.PostForm(e.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, string(b)
}

func complete(t *testing.T) referral.Referral {
	t.Helper()
	data, err := os.ReadFile("../../../events/referrals/complete.json")
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := referral.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	referral.Check(&r, civil.New(2026, time.March, 16))
	return r
}

func continueWith(v url.Values) url.Values {
	v.Set("action", "continue")
	return v
}

// TestWebFormWalk fills every page from a complete referral, checks the
// answers and sends it: one case, a confirmation page with the reference
// and deadlines, a confirmation e-mail, a copy to download; sending again
// makes no second case.
// walk answers every page of the web form with r's answers.
func walk(t *testing.T, e *formEnv, r referral.Referral) {
	t.Helper()
	for _, step := range steps {
		sec, _ := sectionOfStep(step)
		path := stepPath(step)
		// Tables: add rows until the page has as many as the referral.
		for _, tb := range referral.Tables {
			if f, ok := referral.FieldByPath(tb.Path + "." + firstColumn(tb.Path)); ok && f.Section == sec.Number {
				have := 0
				if tb.Path == "children" {
					have = 1
				}
				for ; have < referral.Count(&r, tb.Path); have++ {
					e.post(t, e.client, path, url.Values{"action": {"add:" + tb.Path}})
				}
			}
		}
		status, landed, body := e.post(t, e.client, path, continueWith(FormValues(&r, sec.Number)))
		if status != http.StatusOK || landed == path {
			t.Fatalf("%s: stayed (%d) with:\n%s", path, status, errorsIn(body))
		}
	}
}

func TestWebFormWalk(t *testing.T) {
	e := newFormEnv(t)
	walk(t, e, complete(t))
	status, body := e.get(t, e.client, "/referral/check")
	if status != http.StatusOK || !strings.Contains(body, "Child A Example") || !strings.Contains(body, "14 March 2026") {
		t.Fatalf("check page: %d", status)
	}
	// The check page's form posts to /referral/submit.
	m := csrfRE.FindStringSubmatch(body)
	resp, err := e.client.PostForm(e.srv.URL+"/referral/submit", url.Values{"csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/referral/confirmation" || !strings.Contains(string(page), "DSP-2026-0001") ||
		!strings.Contains(string(page), "Inform the Statutory Safeguarding Partners") {
		t.Fatalf("confirmation: %s %s", resp.Request.URL.Path, errorsIn(string(page)))
	}
	// Again: the same case.
	resp, _ = e.client.PostForm(e.srv.URL+"/referral/submit", url.Values{"csrf": {m[1]}})
	resp.Body.Close()
	cases, _ := e.store.ListCases(context.Background(), casefile.Complete)
	if len(cases) != 1 || cases[0].Channel != "web" {
		t.Errorf("cases: %+v", cases)
	}
	if names, _ := e.outbox.List(); len(names) != 1 {
		t.Errorf("%d confirmation e-mails", len(names))
	}
	if status, doc := e.get(t, e.client, "/referral/copy.docx"); status != 200 || !strings.HasPrefix(doc, "PK") {
		t.Errorf("copy of the answers: %d", status)
	}
	_ = status
}

func firstColumn(table string) string {
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if strings.HasPrefix(f.Path, table+".") {
				return strings.TrimPrefix(f.Path, table+".")
			}
		}
	}
	return ""
}

var errorLinkRE = regexp.MustCompile(`<li><a href="([^"]+)">([^<]+)</a></li>`)

func errorsIn(body string) string {
	var out []string
	for _, m := range errorLinkRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return strings.Join(out, "\n")
}

func TestWebFormErrors(t *testing.T) {
	e := newFormEnv(t)
	status, landed, body := e.post(t, e.client, "/referral/section/1", continueWith(url.Values{"referrer.email": {"not an address"}, "referrer.dateSubmitted.day": {"31"}, "referrer.dateSubmitted.month": {"2"}, "referrer.dateSubmitted.year": {"2026"}}))
	if status != 200 || landed != "/referral/section/1" || !strings.Contains(body, "<title>Error: ") || !strings.Contains(body, "There is a problem") {
		t.Fatalf("section 1 with errors: %d %s", status, landed)
	}
	links := errorLinkRE.FindAllStringSubmatch(body, -1)
	if len(links) == 0 {
		t.Fatal("no error links")
	}
	for _, l := range links {
		id := strings.TrimPrefix(l[1], "#")
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("error link %s points at nothing", l[1])
		}
	}
	if !strings.Contains(body, `value="not an address"`) {
		t.Error("the answer given was not kept")
	}
	// No draft, no CSRF token, honeypot: refused.
	other := e.newClient()
	resp, _ := other.PostForm(e.srv.URL+"/referral/section/1", url.Values{"action": {"continue"}})
	if resp.Request.URL.Path != "/referral/timed-out" {
		t.Errorf("post without a draft went to %s", resp.Request.URL.Path)
	}
	resp.Body.Close()
	e.get(t, other, "/referral/criteria")
	resp, _ = other.PostForm(e.srv.URL+"/referral/criteria", url.Values{"action": {"continue"}, "csrf": {"forged"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged CSRF token: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if status, _, _ := e.post(t, e.client, "/referral/criteria", url.Values{"action": {"continue"}, "website": {"http://spam"}}); status != http.StatusBadRequest {
		t.Errorf("honeypot: %d", status)
	}
	// Idle past the limit: the answers are gone.
	e.now = e.now.Add(61 * time.Minute)
	resp, _ = e.client.PostForm(e.srv.URL+"/referral/section/1", url.Values{"action": {"continue"}})
	if resp.Request.URL.Path != "/referral/timed-out" {
		t.Errorf("after the idle time: %s", resp.Request.URL.Path)
	}
	resp.Body.Close()
}

func TestWebFormRowsAndReveals(t *testing.T) {
	e := newFormEnv(t)
	e.post(t, e.client, "/referral/section/4", url.Values{"action": {"add:siblings"}})
	e.post(t, e.client, "/referral/section/4", url.Values{"action": {"add:siblings"}, "siblings[0].firstName": {"First"}})
	_, _, body := e.post(t, e.client, "/referral/section/4", url.Values{"action": {"remove:siblings:0"}, "siblings[0].firstName": {"First"}, "siblings[1].firstName": {"Second"}})
	if strings.Contains(body, `value="First"`) || !strings.Contains(body, `value="Second"`) || strings.Contains(body, "Sibling 2") {
		t.Error("removing the first sibling did not keep the second")
	}
	// An answer hidden under "No" is cleared.
	form := url.Values{"action": {"add:children"}, "children[0].relatesToDeath": {"no"}, "children[0].dateOfDeath.day": {"1"}, "children[0].dateOfDeath.month": {"3"}, "children[0].dateOfDeath.year": {"2026"}}
	_, _, body = e.post(t, e.client, "/referral/section/2", form)
	if strings.Contains(body, `name="children[0].dateOfDeath.day" type="text" inputmode="numeric" value="1"`) {
		t.Error("the date of death was kept under No")
	}
}

func TestWebFormAssetsAndHeaders(t *testing.T) {
	e := newFormEnv(t)
	for path, want := range map[string]string{
		"/assets/govuk/govuk-frontend.min.css": "govuk-",
		"/assets/govuk/govuk-frontend.min.js":  "initAll",
		"/assets/app.js":                       "initAll",
		"/assets/govuk/LICENCE.txt":            "MIT",
		"/assets/moj/moj-frontend.min.css":     "moj-timeline",
		"/assets/moj/moj-frontend.min.js":      "SortableTable",
		"/assets/workspace.js":                 "initAll",
		"/assets/moj/LICENCE.txt":              "MIT",
	} {
		status, body := e.get(t, e.client, path)
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d", path, status)
		}
	}
	resp, _ := e.client.Get(e.srv.URL + "/referral/criteria")
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	for _, c := range resp.Cookies() {
		if c.Name == draftCookie && (!c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode) {
			t.Errorf("draft cookie %+v", c)
		}
	}
	// No inline script or style in any page.
	for _, path := range []string{"/", "/referral/criteria", "/referral/section/2", "/referral/check"} {
		_, body := e.get(t, e.client, path)
		if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]|style="`).MatchString(body) {
			t.Errorf("%s has inline script or style", path)
		}
	}
}

// BenchmarkRenderSection renders the largest page (section 2, with two
// children) from a draft, as a GET does after the draft is read (target:
// under 1 ms).
func BenchmarkRenderSection(b *testing.B) {
	h := New(Handler{Partnership: "Darlington Safeguarding Partnership", Mailbox: "DSP@darlington.gov.uk", Drafts: nopDrafts{}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	data, _ := os.ReadFile("../../../events/referrals/complete.json")
	r, _, _ := referral.DecodeJSON(data)
	referral.AddRow(&r, "children")
	s := session{token: "benchmark-token-0123456789", d: draft{Referral: r}}
	for _, step := range []string{"1", "2", "5", "6"} {
		sec, _ := sectionOfStep(step)
		b.Run("section-"+step, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.render(w, http.StatusOK, "sectionContent", h.sectionView(s, step, sec, "", nil))
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.render(w, http.StatusOK, "checkContent", h.checkView(s, nil))
		}
	})
}

type nopDrafts struct{}

func (nopDrafts) PutDraft(context.Context, store.Draft) error { return nil }
func (nopDrafts) GetDraft(context.Context, string, time.Time) (store.Draft, error) {
	return store.Draft{}, nil
}
func (nopDrafts) DeleteDraft(context.Context, string) error { return nil }

func TestOnPage(t *testing.T) {
	for in, want := range map[string]string{
		"Section 1: enter your full name":                     "Enter your full name",
		"Section 2, child 1: enter the child's date of birth": "Child 1: enter the child's date of birth",
		"Section 12: tick the box":                            "Tick the box",
		"Something else":                                      "Something else",
	} {
		if got := onPage(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// TestWebFormErrorPaths: each way a page's answers can be wrong gives an
// error summary line linking to a field on the page, the message beside
// that field, and the answers kept.
func TestWebFormErrorPaths(t *testing.T) {
	r := complete(t)
	tests := []struct {
		step   string
		change map[string][]string // answers changed from a complete referral
		want   string              // in the error summary
		field  string              // id the link points at
	}{
		{"1", map[string][]string{"referrer.fullName": {""}}, "Enter your full name", "referrer-fullName"},
		{"1", map[string][]string{"referrer.email": {"sam@"}}, "correct format", "referrer-email"},
		{"1", map[string][]string{"referrer.telephone": {"12"}}, "UK number", "referrer-telephone"},
		{"1", map[string][]string{"referrer.dateSubmitted.day": {"30"}, "referrer.dateSubmitted.month": {"2"}}, "real date", "referrer-dateSubmitted-day"},
		{"1", map[string][]string{"referrer.dateSubmitted.year": {"2027"}}, "today or in the past", "referrer-dateSubmitted-day"},
		{"2", map[string][]string{"children[0].dateOfBirth.day": {""}, "children[0].dateOfBirth.month": {""}, "children[0].dateOfBirth.year": {""}}, "date of birth", "children-0-dateOfBirth-day"},
		{"2", map[string][]string{"children[0].postcode": {"NOT A CODE"}}, "postcode", "children-0-postcode"},
		{"2", map[string][]string{"children[0].gender": {""}}, "gender", "children-0-gender-1"},
		{"5", map[string][]string{"caseDetails.mainCause": {""}}, "main cause", "caseDetails-mainCause-1"},
		{"5", map[string][]string{"caseDetails.characteristics": {}}, "characteristics", "caseDetails-characteristics-1"},
	}
	for _, tt := range tests {
		t.Run(tt.step+" "+tt.want, func(t *testing.T) {
			e := newFormEnv(t)
			n, _ := strconv.Atoi(tt.step)
			form := FormValues(&r, n)
			for k, v := range tt.change {
				if len(v) == 0 || v[0] == "" {
					form.Del(k)
				} else {
					form[k] = v
				}
			}
			status, landed, body := e.post(t, e.client, "/referral/section/"+tt.step, continueWith(form))
			if status != 200 || landed != "/referral/section/"+tt.step {
				t.Fatalf("went on to %s (%d)", landed, status)
			}
			summary := errorsIn(body)
			if !strings.Contains(summary, tt.want) || !strings.Contains(summary, "#"+tt.field+" ") {
				t.Errorf("summary:\n%s\nwant %q linking to #%s", summary, tt.want, tt.field)
			}
			if !strings.Contains(body, `id="`+tt.field+`"`) || !strings.Contains(body, `class="govuk-error-message"`) {
				t.Errorf("no field %s or no inline message", tt.field)
			}
			for k, v := range tt.change {
				if len(v) > 0 && v[0] != "" && !strings.Contains(body, `value="`+v[0]+`"`) {
					t.Errorf("the answer %s=%q was not kept", k, v[0])
				}
			}
		})
	}
}

type deletedDrafts struct {
	nopDrafts
	deleted []string
}

func (d *deletedDrafts) DeleteDraft(_ context.Context, key string) error {
	d.deleted = append(d.deleted, key)
	return nil
}

// TestNewReferralBehindBasePath: "Make another referral" deletes the draft
// on the server and clears the cookie on the path it was set on.
func TestNewReferralBehindBasePath(t *testing.T) {
	drafts := &deletedDrafts{}
	h := New(Handler{Intake: fakeIntake{}, Drafts: drafts, BasePath: "/live"})
	token := "a-draft-token-0123456789abcdef"
	req := httptest.NewRequest("GET", "https://refer.example.gov.uk/referral/new", nil)
	req.AddCookie(&http.Cookie{Name: draftCookie, Value: token})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/live/referral/criteria" {
		t.Errorf("GET /referral/new: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Path != "/live/referral" || cookies[0].MaxAge >= 0 {
		t.Errorf("cookie cleared as %+v, want path /live/referral and expired", cookies)
	}
	if len(drafts.deleted) != 1 || drafts.deleted[0] != draftKey(token) {
		t.Errorf("drafts deleted: %v, want the cookie's", drafts.deleted)
	}
}

// TestFormWording: the criteria box in the procedure's own words with the
// serious-harm footnote as its hint; "an agency"; labels start sentences.
func TestFormWording(t *testing.T) {
	e := newFormEnv(t)
	_, page := e.get(t, e.client, "/referral/criteria")
	for _, want := range []string{"in the local authority area; or, while normally resident in the local authority area, the child dies or is seriously harmed outside England",
		"govuk-checkboxes__hint", "Working Together to Safeguard Children 2018"} {
		if !strings.Contains(page, want) {
			t.Errorf("criteria page lacks %q", want)
		}
	}
	if _, page := e.get(t, e.client, "/referral/section/7"); !strings.Contains(page, "Add an agency") {
		t.Error("section 7 does not say “Add an agency”")
	}
	if _, page := e.get(t, e.client, "/referral/section/12"); !strings.Contains(page, "Please provide details") || strings.Contains(page, ">please provide details") {
		t.Error("section 12's label does not start with a capital")
	}
}

// TestNoOtherAgency: Section 7 can be answered "no other agency was
// involved" instead of with a row; with neither, the page says so.
func TestNoOtherAgency(t *testing.T) {
	e := newFormEnv(t)
	status, landed, body := e.post(t, e.client, "/referral/section/7", continueWith(url.Values{}))
	if status != 200 || landed != "/referral/section/7" || !strings.Contains(body, "or say that no other agency was involved") ||
		!strings.Contains(body, `name="noOtherAgencies"`) {
		t.Fatalf("section 7 empty: %d %s\n%s", status, landed, errorsIn(body))
	}
	status, landed, body = e.post(t, e.client, "/referral/section/7", continueWith(url.Values{"noOtherAgencies": {"yes"}}))
	if status != 200 || landed == "/referral/section/7" {
		t.Fatalf("section 7 with no other agency: %d %s\n%s", status, landed, errorsIn(body))
	}
}

// TestConfirmationOfALearningReferral: no statutory deadline runs for a
// learning referral, so the confirmation says what happens next instead of
// a list of none — on the page and in the e-mail.
func TestConfirmationOfALearningReferral(t *testing.T) {
	e := newFormEnv(t)
	r := complete(t)
	r.Criteria = referral.Criteria{LearningOnly: true}
	r.Referrer.MeetsNotificationCriteria, r.Referrer.LearningToExplore = "no", "yes"
	r.WhyMeetsCriteria, r.WhyLearning = "", "Information was not shared between the school and health."
	walk(t, e, r)
	status, body := e.get(t, e.client, "/referral/check")
	m := csrfRE.FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("check page: %d", status)
	}
	resp, err := e.client.PostForm(e.srv.URL+"/referral/submit", url.Values{"csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"a learning referral for the Learning and Development Group", "sets no statutory deadline"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the confirmation page lacks %q", want)
		}
	}
	if strings.Contains(string(page), "deadlines now apply") {
		t.Error("the confirmation page lists deadlines that do not run")
	}
	names, _ := e.outbox.List()
	if len(names) != 1 {
		t.Fatalf("%d e-mails", len(names))
	}
	msg, _ := os.ReadFile(filepath.Join(e.outbox.Dir, names[0]))
	if !strings.Contains(string(msg), "What happens next:") || strings.Contains(string(msg), "deadlines now running") {
		t.Errorf("the confirmation e-mail:\n%s", msg)
	}
}

// withHypotheticalFollowUp makes the child's nationality a required
// follow-up of the staff-conduct question (asked when the answer is NO) —
// a conditional question added in the form's definition only — until the
// test ends.
func withHypotheticalFollowUp(t *testing.T) {
	t.Helper()
	var f *referral.Field
	for i := range referral.Form {
		for j := range referral.Form[i].Fields {
			if referral.Form[i].Fields[j].Path == "children.nationality" {
				f = &referral.Form[i].Fields[j]
			}
		}
	}
	if f == nil {
		t.Fatal("no children.nationality")
	}
	savedFollowUps, savedRequired := referral.FollowUps, f.Required
	referral.FollowUps = append(append([]referral.FollowUp(nil), referral.FollowUps...),
		referral.FollowUp{Parent: "children.staffConduct", When: "no", Fields: []string{"children.nationality"}, Reveal: true})
	f.Required = true
	t.Cleanup(func() { referral.FollowUps, f.Required = savedFollowUps, savedRequired })
}

// TestOneDefinitionOfAConditionalQuestion: a follow-up question added in
// the form's definition alone is asked under its answer on the web form,
// required there and in the JSON problems (and, in shared/inbox's twin of
// this test, in the mailbox's acknowledgement).
func TestOneDefinitionOfAConditionalQuestion(t *testing.T) {
	withHypotheticalFollowUp(t)
	r := complete(t)
	r.Children[0].StaffConduct, r.Children[0].Nationality = "No", ""
	_, probs := referral.Check(&r, civil.New(2026, time.March, 16))
	if !slices.ContainsFunc(probs, func(p referral.Problem) bool {
		return p.Field == "children[0].nationality" && p.Code == "required" && p.Message == "Section 2: enter the child's nationality"
	}) {
		t.Errorf("JSON problems: %v", probs)
	}
	r.Children[0].StaffConduct = "yes"
	if _, probs := referral.Check(&r, civil.New(2026, time.March, 16)); slices.ContainsFunc(probs, func(p referral.Problem) bool { return p.Field == "children[0].nationality" }) {
		t.Error("required when the answer does not ask it")
	}
	e := newFormEnv(t)
	_, page := e.get(t, e.client, "/referral/section/2")
	if !regexp.MustCompile(`(?s)id="children-0-staffConduct[^"]*-conditional"[^>]*>[^<]*<div[^>]*>.{0,600}name="children\[0\]\.nationality"`).MatchString(page) {
		t.Error("the web form does not ask the question under its answer")
	}
	form := FormValues(&r, 2)
	form.Set("children[0].staffConduct", "no")
	form.Del("children[0].nationality")
	status, landed, body := e.post(t, e.client, "/referral/section/2", continueWith(form))
	if status != 200 || landed != "/referral/section/2" || !strings.Contains(body, "Enter the child") || !strings.Contains(body, "nationality") {
		t.Errorf("the web form does not require it: %d %s\n%s", status, landed, errorsIn(body))
	}
}

// fakeIntake answers nothing: for pages that do not submit.
type fakeIntake struct{}

func (fakeIntake) Submit(context.Context, intake.Raw) (intake.Result, error) {
	return intake.Result{}, errs.E(errs.Unsupported, "not in this test")
}

func (fakeIntake) Deadlines(_ context.Context, ref string) ([]casefile.Deadline, error) {
	return nil, errs.E(errs.NotFound, "no case %s", ref)
}

// TestPages: the start page, the blank Word form and health, with the
// security headers; the API is not here.
func TestPages(t *testing.T) {
	h := New(Handler{Intake: fakeIntake{}, Partnership: "Darlington Safeguarding Partnership", Mailbox: "DSP@darlington.gov.uk"})
	for path, want := range map[string]string{"/healthz": `"status": "ok"`, "/": "DSP@darlington.gov.uk", "/referral-form.docx": "word/document.xml"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: security headers missing", path)
		}
	}
	for _, path := range []string{"/nowhere", "/api/referrals"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
}

// TestPagesParse: every page parses (each is made only when first shown).
func TestPagesParse(t *testing.T) {
	if err := pages.Check(); err != nil {
		t.Error(err)
	}
}

// TestFormInTheProceduresWords: the web form and the Word form carry the
// procedure's own words where they matter to a referrer (seed 001,
// Appendix 1, §4.1, §4.3): what the form is for, when a notification is
// considered, confidentiality, where to send it, box 2 and the serious
// harm definition with its caveat, Section 1's routing notes, Section 7's
// guidance, and UNSURE.
func TestFormInTheProceduresWords(t *testing.T) {
	e := newFormEnv(t)
	_, start := e.get(t, e.client, "/")
	_, criteria := e.get(t, e.client, "/referral/criteria")
	_, s1 := e.get(t, e.client, "/referral/section/1")
	_, s2 := e.get(t, e.client, "/referral/section/2")
	_, s7 := e.get(t, e.client, "/referral/section/7")
	web := map[string][]string{
		"start": {"1 working day</strong> of becoming aware", "First make sure the child", "line manager or your agency's safeguarding lead",
			"Information Sharing Protocol", "Learning and Development Group for consideration", "send it securely to"},
		"criteria": {"will only be considered by the Statutory Safeguarding Partners if boxes 1 and 2 are met", "outside England",
			"This is not an exhaustive list", "judgement should be exercised"},
		"section 1": {"If yes, the referral goes to the Statutory Safeguarding Partners", "Learning and Development Group (see Section 10"},
		"section 2": {">Unsure<", "looked after by the local authority"},
		"section 7": {"Please add more rows if necessary", "used to contact the organisations involved"},
	}
	pages := map[string]string{"start": start, "criteria": criteria, "section 1": s1, "section 2": s2, "section 7": s7}
	for page, wants := range web {
		for _, want := range wants {
			if !strings.Contains(pages[page], want) {
				t.Errorf("the web form's %s page lacks %q", page, want)
			}
		}
	}
	resp, err := e.client.Get(e.srv.URL + "/referral-form.docx")
	if err != nil {
		t.Fatal(err)
	}
	docx, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			text = string(b)
		}
	}
	for _, want := range []string{"will only be considered by the Statutory Safeguarding Partners if boxes 1 and 2 are met", "Information Sharing Protocol",
		"DSP@darlington.gov.uk", "while normally resident in the local authority area, the child dies or is seriously harmed outside England",
		"This is not an exhaustive list", "If yes, the referral goes to the Learning and Development Group", "Please add more rows if necessary",
		"WAS THE CHILD LOOKED AFTER BY THE LOCAL AUTHORITY?", "UNSURE"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Word form lacks %q", want)
		}
	}
}

// TestConfirmationsOnlyToSecureDomains: an address typed into the public
// form is anyone's: a confirmation goes only to the partnership's secure
// domains, and at most ConfirmationsPerHour to one address an hour.
func TestConfirmationsOnlyToSecureDomains(t *testing.T) {
	e := newFormEnv(t)
	send := func(email, child string) {
		t.Helper()
		e.client = e.newClient()
		e.now = e.now.Add(time.Minute) // under the per-network submissions limit
		r := complete(t)
		r.Referrer.Email = email
		r.Children[0].FullName = child // a different referral each time
		walk(t, e, r)
		_, body := e.get(t, e.client, "/referral/check")
		m := csrfRE.FindStringSubmatch(body)
		resp, err := e.client.PostForm(e.srv.URL+"/referral/submit", url.Values{"csrf": {m[1]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Request.URL.Path != "/referral/confirmation" {
			t.Fatalf("%s: not confirmed", email)
		}
	}
	count := func() int {
		names, _ := e.outbox.List()
		return len(names)
	}
	send("someone@gmail.com", "Child G Example")
	if n := count(); n != 0 {
		t.Errorf("a confirmation went outside the secure domains: %d", n)
	}
	for i := range ConfirmationsPerHour + 2 {
		send("sam.referrer@darlington.gov.uk", fmt.Sprintf("Child %c Example", 'H'+i))
	}
	if n := count(); n != ConfirmationsPerHour {
		t.Errorf("%d confirmations to one address in an hour, want %d", n, ConfirmationsPerHour)
	}
	e.now = e.now.Add(time.Hour)
	send("sam.referrer@darlington.gov.uk", "Child Z Example")
	if n := count(); n != ConfirmationsPerHour+1 {
		t.Errorf("an hour later: %d confirmations", n)
	}
}
