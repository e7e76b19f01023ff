package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/oauth2-proxy/mockoidc"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
	"github.com/cspr-intake/cspr-intake/shared/web/form"
)

// axeExpected are findings GOV.UK's own components knowingly produce, each
// with the element it is allowed on and why. Nothing else is allowed.
var axeExpected = map[string]struct{ selector, why string }{
	"aria-allowed-attr": {`input[type="radio"][aria-controls], input[type="checkbox"][aria-controls]`,
		"govuk-frontend sets aria-expanded on radios and checkboxes that reveal a conditional question; GOV.UK keeps it deliberately (alphagov/govuk-frontend#979): screen readers announce the reveal"},
}

// browser drives one headless Chromium tab against the local system,
// checking every page with axe-core and saving a screenshot of it.
type browser struct {
	js    bool
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	shots string
	n     int
}

func newBrowser(t *testing.T, base string, js bool) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(testenv.Chromium(t)), chromedp.NoSandbox,
		chromedp.WindowSize(1024, 900), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	// Start the browser on the test's context: the first run binds the
	// browser's life to the context it is given.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if !js {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	return &browser{js: js, t: t, ctx: ctx, base: base, axe: testenv.Axe(t), shots: t.ArtifactDir()}
}

// open goes to a path and checks the page.
func (b *browser) open(path, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+path)); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	b.check(name)
}

// click clicks what navigates to another page, and checks that page.
func (b *browser) click(sel, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	b.check(name)
}

type violation struct {
	ID, Impact string
	Nodes      []string
}

// check runs axe-core (WCAG 2.2 AA) on the page and saves a screenshot.
func (b *browser) check(name string) {
	b.t.Helper()
	b.n++
	shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		_ = os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name)), shot, 0o644)
	}
	if !b.js {
		return // axe needs scripts; the same markup is checked with them on
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
		b.t.Fatalf("%s: inject axe: %v", name, err)
	}
	expected, _ := json.Marshal(func() map[string]string {
		m := map[string]string{}
		for id, e := range axeExpected {
			m[id] = e.selector
		}
		return m
	}())
	// Findings on the elements an expected rule names are left out; any
	// other node of the same rule still fails.
	vs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]violation](`(() => { const expected = `+string(expected)+`;
		return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
		.then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact,
			Nodes: v.nodes.filter(n => !(expected[v.id] && document.querySelector(n.target[0]) && document.querySelector(n.target[0]).matches(expected[v.id])))
				.map(n => n.target.join(' '))})).filter(v => v.Nodes.length > 0)) })()`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: axe: %v", name, err)
	}
	for _, v := range vs {
		b.t.Errorf("%s: axe %s (%s) at %v", name, v.ID, v.Impact, v.Nodes)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// waitFor polls a condition in the page for up to 3 seconds: what scripts
// do after the page loads.
func (b *browser) waitFor(cond string) bool {
	b.t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return true
		}
	}
	return false
}

