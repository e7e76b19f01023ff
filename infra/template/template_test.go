// Package template checks template.yaml against the code: it parses the
// SAM template with goformation and holds it to what the functions and the
// store expect.
package template

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
)

const root = "../.."

func parse(t *testing.T) *cloudformation.Template {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := goformation.ParseYAML(unknownToGoformation.ReplaceAll(data, nil))
	if err != nil {
		t.Fatalf("template.yaml does not parse: %v", err)
	}
	return tmpl
}

// unknownToGoformation are template lines whose property goformation
// (archived at v7.14.9) does not know, and refuses the whole template
// for: SES's S3 action's IamRoleArn. Their resources are checked on the
// raw template instead.
var unknownToGoformation = regexp.MustCompile(`(?m)^\s*IamRoleArn:.*\n`)

var buildLine = regexp.MustCompile(`(?m)^GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build .*-tags lambda\.norpc .*-o /artifacts/bootstrap \./(functions/[a-z0-9-]+)$`)

// TestFunctionsBuild checks that every function is built by a Makefile
// target from a folder that holds a main package, for provided.al2023 on
// arm64, and that every folder under functions/ is deployed.
func TestFunctionsBuild(t *testing.T) {
	tmpl := parse(t)
	deployed := map[string]bool{}
	functions := tmpl.GetAllServerlessFunctionResources()
	if len(functions) == 0 {
		t.Fatal("no functions in template.yaml")
	}
	for name, fn := range functions {
		if fn.AWSCloudFormationMetadata["BuildMethod"] != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod is not makefile", name)
		}
		if fn.CodeUri == nil || fn.CodeUri.String == nil || *fn.CodeUri.String != "." {
			t.Errorf("%s: CodeUri must be . (the root Makefile builds it)", name)
		}
		// What SAM will run, expanded by make itself.
		cmd := exec.Command("make", "-n", "-C", root, "build-"+name, "ARTIFACTS_DIR=/artifacts")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: make -n build-%s: %v\n%s", name, name, err, out)
			continue
		}
		m := buildLine.FindSubmatch(out)
		if m == nil {
			t.Errorf("%s: build-%s does not build a static arm64 bootstrap with -tags lambda.norpc:\n%s", name, name, out)
			continue
		}
		dir := string(m[1])
		if _, err := os.Stat(filepath.Join(root, dir, "main.go")); err != nil {
			t.Errorf("%s: %s/main.go: %v", name, dir, err)
		}
		deployed[dir] = true
	}
	g, err := tmpl.GetServerlessGlobalFunction()
	if err != nil {
		t.Fatal(err)
	}
	if g.Runtime == nil || *g.Runtime != "provided.al2023" || g.Architectures == nil || strings.Join(*g.Architectures, ",") != "arm64" {
		t.Errorf("Globals.Function: want provided.al2023 on arm64")
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, filepath.Dir(d))
		if !deployed[filepath.ToSlash(rel)] {
			t.Errorf("%s is not deployed by template.yaml", rel)
		}
	}
}

// TestTable checks that the table's keys and index are the store's, and
// that it is encrypted, recoverable and streamed.
func TestTable(t *testing.T) { checkTable(t, parse(t)) }

func checkTable(t *testing.T, tmpl *cloudformation.Template) {
	t.Helper()
	tables := tmpl.GetAllDynamoDBTableResources()
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	for name, tbl := range tables {
		keys := map[string]string{}
		for _, k := range tbl.KeySchema {
			keys[k.KeyType] = k.AttributeName
		}
		if keys["HASH"] != dynamo.AttrPK || keys["RANGE"] != dynamo.AttrSK {
			t.Errorf("%s: keys %v, want %s/%s", name, keys, dynamo.AttrPK, dynamo.AttrSK)
		}
		var defined []string
		for _, a := range tbl.AttributeDefinitions {
			defined = append(defined, a.AttributeName+":"+a.AttributeType)
		}
		sort.Strings(defined)
		if want := []string{"gsi1pk:S", "gsi1sk:S", "pk:S", "sk:S"}; strings.Join(defined, ",") != strings.Join(want, ",") {
			t.Errorf("%s: attributes %v, want %v", name, defined, want)
		}
		if len(tbl.GlobalSecondaryIndexes) != 1 || tbl.GlobalSecondaryIndexes[0].IndexName != dynamo.IndexGSI1 ||
			tbl.GlobalSecondaryIndexes[0].Projection.ProjectionType == nil || *tbl.GlobalSecondaryIndexes[0].Projection.ProjectionType != "ALL" {
			t.Errorf("%s: the index must be %s projecting ALL", name, dynamo.IndexGSI1)
		} else {
			gk := map[string]string{}
			for _, k := range tbl.GlobalSecondaryIndexes[0].KeySchema {
				gk[k.KeyType] = k.AttributeName
			}
			if gk["HASH"] != dynamo.AttrGSI1PK || gk["RANGE"] != dynamo.AttrGSI1SK {
				t.Errorf("%s: index keys %v", name, gk)
			}
		}
		if p := tbl.PointInTimeRecoverySpecification; p == nil || p.PointInTimeRecoveryEnabled == nil || !*p.PointInTimeRecoveryEnabled {
			t.Errorf("%s: point-in-time recovery is off", name)
		}
		if tbl.DeletionProtectionEnabled == nil || !*tbl.DeletionProtectionEnabled {
			t.Errorf("%s: deletion protection is off", name)
		}
		if s := tbl.SSESpecification; s == nil || !s.SSEEnabled || s.SSEType == nil || *s.SSEType != "KMS" {
			t.Errorf("%s: not encrypted with KMS", name)
		}
		if s := tbl.StreamSpecification; s == nil || s.StreamViewType != "KEYS_ONLY" {
			t.Errorf("%s: the stream must carry keys only (its reader needs no more)", name)
		}
		if ttl := tbl.TimeToLiveSpecification; ttl == nil || ttl.AttributeName == nil || *ttl.AttributeName != dynamo.AttrExpiresAt {
			t.Errorf("%s: TTL must be on %s", name, dynamo.AttrExpiresAt)
		}
	}
}

