package intake

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
)

var received = time.Date(2026, time.March, 16, 23, 5, 0, 0, time.UTC) // a referral sent late at night

type env struct {
	svc   *Service
	store *bolt.Store
	blobs *dir.Store
	logs  *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	data := t.TempDir()
	st, err := bolt.Open(filepath.Join(data, "cspr.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := dir.New(data)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	svc := &Service{Blobs: blobs, Store: st, Prefix: "DSP", Location: config.London, MaxBytes: 1 << 20,
		Log: slog.New(slog.NewJSONHandler(logs, nil))}
	return &env{svc: svc, store: st, blobs: blobs, logs: logs}
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "events", "referrals", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSubmit(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		raw      Raw
		status   casefile.Status
		route    string
		problems int    // -1: some
		first    string // code of the first problem
	}{
		{"complete JSON", Raw{Data: sample(t, "complete.json"), Filename: "complete.json"}, casefile.Complete, "notification", 0, ""},
		{"incomplete JSON", Raw{Data: sample(t, "incomplete.json")}, casefile.Incomplete, "notification", -1, "invalid_email"},
		{"broken JSON", Raw{Data: []byte(`{"referrer": {"fullName": "Sam"`)}, casefile.Incomplete, "unknown", 1, "unreadable"},
		{"empty", Raw{Data: nil}, casefile.Incomplete, "unknown", 1, "unreadable"},
		{"PDF not read yet", Raw{Data: []byte("%PDF-1.7 ..."), Filename: "form.pdf"}, casefile.Incomplete, "unknown", 1, "unreadable"},
		{"too large", Raw{Data: bytes.Repeat([]byte("x"), 2<<20)}, casefile.Incomplete, "unknown", 1, "unreadable"},
		{"text body", Raw{Data: []byte("SECTION 1\nFULL NAME: Sam Referrer\n"), ContentType: "text/plain"}, casefile.Incomplete, "unknown", -1, "route_unknown"},
	}
	e := newEnv(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.raw.Channel, tt.raw.ReceivedAt = "api", received
			res, err := e.svc.Submit(ctx, tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if want := store.Reference("DSP-2026", int64(i+1)); res.Ref != want || res.Duplicate {
				t.Errorf("ref %s duplicate %v, want %s", res.Ref, res.Duplicate, want)
			}
			if res.Status != tt.status || string(res.Route) != tt.route {
				t.Errorf("status %s route %s, want %s %s", res.Status, res.Route, tt.status, tt.route)
			}
			if (tt.problems >= 0 && len(res.Problems) != tt.problems) || (tt.problems < 0 && len(res.Problems) == 0) {
				t.Errorf("%d problems: %v", len(res.Problems), res.Problems)
			}
			if tt.first != "" && (len(res.Problems) == 0 || res.Problems[0].Code != tt.first) {
				t.Errorf("first problem %v, want code %s", res.Problems, tt.first)
			}
			// The raw input was kept, byte for byte, and the case points to it.
			c, err := e.store.GetCase(ctx, res.Ref)
			if err != nil {
				t.Fatal(err)
			}
			kept, err := e.blobs.Get(ctx, c.RawLocation)
			if err != nil || !bytes.Equal(kept, tt.raw.Data) {
				t.Errorf("raw input not kept: %v", err)
			}
		})
	}
	if strings.Contains(e.logs.String(), "Child A") || strings.Contains(e.logs.String(), "Sam Referrer") {
		t.Errorf("logs carry personal details:\n%s", e.logs)
	}
}

