package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// TestSecure: cookies are Secure but for plain HTTP to this machine.
func TestSecure(t *testing.T) {
	for _, tt := range []struct {
		host  string
		https bool
		want  bool
	}{
		{"127.0.0.1:8080", false, false}, {"localhost:8080", false, false}, {"[::1]:8080", false, false},
		{"refer.example.gov.uk", false, true}, {"127.0.0.1:8080", true, true}, {"10.0.0.5", false, true},
	} {
		r := httptest.NewRequest("GET", "http://"+tt.host+"/referral/criteria", nil)
		r.Host = tt.host
		if tt.https {
			r.Header.Set("X-Forwarded-Proto", "https")
		}
		if got := Secure(r); got != tt.want {
			t.Errorf("%s https=%v: Secure %v, want %v", tt.host, tt.https, got, tt.want)
		}
	}
}

// TestPages: a page is made when first shown, escapes what it is given,
// and a page that is not in the set is a plain error, not a panic.
func TestPages(t *testing.T) {
	own := fstest.MapFS{"p.html": {Data: []byte(`{{define "greeting"}}<p>Hello {{.Name}}</p>{{end}}`)}}
	ps := Pages(own, "p.html", "greeting")
	w := httptest.NewRecorder()
	ps.Render(w, slog.New(slog.DiscardHandler), "greeting", "greeting", http.StatusOK, map[string]string{"Name": "<b>"})
	if w.Code != 200 || w.Body.String() != "<p>Hello &lt;b&gt;</p>" {
		t.Errorf("page: %d %q", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	ps.Render(w, slog.New(slog.DiscardHandler), "greeting", "farewell", http.StatusOK, nil)
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "farewell") {
		t.Errorf("no such page: %d %q", w.Code, w.Body)
	}
}

// TestPagesCheck: a page that does not parse is found by Check, and shown
// as a plain error.
func TestPagesCheck(t *testing.T) {
	if err := Pages(fstest.MapFS{"p.html": {Data: []byte(`{{define "a"}}ok{{end}}`)}}, "p.html", "a").Check(); err != nil {
		t.Error(err)
	}
	broken := Pages(fstest.MapFS{"p.html": {Data: []byte(`{{define "a"}}{{.Name{{end}}`)}}, "p.html", "a")
	if err := broken.Check(); err == nil || !strings.Contains(err.Error(), "a:") {
		t.Errorf("Check = %v", err)
	}
	w := httptest.NewRecorder()
	broken.Render(w, slog.New(slog.DiscardHandler), "a", "a", http.StatusOK, nil)
	if w.Code != http.StatusInternalServerError {
		t.Errorf("broken page: %d", w.Code)
	}
}

// TestStatusOf: one mapping of error codes to statuses for every audience.
func TestStatusOf(t *testing.T) {
	for code, want := range map[string]int{
		errs.Invalid: 400, errs.NotFound: 404, errs.Conflict: 409, errs.TooLarge: 413, errs.Unsupported: 415, errs.Busy: 503, errs.Internal: 500,
	} {
		if got := StatusOf(errs.E(code, "x")); got != want {
			t.Errorf("%s: %d, want %d", code, got, want)
		}
	}
	if got := StatusOf(errors.New("disk on fire")); got != 500 {
		t.Errorf("an uncoded error: %d", got)
	}
}
