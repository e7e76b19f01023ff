package bolt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/store/storetest"
)

func open(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "cspr.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cspr.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.CreateCase(context.Background(), storetest.NewCase("k", time.Now()), "DSP-2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, nil); err == nil {
		t.Error("a second Open of the same file succeeded")
	}
	s.Close()
	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetCase(context.Background(), c.Ref); err != nil {
		t.Errorf("case lost on reopen: %v", err)
	}
}

// BenchmarkCreateCase measures durable case creation (target: 2,000 a
// second). Intakes arrive concurrently, so it runs them in parallel, as the
// runner's HTTP and SMTP servers do; bbolt batches them into shared syncs.
func BenchmarkCreateCase(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	now := time.Now()
	b.ReportAllocs()
	b.SetParallelism(32) // 64 intakes in flight on 2 cores
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, _, err := s.CreateCase(ctx, storetest.NewCase(fmt.Sprint(i), now), "DSP-2026"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCreateCaseSerial is one intake after another, each synced alone.
func BenchmarkCreateCaseSerial(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	now := time.Now()
	i := 0
	for b.Loop() {
		i++
		if _, _, err := s.CreateCase(ctx, storetest.NewCase(fmt.Sprint(i), now), "DSP-2026"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIndexesBuiltForOlderFiles: a store file written before the list
// indexes existed gets them when it is opened.
func TestIndexesBuiltForOlderFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cspr.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.CreateCase(ctx, storetest.NewCase("old", time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)), "DSP-2026")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 17, 23, 59, 59, 0, time.UTC)
	if err := s.PutDeadlines(ctx, c.Ref, []casefile.Deadline{{Rule: "inform-ssp", Due: due, Status: casefile.DeadlineOpen, Owners: []string{"business-unit"}}}); err != nil {
		t.Fatal(err)
	}
	// A file from before the indexes: no summaries, no open deadlines, no
	// version.
	err = s.DB().Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket(bucketSummaries); err != nil {
			return err
		}
		return tx.DeleteBucket(bucketMeta)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.ListCases(ctx, casefile.Incomplete)
	if err != nil || len(list) != 1 || list[0].Ref != c.Ref || list[0].Next.Rule != "inform-ssp" || !list[0].Next.Due.Equal(due) {
		t.Errorf("cases after reopening: %+v %v", list, err)
	}
}

// BenchmarkOpenLargeStore: opening a store of 20,000 cases with a full
// referral each (145 MB) — the local runner's start-up on a store years
// old. It must not grow with the store (docs/performance.md).
func BenchmarkOpenLargeStore(b *testing.B) {
	path := filepath.Join(b.TempDir(), "cspr.db")
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 20000; i += 32 {
				c := storetest.NewCase(fmt.Sprintf("open-%05d", i), now)
				c.Referral.IncidentDetails = strings.Repeat("Details of the incident, as the referrer wrote them. ", 60)
				if _, _, err := s.CreateCase(ctx, c, "DSP-2026"); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s.Close()
	if fi, err := os.Stat(path); err == nil {
		b.Logf("store: %.0f MB", float64(fi.Size())/(1<<20))
	}
	for b.Loop() {
		s, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
