package fntest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// functionToken marks the function's own calls: its environment carries
// it as AWS_SESSION_TOKEN, the tests' own calls (creating resources,
// looking at what the function did) do not.
const functionToken = "fntest-function"

// Rights are what each function may do, by its logical id in template.yaml:
// action → the key prefixes it may touch ("CASE#", "raw/"), "index" for a
// query of the table's index, "*" where the action has no key. It is
// read from infra/template/testdata/rights.json, which the template test
// holds the template's policies to: so each function's tests check that
// what it did, the template allows.
type Rights map[string]map[string][]string

// LoadRights reads rights.json (its "_" is its explanation).
func LoadRights(t testing.TB) Rights {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "infra", "template", "testdata", "rights.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "_")
	r := Rights{}
	for fn, v := range raw {
		var m map[string][]string
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatalf("rights.json, %s: %v", fn, err)
		}
		r[fn] = m
	}
	return r
}

// call is one AWS call the function made: its IAM action and the key
// prefix it touched.
type call struct{ action, on string }

// recorder stands between the function and an emulator, noting each call
// the function signs.
type recorder struct {
	mu    sync.Mutex
	calls map[call]bool
}

func (r *recorder) proxy(t testing.TB, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get("X-Amz-Security-Token") == functionToken {
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			r.note(req, body)
		}
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (r *recorder) note(req *http.Request, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range callsOf(req, body) {
		r.calls[c] = true
	}
}

// callsOf reads what a request asks, as IAM names it.
func callsOf(req *http.Request, body []byte) []call {
	target := req.Header.Get("X-Amz-Target")
	service := ""
	if _, scope, ok := strings.Cut(req.Header.Get("Authorization"), "Credential="); ok {
		if parts := strings.Split(scope, "/"); len(parts) > 3 {
			service = parts[3]
		}
	}
	switch {
	case strings.HasPrefix(target, "DynamoDB_20120810."):
		return dynamoCalls(strings.TrimPrefix(target, "DynamoDB_20120810."), body)
	case service == "s3":
		key := strings.TrimPrefix(req.URL.Path, "/")
		_, key, _ = strings.Cut(key, "/") // the bucket is the path's first segment
		prefix, _, _ := strings.Cut(key, "/")
		action := map[string]string{http.MethodGet: "s3:GetObject", http.MethodPut: "s3:PutObject", http.MethodHead: "s3:GetObject"}[req.Method]
		return []call{{action, prefix + "/"}}
	case service == "scheduler":
		name := strings.TrimPrefix(req.URL.Path, "/schedules")
		action := map[string]string{http.MethodGet: "GetSchedule", http.MethodPost: "CreateSchedule", http.MethodPut: "UpdateSchedule", http.MethodDelete: "DeleteSchedule"}[req.Method]
		if name == "" {
			action = "ListSchedules"
		}
		calls := []call{{"scheduler:" + action, "*"}}
		if action == "CreateSchedule" || action == "UpdateSchedule" {
			calls = append(calls, call{"iam:PassRole", "*"}) // the schedule's role
		}
		return calls
	case service == "ses":
		return []call{{"ses:SendRawEmail", "*"}}
	case strings.HasPrefix(target, "secretsmanager."):
		return []call{{"secretsmanager:" + strings.TrimPrefix(target, "secretsmanager."), "*"}}
	case strings.HasPrefix(target, "AmazonSQS."):
		return []call{{"sqs:" + strings.TrimPrefix(target, "AmazonSQS."), "*"}}
	}
	return []call{{"unknown:" + service + " " + req.Method + " " + req.URL.Path + " " + target, "*"}}
}

// dynamoCalls are the IAM actions of one DynamoDB operation, with the
// prefix of each partition key it names (a transaction's items each need
// their own action).
func dynamoCalls(op string, body []byte) []call {
	type item map[string]map[string]any
	var in struct {
		Key, Item                 item
		IndexName                 string
		ExpressionAttributeValues item
		TransactItems             []map[string]struct{ Key, Item item }
	}
	_ = json.Unmarshal(body, &in)
	prefix := func(it item) string {
		pk, _ := it["pk"]["S"].(string)
		if i := strings.IndexByte(pk, '#'); i >= 0 {
			return pk[:i+1]
		}
		return pk
	}
	switch op {
	case "GetItem":
		return []call{{"dynamodb:GetItem", prefix(in.Key)}}
	case "Query":
		if in.IndexName != "" {
			return []call{{"dynamodb:Query", "index"}}
		}
		pk, _ := in.ExpressionAttributeValues[":pk"]["S"].(string)
		return []call{{"dynamodb:Query", prefix(item{"pk": {"S": pk}})}}
	case "TransactWriteItems":
		var out []call
		for _, ti := range in.TransactItems {
			for kind, w := range ti {
				it := w.Key
				if it == nil {
					it = w.Item
				}
				action := map[string]string{"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem", "Delete": "dynamodb:DeleteItem", "ConditionCheck": "dynamodb:ConditionCheckItem"}[kind]
				out = append(out, call{action, prefix(it)})
			}
		}
		return out
	}
	return []call{{"dynamodb:" + op, "*"}}
}

// check fails the test for every call the function made that rights does
// not allow it.
func (r *recorder) check(t testing.TB, function string) {
	t.Helper()
	allowed, ok := LoadRights(t)[function]
	if !ok {
		t.Fatalf("rights.json has no %s", function)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var denied []string
	for c := range r.calls {
		if !slices.Contains(allowed[c.action], c.on) && !slices.Contains(allowed[c.action], "*") {
			denied = append(denied, c.action+" on "+c.on)
		}
	}
	sort.Strings(denied)
	for _, d := range denied {
		t.Errorf("%s did %s, which template.yaml does not allow it (infra/template/testdata/rights.json)", function, d)
	}
}
