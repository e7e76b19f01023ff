// Package dynamo is the store.Store on one DynamoDB table:
//
//	pk               sk                      what
//	CASE#<ref>       META                    the case (gsi1: STATUS#<status>, <receivedAt>#<ref>)
//	CASE#<ref>       EVENT#<time>#<id>       one history event, append-only
//	CASE#<ref>       EVENTID#<id>            guard: each event id once
//	CASE#<ref>       UNIQUE#<key>            guard: one event per unique key (a one-time event's type)
//	CASE#<ref>       DEADLINE#<rule>         one deadline (gsi1 while open: DEADLINE#open, <due>#<ref>#<rule>)
//	RAW#<sha256>     RAW                     guard: one case per raw input
//	COUNTER#<scope>  COUNTER                 the last reference number given in a scope
//	MSG#<key>        MSG                     one e-mail received (gsi1: MESSAGES#<outcome>, <receivedAt>#<key>;
//	                                         while in progress MESSAGES#in-progress, <lockedUntil>#<key>)
//	DRAFT#<key>      DRAFT                   a web form in progress (expiresAt: the table's TTL removes it)
//
// Writes that must agree go in one TransactWriteItems. References are
// gapless: the counter's new value is written in the same transaction as
// the case, on the condition that it still holds the value read, and the
// whole write is retried when another intake got there first. Record bodies
// are gzipped JSON, so a full referral stays far below the 400 KB item limit.
package dynamo

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/store"
)

// Store is a store.Store on a DynamoDB table.
type Store struct {
	db    API
	table string
	now   func() time.Time
	page  int // items a query's page (tests: several pages from a few items); 0: DynamoDB's 1 MB
}

var _ store.Store = (*Store)(nil)

// New returns a store on table. now is the clock; nil means time.Now.
func New(db API, table string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, table: table, now: now}
}

// Close implements store.Store; the client needs no closing.
func (s *Store) Close() error { return nil }

const (
	maxAttempts = 50
	metaSK      = "META"
)

func casePK(ref string) string { return "CASE#" + ref }

func keyOf(pk, sk string) Item {
	return Item{AttrPK: str(pk), AttrSK: str(sk)}
}

// CreateCase implements store.Store.
func (s *Store) CreateCase(ctx context.Context, c casefile.Case, scope string) (casefile.Case, bool, error) {
	if err := store.CheckNewCase(c, scope); err != nil {
		return casefile.Case{}, false, err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		existing, err := s.FindByRawKey(ctx, c.RawKey)
		if err == nil {
			return existing, false, nil
		}
		if errs.Code(err) != errs.NotFound {
			return casefile.Case{}, false, err
		}
		n, err := s.counter(ctx, scope)
		if err != nil {
			return casefile.Case{}, false, err
		}
		out := c
		out.Ref = store.Reference(scope, n+1)
		out.CreatedAt = s.now().UTC()
		items, err := s.newCaseItems(out, scope, n)
		if err != nil {
			return casefile.Case{}, false, err
		}
		err = s.write(ctx, items)
		if err == nil {
			return out, true, nil
		}
		if !retryable(err) {
			return casefile.Case{}, false, fmt.Errorf("dynamo: create case: %w", err)
		}
		// Another intake took the number or the same raw input: read again.
		select {
		case <-ctx.Done():
			return casefile.Case{}, false, ctx.Err()
		case <-time.After(time.Duration(1+rand.IntN(10*(attempt+1))) * time.Millisecond):
		}
	}
	return casefile.Case{}, false, errs.E(errs.Conflict, "too many referrals arrived at once; try again")
}

