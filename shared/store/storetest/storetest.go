// Package storetest is the conformance suite every store.Store adapter
// passes: run it from the adapter's tests with Run(t, factory).
package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/store"
)

// Factory returns a new, empty store. It registers its own cleanup with
// t.Cleanup and fails t if the store cannot be made.
type Factory func(t *testing.T) store.Store

// Run runs the suite; each test gets a new store.
func Run(t *testing.T, newStore Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"CreateCaseGivesSequentialReferences", testSequence},
		{"CreateCaseIsIdempotent", testIdempotent},
		{"CreateCaseConcurrently", testConcurrent},
		{"CreateCaseRefusesBadInput", testCreateInvalid},
		{"CaseRoundTrips", testRoundTrip},
		{"GetCaseNotFound", testNotFound},
		{"ListCasesByStatus", testListCases},
		{"Events", testEvents},
		{"Deadlines", testDeadlines},
		{"UpdateCase", testUpdateCase},
		{"SummaryMarks", testMarks},
		{"SummaryNextDeadline", testNext},
		{"UpdateCaseConcurrently", testUpdateConcurrent},
		{"UniqueEvents", testUniqueEvents},
		{"UniqueEventsConcurrently", testUniqueConcurrent},
		{"Messages", testMessages},
		{"BeginMessageConcurrently", testBeginConcurrent},
		{"StuckMessages", testStuckMessages},
		{"Drafts", testDrafts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

var t0 = time.Date(2026, time.March, 16, 9, 30, 0, 0, time.UTC)

// NewCase returns a case for raw input key with a small valid referral.
func NewCase(key string, at time.Time) casefile.Case {
	return casefile.Case{
		RawKey:      key,
		RawLocation: "raw/" + key,
		Channel:     "api",
		Sender:      "referrer@example.gov.uk",
		ReceivedAt:  at,
		Status:      casefile.Incomplete,
		Route:       referral.RouteUnknown,
		Referral: referral.Referral{
			Referrer: referral.Referrer{FullName: "Sam Referrer"},
			Children: []referral.Child{{FullName: "Child Ä 子", DateOfBirth: "2022-05-02"}},
		},
		Problems: []referral.Problem{{Section: 1, Field: "referrer.email", Code: "required", Message: "Section 1: enter your email address"}},
	}
}

func create(t *testing.T, s store.Store, c casefile.Case, scope string) casefile.Case {
	t.Helper()
	got, created, err := s.CreateCase(context.Background(), c, scope)
	if err != nil {
		t.Fatalf("CreateCase(%s): %v", c.RawKey, err)
	}
	if !created {
		t.Fatalf("CreateCase(%s): not created", c.RawKey)
	}
	return got
}

func testSequence(t *testing.T, s store.Store) {
	for i, want := range []string{"DSP-2026-0001", "DSP-2026-0002", "DSP-2026-0003"} {
		c := create(t, s, NewCase(fmt.Sprintf("k%d", i), t0), "DSP-2026")
		if c.Ref != want {
			t.Errorf("case %d: ref %s, want %s", i, c.Ref, want)
		}
	}
	if c := create(t, s, NewCase("next-year", t0.AddDate(1, 0, 0)), "DSP-2027"); c.Ref != "DSP-2027-0001" {
		t.Errorf("new scope: ref %s", c.Ref)
	}
	if c := create(t, s, NewCase("other", t0), "NEL-2026"); c.Ref != "NEL-2026-0001" {
		t.Errorf("other prefix: ref %s", c.Ref)
	}
}

func testIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := create(t, s, NewCase("same", t0), "DSP-2026")
	again := NewCase("same", t0.Add(time.Hour))
	again.Channel = "email"
	got, created, err := s.CreateCase(ctx, again, "DSP-2026")
	if err != nil || created {
		t.Fatalf("second CreateCase: created %v, %v", created, err)
	}
	if got.Ref != first.Ref || got.Channel != "api" || !got.ReceivedAt.Equal(t0) {
		t.Errorf("second CreateCase returned %s/%s/%s, want the first case", got.Ref, got.Channel, got.ReceivedAt)
	}
	byKey, err := s.FindByRawKey(ctx, "same")
	if err != nil || byKey.Ref != first.Ref {
		t.Errorf("FindByRawKey = %s, %v", byKey.Ref, err)
	}
	if _, err := s.FindByRawKey(ctx, "none"); errs.Code(err) != errs.NotFound {
		t.Errorf("FindByRawKey(none) error = %v, want not found", err)
	}
	list, err := s.ListCases(ctx, casefile.Incomplete)
	if err != nil || len(list) != 1 {
		t.Errorf("ListCases = %d cases, %v; want 1", len(list), err)
	}
	if next := create(t, s, NewCase("different", t0), "DSP-2026"); next.Ref != "DSP-2026-0002" {
		t.Errorf("after a duplicate the next ref is %s, want DSP-2026-0002 (no gap)", next.Ref)
	}
}

func testConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	refs := make([]string, 2*n)
	errors := make([]error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() { // the same raw input delivered n times at once
			defer wg.Done()
			c, _, err := s.CreateCase(ctx, NewCase("dup", t0), "DSP-2026")
			refs[i], errors[i] = c.Ref, err
		}()
		go func() { // n different inputs at once
			defer wg.Done()
			c, _, err := s.CreateCase(ctx, NewCase(fmt.Sprintf("distinct-%d", i), t0), "DSP-2026")
			refs[n+i], errors[n+i] = c.Ref, err
		}()
	}
	wg.Wait()
	for i, err := range errors {
		if err != nil {
			t.Fatalf("CreateCase %d: %v", i, err)
		}
	}
	for i := 1; i < n; i++ {
		if refs[i] != refs[0] {
			t.Errorf("the same input made refs %s and %s", refs[0], refs[i])
		}
	}
	all := append([]string{refs[0]}, refs[n:]...)
	sort.Strings(all)
	for i, ref := range all {
		if want := store.Reference("DSP-2026", int64(i+1)); ref != want {
			t.Errorf("refs %v are not DSP-2026-0001…%04d without gaps", all, n+1)
			break
		}
	}
}

func testCreateInvalid(t *testing.T, s store.Store) {
	if _, _, err := s.CreateCase(context.Background(), NewCase("", t0), "DSP-2026"); errs.Code(err) != errs.Invalid {
		t.Errorf("no raw key: error %v, want invalid", err)
	}
	if _, _, err := s.CreateCase(context.Background(), NewCase("k", t0), ""); errs.Code(err) != errs.Invalid {
		t.Errorf("no scope: error %v, want invalid", err)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	c := NewCase("round", t0)
	c.Referral.IncidentDetails = strings.Repeat("Détails 👶 ", 1000)
	c.Referral.Siblings = make([]referral.Sibling, 30)
	for i := range c.Referral.Siblings {
		c.Referral.Siblings[i] = referral.Sibling{LastName: fmt.Sprintf("Sibling %d", i), Relationship: "Sister"}
	}
	c.Filename = "form.docx"
	stored := create(t, s, c, "DSP-2026")
	got, err := s.GetCase(context.Background(), stored.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt.IsZero() {
		t.Error("CreatedAt not set")
	}
	c.Ref, c.CreatedAt = stored.Ref, got.CreatedAt
	if !reflect.DeepEqual(normal(got), normal(c)) {
		t.Errorf("GetCase returned a different case:\n got %+v\nwant %+v", normal(got).Referral.Referrer, c.Referral.Referrer)
	}
	if !reflect.DeepEqual(normal(stored), normal(c)) {
		t.Error("CreateCase returned a different case from the one stored")
	}
}

// normal makes times comparable with DeepEqual.
func normal(c casefile.Case) casefile.Case {
	c.ReceivedAt = c.ReceivedAt.UTC()
	c.CreatedAt = c.CreatedAt.UTC()
	return c
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.GetCase(ctx, "DSP-2026-9999"); errs.Code(err) != errs.NotFound {
		t.Errorf("GetCase error = %v, want not found", err)
	}
	if _, err := s.AppendEvent(ctx, casefile.Event{Ref: "DSP-2026-9999", ID: "x", Type: "note", At: t0}); errs.Code(err) != errs.NotFound {
		t.Errorf("AppendEvent error = %v, want not found", err)
	}
	if _, err := s.ListEvents(ctx, "DSP-2026-9999"); errs.Code(err) != errs.NotFound {
		t.Errorf("ListEvents error = %v, want not found", err)
	}
	if err := s.PutDeadlines(ctx, "DSP-2026-9999", nil); errs.Code(err) != errs.NotFound {
		t.Errorf("PutDeadlines error = %v, want not found", err)
	}
}

func testListCases(t *testing.T, s store.Store) {
	ctx := context.Background()
	later := NewCase("b", t0.Add(time.Hour))
	later.Status = casefile.Complete
	create(t, s, later, "DSP-2026")
	create(t, s, NewCase("c", t0.Add(2*time.Hour)), "DSP-2026")
	create(t, s, NewCase("a", t0), "DSP-2026")
	incomplete, err := s.ListCases(ctx, casefile.Incomplete)
	if err != nil {
		t.Fatal(err)
	}
	if len(incomplete) != 2 || incomplete[0].RawKey != "a" || incomplete[1].RawKey != "c" {
		t.Errorf("ListCases(incomplete) = %v, want a then c", keys(incomplete))
	} else if a, _ := s.FindByRawKey(ctx, "a"); !reflect.DeepEqual(incomplete[0], normal(a).Summary()) {
		t.Errorf("summary %+v, want %+v", incomplete[0], normal(a).Summary())
	}
	complete, err := s.ListCases(ctx, casefile.Complete)
	if err != nil || len(complete) != 1 || complete[0].RawKey != "b" {
		t.Errorf("ListCases(complete) = %v, %v", keys(complete), err)
	}
	all, err := s.ListCases(ctx, "")
	if got := keys(all); err != nil || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("ListCases(every status) = %v, %v; want a, b, c", got, err)
	}
	none, err := s.ListCases(ctx, "closed")
	if err != nil || len(none) != 0 {
		t.Errorf("ListCases(closed) = %v, %v", keys(none), err)
	}
}

func keys(cs []casefile.CaseSummary) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.RawKey)
	}
	return out
}

func testEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := create(t, s, NewCase("events", t0), "DSP-2026")
	events, err := s.ListEvents(ctx, c.Ref)
	if err != nil || len(events) != 1 || events[0].Type != casefile.EventReceived || !events[0].At.Equal(t0) {
		t.Fatalf("after CreateCase the history is %+v, %v; want one received event", events, err)
	}
	decision := casefile.Event{Ref: c.Ref, ID: "ssp-decision-1", Type: "ssp-decision", At: t0.Add(48 * time.Hour), RecordedAt: t0.Add(49 * time.Hour), Actor: "officer-1", Data: map[string]string{"outcome": "criteria-met"}}
	note := casefile.Event{Ref: c.Ref, ID: "note-1", Type: "note", At: t0.Add(24 * time.Hour), RecordedAt: t0.Add(50 * time.Hour)}
	for i, e := range []casefile.Event{decision, note, decision} { // the repeat is a no-op
		recorded, err := s.AppendEvent(ctx, e)
		if err != nil {
			t.Fatalf("AppendEvent(%s): %v", e.ID, err)
		}
		if recorded != (i < 2) {
			t.Errorf("AppendEvent #%d (%s) recorded = %v, want %v", i, e.ID, recorded, i < 2)
		}
	}
	if _, err := s.AppendEvent(ctx, casefile.Event{Ref: c.Ref, Type: "note", At: t0}); errs.Code(err) != errs.Invalid {
		t.Errorf("event without ID: error %v, want invalid", err)
	}
	events, err = s.ListEvents(ctx, c.Ref)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.ID)
	}
	if want := []string{casefile.EventReceived, "note-1", "ssp-decision-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("history = %v, want %v (by time of event)", got, want)
	}
	if e := events[2]; e.Data["outcome"] != "criteria-met" || e.Actor != "officer-1" || !e.RecordedAt.Equal(decision.RecordedAt) {
		t.Errorf("event did not round-trip: %+v", e)
	}
}

