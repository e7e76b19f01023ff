package local

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
)

func open(t *testing.T, path string) (*bbolt.DB, *Scheduler) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(db)
	if err != nil {
		t.Fatal(err)
	}
	return db, s
}

func TestEnsureAndFire(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cspr.db")
	db, s := open(t, path)
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	rem := func(rule, kind string, at time.Time) deadlines.Reminder {
		return deadlines.Reminder{Ref: "DSP-2026-0001", Rule: rule, Kind: kind, At: at, Due: at.Add(24 * time.Hour)}
	}
	set := []deadlines.Reminder{rem("inform-ssp", "before", t0), rem("inform-ssp", "due", t0.Add(72*time.Hour)), rem("ssp-meeting", "before", t0.Add(96*time.Hour))}
	for range 2 {
		if err := s.Ensure(ctx, "DSP-2026-0001", set); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Ensure(ctx, "DSP-2026-0002", []deadlines.Reminder{{Ref: "DSP-2026-0002", Rule: "inform-ssp", Kind: "due", At: t0}}); err != nil {
		t.Fatal(err)
	}
	// Converge: ssp-meeting is met, inform-ssp due moved a day later.
	set = []deadlines.Reminder{rem("inform-ssp", "before", t0), rem("inform-ssp", "due", t0.Add(96*time.Hour))}
	if err := s.Ensure(ctx, "DSP-2026-0001", set); err != nil {
		t.Fatal(err)
	}
	all, _ := s.List()
	if len(all) != 3 || !all[2].At.Equal(t0.Add(96*time.Hour)) {
		t.Fatalf("after converging: %+v", all)
	}
	db.Close()

	// Survives a restart; fires what is due, once.
	db, s = open(t, path)
	defer db.Close()
	var fired []string
	fail := true
	fire := func(_ context.Context, p schedule.Payload) error {
		if p.Ref == "DSP-2026-0002" && fail {
			fail = false
			return errors.New("mail server down")
		}
		fired = append(fired, p.Ref+" "+p.Rule+" "+p.Kind)
		return nil
	}
	log := slog.New(slog.DiscardHandler)
	if n, err := s.FireDue(ctx, t0, fire, log); err != nil || n != 1 {
		t.Errorf("first FireDue fired %d, %v", n, err)
	}
	if n, _ := s.FireDue(ctx, t0, fire, log); n != 1 { // the failed one is retried
		t.Errorf("retry fired %d", n)
	}
	if n, _ := s.FireDue(ctx, t0.Add(time.Hour), fire, log); n != 0 {
		t.Errorf("fired %d again", n)
	}
	if n, _ := s.FireDue(ctx, t0.Add(200*time.Hour), fire, log); n != 1 {
		t.Errorf("later: fired %d", n)
	}
	want := []string{"DSP-2026-0001 inform-ssp before", "DSP-2026-0002 inform-ssp due", "DSP-2026-0001 inform-ssp due"}
	if len(fired) != 3 || fired[0] != want[0] || fired[1] != want[1] || fired[2] != want[2] {
		t.Errorf("fired %v, want %v", fired, want)
	}
}
