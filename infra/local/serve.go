package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/smtpd"
	"github.com/cspr-intake/cspr-intake/shared/web/workspace"
)

// Addrs are where a running system listens, and its one-time sign-in link.
type Addrs struct {
	Web, SMTP, SignIn string
	APIToken          string // the local API's bearer token, also in <data>/api-token
}

// serve runs the system until ctx ends. ready, if not nil, is told the
// addresses it listens on once it accepts requests and mail.
func serve(ctx context.Context, args []string, stderr io.Writer, ready func(Addrs)) error {
	started := time.Now()
	fs := flag.NewFlagSet("cspr-intake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", ".data", "data folder: the store file and every raw input")
	addr := fs.String("addr", "127.0.0.1:8080", "address of the web pages and intake API")
	smtpAddr := fs.String("smtp", "127.0.0.1:2525", "address of the SMTP inbox: the partnership's mailbox")
	configFile := fs.String("config", "", "partnership settings (JSON); empty for Darlington's defaults")
	expose := fs.Bool("expose", false, "listen beyond this machine (-addr, -smtp not on loopback): every page then needs sign-in, and the config's baseURL names the address people use. Mail is still trusted without sender checks")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: go run ./infra/local [flags]       start the whole system (Ctrl-C stops it)
       go run ./infra/local COMMAND ...

Commands:
  parse FILE...                          read forms as intake would; exit 0 complete, 1 problems, 2 unreadable
  workdays add DATE N | between DATE DATE | holidays YEAR
                                         England and Wales working days
  deadlines [-rules darlington|nel] -event TYPE=WHEN[,key=value] ...
                                         the statutory deadlines and reminders a history gives
  messages [-data DIR] [-outcome quarantined]
                                         the mail the running system holds
  release [-data DIR] [-officer NAME] KEY
                                         read a held message after all

(go run reports any failing exit code as 1: build it, go build -o cspr-local ./infra/local, for 2.)

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nSettings in the -config file:\n")
		for _, s := range config.Settings {
			fmt.Fprintf(stderr, "  %-16s %s (default %s)\n", s.Name, s.Description, s.Default)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		// A mistyped command ("mesages") or a stray word must not start a
		// server the user did not ask for.
		fs.Usage()
		return fmt.Errorf("%q is not a command or a flag (commands: parse, workdays, deadlines, messages, release)", fs.Arg(0))
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	cfg, err := config.Load(*configFile)
	if err != nil {
		return err
	}
	beyond := !loopbackAddr(*addr) || !loopbackAddr(*smtpAddr)
	switch {
	case beyond && !*expose:
		return fmt.Errorf("-addr %s and -smtp %s must be on this machine (127.0.0.1 or localhost): anyone who can reach them could read and change cases. To listen beyond it, give -expose as well", *addr, *smtpAddr)
	case *expose && beyond && baseLoopback(cfg.BaseURL):
		return fmt.Errorf("-expose: set baseURL in the -config file to the address people will use (now %s): requests for any other host are refused", cfg.BaseURL)
	}
	// Listen first: the address taken (a free port for :0) is what links in
	// e-mails say, unless the config names another.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	mailLn, err := net.Listen("tcp", *smtpAddr)
	if err != nil {
		return fmt.Errorf("listen for mail: %w", err)
	}
	defer mailLn.Close()
	if cfg.BaseURL == config.Default().BaseURL {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	sys, err := assemble(cfg, *dataDir, log, time.Now)
	if err != nil {
		return err
	}
	defer sys.close()
	// Where it listens, for the CLI's commands on the same data folder.
	if err := writeRunner(*dataDir, runner{Web: ln.Addr().String(), SMTP: mailLn.Addr().String()}); err != nil {
		return err
	}
	defer removeRunner(*dataDir)
	if *expose && beyond {
		sys.handler = signedInEverywhere(sys.handler, sys.workspace)
		log.Warn("listening beyond this machine: every page needs sign-in, but mail to the SMTP inbox is trusted WITHOUT sender checks (no SPF, DKIM or DMARC verdicts): a forged sender can correct a case. Use the AWS stack for anything but a trial",
			"web", *addr, "smtp", *smtpAddr)
	}
	// Reminders fire from here, checked every 15 seconds.
	schedCtx, stopSched := context.WithCancel(ctx)
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		sys.scheduler.Run(schedCtx, 15*time.Second, time.Now, sys.reminders.Handle, log)
	}()
	defer func() { stopSched(); <-schedDone }()
	// Mail whose processing was cut off (a crash, kill -9) is picked up at
	// start-up and then every minute, once its lock has expired.
	sweepDone := make(chan struct{})
	go func() {
		defer close(sweepDone)
		sweep := func() {
			if n, err := sys.inbox.Sweep(schedCtx); err != nil {
				log.Error("mail sweep failed", "err", err)
			} else if n > 0 {
				log.Warn("mail sweep picked up messages cut off", "messages", n)
			}
		}
		sweep()
		tick := time.NewTicker(time.Minute)
		defer tick.Stop()
		for {
			select {
			case <-schedCtx.Done():
				return
			case <-tick.C:
				sweep()
			}
		}
	}()
	defer func() { stopSched(); <-sweepDone }()

	srv := &http.Server{
		Handler:           sys.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	mailSrv := &smtpd.Server{Mailbox: cfg.Mailbox, Inbox: sys.inbox, MaxBytes: cfg.MaxInputBytes, Inputs: sys.inputs, Log: log}
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	go func() { served <- mailSrv.Serve(mailLn) }()
	abs, _ := filepath.Abs(*dataDir)
	log.Info("ready", "web", "http://"+ln.Addr().String(), "smtp", mailLn.Addr().String(), "mailbox", cfg.Mailbox,
		"data", abs, "partnership", cfg.Partnership, "startupMs", time.Since(started).Milliseconds())
	signIn := ""
	if cfg.SignIn.Issuer == "" {
		// No identity provider here: one link, one use, 15 minutes.
		path, err := sys.workspace.IssueLink(ctx, cfg.SignIn.LocalRole, "Local officer")
		if err != nil {
			return fmt.Errorf("sign-in link: %w", err)
		}
		base := "http://" + ln.Addr().String()
		if u, err := url.Parse(cfg.BaseURL); err == nil && !config.Loopback(u.Hostname()) {
			base = strings.TrimRight(cfg.BaseURL, "/")
		}
		signIn = base + path
		log.Info("sign in to the case workspace with this link (one use, 15 minutes)", "signinURL", signIn, "role", cfg.SignIn.LocalRole)
	}
	if ready != nil {
		ready(Addrs{Web: ln.Addr().String(), SMTP: mailLn.Addr().String(), SignIn: signIn, APIToken: sys.apiToken})
	}

	select {
	case err := <-served:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	log.Info("stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := mailSrv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stop SMTP inbox: %w", err)
	}
	mailLn.Close() // in case Serve had not started on it yet
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stop web server: %w", err)
	}
	log.Info("stopped")
	return nil
}

// loopbackAddr reports whether a listening address is on this machine
// only: an empty host (":8080") listens on every interface.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && config.Loopback(strings.Trim(host, "[]"))
}

// baseLoopback reports whether a base URL names this machine.
func baseLoopback(base string) bool {
	u, err := url.Parse(base)
	return err != nil || config.Loopback(u.Hostname())
}

// signedInEverywhere puts every page behind the workspace's sign-in — the
// web form too — when the runner listens beyond this machine; sign-in
// itself, the health check, assets and the API (which has its own
// credential) pass.
func signedInEverywhere(next http.Handler, ws *workspace.Workspace) http.Handler {
	guarded := ws.Require(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/healthz" || p == "/signin" || strings.HasPrefix(p, "/signin/") || p == "/signout" ||
			strings.HasPrefix(p, "/assets/") || strings.HasPrefix(p, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}