func testDeadlines(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := create(t, s, NewCase("dl-a", t0), "DSP-2026")
	b := create(t, s, NewCase("dl-b", t0), "DSP-2026")
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	if err := s.PutDeadlines(ctx, a.Ref, []casefile.Deadline{
		{Ref: a.Ref, Rule: "ssp-meeting", Due: day(7), Status: casefile.DeadlineOpen, Owners: []string{"ssp", "chair"}},
		{Ref: a.Ref, Rule: "inform-ssp", Due: day(1), Status: casefile.DeadlineOpen, Owners: []string{"business-unit"}},
		{Ref: a.Ref, Rule: "notify-panel", Due: day(7), Status: casefile.DeadlineOpen},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDeadlines(ctx, b.Ref, []casefile.Deadline{
		{Ref: b.Ref, Rule: "inform-ssp", Due: day(2), Status: casefile.DeadlineOpen},
		{Ref: b.Ref, Rule: "referral-late", Due: day(-1), Status: "missed"},
	}); err != nil {
		t.Fatal(err)
	}
	// Replace a's set: inform-ssp met, notify-panel gone.
	if err := s.PutDeadlines(ctx, a.Ref, []casefile.Deadline{
		{Ref: a.Ref, Rule: "inform-ssp", Due: day(1), Status: "met"},
		{Ref: a.Ref, Rule: "ssp-meeting", Due: day(8), Status: casefile.DeadlineOpen, Owners: []string{"ssp", "chair"}},
	}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListDeadlines(ctx, a.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if got := rules(list); !reflect.DeepEqual(got, []string{a.Ref + " inform-ssp", a.Ref + " ssp-meeting"}) {
		t.Errorf("a's deadlines after replace: %v", got)
	}
	if !list[1].Due.Equal(day(8)) || !reflect.DeepEqual(list[1].Owners, []string{"ssp", "chair"}) || list[0].Status != "met" {
		t.Errorf("deadline did not round-trip: %+v", list)
	}
	if err := s.PutDeadlines(ctx, a.Ref, nil); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListDeadlines(ctx, a.Ref); err != nil || len(list) != 0 {
		t.Errorf("after clearing: %v, %v", rules(list), err)
	}
}

func rules(ds []casefile.Deadline) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Ref+" "+d.Rule)
	}
	return out
}

func corrected(ref, id string) casefile.Event {
	return casefile.Event{Ref: ref, ID: id, Type: "corrected", At: t0.Add(time.Hour), Actor: "email"}
}

func testUpdateCase(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, _, err := s.CreateCase(ctx, NewCase("upd", t0), "DSP-2026")
	if err != nil {
		t.Fatal(err)
	}
	next := c
	next.Version = 1
	next.Status = casefile.Complete
	next.RawLocation = "raw/upd-2"
	next.Referral.Referrer.FullName = "Sam Corrected"
	if applied, err := s.UpdateCase(ctx, next, corrected(c.Ref, "corrected-1")); err != nil || !applied {
		t.Fatalf("UpdateCase = %v, %v; want applied", applied, err)
	}
	got, err := s.GetCase(ctx, c.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, next) {
		t.Errorf("after update got\n%+v\nwant\n%+v", got, next)
	}
	events, err := s.ListEvents(ctx, c.Ref)
	if err != nil || len(events) != 2 || events[1].ID != "corrected-1" {
		t.Errorf("history after update: %+v, %v; want received then corrected-1", events, err)
	}
	// The same correction again (a retry) changes nothing and is no error.
	again := next
	again.Version = 2
	again.Referral.Referrer.FullName = "Sam Twice"
	if applied, err := s.UpdateCase(ctx, again, corrected(c.Ref, "corrected-1")); err != nil || applied {
		t.Errorf("the same correction again = %v, %v; want not applied, no error", applied, err)
	}
	if got, _ := s.GetCase(ctx, c.Ref); got.Version != 1 || got.Referral.Referrer.FullName != "Sam Corrected" {
		t.Errorf("a repeated correction changed the case: version %d, %q", got.Version, got.Referral.Referrer.FullName)
	}
	if _, err := s.UpdateCase(ctx, next, corrected(c.Ref, "corrected-2")); errs.Code(err) != errs.Conflict {
		t.Errorf("same version again: %v, want conflict", err)
	}
	stale := c
	stale.Version = 1
	if _, err := s.UpdateCase(ctx, stale, corrected(c.Ref, "corrected-3")); errs.Code(err) != errs.Conflict {
		t.Errorf("stale update: %v, want conflict", err)
	}
	if events, _ := s.ListEvents(ctx, c.Ref); len(events) != 2 {
		t.Errorf("refused updates left events: %+v", events)
	}
	missing := next
	missing.Ref, missing.Version = "DSP-2026-9999", 1
	if _, err := s.UpdateCase(ctx, missing, corrected(missing.Ref, "corrected-4")); errs.Code(err) != errs.NotFound {
		t.Errorf("update of no case: %v, want not found", err)
	}
	if _, err := s.UpdateCase(ctx, next, corrected("DSP-2026-0042", "corrected-5")); errs.Code(err) != errs.Invalid {
		t.Errorf("update with another case's event: %v, want invalid", err)
	}
	done, err := s.ListCases(ctx, casefile.Complete)
	if err != nil || len(done) != 1 || done[0].Ref != c.Ref {
		t.Errorf("complete cases after update: %v %v", done, err)
	}
}

// testUpdateConcurrent: the same correction delivered eight times at once
// is applied once: one version, one event.
func testUpdateConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := create(t, s, NewCase("upd-race", t0), "DSP-2026")
	next := c
	next.Version = 1
	var wg sync.WaitGroup
	var mu sync.Mutex
	applied := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.UpdateCase(ctx, next, corrected(c.Ref, "corrected-same"))
			if err != nil && errs.Code(err) != errs.Conflict {
				t.Errorf("UpdateCase: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				applied++
			}
		}()
	}
	wg.Wait()
	got, err := s.GetCase(ctx, c.Ref)
	events, _ := s.ListEvents(ctx, c.Ref)
	if err != nil || got.Version != 1 || applied != 1 || len(events) != 2 {
		t.Errorf("after 8 identical corrections at once: version %d, applied %d, %d events (%v); want 1, 1, 2", got.Version, applied, len(events), err)
	}
}

