package template

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestEachFunctionsRights holds every function's role, as SAM makes it, to
// testdata/rights.json — the same list each function's own test holds
// what the function did to (functions/internal/fntest): each action, and
// what it may touch. Every right on the table's items names its
// partition-key prefixes; the public form's function may not query, read
// a raw input back, schedule or pass a role.
func TestEachFunctionsRights(t *testing.T) {
	tmpl, resources := transformed(t)
	data, err := os.ReadFile(filepath.Join("testdata", "rights.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]map[string][]string
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "_")
	want = map[string]map[string][]string{}
	for fn, v := range raw {
		var m map[string][]string
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatal(err)
		}
		want[fn] = m
	}
	for fn := range tmpl.GetAllLambdaFunctionResources() {
		if _, ok := want[fn]; !ok {
			t.Errorf("%s is not in testdata/rights.json", fn)
		}
	}
	aws := []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}
	for fn, rights := range want {
		role, ok := resources[fn+"Role"].(map[string]any)
		if !ok {
			t.Errorf("%s has no role of its own", fn)
			continue
		}
		props := role["Properties"].(map[string]any)
		var statements []any
		for _, p := range asList(props["Policies"]) {
			statements = append(statements, asList(p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"])...)
		}
		for _, arn := range asList(props["ManagedPolicyArns"]) {
			if m, ok := arn.(map[string]any); ok {
				ref, _ := m["Ref"].(string)
				doc := resources[ref].(map[string]any)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
				statements = append(statements, asList(doc["Statement"])...)
				continue
			}
			allowed := append(slices.Clone(aws), map[bool]string{true: "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"}[fn == "SettleFunction"])
			if s, _ := arn.(string); !slices.Contains(allowed, s) {
				t.Errorf("%s has the managed policy %v", fn, arn)
			}
		}
		got := granted(t, fn, statements)
		if g, w := describe(got), describe(rights); g != w {
			t.Errorf("%s may\n%s\nwant (testdata/rights.json)\n%s", fn, g, w)
		}
	}
}

// granted reads Allow statements into action → what it may touch, as
// rights.json writes it.
func granted(t *testing.T, fn string, statements []any) map[string][]string {
	out := map[string][]string{}
	add := func(action, on string) {
		if !slices.Contains(out[action], on) {
			out[action] = append(out[action], on)
		}
	}
	for _, s := range statements {
		st := s.(map[string]any)
		if st["Effect"] != "Allow" {
			continue
		}
		var prefixes []string
		cond, _ := st["Condition"].(map[string]any)
		if c, ok := cond["ForAllValues:StringLike"].(map[string]any); ok {
			for _, p := range asList(c["dynamodb:LeadingKeys"]) {
				prefixes = append(prefixes, strings.TrimSuffix(p.(string), "*"))
			}
		}
		for _, a := range asList(st["Action"]) {
			action := a.(string)
			for _, r := range asList(st["Resource"]) {
				res, _ := json.Marshal(r)
				switch {
				case strings.HasPrefix(action, "dynamodb:") && string(res) == `{"Fn::GetAtt":["CasesTable","Arn"]}`:
					if len(prefixes) == 0 {
						t.Errorf("%s: %s on every item of the table: name its key prefixes (dynamodb:LeadingKeys)", fn, action)
					}
					for _, p := range prefixes {
						add(action, p)
					}
				case strings.HasPrefix(action, "dynamodb:") && string(res) == `{"Fn::Sub":"${CasesTable.Arn}/index/gsi1"}`:
					add(action, "index")
				case strings.HasPrefix(action, "dynamodb:"):
					t.Errorf("%s: %s on %s", fn, action, res)
				case strings.HasPrefix(action, "s3:"):
					var sub string
					if m, ok := r.(map[string]any); ok {
						sub, _ = m["Fn::Sub"].(string)
					}
					prefix, ok := strings.CutPrefix(sub, "${RawBucket.Arn}/")
					if !ok || !strings.HasSuffix(prefix, "/*") {
						t.Errorf("%s: %s on %s, not under a prefix of the raw bucket", fn, action, res)
						continue
					}
					add(action, strings.TrimSuffix(prefix, "*"))
				default:
					// "*" in rights.json is "no key to name"; the resource is
					// still the stack's own, but where AWS has none to give.
					if string(res) == `"*"` && action != "scheduler:ListSchedules" {
						t.Errorf("%s: %s on every resource of the account", fn, action)
					}
					add(action, "*")
				}
			}
		}
	}
	return out
}

func describe(m map[string][]string) string {
	var lines []string
	for action, on := range m {
		on = slices.Clone(on)
		sort.Strings(on)
		lines = append(lines, fmt.Sprintf("  %s %s", action, strings.Join(on, " ")))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}
