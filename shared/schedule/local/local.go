// Package local is the in-process schedule.Scheduler of the local runner.
// Schedules are kept in the embedded store's bbolt file, so reminders
// survive a restart; Run fires the due ones through the same handler the
// reminder Lambda uses, and deletes each once it has fired (as EventBridge
// does with ActionAfterCompletion DELETE).
package local

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
)

var bucket = []byte("schedules") // name → schedule.Payload

// Scheduler keeps schedules in a bbolt database.
type Scheduler struct {
	db *bbolt.DB
}

var _ schedule.Scheduler = (*Scheduler)(nil)

// New returns a scheduler on db, creating its bucket.
func New(db *bbolt.DB) (*Scheduler, error) {
	err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("schedule/local: %w", err)
	}
	return &Scheduler{db: db}, nil
}

// Ensure implements schedule.Scheduler.
func (s *Scheduler) Ensure(ctx context.Context, ref string, rs []deadlines.Reminder) error {
	want := make(map[string][]byte, len(rs))
	for _, r := range rs {
		data, err := json.Marshal(schedule.PayloadOf(r))
		if err != nil {
			return err
		}
		want[schedule.Name(r.Ref, r.Rule, r.Kind)] = data
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucket)
		prefix := []byte(schedule.Prefix(ref))
		var stale [][]byte
		cur := b.Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			if _, ok := want[string(k)]; !ok {
				stale = append(stale, bytes.Clone(k))
			}
		}
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for name, data := range want {
			if err := b.Put([]byte(name), data); err != nil {
				return err
			}
		}
		return nil
	})
}

// List returns every schedule, earliest first.
func (s *Scheduler) List() ([]schedule.Payload, error) {
	var out []schedule.Payload
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error {
			var p schedule.Payload
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, err
}

// Fire is what a schedule invokes: the reminder handler.
type Fire func(ctx context.Context, p schedule.Payload) error

// FireDue fires every schedule due at or before now, deleting each that
// fired without error; failed ones stay and are tried again next time.
// It returns how many fired.
func (s *Scheduler) FireDue(ctx context.Context, now time.Time, fire Fire, log *slog.Logger) (int, error) {
	all, err := s.List()
	if err != nil {
		return 0, err
	}
	fired := 0
	for _, p := range all {
		if p.At.After(now) {
			break
		}
		if err := fire(ctx, p); err != nil {
			log.Error("reminder failed; will retry", "ref", p.Ref, "rule", p.Rule, "kind", p.Kind, "err", err)
			continue
		}
		name := []byte(schedule.Name(p.Ref, p.Rule, p.Kind))
		err := s.db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucket)
			// Delete only if it was not moved meanwhile.
			var current schedule.Payload
			if v := b.Get(name); v != nil && json.Unmarshal(v, &current) == nil && current.At.Equal(p.At) {
				return b.Delete(name)
			}
			return nil
		})
		if err != nil {
			return fired, fmt.Errorf("schedule/local: %w", err)
		}
		fired++
	}
	return fired, nil
}

// Run fires due schedules every interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration, now func() time.Time, fire Fire, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.FireDue(ctx, now(), fire, log); err != nil {
			log.Error("scheduler", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