// testUniqueEvents: an event's unique key is held by one event only.
func testUniqueEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := create(t, s, NewCase("unique", t0), "DSP-2026")
	first := casefile.Event{Ref: c.Ref, ID: "ssp-decision-a", Type: "ssp-decision", Unique: "ssp-decision", At: t0.Add(time.Hour), Data: map[string]string{"outcome": "criteria-met"}}
	if ok, err := s.AppendEvent(ctx, first); err != nil || !ok {
		t.Fatalf("first decision: %v, %v", ok, err)
	}
	if ok, err := s.AppendEvent(ctx, first); err != nil || ok {
		t.Errorf("the same decision again: %v, %v; want not recorded, no error", ok, err)
	}
	other := first
	other.ID, other.Data = "ssp-decision-b", map[string]string{"outcome": "criteria-not-met"}
	if _, err := s.AppendEvent(ctx, other); errs.Code(err) != errs.Conflict {
		t.Errorf("a second decision: %v, want conflict", err)
	}
	action := casefile.Event{Ref: c.Ref, ID: "action-a1", Type: "action-set", Unique: "action-set#A1", At: t0.Add(time.Hour)}
	action2 := casefile.Event{Ref: c.Ref, ID: "action-a2", Type: "action-set", Unique: "action-set#A2", At: t0.Add(time.Hour)}
	for _, e := range []casefile.Event{action, action2} {
		if ok, err := s.AppendEvent(ctx, e); err != nil || !ok {
			t.Errorf("AppendEvent(%s) = %v, %v; want recorded", e.ID, ok, err)
		}
	}
	events, err := s.ListEvents(ctx, c.Ref)
	if err != nil || len(events) != 4 {
		t.Errorf("history: %d events, %v; want received, a decision and two actions", len(events), err)
	}
	// Unique keys are per case.
	d := create(t, s, NewCase("unique-2", t0), "DSP-2026")
	first.Ref = d.Ref
	if ok, err := s.AppendEvent(ctx, first); err != nil || !ok {
		t.Errorf("a decision on another case: %v, %v", ok, err)
	}
}

