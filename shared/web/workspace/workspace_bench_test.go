package workspace

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
	"github.com/cspr-intake/cspr-intake/shared/store/storetest"
)

// BenchmarkWorkspace10k serves the case list's first page and a case page
// with 10,000 cases (each with a full referral and five deadlines) in the
// embedded store. Targets: the list under 50 ms, a case page under 20 ms.
func BenchmarkWorkspace10k(b *testing.B) {
	dataDir := b.TempDir()
	st, err := bolt.Open(filepath.Join(dataDir, "cspr.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	// A full referral: every section of events/referrals/complete.json.
	full := storetest.NewCase("x", now)
	data, err := os.ReadFile("../../../events/referrals/complete.json")
	if err != nil {
		b.Fatal(err)
	}
	if full.Referral, _, err = referral.DecodeJSON(data); err != nil {
		b.Fatal(err)
	}
	full.Route, full.Problems = referral.Check(&full.Referral, civil.New(2026, time.November, 23))
	full.Status = casefile.Complete
	var last string
	for i := range 10000 {
		c := full
		c.RawKey = fmt.Sprintf("raw-%05d", i)
		c.ReceivedAt = now.Add(-time.Duration(i) * time.Hour)
		got, _, err := st.CreateCase(ctx, c, "DSP-2026")
		if err != nil {
			b.Fatal(err)
		}
		var ds []casefile.Deadline
		for j, rule := range []string{"inform-ssp", "ssp-meeting", "notify-panel", "rapid-review", "lcspr-publication"} {
			ds = append(ds, casefile.Deadline{Rule: rule, Due: c.ReceivedAt.Add(time.Duration(24*(j+1)) * time.Hour), Status: deadlines.Open})
		}
		if err := st.PutDeadlines(ctx, got.Ref, ds); err != nil {
			b.Fatal(err)
		}
		last = got.Ref
	}
	blobs, _ := dir.New(dataDir)
	ws := NewWorkspace(Workspace{Cases: st, Raw: blobs, Sessions: st, Partnership: "P", Rules: config.Default().Rules(),
		Now: func() time.Time { return now }, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	path, _ := ws.IssueLink(ctx, RoleBusinessUnit, "Bench")
	rec := httptest.NewRecorder()
	ws.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	cookie := rec.Result().Cookies()[0]
	b.Run("ListCases", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.ListCases(ctx, casefile.Incomplete); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, page := range []string{"/cases", "/cases/" + last} {
		b.Run(page[:min(len(page), 7)], func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", page, nil)
				req.AddCookie(cookie)
				start := time.Now()
				ws.ServeHTTP(rec, req)
				took = append(took, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
			// The targets are on the slowest 1 in 100 (docs/performance.md).
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
