package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/web"
)

// TestLocalAPINeedsItsToken: every route of the local JSON API needs the
// token the runner writes to api-token in its data folder (owner-only), or
// a workspace session, whose role's rules apply; an anonymous read records
// no view; the actor on the record is who called.
func TestLocalAPINeedsItsToken(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	sys, err := assemble(cfg, data, slog.New(slog.DiscardHandler), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	srv := httptest.NewServer(sys.handler)
	defer srv.Close()

	info, err := os.Stat(filepath.Join(data, apiTokenFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("api-token: %v, mode %v; want owner-only", err, info.Mode())
	}
	if token, err := readAPIToken(data); err != nil || token != sys.apiToken || len(token) < 32 {
		t.Fatalf("api-token holds %q (%v)", token, err)
	}
	do := func(method, path, auth, body string, c *http.Client) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if c == nil {
			c = http.DefaultClient
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	bearer := "Bearer " + sys.apiToken
	complete, _ := os.ReadFile("../../events/referrals/complete.json")
	status, v := do("POST", "/api/referrals", bearer, string(complete), nil)
	ref, _ := v["ref"].(string)
	if status != http.StatusCreated || ref == "" {
		t.Fatalf("with the token: %d %v", status, v)
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/cases", ""},
		{"GET", "/api/cases/" + ref, ""},
		{"GET", "/api/cases/" + ref + "/deadlines", ""},
		{"POST", "/api/cases/" + ref + "/events", `{"type": "case-closed", "at": "2026-11-23", "reason": "withdrawn"}`},
		{"POST", "/api/referrals", string(complete)},
		{"GET", "/api/messages", ""},
		{"POST", "/api/messages/raw-x/release", ""},
	} {
		for _, auth := range []string{"", "Bearer ", "Bearer " + strings.Repeat("x", len(sys.apiToken)), "Basic " + sys.apiToken, sys.apiToken} {
			if status, _ := do(r.method, r.path, auth, r.body, nil); status != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d, want 401", r.method, r.path, auth, status)
			}
		}
	}
	if status, _ := do("GET", "/healthz", "", "", nil); status != http.StatusOK {
		t.Errorf("healthz: %d", status)
	}
	events, _ := sys.store.ListEvents(context.Background(), ref)
	for _, e := range events {
		if e.Type == web.EventViewed || e.Type == "case-closed" {
			t.Errorf("an anonymous request left %s on the case", e.Type)
		}
	}
	// With the token: a view recorded, by the operator named.
	req, _ := http.NewRequest("GET", srv.URL+"/api/cases/"+ref, nil)
	req.Header.Set("Authorization", bearer)
	req.Header.Set("X-Officer", "jo.officer")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET with the token: %v %v", resp, err)
	}
	resp.Body.Close()
	events, _ = sys.store.ListEvents(context.Background(), ref)
	if last := events[len(events)-1]; last.Type != web.EventViewed || last.Actor != "jo.officer (api token)" {
		t.Errorf("the view recorded: %+v", last)
	}

	// A workspace session works too, by its role.
	session := func(role string) *http.Client {
		t.Helper()
		path, err := sys.workspace.IssueLink(context.Background(), role, "Officer "+role)
		if err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return c
	}
	ssp, ld := session("ssp"), session("ld-chair")
	if status, _ := do("GET", "/api/cases/"+ref, "", "", ssp); status != http.StatusOK {
		t.Errorf("the partners' session reading a case: %d", status)
	}
	if status, _ := do("GET", "/api/messages", "", "", ssp); status != http.StatusForbidden {
		t.Errorf("the partners' session listing held mail: %d", status)
	}
	if status, v := do("POST", "/api/cases/"+ref+"/events", "", `{"type": "panel-notified", "at": "2026-11-23"}`, ssp); status != http.StatusBadRequest {
		t.Errorf("the partners recording the local authority's event: %d %v", status, v)
	}
	if status, _ := do("GET", "/api/cases/"+ref, "", "", ld); status != http.StatusNotFound {
		t.Errorf("the L&D chair reading an undecided notification: %d", status)
	}
	if status, v := do("GET", "/api/cases", "", "", ld); status != http.StatusOK || len(v["cases"].([]any)) != 0 {
		t.Errorf("the L&D chair's list: %d %v", status, v)
	}
	status, v = do("POST", "/api/cases/"+ref+"/events", "", `{"type": "ssp-decision", "at": "2026-11-23", "outcome": "criteria-not-met", "rationale": "not met"}`, ssp)
	if status != http.StatusCreated {
		t.Fatalf("the partners' decision by session: %d %v", status, v)
	}
	events, _ = sys.store.ListEvents(context.Background(), ref)
	for _, e := range events {
		if e.Type == "ssp-decision" && e.Actor != "Officer ssp" {
			t.Errorf("the decision recorded by %q", e.Actor)
		}
	}
	if status, _ := do("GET", "/api/cases/"+ref, "", "", ld); status != http.StatusOK {
		t.Errorf("the L&D chair reading a decided case: %d", status)
	}
}