// fill puts a section's answers into the page as a person would leave
// them: text typed, boxes ticked.
func (b *browser) fill(r *referral.Referral, section int) {
	b.t.Helper()
	values, _ := json.Marshal(form.FormValues(r, section))
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const values = `+string(values)+`;
		for (const el of document.querySelectorAll('form input[name], form textarea[name]')) {
			const v = values[el.name];
			if (el.type === 'hidden' || el.name === 'website') continue;
			if (el.type === 'radio' || el.type === 'checkbox') el.checked = !!v && v.includes(el.value);
			else el.value = v ? v[0] : '';
		}
	})()`))
	if err != nil {
		b.t.Fatal(err)
	}
}

// walk fills every page from a referral and sends it; it returns the
// reference.
func (b *browser) walk(r *referral.Referral, label string) string {
	b.t.Helper()
	b.open("/", label+"-start")
	b.click("a.govuk-button--start", label+"-criteria")
	b.pages(r, label)
	b.click(`form[action="/referral/submit"] button`, label+"-confirmation")
	return b.eval(`document.querySelector('.govuk-panel__body strong').textContent`)
}

// pages fills and continues every page from the criteria to the check
// page.
func (b *browser) pages(r *referral.Referral, label string) {
	b.t.Helper()
	for n := 0; n <= 12; n++ {
		for _, tb := range referral.Tables {
			col, _ := referral.FieldByPath(tb.Path + "." + firstField(tb.Path))
			if col.Section != n {
				continue
			}
			for have := b.rows(tb.Path); have < referral.Count(r, tb.Path); have++ {
				b.fill(r, n)
				b.click(fmt.Sprintf(`button[value="add:%s"]`, tb.Path), fmt.Sprintf("%s-s%d-add", label, n))
			}
		}
		b.fill(r, n)
		b.click(`button[value="continue"]`, fmt.Sprintf("%s-after-s%d", label, n))
		if errs := b.eval(`Array.from(document.querySelectorAll('.govuk-error-summary__list a')).map(a => a.textContent).join('; ')`); errs != "" {
			b.t.Fatalf("%s section %d: %s", label, n, errs)
		}
	}
	if !strings.HasSuffix(b.eval(`location.pathname`), "/referral/check") {
		b.t.Fatalf("%s: after section 12 at %s", label, b.eval(`location.pathname`))
	}
}

// count counts the elements a selector finds through the DevTools DOM
// (no page script), the visible ones only if asked.
func (b *browser) count(sel string, visible bool) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	opts := []chromedp.QueryOption{chromedp.AtLeast(0)}
	if visible {
		opts = append(opts, chromedp.NodeVisible)
	}
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel), opts...))
	if err != nil {
		return 0
	}
	return len(nodes)
}

func (b *browser) rows(table string) int {
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll('button[value^="remove:%s:"]').length`, table)))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

func firstField(table string) string {
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if strings.HasPrefix(f.Path, table+".") {
				return strings.TrimPrefix(f.Path, table+".")
			}
		}
	}
	return ""
}

func fromJSON(t *testing.T, file string) referral.Referral {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := referral.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	referral.Check(&r, civil.In(time.Now(), time.UTC))
	return r
}

