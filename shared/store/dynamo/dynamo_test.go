package dynamo

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/store/storetest"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var emulator = testenv.Lazy{Start: testenv.StartDynamoDBLocal}

func TestMain(m *testing.M) { testenv.Main(m, &emulator) }

// localClient returns a client for DynamoDB Local at endpoint, with fixed
// credentials so no AWS account or network is needed.
func localClient(endpoint string) *dynamodb.Client {
	cfg := testenv.AWSConfig()
	cfg.BaseEndpoint = &endpoint
	return NewClient(cfg)
}

var tables atomic.Int64

// newTable makes a table of its own on DynamoDB Local, as template.yaml
// declares it.
func newTable(t *testing.T) (endpoint, table string) {
	t.Helper()
	endpoint = emulator.Endpoint(t)
	table = fmt.Sprintf("cspr-test-%d", tables.Add(1))
	if err := CreateTable(context.Background(), localClient(endpoint), table); err != nil {
		t.Fatal(err)
	}
	return endpoint, table
}

func TestConformance(t *testing.T) {
	endpoint := emulator.Endpoint(t)
	client := localClient(endpoint)
	storetest.Run(t, func(t *testing.T) store.Store {
		_, table := newTable(t)
		return New(client, table, nil)
	})
}

// TestNoScans: the store reaches DynamoDB through API only, which has no
// Scan: every list — the case list's pages, due deadlines, held mail — is
// a query on the table or its index, whatever the table's size.
func TestNoScans(t *testing.T) {
	api := reflect.TypeOf((*API)(nil)).Elem()
	var methods []string
	for i := range api.NumMethod() {
		methods = append(methods, api.Method(i).Name)
	}
	if strings.Join(methods, ",") != "GetItem,Query,TransactWriteItems" {
		t.Errorf("the store may call %v; a list must be a query", methods)
	}
}

// pagedAPI answers a query in pages of one item.
type pagedAPI struct {
	API
	items []Item
	asked []Item // the start key of each call
}

func (p *pagedAPI) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	p.asked = append(p.asked, in.ExclusiveStartKey)
	i := 0
	if in.ExclusiveStartKey != nil {
		fmt.Sscan(stringOf(in.ExclusiveStartKey, AttrSK), &i)
		i++
	}
	out := &dynamodb.QueryOutput{Items: p.items[i : i+1]}
	if i+1 < len(p.items) {
		out.LastEvaluatedKey = Item{AttrSK: str(fmt.Sprint(i))}
	}
	return out, nil
}

// TestQueryPages: a query is read to its last page, each call starting
// where the one before stopped.
func TestQueryPages(t *testing.T) {
	api := &pagedAPI{}
	for _, v := range []string{"a", "b", "c"} {
		api.items = append(api.items, Item{"v": str(v)})
	}
	var got []string
	err := New(api, "t", nil).query(context.Background(), &dynamodb.QueryInput{}, func(it Item) error {
		got = append(got, stringOf(it, "v"))
		return nil
	})
	if err != nil || strings.Join(got, "") != "abc" || len(api.asked) != 3 || api.asked[0] != nil || stringOf(api.asked[2], AttrSK) != "1" {
		t.Errorf("read %v, %v; asked %v", got, err, api.asked)
	}
}

// TestLostAnswer: when DynamoDB's answer to a transaction is lost and the
// call is sent again, the case is created once and reported as created —
// the transaction's idempotency token makes the second sending an answer,
// not a duplicate that would find the case as someone else's.
func TestLostAnswer(t *testing.T) {
	ctx := context.Background()
	endpoint, table := newTable(t)
	target, _ := url.Parse(endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var lost atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "DynamoDB_20120810.TransactWriteItems" && lost.Add(1) == 1 {
			proxy.ServeHTTP(httptest.NewRecorder(), r) // DynamoDB does the write …
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close() // … and its answer never arrives
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	st := New(localClient(srv.URL), table, nil)
	c, created, err := st.CreateCase(ctx, storetest.NewCase("lost-answer", time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)), "DSP-2026")
	if err != nil || !created || c.Ref != "DSP-2026-0001" || lost.Load() < 2 {
		t.Fatalf("CreateCase after a lost answer: %s created %v, %v (%d sendings)", c.Ref, created, err, lost.Load())
	}
	if list, _ := st.ListCases(ctx, ""); len(list) != 1 {
		t.Errorf("%d cases", len(list))
	}
}

// TestQueryPagesOnDynamoDBLocal: lists read every page DynamoDB gives,
// pages of two items here.
func TestQueryPagesOnDynamoDBLocal(t *testing.T) {
	ctx := context.Background()
	endpoint, table := newTable(t)
	st := New(localClient(endpoint), table, nil)
	st.page = 2
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var refs []string
	for i := range 5 {
		c, _, err := st.CreateCase(ctx, storetest.NewCase(fmt.Sprintf("paged-%d", i), at.Add(time.Duration(i)*time.Minute)), "DSP-2026")
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, c.Ref)
	}
	for i := range 4 {
		e := casefile.Event{Ref: refs[0], ID: fmt.Sprintf("note-%d", i), Type: "note", At: at.Add(time.Duration(i+1) * time.Hour), Actor: "test"}
		if _, err := st.AppendEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	list, err := st.ListCases(ctx, "")
	if err != nil || len(list) != 5 || list[0].Ref != refs[0] || list[4].Ref != refs[4] {
		t.Errorf("ListCases: %d cases, %v", len(list), err)
	}
	events, err := st.ListEvents(ctx, refs[0])
	if err != nil || len(events) != 5 {
		t.Errorf("ListEvents: %d events, %v", len(events), err)
	}
}
