// Package web holds what the partnership's HTTP handlers share; the
// handlers themselves are by audience, each in its own package, mounted by
// the function that serves it and all together by the local runner:
//
//   - form: the public web form, for referrers;
//   - api: the JSON intake API, for partner systems and the Business Unit;
//   - workspace: the partnership's signed-in case pages and their sign-in.
//
// Here: the pages' layout and assets, the security headers every response
// carries, the case list's filters (one definition for the workspace and
// the API), and small helpers.
package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

//go:embed templates/layout.html
var layoutFS embed.FS

//go:embed assets
var assetFS embed.FS

// Audit events every view of a case records (the workspace's and the
// API's alike).
const (
	EventViewed        = "viewed"
	EventRawDownloaded = "raw-downloaded"
)

// ErrorLink is one line of a page's error summary: what is wrong, linked
// to where (the layout's "errorSummary").
type ErrorLink struct{ Href, Message string }

// PageSet is an audience's pages: the shared layout with the audience's
// own file, one template a content block. Each is made the first time it
// is shown, so a cold start parses the pages' file once and copies only
// the page it serves (parsing and copying them all was 1–4 ms of every
// web function's start).
type PageSet struct {
	pages map[string]func() (*template.Template, error)
}

// Pages is an audience's pages from its own embedded file; contents name
// its content blocks.
func Pages(own fs.FS, file string, contents ...string) *PageSet {
	base := sync.OnceValues(func() (*template.Template, error) {
		t, err := template.New("").ParseFS(layoutFS, "templates/layout.html")
		if err != nil {
			return nil, err
		}
		return t.ParseFS(own, file)
	})
	ps := &PageSet{pages: map[string]func() (*template.Template, error){}}
	for _, name := range contents {
		ps.pages[name] = sync.OnceValues(func() (*template.Template, error) {
			t, err := base()
			if err == nil {
				t, err = t.Clone()
			}
			if err == nil {
				t, err = t.New("content").Parse(`{{template "` + name + `" .}}`)
			}
			return t, err
		})
	}
	return ps
}

// Check makes every page now and says which cannot be made (the
// audiences' tests call it).
func (ps *PageSet) Check() error {
	var errs []error
	for name, page := range ps.pages {
		if _, err := page(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Render writes the page whose content block is page, in layout, whole,
// or a plain error when it cannot be made: nothing half-written.
func (ps *PageSet) Render(w http.ResponseWriter, log *slog.Logger, layout, page string, status int, v any) {
	var buf bytes.Buffer
	err := fmt.Errorf("no page %q", page)
	if made, ok := ps.pages[page]; ok {
		var t *template.Template
		if t, err = made(); err == nil {
			err = t.ExecuteTemplate(&buf, layout, v)
		}
	}
	if err != nil {
		log.Error("render page", "page", page, "err", err)
		http.Error(w, "The page could not be shown. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Assets serves the embedded CSS, JavaScript and licence under /assets/.
func Assets() http.Handler {
	sub, _ := fs.Sub(assetFS, "assets")
	files := http.FileServer(http.FS(sub))
	return http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
}

// SecurityHeaders are the headers every page and answer carries: a CSP
// without inline script or style, HSTS, no sniffing, no referrer, and no
// copy kept by the browser.
func SecurityHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	hd.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
}

// Health answers a load balancer's or a deployment's check.
func Health(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// WriteJSON writes v as indented JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// RandomToken is 32 random bytes, URL-safe: a session's or a draft's key.
func RandomToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// Secure says whether a response's cookies are marked Secure: always,
// except for plain HTTP to a loopback address (the local runner), where
// some browsers (Safari) refuse Secure cookies and a form would lose its
// answers or a session. Nothing leaves the machine there.
func Secure(r *http.Request) bool {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return true
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// StatusOf is the one mapping of an error's code to the HTTP status every
// audience answers with — the API's JSON, the form's and the workspace's
// pages: the referrer's or officer's to put right (4xx), busy (503), or
// ours (500, the only one worth logging).
func StatusOf(err error) int {
	switch errs.Code(err) {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.Unsupported:
		return http.StatusUnsupportedMediaType
	case errs.Busy:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