// testUniqueConcurrent: 16 identical and 16 conflicting one-time events at
// once record exactly one; the rest are repeats or conflicts.
func testUniqueConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := create(t, s, NewCase("unique-race", t0), "DSP-2026")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var recorded, repeats, conflicts int
	for i := range 32 {
		e := casefile.Event{Ref: c.Ref, ID: "ssp-decision-same", Type: "ssp-decision", Unique: "ssp-decision", At: t0.Add(time.Hour)}
		if i%2 == 1 {
			e.ID = fmt.Sprintf("ssp-decision-%d", i)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.AppendEvent(ctx, e)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && ok:
				recorded++
			case err == nil:
				repeats++
			case errs.Code(err) == errs.Conflict:
				conflicts++
			default:
				t.Errorf("AppendEvent(%s): %v", e.ID, err)
			}
		}()
	}
	wg.Wait()
	events, err := s.ListEvents(ctx, c.Ref)
	if err != nil {
		t.Fatal(err)
	}
	decisions := 0
	for _, e := range events {
		if e.Type == "ssp-decision" {
			decisions++
		}
	}
	if recorded != 1 || decisions != 1 || recorded+repeats+conflicts != 32 {
		t.Errorf("32 decisions at once: %d recorded, %d repeats, %d conflicts, %d stored; want exactly one recorded and stored", recorded, repeats, conflicts, decisions)
	}
}

// NewMessage returns a message in progress, locked for a minute from at.
func NewMessage(key string, at time.Time) casefile.Message {
	return casefile.Message{Key: key, MessageID: key + "@example.gov.uk", RawKey: "sha-" + key, RawLocation: "raw/sha-" + key,
		From: "referrer@example.gov.uk", ReceivedAt: at, State: casefile.InProgress, LockedUntil: at.Add(time.Minute), UpdatedAt: at}
}

