// Package webtest sets up what the web handlers' tests stand on: a bbolt
// store and the raw inputs in the test's own folder, and an intake on them
// with Darlington's settings and the test's clock.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Env is a store, raw inputs and an intake, closed when the test ends.
type Env struct {
	Dir      string // the test's folder, where the store and inputs are
	Store    *bolt.Store
	Blobs    *dir.Store
	Config   config.Config
	Calendar *workdays.Calendar
	Intake   *intake.Service
	Log      *slog.Logger // discards
}

// New sets up an Env on the clock.
func New(t testing.TB, clock func() time.Time) *Env {
	t.Helper()
	data := t.TempDir()
	st, err := bolt.Open(filepath.Join(data, "cspr.db"), clock) // the store purges expired sessions by the same clock
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := dir.New(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cal, err := cfg.Calendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	return &Env{Dir: data, Store: st, Blobs: blobs, Config: cfg, Calendar: cal, Log: log,
		Intake: &intake.Service{Blobs: blobs, Store: st, Prefix: "DSP", Location: config.London, Log: log, Calendar: cal, Rules: cfg.Rules(), Now: clock}}
}

// Submit sends a sample referral (events/referrals/NAME; the path is
// from a package of shared/web) in by the API, received at: its result
// and its bytes.
func (e *Env) Submit(t testing.TB, name string, at time.Time) (intake.Result, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "events", "referrals", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Intake.Submit(context.Background(), intake.Raw{Data: data, Channel: "api", ReceivedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return res, data
}