func (s *Store) newCaseItems(c casefile.Case, scope string, n int64) ([]types.TransactWriteItem, error) {
	body, err := encode(c)
	if err != nil {
		return nil, err
	}
	counter := &types.Update{
		TableName:                 &s.table,
		Key:                       keyOf("COUNTER#"+scope, "COUNTER"),
		UpdateExpression:          aws.String("SET seq = :next"),
		ExpressionAttributeValues: Item{":next": num(n + 1)},
		ConditionExpression:       aws.String("attribute_not_exists(pk)"),
	}
	if n > 0 {
		counter.ConditionExpression = aws.String("seq = :seen")
		counter.ExpressionAttributeValues[":seen"] = num(n)
	}
	meta := keyOf(casePK(c.Ref), metaSK)
	meta[AttrGSI1PK] = str("STATUS#" + string(c.Status))
	meta[AttrGSI1SK] = str(store.TimeKey(c.ReceivedAt) + "#" + c.Ref)
	meta["body"] = bin(body)
	meta["version"] = num(int64(c.Version))
	raw := keyOf("RAW#"+c.RawKey, "RAW")
	raw["ref"] = str(c.Ref)
	received := casefile.Event{Ref: c.Ref, ID: casefile.EventReceived, Type: casefile.EventReceived, At: c.ReceivedAt, RecordedAt: c.CreatedAt, Actor: c.Channel}
	event, err := s.eventItems(received)
	if err != nil {
		return nil, err
	}
	return append([]types.TransactWriteItem{
		{Update: counter},
		{Put: s.putNew(raw)},
		{Put: s.putNew(meta)},
	}, event...), nil
}

func (s *Store) putNew(item Item) *types.Put {
	return &types.Put{TableName: &s.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}
}

// write writes items in one transaction.
func (s *Store) write(ctx context.Context, items []types.TransactWriteItem) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return err
}

// retryable reports whether a cancelled transaction failed only on our own
// conditions or on a conflict with another transaction.
func retryable(err error) bool {
	rs, ok := reasons(err)
	if !ok {
		return conflicted(err)
	}
	for _, r := range rs {
		switch r {
		case "", "None", "ConditionalCheckFailed", "TransactionConflict":
		default:
			return false
		}
	}
	return true
}

// conflicted reports whether DynamoDB refused a transaction because
// another was in progress on the same items.
func conflicted(err error) bool {
	var e *types.TransactionConflictException
	return errors.As(err, &e)
}

// transact writes items in one transaction, again (a few times, after a
// short wait) while it is cancelled only by other transactions on the
// same items: the conditions decide, never the timing.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) error {
	for attempt := 0; ; attempt++ {
		err := s.write(ctx, items)
		if err == nil || !raced(err) || attempt == maxAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond):
		}
	}
}

// raced reports whether a transaction failed only because another was
// writing the same items, not on a condition.
func raced(err error) bool {
	if conflicted(err) {
		return true
	}
	rs, ok := reasons(err)
	if !ok {
		return false
	}
	seen := false
	for _, r := range rs {
		switch r {
		case "TransactionConflict":
			seen = true
		case "", "None":
		default:
			return false
		}
	}
	return seen
}

// cancelled reports whether the i-th item of a cancelled transaction
// failed its condition.
func cancelled(err error, i int) bool {
	rs, _ := reasons(err)
	return i < len(rs) && rs[i] == "ConditionalCheckFailed"
}

