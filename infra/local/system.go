package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/app/mailbox"
	"github.com/cspr-intake/cspr-intake/shared/app/webapi"
	"github.com/cspr-intake/cspr-intake/shared/app/webform"
	"github.com/cspr-intake/cspr-intake/shared/app/webworkspace"
	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail/outbox"
	"github.com/cspr-intake/cspr-intake/shared/reminder"
	"github.com/cspr-intake/cspr-intake/shared/schedule/local"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
	"github.com/cspr-intake/cspr-intake/shared/web/api"
	"github.com/cspr-intake/cspr-intake/shared/web/form"
	"github.com/cspr-intake/cspr-intake/shared/web/workspace"
)

// system is everything the local runner runs, on embedded parts.
type system struct {
	store     *bolt.Store
	intake    *intake.Service
	inbox     *inbox.Service
	scheduler *local.Scheduler
	reminders *reminder.Service
	outbox    *outbox.Outbox
	inputs    *admit.Budget // bytes of large inputs read at once
	workspace *workspace.Workspace
	apiToken  string // the local API's bearer token, also in <data>/api-token
	handler   http.Handler
	log       *slog.Logger
	now       func() time.Time
}

// assemble builds the system on a data folder. now is the clock.
func assemble(cfg config.Config, dataDir string, log *slog.Logger, now func() time.Time) (*system, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	cal, err := cfg.Calendar(log)
	if err != nil {
		return nil, err
	}
	st, err := bolt.Open(filepath.Join(dataDir, "cspr.db"), now)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*system, error) {
		st.Close()
		return nil, err
	}
	blobs, err := dir.New(dataDir)
	if err != nil {
		return fail(err)
	}
	sched, err := local.New(st.DB())
	if err != nil {
		return fail(err)
	}
	out, err := outbox.New(filepath.Join(dataDir, "outbox"))
	if err != nil {
		return fail(err)
	}
	out.Now = now
	a := app.New(cfg, cal, app.Adapters{Store: st, Blobs: blobs, Mail: out, Scheduler: sched, Now: now, Log: log})
	m := mailbox.New(a)
	svc, box := m.Intake, m.Inbox
	// The local SMTP inbox listens on loopback only and has no SPF, DKIM
	// or DMARC verdicts to read: corrections go by address alone.
	box.TrustWithoutVerdicts = true
	rem := reminder.New(cfg, cal, st, out, now, log)
	// Large inputs read at once (web, API and SMTP together) hold at most
	// four of the largest: a fifth waits (503 with Retry-After; SMTP 451).
	inputs := admit.New(4 * cfg.MaxInputBytes)
	sys := &system{store: st, intake: svc, inbox: box, scheduler: sched, reminders: rem, outbox: out, log: log, now: now, inputs: inputs}
	mux := http.NewServeMux()
	mux.Handle("/", webform.New(a, form.Handler{SubmitsPerMinute: 20}))
	var provider *workspace.OIDC
	if si := cfg.SignIn; si.Issuer != "" {
		client := workspace.OIDCClient{ID: si.ClientID, Secret: si.ClientSecret}
		provider = workspace.NewOIDC(si.Issuer, func(context.Context) (workspace.OIDCClient, error) { return client, nil },
			strings.TrimRight(cfg.BaseURL, "/")+"/signin/callback", si.GroupsClaim)
	}
	sys.workspace = webworkspace.New(a, m, workspace.Workspace{OIDC: provider, Outbox: out})
	for _, p := range []string{"/cases", "/cases/", "/signin", "/signin/", "/signout"} {
		mux.Handle(p, sys.workspace)
	}
	// The JSON API needs the token written to the data folder, or a
	// workspace session; its role's rules apply.
	if sys.apiToken, err = writeAPIToken(dataDir); err != nil {
		return fail(err)
	}
	mux.Handle("/api/", webapi.New(a, m, api.Handler{MaxBody: cfg.MaxInputBytes, Inputs: inputs,
		Authenticate: localCaller(sys.apiToken, sys.workspace)}))
	// The outbox holds every e-mail sent: the Business Unit's, behind sign-in.
	// The outbox is the workspace's Sent mail page; /outbox is its old address.
	mux.Handle("GET /outbox", http.RedirectHandler("/cases/outbox", http.StatusSeeOther))
	sys.handler = loopbackOnly(mux, cfg.BaseURL)
	return sys, nil
}

// loopbackOnly refuses a request whose Host is neither a loopback name nor
// the configured address: a web page the officer opens could otherwise
// point its own name at 127.0.0.1 (DNS rebinding) and read the local API,
// the outbox and held mail.
func loopbackOnly(next http.Handler, baseURL string) http.Handler {
	configured := ""
	if u, err := url.Parse(baseURL); err == nil {
		configured = strings.ToLower(u.Hostname())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host = strings.Trim(host, "[]"); host != configured && !config.Loopback(host) {
			http.Error(w, "This address serves only http://127.0.0.1 and http://localhost.", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// fireDue sends every reminder due now.
func (s *system) fireDue(ctx context.Context) (int, error) {
	return s.scheduler.FireDue(ctx, s.now(), s.reminders.Handle, s.log)
}

func (s *system) close() error { return s.store.Close() }