// TestBrowser walks the web form in headless Chromium as referrers would:
// a complete notification referral, a learning referral, error paths,
// rows added and removed, a change from the check page, and the form
// with JavaScript off. axe-core checks every page; screenshots go to the
// test's artifact folder (go test -run Browser -artifacts -outputdir DIR).
func TestBrowser(t *testing.T) {
	data := t.TempDir()
	a, stop := startSystem(t, data)
	defer stop()
	base := "http://" + a.Web

	t.Run("notification", func(t *testing.T) {
		b := newBrowser(t, base, true)
		r := fromJSON(t, "../../events/referrals/complete.json")
		ref := b.walk(&r, "notification")
		if !strings.HasPrefix(ref, "DSP-") {
			t.Errorf("reference %q", ref)
		}
	})

	t.Run("learning", func(t *testing.T) {
		b := newBrowser(t, base, true)
		doc, err := os.ReadFile("../../shared/formdoc/testdata/forms/learning-route.docx")
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := formdoc.ReadDOCX(doc)
		if err != nil {
			t.Fatal(err)
		}
		referral.Check(&r, civil.In(time.Now(), time.UTC))
		if ref := b.walk(&r, "learning"); !strings.HasPrefix(ref, "DSP-") {
			t.Errorf("reference %q", ref)
		}
	})

	t.Run("errors, rows and changes", func(t *testing.T) {
		b := newBrowser(t, base, true)
		r := fromJSON(t, "../../events/referrals/complete.json")
		b.open("/referral/section/1", "errors-s1")
		b.click(`button[value="continue"]`, "errors-s1-empty")
		if title := b.eval(`document.title`); !strings.HasPrefix(title, "Error: ") {
			t.Errorf("title %q", title)
		}
		if focused := b.eval(`document.activeElement.closest('.govuk-error-summary') ? 'summary' : document.activeElement.tagName`); focused != "summary" {
			t.Errorf("focus is on %s, not the error summary", focused)
		}
		// Every error links to a field on the page.
		if broken := b.eval(`Array.from(document.querySelectorAll('.govuk-error-summary__list a')).filter(a => !document.getElementById(a.hash.slice(1))).map(a => a.hash).join(' ')`); broken != "" {
			t.Errorf("error links to nothing: %s", broken)
		}
		// Section 2: a date that does not exist.
		b.open("/referral/section/2", "errors-s2")
		b.fill(&r, 2)
		b.eval(`document.getElementById('children-0-dateOfBirth-day').value = '31'; document.getElementById('children-0-dateOfBirth-month').value = '2'; ''`)
		b.click(`button[value="continue"]`, "errors-s2-date")
		if msg := b.eval(`document.querySelector('#children-0-dateOfBirth-error') ? document.querySelector('#children-0-dateOfBirth-error').textContent : ''`); msg == "" {
			t.Error("no message by the date of birth")
		}
		// Section 5: nothing chosen.
		b.open("/referral/section/5", "errors-s5")
		b.click(`button[value="continue"]`, "errors-s5-empty")
		if n := b.eval(`String(document.querySelectorAll('.govuk-error-summary__list li').length)`); n == "0" {
			t.Error("section 5 empty: no errors")
		}
		// Conditional reveal: Other shows the box to state it.
		if hidden := b.eval(`String(document.getElementById('caseDetails-mainCause-13-conditional').classList.contains('govuk-radios__conditional--hidden'))`); hidden != "true" {
			t.Error("the Other box shows before Other is chosen")
		}
		b.eval(`document.getElementById('caseDetails-mainCause-13').click(); ''`)
		if hidden := b.eval(`String(document.getElementById('caseDetails-mainCause-13-conditional').classList.contains('govuk-radios__conditional--hidden'))`); hidden != "false" {
			t.Error("choosing Other did not reveal the box to state it")
		}
		// Section 4: add two siblings, remove the first.
		b.open("/referral/section/4", "rows-s4")
		b.click(`button[value="add:siblings"]`, "rows-s4-one")
		b.eval(`document.getElementById('siblings-0-firstName').value = 'Ada'; ''`)
		b.click(`button[value="add:siblings"]`, "rows-s4-two")
		b.eval(`document.getElementById('siblings-1-firstName').value = 'Ben'; ''`)
		b.click(`button[value="remove:siblings:0"]`, "rows-s4-removed")
		if b.rows("siblings") != 1 || b.eval(`document.getElementById('siblings-0-firstName').value`) != "Ben" {
			t.Error("removing the first sibling lost the second")
		}
	})

	t.Run("check answers change link", func(t *testing.T) {
		b := newBrowser(t, base, true)
		r := fromJSON(t, "../../events/referrals/complete.json")
		b.open("/referral/criteria", "change-criteria")
		b.pages(&r, "change")
		b.click(`a[href^="/referral/section/1?return=check"]`, "change-s1")
		b.eval(`document.getElementById('referrer-jobTitle').value = 'Team Manager'; ''`)
		b.click(`button[value="continue"]`, "change-back")
		if path := b.eval(`location.pathname`); path != "/referral/check" {
			t.Errorf("after the change: %s, not the check page", path)
		}
		if !strings.Contains(b.eval(`document.body.textContent`), "Team Manager") {
			t.Error("the change is not shown")
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		b := newBrowser(t, base, false)
		b.open("/referral/criteria", "nojs-criteria")
		b.click(`button[value="continue"]`, "nojs-s1")
		b.click(`button[value="continue"]`, "nojs-s1-errors")
		if n := b.count(`.govuk-error-summary__list li`, false); n == 0 {
			t.Error("no error summary without JavaScript")
		}
		b.open("/referral/section/2", "nojs-s2")
		// Without JavaScript the follow-up questions show, so they can be answered.
		if b.count(`#children-0-dateOfDeath-day`, true) != 1 {
			t.Error("follow-up question hidden without JavaScript")
		}
	})

	t.Run("workspace", func(t *testing.T) {
		status, v := post(t, a, "../../events/referrals/complete.json")
		ref, _ := v["ref"].(string)
		if status != 201 || ref == "" {
			t.Fatalf("referral: %d %v", status, v)
		}
		raw, _ := os.ReadFile("../../events/referrals/complete.json")
		held := "From: someone@gmail.com\r\nTo: DSP@darlington.gov.uk\r\nSubject: Referral\r\nMessage-ID: <held-1@gmail.com>\r\n\r\nPlease see the form.\r\nSECTION 1\r\nFULL NAME: Someone Referrer\r\n"
		if err := smtp.SendMail(a.SMTP, nil, "someone@gmail.com", []string{"DSP@darlington.gov.uk"}, []byte(held)); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, base, true)
		// Signed out, a reminder's link asks for sign-in.
		b.open("/cases/"+ref, "ws-signed-out")
		if !strings.Contains(b.eval(`document.body.textContent`), "sign-in link") {
			t.Error("a signed-out case link does not say how to sign in")
		}
		u, _ := url.Parse(a.SignIn)
		b.open(u.RequestURI()+"&next="+url.QueryEscape("/cases/"+ref), "ws-case")
		if path := b.eval(`location.pathname`); path != "/cases/"+ref {
			t.Fatalf("after sign-in at %s, not the case", path)
		}
		b.click(`a.govuk-service-navigation__link[href="/cases"]`, "ws-cases")
		if !strings.Contains(b.eval(`document.body.textContent`), ref) {
			t.Error("the case list lacks the case")
		}
		if !b.waitFor(`document.querySelectorAll('table[data-module="moj-sortable-table"] th button').length >= 5`) {
			t.Error("the case list's columns cannot be sorted: MoJ Frontend did not start")
		}
		if b.count(`.moj-timeline__item`, false) != 0 {
			t.Error("a timeline on the list")
		}
		b.click(`a[href="/cases/`+ref+`"]`, "ws-case-again")
		if !b.waitFor(`document.querySelectorAll('.moj-timeline__item').length > 0 && document.querySelectorAll('nav.moj-sub-navigation a').length >= 3`) {
			t.Error("the case page has no MoJ timeline or sub-navigation")
		}
		// The raw input, byte for byte.
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch('/cases/`+ref+`/raw').then(r => r.arrayBuffer()).then(b => Array.from(new Uint8Array(b), c => String.fromCharCode(c)).join(''))`, chromedp.EvalAwaitPromise))
		if err != nil || got != string(raw) {
			t.Errorf("raw download: %d bytes, want %d (%v)", len(got), len(raw), err)
		}
		// The partners decide: criteria not met. The deadlines change.
		today := civil.In(time.Now(), time.UTC).String()
		b.eval(`document.getElementById('event-type').value = 'ssp-decision'; document.getElementById('event-at').value = '` + today + `'; document.querySelector('#event-outcome optgroup[label="ssp-decision"] option[value="criteria-not-met"]').selected = true; document.getElementById('event-rationale').value = 'No abuse or neglect is suspected: see the minutes.'; ''`)
		b.click(`form[action$="/events"] button[type="submit"]`, "ws-recorded")
		body := b.eval(`document.body.textContent`)
		if !strings.Contains(body, "The event was recorded") || !strings.Contains(body, "Tell the referrer the outcome") ||
			!strings.Contains(body, "The partners decided: criteria not met") || !strings.Contains(body, "No abuse or neglect is suspected: see the minutes.") {
			t.Errorf("after the decision:\n%s", body)
		}
		// Recording it twice: the form again, with an error summary.
		b.eval(`document.getElementById('event-type').value = 'ssp-decision'; document.querySelector('#event-outcome optgroup[label="ssp-decision"] option[value="criteria-met"]').selected = true; ''`)
		b.click(`form[action$="/events"] button[type="submit"]`, "ws-conflict")
		if b.count(`.govuk-error-summary`, true) != 1 {
			t.Error("a second decision shows no error summary")
		}
		// The decision was recorded in error: withdrawn, kept and marked,
		// and the partners' deadlines run again.
		b.eval(`const d = document.querySelector('#timeline ~ .moj-timeline details, .moj-timeline details'); d.open = true; d.querySelector('textarea').value = 'Recorded on the wrong case.'; ''`)
		b.click(`.moj-timeline details form button[type="submit"]`, "ws-withdrawn")
		body = b.eval(`document.body.textContent`)
		if !strings.Contains(body, "The entry was withdrawn") || !strings.Contains(body, "Withdrawn as recorded in error") || !strings.Contains(body, "Recorded on the wrong case.") ||
			strings.Contains(body, "Tell the referrer the outcome") {
			t.Errorf("after the withdrawal:\n%s", body)
		}
		// The quarter's figures.
		b.click(`a.govuk-service-navigation__link[href="/cases/figures"]`, "ws-figures")
		if b.count(`svg.app-chart`, true) != 1 {
			t.Error("no chart on the figures page")
		}
		// Held mail, released.
		b.click(`a.govuk-service-navigation__link[href="/cases/held"]`, "ws-held")
		if !strings.Contains(b.eval(`document.body.textContent`), "someone@gmail.com") {
			t.Error("the held message is not listed")
		}
		b.click(`a[href$="/message"]`, "ws-held-message")
		if body := b.eval(`document.body.textContent`); !strings.Contains(body, "Please see the form.") || !strings.Contains(body, "A message from someone@gmail.com") {
			t.Errorf("the held message's page:\n%s", body)
		}
		b.click(`form[action*="/release"] button`, "ws-released")
		if !strings.Contains(b.eval(`document.body.textContent`), "was released") {
			t.Error("no confirmation of the release")
		}
	})
}

// TestBrowserSignInWithOIDC signs in to the workspace in Chromium through
// an OpenID Connect provider (mockoidc, in this process), as in AWS with
// the user pool: the local runner set with a signIn block, a reminder's
// link to a case opened signed out, the provider's page, and back at that
// case, signed in with the role the provider's groups give.
func TestBrowserSignInWithOIDC(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	addr := freeAddr(t)
	mc := m.Config()
	settings, _ := json.Marshal(map[string]any{"baseURL": "http://" + addr,
		"signIn": map[string]string{"issuer": mc.Issuer, "clientId": mc.ClientID, "clientSecret": mc.ClientSecret, "groupsClaim": "groups"}})
	file := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(file, settings, 0o600); err != nil {
		t.Fatal(err)
	}
	a, stop := startSystem(t, t.TempDir(), "-addr", addr, "-config", file)
	defer stop()
	base := "http://" + a.Web
	status, v := post(t, a, "../../events/referrals/complete.json")
	ref, _ := v["ref"].(string)
	if status != 201 || ref == "" {
		t.Fatalf("referral: %d %v", status, v)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "u-1", Email: "jo.officer@darlington.gov.uk", Groups: []string{"staff", "ssp"}})
	b := newBrowser(t, base, true)
	b.open("/cases/"+ref, "oidc-case") // the provider answers at once and sends the browser back
	if path := b.eval(`location.pathname`); path != "/cases/"+ref {
		t.Fatalf("after signing in with the provider at %s, not the case", path)
	}
	if body := b.eval(`document.body.textContent`); !strings.Contains(body, "jo.officer@darlington.gov.uk") || !strings.Contains(body, "(ssp)") {
		t.Errorf("signed in as whom?\n%s", body)
	}
}