// TestMailbox checks the SES receipt rule: TLS required, scanning on, the
// message stored under the prefix the function reads, then the function
// invoked asynchronously, with SES allowed to invoke it.
func TestMailbox(t *testing.T) {
	tmpl := parse(t)
	rules := tmpl.GetAllSESReceiptRuleResources()
	if len(rules) != 1 {
		t.Fatalf("%d receipt rules, want 1", len(rules))
	}
	fn, err := tmpl.GetServerlessFunctionWithName("EmailIntakeFunction")
	if err != nil {
		t.Fatal(err)
	}
	prefix := fn.Environment.Variables["MAIL_PREFIX"]
	for name, r := range rules {
		rule := r.Rule
		if rule.TlsPolicy == nil || *rule.TlsPolicy != "Require" || rule.ScanEnabled == nil || !*rule.ScanEnabled {
			t.Errorf("%s: TLS must be required and scanning on", name)
		}
		if len(rule.Actions) != 2 || rule.Actions[0].S3Action == nil || rule.Actions[1].LambdaAction == nil {
			t.Fatalf("%s: actions must be S3 then Lambda", name)
		}
		if p := rule.Actions[0].S3Action.ObjectKeyPrefix; p == nil || *p != prefix {
			t.Errorf("%s: stores under %v, the function reads %v", name, p, prefix)
		}
		if rule.Actions[0].S3Action.KmsKeyArn != nil {
			t.Errorf("%s: SES client-side encryption would leave messages the function cannot read; the bucket encrypts", name)
		}
		if it := rule.Actions[1].LambdaAction.InvocationType; it == nil || *it != "Event" {
			t.Errorf("%s: the function must be invoked asynchronously (retries, DLQ)", name)
		}
	}
	if fn.EventInvokeConfig == nil || fn.EventInvokeConfig.DestinationConfig == nil {
		t.Error("EmailIntakeFunction: failed deliveries need a destination")
	}
	perms := tmpl.GetAllLambdaPermissionResources()
	ok := false
	for _, p := range perms {
		if p.Principal == "ses.amazonaws.com" && p.SourceAccount != nil && p.SourceArn != nil {
			ok = true
		}
	}
	if !ok {
		t.Error("SES may not invoke EmailIntakeFunction (or may from any account)")
	}
}

// TestPublicForm checks the public web form's front door: API Gateway's
// REST API with the WAF web ACL associated, a per-address rate rule on
// POSTs, and no Function URL; the API's Function URL takes IAM-signed
// requests only.
func TestPublicForm(t *testing.T) {
	tmpl := parse(t)
	form, err := tmpl.GetServerlessFunctionWithName("FormIntakeFunction")
	if err != nil {
		t.Fatal(err)
	}
	if form.FunctionUrlConfig != nil {
		t.Error("the public form must not have a Function URL: WAF cannot stand in front of one")
	}
	if len(form.Events) == 0 {
		t.Error("the form function has no API Gateway events")
	}
	for name, ev := range form.Events {
		if ev.Type != "Api" {
			t.Errorf("event %s is %s, want Api", name, ev.Type)
		}
	}
	api, err := tmpl.GetServerlessFunctionWithName("IntakeApiFunction")
	if err != nil {
		t.Fatal(err)
	}
	if api.FunctionUrlConfig == nil || api.FunctionUrlConfig.AuthType != "AWS_IAM" {
		t.Error("the intake API's Function URL must take IAM-signed requests only")
	}
	acls := tmpl.GetAllWAFv2WebACLResources()
	if len(acls) != 1 {
		t.Fatalf("%d web ACLs, want 1", len(acls))
	}
	rated := false
	for _, acl := range acls {
		if acl.Scope != "REGIONAL" {
			t.Errorf("web ACL scope %s", acl.Scope)
		}
		for _, r := range acl.Rules {
			if r.Statement.RateBasedStatement != nil && r.Statement.RateBasedStatement.AggregateKeyType == "IP" && r.Statement.RateBasedStatement.ScopeDownStatement != nil {
				rated = true
			}
		}
	}
	if !rated {
		t.Error("no per-address rate rule on submissions")
	}
	assoc := tmpl.GetAllWAFv2WebACLAssociationResources()
	if len(assoc) != 1 {
		t.Fatalf("%d web ACL associations, want 1", len(assoc))
	}
	for _, a := range assoc {
		if !strings.Contains(a.ResourceArn, "restapis") {
			t.Errorf("web ACL associated with %s, not the form's REST API stage", a.ResourceArn)
		}
	}
}
