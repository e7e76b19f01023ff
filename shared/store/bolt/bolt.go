// Package bolt is the embedded store.Store: one bbolt file under the data
// folder. It is the local default; one process opens the file at a time.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/store"
)

var (
	bucketCases     = []byte("cases")     // ref → Case JSON
	bucketRaw       = []byte("raw")       // raw key → ref
	bucketCounters  = []byte("counters")  // scope → uint64
	bucketEvents    = []byte("events")    // ref \x00 time \x00 id → Event JSON
	bucketEventIDs  = []byte("eventids")  // ref \x00 id → nothing
	bucketUnique    = []byte("unique")    // ref \x00 unique key → event id
	bucketDeadlines = []byte("deadlines") // ref \x00 rule → Deadline JSON
	bucketSummaries = []byte("summaries") // ref → a case's summary, compact (index.go)
	bucketMessages  = []byte("messages")  // message key → Message JSON
	bucketDrafts    = []byte("drafts")    // draft key → Draft JSON
	bucketMeta      = []byte("meta")      // "indexes" → the version of the indexes (index.go)
)

// Store is a store.Store in a bbolt file.
type Store struct {
	db      *bbolt.DB
	now     func() time.Time
	writes  chan writeReq
	closed  chan struct{}
	stopped chan struct{}
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the store file at path. now is the clock for
// CreatedAt and RecordedAt; nil means time.Now.
func Open(path string, now func() time.Time) (*Store, error) {
	// The free-page list is written with each commit (NoFreelistSync off):
	// left out, bbolt rebuilds it at every open by reading the whole file,
	// so start-up grew with the store (56 ms at 145 MB, against 0.6 ms with
	// it kept; commits cost the same: docs/performance.md).
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 2 * time.Second, NoFreelistSync: false, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w (is another cspr-intake using this data folder?)", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketCases, bucketRaw, bucketCounters, bucketEvents, bucketEventIDs, bucketUnique, bucketDeadlines, bucketMessages, bucketDrafts} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return buildIndexes(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: create buckets: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	s := &Store{db: db, now: now, writes: make(chan writeReq), closed: make(chan struct{}), stopped: make(chan struct{})}
	go s.writer()
	return s, nil
}

// Close stops the writer and closes the file. Writes under way finish
// first; later ones fail.
func (s *Store) Close() error {
	close(s.closed)
	<-s.stopped
	return s.db.Close()
}

// DB returns the underlying database, for adapters that keep their own
// buckets in the same file (the local scheduler).
func (s *Store) DB() *bbolt.DB { return s.db }

// CreateCase implements store.Store. Each case is synced to disk before
// it returns.
func (s *Store) CreateCase(ctx context.Context, c casefile.Case, scope string) (casefile.Case, bool, error) {
	if err := store.CheckNewCase(c, scope); err != nil {
		return casefile.Case{}, false, err
	}
	var out casefile.Case
	var created bool
	err := s.write(func(tx *bbolt.Tx) error {
		created = false // write may run this function twice
		if ref := tx.Bucket(bucketRaw).Get([]byte(c.RawKey)); ref != nil {
			return getJSON(tx.Bucket(bucketCases), ref, &out)
		}
		counters := tx.Bucket(bucketCounters)
		var n uint64
		if v := counters.Get([]byte(scope)); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		n++
		if err := counters.Put([]byte(scope), binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return err
		}
		out = c
		out.Ref = store.Reference(scope, int64(n))
		out.CreatedAt = s.now().UTC()
		if err := putCase(tx, out); err != nil {
			return err
		}
		if err := tx.Bucket(bucketRaw).Put([]byte(c.RawKey), []byte(out.Ref)); err != nil {
			return err
		}
		created = true
		_, err := appendEvent(tx, casefile.Event{Ref: out.Ref, ID: casefile.EventReceived, Type: casefile.EventReceived,
			At: c.ReceivedAt, RecordedAt: out.CreatedAt, Actor: c.Channel})
		return err
	})
	if err != nil {
		return casefile.Case{}, false, fmt.Errorf("bolt: create case: %w", err)
	}
	return out, created, nil
}

// GetCase implements store.Store.
func (s *Store) GetCase(ctx context.Context, ref string) (casefile.Case, error) {
	var c casefile.Case
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketCases).Get([]byte(ref))
		if v == nil {
			return errs.E(errs.NotFound, "no case %s", ref)
		}
		return json.Unmarshal(v, &c)
	})
	return c, err
}

// FindByRawKey implements store.Store.
func (s *Store) FindByRawKey(ctx context.Context, rawKey string) (casefile.Case, error) {
	var ref []byte
	_ = s.db.View(func(tx *bbolt.Tx) error {
		ref = bytes.Clone(tx.Bucket(bucketRaw).Get([]byte(rawKey)))
		return nil
	})
	if ref == nil {
		return casefile.Case{}, errs.E(errs.NotFound, "no case for that raw input")
	}
	return s.GetCase(ctx, string(ref))
}