func testMessages(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, _, err := s.BeginMessage(ctx, casefile.Message{}); errs.Code(err) != errs.Invalid {
		t.Errorf("message without key: %v", err)
	}
	if _, err := s.GetMessage(ctx, "none"); errs.Code(err) != errs.NotFound {
		t.Errorf("get of no message: %v", err)
	}
	m := NewMessage("m1", t0)
	got, began, err := s.BeginMessage(ctx, m)
	if err != nil || !began || !reflect.DeepEqual(got, m) {
		t.Fatalf("first begin: %v %v %+v", began, err, got)
	}
	// Another delivery while the first holds the lock.
	again := NewMessage("m1", t0.Add(30*time.Second))
	got, began, err = s.BeginMessage(ctx, again)
	if err != nil || began || !reflect.DeepEqual(got, m) {
		t.Errorf("begin while locked: began %v err %v; got %+v", began, err, got)
	}
	// The lock expired: the first delivery died; a retry takes over.
	late := NewMessage("m1", t0.Add(2*time.Minute))
	got, began, err = s.BeginMessage(ctx, late)
	if err != nil || !began || !reflect.DeepEqual(got, late) {
		t.Errorf("begin after the lock expired: began %v err %v", began, err)
	}
	done := late
	done.State, done.Outcome, done.Refs, done.LockedUntil = casefile.Done, casefile.OutcomeCase, []string{"DSP-2026-0001"}, time.Time{}
	done.Attachments = []casefile.Attachment{{Name: "chronology.docx", ContentType: "application/octet-stream", Location: "raw/x", Bytes: 10}}
	done.Verdicts = map[string]string{"virus": "PASS"}
	if err := s.PutMessage(ctx, done); err != nil {
		t.Fatal(err)
	}
	got, began, err = s.BeginMessage(ctx, NewMessage("m1", t0.Add(time.Hour)))
	if err != nil || began || !reflect.DeepEqual(got, done) {
		t.Errorf("begin when done: began %v err %v\ngot  %+v\nwant %+v", began, err, got, done)
	}
	q1, q2 := NewMessage("q1", t0.Add(2*time.Hour)), NewMessage("q2", t0.Add(time.Hour))
	for _, q := range []casefile.Message{q1, q2} {
		q.State, q.Outcome, q.Reasons = casefile.Done, casefile.OutcomeQuarantined, []string{"untrusted-sender"}
		if err := s.PutMessage(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListMessages(ctx, casefile.OutcomeQuarantined)
	if err != nil || len(list) != 2 || list[0].Key != "q2" || list[1].Key != "q1" {
		t.Errorf("quarantined, oldest first: %+v %v", list, err)
	}
	cases, err := s.ListMessages(ctx, casefile.OutcomeCase)
	if err != nil || len(cases) != 1 || cases[0].Key != "m1" {
		t.Errorf("messages that made cases: %+v %v", cases, err)
	}
}

func testBeginConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	began := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.BeginMessage(ctx, NewMessage("same", t0))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				began++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if began != 1 {
		t.Errorf("%d of 8 concurrent deliveries began the same message, want 1", began)
	}
}

func testDrafts(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.PutDraft(ctx, store.Draft{Key: "k"}); errs.Code(err) != errs.Invalid {
		t.Errorf("draft without expiry: %v", err)
	}
	if err := s.PutDraft(ctx, store.Draft{Key: "k", Body: make([]byte, store.MaxDraftBytes+1), ExpiresAt: t0}); errs.Code(err) != errs.TooLarge {
		t.Errorf("oversized draft: %v", err)
	}
	d := store.Draft{Key: "k", Body: []byte(`{"answers": 1}`), ExpiresAt: t0.Add(time.Hour)}
	if err := s.PutDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDraft(ctx, "k", t0)
	if err != nil || string(got.Body) != string(d.Body) || !got.ExpiresAt.Equal(d.ExpiresAt) {
		t.Errorf("draft: %+v %v", got, err)
	}
	if _, err := s.GetDraft(ctx, "k", t0.Add(time.Hour)); errs.Code(err) != errs.NotFound {
		t.Errorf("expired draft: %v", err)
	}
	d.Body = []byte(`{"answers": 2}`)
	if err := s.PutDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetDraft(ctx, "k", t0); string(got.Body) != `{"answers": 2}` {
		t.Errorf("replaced draft: %s", got.Body)
	}
	if err := s.DeleteDraft(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDraft(ctx, "k", t0); errs.Code(err) != errs.NotFound {
		t.Errorf("deleted draft: %v", err)
	}
	if err := s.DeleteDraft(ctx, "none"); err != nil {
		t.Errorf("delete of no draft: %v", err)
	}
}

// testStuckMessages: messages in progress past their lock are listed,
// earliest lock first; finished ones and live locks are not.
func testStuckMessages(t *testing.T, s store.Store) {
	ctx := context.Background()
	late := NewMessage("late", t0) // locked until t0+1m
	early := NewMessage("early", t0.Add(-time.Hour))
	live := NewMessage("live", t0.Add(time.Hour))
	done := NewMessage("done", t0.Add(-2*time.Hour))
	done.State, done.Outcome, done.LockedUntil = casefile.Done, casefile.OutcomeCase, time.Time{}
	for _, m := range []casefile.Message{late, early, live, done} {
		if err := s.PutMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListStuckMessages(ctx, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range got {
		keys = append(keys, m.Key)
	}
	if want := []string{"early", "late"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("stuck messages %v, want %v", keys, want)
	}
	// Finished, it is no longer stuck.
	early.State, early.Outcome, early.LockedUntil = casefile.Done, casefile.OutcomeCase, time.Time{}
	if err := s.PutMessage(ctx, early); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ListStuckMessages(ctx, t0.Add(time.Minute)); len(got) != 1 || got[0].Key != "late" {
		t.Errorf("after one finished: %+v", got)
	}
}

// testMarks: events set and take off marks on the case's summary in their
// write; a correction keeps them; an event recorded already changes none.
func testMarks(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, _, err := s.CreateCase(ctx, NewCase("marks-a", t0), "DSP-2026")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.CreateCase(ctx, NewCase("marks-b", t0.Add(time.Minute)), "DSP-2026")
	if err != nil {
		t.Fatal(err)
	}
	marks := func() map[string]map[string]string {
		t.Helper()
		list, err := s.ListCases(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]string{}
		for _, c := range list {
			out[c.Ref] = c.Marks
		}
		return out
	}
	ev := func(ref, id string, m map[string]string) casefile.Event {
		return casefile.Event{Ref: ref, ID: id, Type: "assigned", At: t0.Add(time.Hour), Marks: m}
	}
	if _, err := s.AppendEvent(ctx, ev(a.Ref, "m1", map[string]string{casefile.MarkAssignee: "officer.jones", casefile.MarkClosed: "yes"})); err != nil {
		t.Fatal(err)
	}
	if got := marks(); got[a.Ref][casefile.MarkAssignee] != "officer.jones" || got[a.Ref][casefile.MarkClosed] != "yes" || len(got[b.Ref]) != 0 {
		t.Fatalf("after marking: %v", got)
	}
	// A correction keeps the marks.
	c := a
	c.Version, c.Status = 1, casefile.Complete
	if _, err := s.UpdateCase(ctx, c, casefile.Event{Ref: a.Ref, ID: "v1", Type: "corrected", At: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// The same event again changes nothing; another takes a mark off.
	if _, err := s.AppendEvent(ctx, ev(a.Ref, "m1", map[string]string{casefile.MarkAssignee: "someone.else"})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendEvent(ctx, ev(a.Ref, "m2", map[string]string{casefile.MarkClosed: ""})); err != nil {
		t.Fatal(err)
	}
	got := marks()
	if got[a.Ref][casefile.MarkAssignee] != "officer.jones" || got[a.Ref][casefile.MarkClosed] != "" || len(got[a.Ref]) != 1 {
		t.Errorf("after a correction, a repeat and an unmarking: %v", got)
	}
	if list, _ := s.ListCases(ctx, casefile.Complete); len(list) != 1 || list[0].Marks[casefile.MarkAssignee] != "officer.jones" {
		t.Errorf("by status: %+v", list)
	}
}

// testNext: the summary carries the earliest open deadline, kept in step
// by PutDeadlines, and none once none is open.
func testNext(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, _, err := s.CreateCase(ctx, NewCase("next-a", t0), "DSP-2026")
	if err != nil {
		t.Fatal(err)
	}
	next := func() casefile.Deadline {
		t.Helper()
		list, err := s.ListCases(ctx, "")
		if err != nil || len(list) != 1 {
			t.Fatalf("cases %v %v", list, err)
		}
		return list[0].Next
	}
	if d := next(); d.Rule != "" {
		t.Errorf("no deadlines yet, next %+v", d)
	}
	due := t0.Add(48 * time.Hour)
	if err := s.PutDeadlines(ctx, c.Ref, []casefile.Deadline{
		{Rule: "inform-ssp", Due: t0.Add(24 * time.Hour), Status: "met"},
		{Rule: "ssp-meeting", Due: due, Status: casefile.DeadlineOpen},
		{Rule: "notify-panel", Due: due, Status: casefile.DeadlineOpen},
		{Rule: "rapid-review", Due: due.Add(time.Hour), Status: casefile.DeadlineOpen},
	}); err != nil {
		t.Fatal(err)
	}
	if d := next(); d.Rule != "notify-panel" || !d.Due.Equal(due) || d.Ref != c.Ref {
		t.Errorf("next %+v, want notify-panel at %s", d, due)
	}
	if err := s.PutDeadlines(ctx, c.Ref, []casefile.Deadline{{Rule: "ssp-meeting", Due: due, Status: "met"}}); err != nil {
		t.Fatal(err)
	}
	if d := next(); d.Rule != "" {
		t.Errorf("none open, next %+v", d)
	}
}