func (s *Store) counter(ctx context.Context, scope string) (int64, error) {
	item, err := s.get(ctx, "COUNTER#"+scope, "COUNTER")
	if err != nil {
		return 0, fmt.Errorf("dynamo: read counter: %w", err)
	}
	v := numberOf(item, "seq")
	if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// GetCase implements store.Store.
func (s *Store) GetCase(ctx context.Context, ref string) (casefile.Case, error) {
	var c casefile.Case
	item, err := s.get(ctx, casePK(ref), metaSK)
	if err != nil {
		return c, err
	}
	if item == nil {
		return c, errs.E(errs.NotFound, "no case %s", ref)
	}
	return c, decode(item, &c)
}

func (s *Store) get(ctx context.Context, pk, sk string) (Item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: keyOf(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("dynamo: get %s: %w", pk, err)
	}
	return out.Item, nil
}

// FindByRawKey implements store.Store.
func (s *Store) FindByRawKey(ctx context.Context, rawKey string) (casefile.Case, error) {
	item, err := s.get(ctx, "RAW#"+rawKey, "RAW")
	if err != nil {
		return casefile.Case{}, err
	}
	ref := stringOf(item, "ref")
	if ref == "" {
		return casefile.Case{}, errs.E(errs.NotFound, "no case for that raw input")
	}
	return s.GetCase(ctx, ref)
}

// ListCases implements store.Store.
func (s *Store) ListCases(ctx context.Context, status casefile.Status) ([]casefile.CaseSummary, error) {
	statuses := []casefile.Status{status}
	if status == "" {
		statuses = []casefile.Status{casefile.Incomplete, casefile.Complete}
	}
	var out []casefile.CaseSummary
	for _, st := range statuses {
		list, err := queryAll[casefile.CaseSummary](ctx, s, onIndex("STATUS#"+string(st)))
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	marks, err := s.marks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		m := marks[out[i].Ref]
		if rule := m[nextMark]; rule != "" {
			if due, err := time.Parse(time.RFC3339Nano, m[nextMark+"-due"]); err == nil {
				out[i].Next = casefile.Deadline{Ref: out[i].Ref, Rule: rule, Due: due, Status: casefile.DeadlineOpen}
			}
			delete(m, nextMark)
			delete(m, nextMark+"-due")
		}
		if len(m) > 0 {
			out[i].Marks = m
		}
	}
	if len(statuses) > 1 { // each partition is in order; the whole is too
		sort.SliceStable(out, func(i, j int) bool {
			if !out[i].ReceivedAt.Equal(out[j].ReceivedAt) {
				return out[i].ReceivedAt.Before(out[j].ReceivedAt)
			}
			return out[i].Ref < out[j].Ref
		})
	}
	return out, nil
}

// queryAll runs a query over every page and decodes each item's body.
func queryAll[T any](ctx context.Context, s *Store, in *dynamodb.QueryInput) ([]T, error) {
	var out []T
	err := s.query(ctx, in, func(item Item) error {
		var v T
		if err := decode(item, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// query runs a query on the table over every page, calling f with each
// item.
func (s *Store) query(ctx context.Context, in *dynamodb.QueryInput, f func(Item) error) error {
	in.TableName = &s.table
	if s.page > 0 {
		in.Limit = aws.Int32(int32(s.page))
	}
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("dynamo: query: %w", err)
		}
		for _, item := range page.Items {
			if err := f(item); err != nil {
				return err
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// AppendEvent implements store.Store.
func (s *Store) AppendEvent(ctx context.Context, e casefile.Event) (bool, error) {
	if err := e.Check(); err != nil {
		return false, err
	}
	if e.RecordedAt.IsZero() {
		e.RecordedAt = s.now().UTC()
	}
	items, err := s.eventItems(e)
	if err != nil {
		return false, err
	}
	items = append([]types.TransactWriteItem{{ConditionCheck: s.caseExists(e.Ref)}}, items...)
	err = s.transact(ctx, items)
	switch { // items: the case's check, the id's guard, the unique key's guard
	case err == nil:
		return true, nil
	case cancelled(err, 1):
		return false, nil // this event is recorded already
	case e.Unique != "" && cancelled(err, 2):
		return false, errs.E(errs.Conflict, "case %s has a %s event already", e.Ref, e.Unique)
	case cancelled(err, 0):
		return false, errs.E(errs.NotFound, "no case %s", e.Ref)
	}
	return false, fmt.Errorf("dynamo: append event: %w", err)
}

// eventItems are the guards and the event: the id's guard first, then
// the unique key's if the event has one, then the event.
func (s *Store) eventItems(e casefile.Event) ([]types.TransactWriteItem, error) {
	body, err := encode(e)
	if err != nil {
		return nil, err
	}
	event := keyOf(casePK(e.Ref), "EVENT#"+store.TimeKey(e.At)+"#"+e.ID)
	event["body"] = bin(body)
	items := []types.TransactWriteItem{{Put: s.putNew(keyOf(casePK(e.Ref), "EVENTID#"+e.ID))}}
	if e.Unique != "" {
		guard := keyOf(casePK(e.Ref), "UNIQUE#"+e.Unique)
		guard["id"] = str(e.ID)
		items = append(items, types.TransactWriteItem{Put: s.putNew(guard)})
	}
	items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: event}})
	return append(items, s.markItems(e)...), nil
}

// marksPK is the index partition of every case's marks: one item per case
// and mark, so ListCases reads them with one query and an event writes
// its marks with puts and deletes, no read before.
const marksPK = "MARKS"

// markItems put or delete the case's mark items an event sets.
func (s *Store) markItems(e casefile.Event) []types.TransactWriteItem {
	keys := make([]string, 0, len(e.Marks))
	for k := range e.Marks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []types.TransactWriteItem
	for _, k := range keys {
		item := keyOf(casePK(e.Ref), "MARK#"+k)
		if e.Marks[k] == "" {
			out = append(out, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: item}})
			continue
		}
		item[AttrGSI1PK] = str(marksPK)
		item[AttrGSI1SK] = str(e.Ref + "#" + k)
		item["ref"], item["mark"], item["value"] = str(e.Ref), str(k), str(e.Marks[k])
		out = append(out, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}})
	}
	return out
}