func TestSubmitTwice(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	raw := Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received}
	var wg sync.WaitGroup
	results := make([]Result, 8)
	for i := range results {
		wg.Go(func() {
			r, err := e.svc.Submit(ctx, raw)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		})
	}
	wg.Wait()
	again, err := e.svc.Submit(ctx, Raw{Data: raw.Data, Channel: "email", ReceivedAt: received.Add(5 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate {
		t.Error("a later copy was not reported as a duplicate")
	}
	fresh := 0
	for _, r := range append(results, again) {
		if r.Ref != "DSP-2026-0001" {
			t.Errorf("ref %s, want DSP-2026-0001", r.Ref)
		}
		if !r.Duplicate {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d submissions made a case, want 1", fresh)
	}
	cases, _ := e.store.ListCases(ctx, casefile.Complete)
	if len(cases) != 1 {
		t.Errorf("%d cases stored, want 1", len(cases))
	}
}

func TestReferenceYearIsLondon(t *testing.T) {
	e := newEnv(t)
	// 23:30 on 31 December 2026 in London is still 2026; 00:30 on 1 January is 2027.
	for at, want := range map[time.Time]string{
		time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC): "DSP-2026-0001",
		time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC):    "DSP-2027-0001",
	} {
		res, err := e.svc.Submit(context.Background(), Raw{Data: []byte("FULL NAME: Sam Referrer\nReceived " + at.String()), Channel: "api", ReceivedAt: at})
		if err != nil || res.Ref != want {
			t.Errorf("received %s: ref %s, %v; want %s", at, res.Ref, err, want)
		}
	}
}

type failingBlobs struct{}

func (failingBlobs) Put(context.Context, string, []byte) error { return errors.New("disk full") }

type failingStore struct{ Store }

func (failingStore) CreateCase(context.Context, casefile.Case, string) (casefile.Case, bool, error) {
	return casefile.Case{}, false, errors.New("table unavailable")
}

func TestSubmitFailures(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	raw := Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received}

	e.svc.Blobs = failingBlobs{}
	if _, err := e.svc.Submit(ctx, raw); err == nil {
		t.Error("Submit succeeded without keeping the raw input")
	}
	if cases, _ := e.store.ListCases(ctx, casefile.Complete); len(cases) != 0 {
		t.Error("a case was stored though its raw input was not kept")
	}

	e.svc.Blobs = e.blobs
	e.svc.Store = failingStore{Store: e.store}
	if _, err := e.svc.Submit(ctx, raw); err == nil {
		t.Error("Submit succeeded without storing the case")
	}
	// The raw input is kept even so, and a retry stores the case.
	if _, err := e.blobs.Get(ctx, "raw/"+RawKey(raw.Data)); err != nil {
		t.Errorf("raw input lost when the store failed: %v", err)
	}
	e.svc.Store = e.store
	if res, err := e.svc.Submit(ctx, raw); err != nil || res.Ref != "DSP-2026-0001" {
		t.Errorf("retry: %v %v", res, err)
	}
}