// ListCases implements store.Store from the summaries index: no case is
// decoded whole.
func (s *Store) ListCases(ctx context.Context, status casefile.Status) ([]casefile.CaseSummary, error) {
	var out []casefile.CaseSummary
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSummaries)
		out = make([]casefile.CaseSummary, 0, b.Stats().KeyN)
		return b.ForEach(func(_, v []byte) error {
			sum, err := decodeSummary(v)
			if err != nil {
				return err
			}
			if status == "" || sum.Status == status {
				out = append(out, sum)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list cases: %w", err)
	}
	// References are given in order, so the index is mostly in order
	// already: sort only when it is not.
	order := func(a, b casefile.CaseSummary) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Ref, b.Ref)
	}
	if !slices.IsSortedFunc(out, order) {
		slices.SortStableFunc(out, order)
	}
	return out, nil
}

// AppendEvent implements store.Store.
func (s *Store) AppendEvent(ctx context.Context, e casefile.Event) (bool, error) {
	if err := e.Check(); err != nil {
		return false, err
	}
	if e.RecordedAt.IsZero() {
		e.RecordedAt = s.now().UTC()
	}
	var recorded bool
	err := s.write(func(tx *bbolt.Tx) (err error) {
		recorded = false // write may run this function twice
		if tx.Bucket(bucketCases).Get([]byte(e.Ref)) == nil {
			return errs.E(errs.NotFound, "no case %s", e.Ref)
		}
		recorded, err = appendEvent(tx, e)
		return err
	})
	return recorded, err
}

// appendEvent adds e unless its id is recorded (false); errs.Conflict if
// another event holds its unique key.
func appendEvent(tx *bbolt.Tx, e casefile.Event) (bool, error) {
	idKey := key(e.Ref, e.ID)
	ids := tx.Bucket(bucketEventIDs)
	if ids.Get(idKey) != nil {
		return false, nil
	}
	if e.Unique != "" {
		uk := key(e.Ref, e.Unique)
		if holder := tx.Bucket(bucketUnique).Get(uk); holder != nil {
			return false, errs.E(errs.Conflict, "case %s has a %s event already", e.Ref, e.Unique)
		}
		if err := tx.Bucket(bucketUnique).Put(uk, []byte(e.ID)); err != nil {
			return false, err
		}
	}
	if err := ids.Put(idKey, []byte{}); err != nil {
		return false, err
	}
	if err := mark(tx, e.Ref, e.Marks); err != nil {
		return false, err
	}
	return true, putJSON(tx.Bucket(bucketEvents), key(e.Ref, store.TimeKey(e.At), e.ID), e)
}

// ListEvents implements store.Store.
func (s *Store) ListEvents(ctx context.Context, ref string) ([]casefile.Event, error) {
	var out []casefile.Event
	err := s.db.View(func(tx *bbolt.Tx) (err error) {
		if tx.Bucket(bucketCases).Get([]byte(ref)) == nil {
			return errs.E(errs.NotFound, "no case %s", ref)
		}
		out, err = scanPrefix[casefile.Event](tx.Bucket(bucketEvents), key(ref, ""))
		return err
	})
	return out, err
}

// PutDeadlines implements store.Store.
func (s *Store) PutDeadlines(ctx context.Context, ref string, ds []casefile.Deadline) error {
	if err := store.CheckDeadlines(ds); err != nil {
		return err
	}
	return s.write(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketCases).Get([]byte(ref)) == nil {
			return errs.E(errs.NotFound, "no case %s", ref)
		}
		b := tx.Bucket(bucketDeadlines)
		prefix := key(ref, "")
		var old [][]byte
		cur := b.Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			old = append(old, bytes.Clone(k))
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for _, d := range ds {
			d.Ref = ref
			if err := putJSON(b, key(ref, d.Rule), d); err != nil {
				return err
			}
		}
		return setNext(tx, ref, ds)
	})
}

// ListDeadlines implements store.Store.
func (s *Store) ListDeadlines(ctx context.Context, ref string) ([]casefile.Deadline, error) {
	var out []casefile.Deadline
	err := s.db.View(func(tx *bbolt.Tx) (err error) {
		out, err = scanPrefix[casefile.Deadline](tx.Bucket(bucketDeadlines), key(ref, ""))
		return err
	})
	return out, err
}