// nextMark is the mark item that holds a case's next open deadline: its
// rule as the value, its due time as due. Marks cannot begin with a dot.
const nextMark = ".next"

// marks reads every case's marks: ref → mark → value; the next deadline's
// due time under nextMark+"-due".
func (s *Store) marks(ctx context.Context) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	in := onIndex(marksPK)
	in.ProjectionExpression = aws.String("#r, mark, #v, due")
	in.ExpressionAttributeNames = map[string]string{"#r": "ref", "#v": "value"}
	err := s.query(ctx, in, func(item Item) error {
		ref, k, v := stringOf(item, "ref"), stringOf(item, "mark"), stringOf(item, "value")
		if out[ref] == nil {
			out[ref] = map[string]string{}
		}
		out[ref][k] = v
		if k == nextMark {
			out[ref][nextMark+"-due"] = stringOf(item, "due")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) caseExists(ref string) *types.ConditionCheck {
	return &types.ConditionCheck{TableName: &s.table, Key: keyOf(casePK(ref), metaSK), ConditionExpression: aws.String("attribute_exists(pk)")}
}

// ListEvents implements store.Store.
func (s *Store) ListEvents(ctx context.Context, ref string) ([]casefile.Event, error) {
	out, err := queryAll[casefile.Event](ctx, s, beginsWith(casePK(ref), "EVENT#"))
	if err == nil && len(out) == 0 { // every case has its received event
		return nil, errs.E(errs.NotFound, "no case %s", ref)
	}
	return out, err
}

func beginsWith(pk, prefix string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: Item{":pk": str(pk), ":prefix": str(prefix)},
		ConsistentRead:            aws.Bool(true),
	}
}

// onIndex queries the index's partition pk.
func onIndex(pk string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :pk"),
		ExpressionAttributeValues: Item{":pk": str(pk)},
	}
}

// PutDeadlines implements store.Store.
func (s *Store) PutDeadlines(ctx context.Context, ref string, ds []casefile.Deadline) error {
	if err := store.CheckDeadlines(ds); err != nil {
		return err
	}
	items := []types.TransactWriteItem{{ConditionCheck: s.caseExists(ref)}}
	keep := make(map[string]bool, len(ds))
	for _, d := range ds {
		d.Ref = ref
		body, err := encode(d)
		if err != nil {
			return err
		}
		item := keyOf(casePK(ref), "DEADLINE#"+d.Rule)
		item["body"] = bin(body)
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}})
		keep[d.Rule] = true
	}
	// The summary's next open deadline, beside the marks.
	next := keyOf(casePK(ref), "NEXT")
	if d, ok := casefile.NextOpen(ds); ok {
		next[AttrGSI1PK], next[AttrGSI1SK] = str(marksPK), str(ref+"#"+nextMark)
		next["ref"], next["mark"], next["value"], next["due"] = str(ref), str(nextMark), str(d.Rule), str(store.TimeKey(d.Due))
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: next}})
	} else {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: next}})
	}
	old, err := s.ListDeadlines(ctx, ref)
	if err != nil {
		return err
	}
	for _, d := range old {
		if !keep[d.Rule] {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: keyOf(casePK(ref), "DEADLINE#"+d.Rule)}})
		}
	}
	err = s.write(ctx, items)
	if cancelled(err, 0) {
		return errs.E(errs.NotFound, "no case %s", ref)
	}
	if err != nil {
		return fmt.Errorf("dynamo: put deadlines: %w", err)
	}
	return nil
}