func TestCorrect(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first, err := e.svc.Submit(ctx, Raw{Data: sample(t, "incomplete.json"), Channel: "email", ReceivedAt: received})
	if err != nil || first.Status != casefile.Incomplete {
		t.Fatalf("first: %+v %v", first, err)
	}
	// The same child (Child B, whose date of birth was not a date), every
	// answer now given.
	fixed := Raw{Data: bytes.ReplaceAll(sample(t, "complete.json"), []byte("Child A Example"), []byte("Child B Example")), Channel: "email",
		ReceivedAt: received.Add(time.Hour), Filename: "fixed.json"}
	res, err := e.svc.Correct(ctx, first.Ref, fixed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref != first.Ref || res.Status != casefile.Complete || len(res.Problems) != 0 || res.Duplicate {
		t.Errorf("correction: %+v", res)
	}
	c, err := e.store.GetCase(ctx, first.Ref)
	if err != nil || c.Version != 1 || c.Status != casefile.Complete || c.RawLocation != "raw/"+RawKey(fixed.Data) {
		t.Errorf("case after correction: version %d status %s raw %s (%v)", c.Version, c.Status, c.RawLocation, err)
	}
	again, err := e.svc.Correct(ctx, first.Ref, fixed)
	if err != nil || !again.Duplicate {
		t.Errorf("the same correction again: %+v %v", again, err)
	}
	// An unreadable correction keeps what was read and adds why.
	bad, err := e.svc.Correct(ctx, first.Ref, Raw{Data: []byte("{broken"), Channel: "email", ReceivedAt: received.Add(2 * time.Hour)})
	if err != nil || bad.Status != casefile.Incomplete || len(bad.Problems) != 1 || bad.Problems[0].Code != "unreadable" {
		t.Errorf("unreadable correction: %+v %v", bad, err)
	}
	c, _ = e.store.GetCase(ctx, first.Ref)
	if c.Version != 2 || c.Referral.Referrer.FullName == "" {
		t.Errorf("an unreadable correction lost the answers: version %d", c.Version)
	}
	history, _ := e.store.ListEvents(ctx, first.Ref)
	if n := len(history); n != 3 || history[1].Type != EventCorrected || history[1].Data["version"] != "1" {
		t.Errorf("history: %+v", history)
	}
	if _, err := e.svc.Correct(ctx, "DSP-2026-9999", fixed); err == nil {
		t.Error("correction of no case: no error")
	}
}

// TestCorrectMerges: a correction that gives one answer changes that
// answer and keeps every other; the history says which answer changed.
func TestCorrectMerges(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first, err := e.svc.Submit(ctx, Raw{Data: sample(t, "complete.json"), Channel: "email", ReceivedAt: received})
	if err != nil || first.Status != casefile.Complete {
		t.Fatalf("first: %+v %v", first, err)
	}
	before, _ := e.store.GetCase(ctx, first.Ref)
	res, err := e.svc.Correct(ctx, first.Ref, Raw{Data: []byte(`{"referrer": {"email": "sam.new@darlington.gov.uk"}}`), Channel: "email",
		ReceivedAt: received.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != casefile.Complete || len(res.Problems) != 0 || len(res.Changed) != 1 || res.Changed[0] != "referrer.email" {
		t.Errorf("partial correction: %+v", res)
	}
	after, _ := e.store.GetCase(ctx, first.Ref)
	want := before.Referral
	want.Referrer.Email = "sam.new@darlington.gov.uk"
	if !reflect.DeepEqual(after.Referral, want) || after.Version != 1 || after.Route != before.Route {
		t.Errorf("after a one-answer correction the case is\n%+v\nwant\n%+v", after.Referral, want)
	}
	history, _ := e.store.ListEvents(ctx, first.Ref)
	if last := history[len(history)-1]; last.Type != EventCorrected || last.Data["changed"] != "referrer.email" {
		t.Errorf("correction event: %+v", last)
	}
}

// notices is a mail.Sender that records, or fails.
type notices struct {
	mu   sync.Mutex // requests at once send at once
	sent []mail.Message
	fail bool
}

func (n *notices) Send(_ context.Context, m mail.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail {
		return errors.New("ses: throttled")
	}
	n.sent = append(n.sent, m)
	return nil
}

// TestBusinessUnitToldOfNewCases: the Business Unit hears of a new case at
// once, once, with a link and no child's details; a failed send is
// retried with the input.
func TestBusinessUnitToldOfNewCases(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	n := &notices{fail: true}
	e.svc.Notices, e.svc.BusinessUnit, e.svc.Partnership, e.svc.Mailbox = n, []string{"bu@darlington.gov.uk"}, "Darlington Safeguarding Partnership", "DSP@darlington.gov.uk"
	e.svc.LDChair = []string{"ld.chair@darlington.gov.uk"}
	e.svc.CaseURL = func(ref string) string { return "https://cases.example.gov.uk/cases/" + ref }
	raw := Raw{Data: sample(t, "complete.json"), Channel: "api", ReceivedAt: received}
	if _, err := e.svc.Submit(ctx, raw); err == nil {
		t.Fatal("a failed notice was not reported for a retry")
	}
	n.fail = false
	for range 2 {
		if _, err := e.svc.Submit(ctx, raw); err != nil {
			t.Fatal(err)
		}
	}
	if len(n.sent) != 2 || n.sent[1].To[0] != "ld.chair@darlington.gov.uk" || !strings.Contains(n.sent[1].Text, "Learning and Development Group") {
		t.Fatalf("%d notices (%+v), want the Business Unit's and the L&D chair's", len(n.sent), n.sent)
	}
	m := n.sent[0]
	if m.Subject != "[DSP-2026-0001] New referral: notification, by api" || !strings.Contains(m.Text, "https://cases.example.gov.uk/cases/DSP-2026-0001") ||
		strings.Contains(m.Text, "Child A") || m.To[0] != "bu@darlington.gov.uk" {
		t.Errorf("notice %q to %v:\n%s", m.Subject, m.To, m.Text)
	}
}