// scanPrefix decodes every value whose key starts with prefix, in key order.
func scanPrefix[T any](b *bbolt.Bucket, prefix []byte) ([]T, error) {
	var out []T
	cur := b.Cursor()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		var item T
		if err := json.Unmarshal(v, &item); err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

// key joins parts with NUL, which no reference, rule or id contains.
func key(parts ...string) []byte {
	var b []byte
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

func putJSON(b *bbolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func getJSON(b *bbolt.Bucket, k []byte, v any) error {
	data := b.Get(k)
	if data == nil {
		return errs.E(errs.NotFound, "no record %s", k)
	}
	return json.Unmarshal(data, v)
}

// UpdateCase implements store.Store.
func (s *Store) UpdateCase(ctx context.Context, c casefile.Case, e casefile.Event) (bool, error) {
	if err := store.CheckUpdate(c, e); err != nil {
		return false, err
	}
	if e.RecordedAt.IsZero() {
		e.RecordedAt = s.now().UTC()
	}
	var applied bool
	err := s.write(func(tx *bbolt.Tx) error {
		applied = false // write may run this function twice
		var old casefile.Case
		if err := getJSON(tx.Bucket(bucketCases), []byte(c.Ref), &old); err != nil {
			return errs.E(errs.NotFound, "no case %s", c.Ref)
		}
		if tx.Bucket(bucketEventIDs).Get(key(e.Ref, e.ID)) != nil {
			return nil // this correction is in already
		}
		if c.Version != old.Version+1 {
			return errs.E(errs.Conflict, "case %s is at version %d; this update is for version %d", c.Ref, old.Version, c.Version-1)
		}
		if err := putCase(tx, c); err != nil {
			return err
		}
		var err error
		applied, err = appendEvent(tx, e)
		return err
	})
	return applied, err
}

// BeginMessage implements store.Store.
func (s *Store) BeginMessage(ctx context.Context, m casefile.Message) (casefile.Message, bool, error) {
	if err := store.CheckMessage(m); err != nil {
		return casefile.Message{}, false, err
	}
	var out casefile.Message
	var began bool
	err := s.write(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketMessages)
		var old casefile.Message
		if err := getJSON(b, []byte(m.Key), &old); err == nil {
			if old.State != casefile.InProgress || old.LockedUntil.After(m.UpdatedAt) {
				out, began = old, false
				return nil
			}
		}
		out, began = m, true
		return putJSON(b, []byte(m.Key), m)
	})
	if err != nil {
		return casefile.Message{}, false, fmt.Errorf("bolt: begin message: %w", err)
	}
	return out, began, nil
}

// PutMessage implements store.Store.
func (s *Store) PutMessage(ctx context.Context, m casefile.Message) error {
	if err := store.CheckMessage(m); err != nil {
		return err
	}
	return s.write(func(tx *bbolt.Tx) error { return putJSON(tx.Bucket(bucketMessages), []byte(m.Key), m) })
}

// GetMessage implements store.Store.
func (s *Store) GetMessage(ctx context.Context, key string) (casefile.Message, error) {
	var m casefile.Message
	err := s.db.View(func(tx *bbolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketMessages), []byte(key), &m); err != nil {
			return errs.E(errs.NotFound, "no message %s", key)
		}
		return nil
	})
	return m, err
}

// ListMessages implements store.Store.
func (s *Store) ListMessages(ctx context.Context, outcome casefile.Outcome) ([]casefile.Message, error) {
	var out []casefile.Message
	err := s.db.View(func(tx *bbolt.Tx) error {
		all, err := scanPrefix[casefile.Message](tx.Bucket(bucketMessages), nil)
		for _, m := range all {
			if m.Outcome == outcome {
				out = append(out, m)
			}
		}
		return err
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].ReceivedAt.Before(out[j].ReceivedAt) })
	return out, err
}

// ListStuckMessages implements store.Store by scanning: local stores
// hold thousands of messages, not millions.
func (s *Store) ListStuckMessages(ctx context.Context, t time.Time) ([]casefile.Message, error) {
	var out []casefile.Message
	err := s.db.View(func(tx *bbolt.Tx) error {
		all, err := scanPrefix[casefile.Message](tx.Bucket(bucketMessages), nil)
		for _, m := range all {
			if m.State == casefile.InProgress && !m.LockedUntil.After(t) {
				out = append(out, m)
			}
		}
		return err
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].LockedUntil.Before(out[j].LockedUntil) })
	return out, err
}

// PutDraft implements store.Store. Expired drafts are swept as others are
// written: 32 from a random place in the (hashed, so evenly spread) keys.
func (s *Store) PutDraft(ctx context.Context, d store.Draft) error {
	if err := store.CheckDraft(d); err != nil {
		return err
	}
	now := s.now()
	return s.write(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDrafts)
		var stale [][]byte
		c := b.Cursor()
		k, v := c.Seek([]byte{byte(rand.IntN(256))})
		for n := 0; k != nil && n < 32; n++ {
			var old store.Draft
			if json.Unmarshal(v, &old) == nil && old.ExpiresAt.Before(now) {
				stale = append(stale, bytes.Clone(k))
			}
			k, v = c.Next()
		}
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return putJSON(b, []byte(d.Key), d)
	})
}

// GetDraft implements store.Store.
func (s *Store) GetDraft(ctx context.Context, key string, now time.Time) (store.Draft, error) {
	var d store.Draft
	err := s.db.View(func(tx *bbolt.Tx) error { return getJSON(tx.Bucket(bucketDrafts), []byte(key), &d) })
	if err != nil || !d.ExpiresAt.After(now) {
		return store.Draft{}, errs.E(errs.NotFound, "no draft")
	}
	return d, nil
}

// DeleteDraft implements store.Store.
func (s *Store) DeleteDraft(ctx context.Context, key string) error {
	return s.write(func(tx *bbolt.Tx) error { return tx.Bucket(bucketDrafts).Delete([]byte(key)) })
}