// ListDeadlines implements store.Store.
func (s *Store) ListDeadlines(ctx context.Context, ref string) ([]casefile.Deadline, error) {
	return queryAll[casefile.Deadline](ctx, s, beginsWith(casePK(ref), "DEADLINE#"))
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, fmt.Errorf("dynamo: encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("dynamo: encode: %w", err)
	}
	if buf.Len() > 350<<10 {
		return nil, errs.E(errs.TooLarge, "the record is too large to store (%d KB compressed)", buf.Len()>>10)
	}
	return buf.Bytes(), nil
}

func decode(item Item, v any) error {
	b := bytesOf(item, "body")
	if b == nil {
		return fmt.Errorf("dynamo: item %s has no body", stringOf(item, AttrPK))
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("dynamo: decode: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("dynamo: decode: %w", err)
	}
	return json.Unmarshal(data, v)
}

// UpdateCase implements store.Store: the case's new version and its
// event in one transaction, so a retried correction cannot apply twice.
func (s *Store) UpdateCase(ctx context.Context, c casefile.Case, e casefile.Event) (bool, error) {
	if err := store.CheckUpdate(c, e); err != nil {
		return false, err
	}
	if e.RecordedAt.IsZero() {
		e.RecordedAt = s.now().UTC()
	}
	body, err := encode(c)
	if err != nil {
		return false, err
	}
	meta := keyOf(casePK(c.Ref), metaSK)
	meta[AttrGSI1PK] = str("STATUS#" + string(c.Status))
	meta[AttrGSI1SK] = str(store.TimeKey(c.ReceivedAt) + "#" + c.Ref)
	meta["body"] = bin(body)
	meta["version"] = num(int64(c.Version))
	cond := "attribute_exists(pk) AND version = :prev"
	if c.Version == 1 {
		cond = "attribute_exists(pk) AND (attribute_not_exists(version) OR version = :prev)"
	}
	put := &types.Put{TableName: &s.table, Item: meta, ConditionExpression: &cond,
		ExpressionAttributeValues: Item{":prev": num(int64(c.Version - 1))}}
	event, err := s.eventItems(e)
	if err != nil {
		return false, err
	}
	items := append([]types.TransactWriteItem{{Put: put}}, event...)
	err = s.transact(ctx, items)
	if err == nil || cancelled(err, 1) {
		return err == nil, nil // cancelled at 1: this correction is in already
	}
	if cancelled(err, 0) {
		old, gerr := s.GetCase(ctx, c.Ref)
		if gerr != nil {
			return false, gerr
		}
		return false, errs.E(errs.Conflict, "case %s is at version %d; this update is for version %d", c.Ref, old.Version, c.Version-1)
	}
	return false, fmt.Errorf("dynamo: update case: %w", err)
}

func messagePK(key string) string { return "MSG#" + key }

const messageSK = "MSG"

func (s *Store) messageItem(m casefile.Message) (Item, error) {
	body, err := encode(m)
	if err != nil {
		return nil, err
	}
	item := keyOf(messagePK(m.Key), messageSK)
	item["body"] = bin(body)
	item["state"] = str(string(m.State))
	item["lockedUntil"] = num(m.LockedUntil.UnixNano())
	switch {
	case m.State == casefile.InProgress:
		item[AttrGSI1PK] = str(inProgress)
		item[AttrGSI1SK] = str(store.TimeKey(m.LockedUntil) + "#" + m.Key)
	case m.Outcome != "":
		item[AttrGSI1PK] = str("MESSAGES#" + string(m.Outcome))
		item[AttrGSI1SK] = str(store.TimeKey(m.ReceivedAt) + "#" + m.Key)
	}
	return item, nil
}

// BeginMessage implements store.Store.
func (s *Store) BeginMessage(ctx context.Context, m casefile.Message) (casefile.Message, bool, error) {
	if err := store.CheckMessage(m); err != nil {
		return casefile.Message{}, false, err
	}
	item, err := s.messageItem(m)
	if err != nil {
		return casefile.Message{}, false, err
	}
	put := &types.Put{TableName: &s.table, Item: item,
		ConditionExpression:      aws.String("attribute_not_exists(pk) OR (#state = :progress AND lockedUntil <= :now)"),
		ExpressionAttributeNames: map[string]string{"#state": "state"},
		ExpressionAttributeValues: Item{
			":progress": str(string(casefile.InProgress)),
			":now":      num(m.UpdatedAt.UnixNano()),
		}}
	err = s.write(ctx, []types.TransactWriteItem{{Put: put}})
	switch {
	case err == nil:
		return m, true, nil
	case cancelled(err, 0):
		old, err := s.GetMessage(ctx, m.Key)
		return old, false, err
	}
	return casefile.Message{}, false, fmt.Errorf("dynamo: begin message: %w", err)
}

// PutMessage implements store.Store.
func (s *Store) PutMessage(ctx context.Context, m casefile.Message) error {
	if err := store.CheckMessage(m); err != nil {
		return err
	}
	item, err := s.messageItem(m)
	if err != nil {
		return err
	}
	put := &types.Put{TableName: &s.table, Item: item}
	if err := s.write(ctx, []types.TransactWriteItem{{Put: put}}); err != nil {
		return fmt.Errorf("dynamo: put message: %w", err)
	}
	return nil
}

// GetMessage implements store.Store.
func (s *Store) GetMessage(ctx context.Context, key string) (casefile.Message, error) {
	var m casefile.Message
	item, err := s.get(ctx, messagePK(key), messageSK)
	if err != nil {
		return m, err
	}
	if item == nil {
		return m, errs.E(errs.NotFound, "no message %s", key)
	}
	return m, decode(item, &m)
}

// ListMessages implements store.Store.
func (s *Store) ListMessages(ctx context.Context, outcome casefile.Outcome) ([]casefile.Message, error) {
	return queryAll[casefile.Message](ctx, s, onIndex("MESSAGES#"+string(outcome)))
}

const inProgress = "MESSAGES#in-progress"

// ListStuckMessages implements store.Store: a query of the index by lock
// expiry, never a scan.
func (s *Store) ListStuckMessages(ctx context.Context, t time.Time) ([]casefile.Message, error) {
	return queryAll[casefile.Message](ctx, s, upTo(inProgress, t))
}

// upTo queries the index partition pk for the items whose sort key starts
// with a time at or before t.
func upTo(pk string, t time.Time) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		IndexName:              aws.String(IndexGSI1),
		KeyConditionExpression: aws.String("gsi1pk = :pk AND gsi1sk < :upper"),
		ExpressionAttributeValues: Item{
			":pk":    str(pk),
			":upper": str(store.TimeKey(t) + "$"), // '$' sorts just after the '#' that follows the time
		},
	}
}

func draftKey(key string) Item { return keyOf("DRAFT#"+key, "DRAFT") }

// PutDraft implements store.Store.
func (s *Store) PutDraft(ctx context.Context, d store.Draft) error {
	if err := store.CheckDraft(d); err != nil {
		return err
	}
	item := draftKey(d.Key)
	item["body"] = bin(d.Body)
	item[AttrExpiresAt] = num(d.ExpiresAt.Unix())
	put := &types.Put{TableName: &s.table, Item: item}
	if err := s.write(ctx, []types.TransactWriteItem{{Put: put}}); err != nil {
		return fmt.Errorf("dynamo: put draft: %w", err)
	}
	return nil
}

// GetDraft implements store.Store. The TTL removes expired drafts within
// days, so the expiry is checked here too.
func (s *Store) GetDraft(ctx context.Context, key string, now time.Time) (store.Draft, error) {
	item, err := s.get(ctx, "DRAFT#"+key, "DRAFT")
	if err != nil {
		return store.Draft{}, fmt.Errorf("dynamo: get draft: %w", err)
	}
	body, exp := bytesOf(item, "body"), numberOf(item, AttrExpiresAt)
	if body == nil || exp == "" {
		return store.Draft{}, errs.E(errs.NotFound, "no draft")
	}
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !time.Unix(secs, 0).After(now) {
		return store.Draft{}, errs.E(errs.NotFound, "no draft")
	}
	return store.Draft{Key: key, Body: body, ExpiresAt: time.Unix(secs, 0).UTC()}, nil
}

// DeleteDraft implements store.Store.
func (s *Store) DeleteDraft(ctx context.Context, key string) error {
	del := &types.Delete{TableName: &s.table, Key: draftKey(key)}
	if err := s.write(ctx, []types.TransactWriteItem{{Delete: del}}); err != nil {
		return fmt.Errorf("dynamo: delete draft: %w", err)
	}
	return nil
}
