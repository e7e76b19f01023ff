package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
)

var transformOnce struct {
	sync.Once
	json []byte
	err  error
	out  string
}

// transformed is template.yaml as CloudFormation deploys it: expanded by
// the SAM translator (the machine image's, the one cfn-lint uses). Without
// the translator the test is skipped, unless CSPR_REQUIRE_SAM is set (as
// ./scripts/test sets it), when it fails.
func transformed(t *testing.T) (*cloudformation.Template, map[string]any) {
	t.Helper()
	transformOnce.Do(func() {
		cmd := exec.Command("python3", filepath.Join("testdata", "transform.py"), filepath.Join(root, "template.yaml"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		transformOnce.json, transformOnce.err = cmd.Output()
		transformOnce.out = stderr.String()
	})
	if err := transformOnce.err; err != nil {
		var notRun *exec.Error
		missing := errors.As(err, &notRun) || strings.Contains(transformOnce.out, "No module named 'samtranslator'")
		if missing && os.Getenv("CSPR_REQUIRE_SAM") == "" {
			t.Skipf("the SAM translator is not installed (it comes with cfn-lint): %v", err)
		}
		t.Fatalf("the SAM transform fails: %v\n%s", err, transformOnce.out)
	}
	var raw map[string]any
	if err := json.Unmarshal(transformOnce.json, &raw); err != nil {
		t.Fatal(err)
	}
	known, _ := json.Marshal(without(raw, "IamRoleArn")) // see unknownToGoformation
	tmpl, err := goformation.ParseJSON(known)
	if err != nil {
		t.Fatalf("the transformed template does not parse: %v", err)
	}
	if err := json.Unmarshal(transformOnce.json, &raw); err != nil { // afresh: without() changed it
		t.Fatal(err)
	}
	return tmpl, raw["Resources"].(map[string]any)
}

// without removes a key wherever it is in a decoded JSON value.
func without(v any, key string) any {
	switch v := v.(type) {
	case map[string]any:
		delete(v, key)
		for k, e := range v {
			v[k] = without(e, key)
		}
	case []any:
		for i, e := range v {
			v[i] = without(e, key)
		}
	}
	return v
}

// TestTransformedTemplate holds what the SAM transform makes to what
// template.yaml means: one API stage, the one the WAF, throttling and
// access logs cover (SAM's deployment makes a second, "Stage", around all
// three unless told not to); the store's table as TestTable wants it; only the intake
// API with a Function URL, IAM-signed; a retained log group for every
// function, with the retention the stack sets.
func TestTransformedTemplate(t *testing.T) {
	tmpl, resources := transformed(t)

	stages := tmpl.GetAllApiGatewayStageResources()
	if len(stages) != 1 {
		var names []string
		for name := range stages {
			names = append(names, name)
		}
		t.Fatalf("%d API stages (%v), want 1: every other stage is outside the WAF", len(stages), names)
	}
	for name, s := range stages {
		if s.StageName == nil || *s.StageName != "live" {
			t.Errorf("%s: stage %v, want live", name, s.StageName)
		}
		logs, _ := json.Marshal(resources[name].(map[string]any)["Properties"].(map[string]any)["AccessLogSetting"])
		if !strings.Contains(string(logs), `"DestinationArn":{"Fn::GetAtt":["FormApiAccessLogs","Arn"]}`) || s.AccessLogSetting == nil || s.AccessLogSetting.Format == nil {
			t.Errorf("%s: no access logs to the stack's log group: %s", name, logs)
		} else if f := *s.AccessLogSetting.Format; strings.Contains(f, "$context.path") || strings.Contains(f, "querystring") {
			t.Errorf("%s: access logs must log the route template, not the path or query: %s", name, f)
		}
		throttled := false
		for _, m := range s.MethodSettings {
			throttled = throttled || (m.ThrottlingRateLimit != nil && m.ResourcePath != nil && *m.ResourcePath == "/*")
		}
		if !throttled {
			t.Errorf("%s: not throttled", name)
		}
	}
	// A deployment that names a stage makes that stage too, outside the
	// template's view (SAM's "Stage", unless OpenApiVersion is set).
	for name, d := range tmpl.GetAllApiGatewayDeploymentResources() {
		if d.StageName != nil {
			t.Errorf("%s: the deployment makes a second stage, %q, outside the WAF", name, *d.StageName)
		}
	}
	for name, a := range tmpl.GetAllWAFv2WebACLAssociationResources() {
		if !strings.HasSuffix(a.ResourceArn, "/stages/live") {
			t.Errorf("%s: the WAF covers %s, not the live stage", name, a.ResourceArn)
		}
	}

	urls := tmpl.GetAllLambdaUrlResources()
	if len(urls) != 1 {
		t.Errorf("%d Function URLs, want 1 (the intake API's)", len(urls))
	}
	for name, u := range urls {
		if u.AuthType != "AWS_IAM" {
			t.Errorf("%s: %s, want AWS_IAM", name, u.AuthType)
		}
	}

	// Every API permission is for this stack's API.
	for name, p := range tmpl.GetAllLambdaPermissionResources() {
		if p.Principal != "apigateway.amazonaws.com" {
			continue
		}
		arn, _ := json.Marshal(resources[name].(map[string]any)["Properties"].(map[string]any)["SourceArn"])
		if !strings.Contains(string(arn), `{"Ref":"FormApi"}`) {
			t.Errorf("%s: API Gateway may invoke from %s", name, arn)
		}
	}

	// A retained log group per function, so nothing logs where the stack
	// sets no retention.
	logs := map[string]bool{}
	for name, r := range resources {
		res := r.(map[string]any)
		if res["Type"] != "AWS::Logs::LogGroup" {
			continue
		}
		if p := res["DeletionPolicy"]; p != "Retain" && p != "RetainExceptOnCreate" {
			t.Errorf("%s: log group not retained", name)
		}
		props := res["Properties"].(map[string]any)
		if ret, _ := json.Marshal(props["RetentionInDays"]); string(ret) != `{"Ref":"LogRetentionDays"}` {
			t.Errorf("%s: retention %s", name, ret)
		}
		group, _ := json.Marshal(props["LogGroupName"])
		logs[string(group)] = true
	}
	for name := range tmpl.GetAllLambdaFunctionResources() {
		if !logs[`{"Fn::Sub":"/aws/lambda/${`+name+`}"}`] {
			t.Errorf("function %s has no log group of the stack's", name)
		}
	}
}

// TestTransformedTable runs TestTable's checks on the deployed form.
func TestTransformedTable(t *testing.T) {
	tmpl, _ := transformed(t)
	checkTable(t, tmpl)
}

// TestDeploysTwiceAndAgain: nothing the stack names is fixed across
// stacks or attempts. The Cognito sign-in prefix is the one given, or
// cspr- and the stack's own id; every log group and the SES identity are
// kept when the stack is deleted but not when its first create fails
// (RetainExceptOnCreate), so a retry with the same stack name finds
// nothing in its way; a retained log group named after the stack carries
// its id too, so a reinstall after a delete makes a new one.
func TestDeploysTwiceAndAgain(t *testing.T) {
	_, resources := transformed(t)
	domain, _ := json.Marshal(resources["WorkspaceSignInPages"].(map[string]any)["Properties"].(map[string]any)["Domain"])
	if !strings.Contains(string(domain), `"Fn::If":["HasSignInDomain",{"Ref":"WorkspaceSignInDomain"}`) || !strings.Contains(string(domain), `"Ref":"AWS::StackId"`) {
		t.Errorf("the sign-in prefix is not the given one or the stack's own: %s", domain)
	}
	for name, r := range resources {
		res := r.(map[string]any)
		typ, _ := res["Type"].(string)
		policy, _ := res["DeletionPolicy"].(string)
		if typ != "AWS::Logs::LogGroup" && typ != "AWS::SES::EmailIdentity" {
			continue
		}
		if policy != "RetainExceptOnCreate" {
			t.Errorf("%s (%s): DeletionPolicy %q, want RetainExceptOnCreate", name, typ, policy)
		}
		props, _ := json.Marshal(res["Properties"])
		if strings.Contains(string(props), "AWS::StackName") && !strings.Contains(string(props), "AWS::StackId") {
			t.Errorf("%s: named after the stack only, so a reinstall collides with the one kept: %s", name, props)
		}
	}
}

// TestSignOutSignsOut: the workspace's sign-out goes on to Cognito's
// hosted /logout, which sends the browser back only to an address the app
// client lists: the two agree, and the route back is deployed.
func TestSignOutSignsOut(t *testing.T) {
	_, resources := transformed(t)
	client, _ := json.Marshal(resources["WorkspaceClient"].(map[string]any)["Properties"].(map[string]any)["LogoutURLs"])
	if !strings.Contains(string(client), "/signout/done") {
		t.Errorf("the app client lists no sign-out address: %s", client)
	}
	fn, _ := json.Marshal(resources["WorkspaceFunction"].(map[string]any)["Properties"].(map[string]any)["Environment"])
	if !strings.Contains(string(fn), `"OIDC_LOGOUT_URL":{"Fn::Sub":"https://${WorkspaceSignInPages}.auth.${AWS::Region}.amazoncognito.com/logout"}`) {
		t.Errorf("the workspace does not know Cognito's logout endpoint: %s", fn)
	}
	all, _ := json.Marshal(resources)
	if !strings.Contains(string(all), `"/signout/done":{"get":`) {
		t.Error("no route for /signout/done")
	}
}

// TestRunsUnattended: an alarm on each way the stack can fail quietly —
// the scheduler's dead-letter sends, the mail sweep's invocations, the
// form and workspace's 5xx, SES's bounce and complaint rates — each to the
// alerts topic; and the functions behind API Gateway time out before its
// 29 seconds.
func TestRunsUnattended(t *testing.T) {
	_, resources := transformed(t)
	want := map[string]string{
		"AWS/Scheduler InvocationsFailedToBeSentToDeadLetterCount": "", "AWS/Events FailedInvocations": "",
		"AWS/ApiGateway 5XXError": "", "AWS/SES Reputation.BounceRate": "", "AWS/SES Reputation.ComplaintRate": "",
	}
	for _, r := range resources {
		res := r.(map[string]any)
		if res["Type"] != "AWS::CloudWatch::Alarm" {
			continue
		}
		p := res["Properties"].(map[string]any)
		key := fmt.Sprint(p["Namespace"], " ", p["MetricName"])
		if _, ok := want[key]; ok {
			actions, _ := json.Marshal(p["AlarmActions"])
			want[key] = string(actions)
		}
	}
	for key, actions := range want {
		if !strings.Contains(actions, "AlertsTopic") {
			t.Errorf("no alarm to the alerts topic on %s", key)
		}
	}
	for _, fn := range []string{"FormIntakeFunction", "WorkspaceFunction"} {
		if to, _ := resources[fn].(map[string]any)["Properties"].(map[string]any)["Timeout"].(float64); to == 0 || to >= 29 {
			t.Errorf("%s times out after %v s, not under API Gateway's 29", fn, to)
		}
	}
}

// TestParametersCannotBeCombinedWrongly: a domain needs its certificate
// (and the other way round), each federation type its own settings and no
// other's; the mailbox has no default (no address works for every
// partnership, and Darlington's own can never point at SES); the MAIL
// FROM subdomain is a parameter.
func TestParametersCannotBeCombinedWrongly(t *testing.T) {
	transformed(t)
	var raw struct {
		Parameters map[string]map[string]any
		Rules      map[string]map[string]any
	}
	if err := json.Unmarshal(transformOnce.json, &raw); err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"FormDomainNeedsItsCertificate", "CertificateNeedsItsDomain", "SamlNeedsItsMetadata", "OidcNeedsItsClient", "NoFederationNoSettings"} {
		if _, ok := raw.Rules[rule]; !ok {
			t.Errorf("no rule %s", rule)
		}
	}
	if d, ok := raw.Parameters["MailboxAddress"]["Default"]; ok {
		t.Errorf("MailboxAddress defaults to %v", d)
	}
	_, resources := transformed(t)
	from, _ := json.Marshal(resources["SenderIdentityResource"].(map[string]any)["Properties"].(map[string]any)["MailFromAttributes"])
	if !strings.Contains(string(from), "${MailFromSubdomain}.${SenderIdentity}") {
		t.Errorf("the MAIL FROM domain is not the parameter's: %s", from)
	}
	for _, kept := range []string{"ApiGatewayLogRole", "WorkspaceClientCredentials"} {
		if p := resources[kept].(map[string]any)["DeletionPolicy"]; p != "RetainExceptOnCreate" {
			t.Errorf("%s: DeletionPolicy %v, want RetainExceptOnCreate (the account still points at it)", kept, p)
		}
	}
}

// TestSESWritesThroughItsRole: SES's S3 action writes received mail as a
// role of its own — assumable by SES for this account's mailbox rules
// only — which may put objects under inbound/ and have S3 use the stack's
// key; neither the key policy nor the bucket policy names SES.
func TestSESWritesThroughItsRole(t *testing.T) {
	_, resources := transformed(t)
	rule, _ := json.Marshal(resources["MailboxRule"])
	if !strings.Contains(string(rule), `"IamRoleArn":{"Fn::GetAtt":["MailboxWriterRole","Arn"]}`) {
		t.Errorf("the S3 action does not write as MailboxWriterRole: %s", rule)
	}
	role, _ := json.Marshal(resources["MailboxWriterRole"].(map[string]any)["Properties"])
	for _, want := range []string{`"Service":"ses.amazonaws.com"`, `"aws:SourceAccount":{"Ref":"AWS::AccountId"}`, `receipt-rule-set/${MailboxRules}:receipt-rule/*`,
		`"Action":"s3:PutObject","Effect":"Allow","Resource":{"Fn::Sub":"${RawBucket.Arn}/inbound/*"}`, `"kms:GenerateDataKey"`,
		`"Resource":{"Fn::GetAtt":["DataKey","Arn"]}`, `"kms:ViaService":{"Fn::Sub":"s3.${AWS::Region}.amazonaws.com"}`} {
		if !strings.Contains(string(role), want) {
			t.Errorf("MailboxWriterRole lacks %s: %s", want, role)
		}
	}
	for _, name := range []string{"DataKey", "RawBucketPolicy"} {
		if p, _ := json.Marshal(resources[name]); strings.Contains(string(p), "ses.amazonaws.com") {
			t.Errorf("%s still names SES: the role is the one way in", name)
		}
	}
}

// TestBouncesComeBack: every function sends with the configuration set,
// whose bounces, complaints and rejections go to a topic the e-mail
// function reads.
func TestBouncesComeBack(t *testing.T) {
	_, resources := transformed(t)
	for name, r := range resources {
		res := r.(map[string]any)
		if res["Type"] != "AWS::Lambda::Function" {
			continue
		}
		env, _ := json.Marshal(res["Properties"].(map[string]any)["Environment"])
		if !strings.Contains(string(env), `"SES_CONFIGURATION_SET":{"Ref":"MailConfigSet"}`) {
			t.Errorf("%s sends without the configuration set: %s", name, env)
		}
	}
	dest, _ := json.Marshal(resources["MailConfigSetEvents"])
	for _, want := range []string{`"bounce"`, `"complaint"`, `"TopicARN":{"Ref":"MailEventsTopic"}`} {
		if !strings.Contains(string(dest), want) {
			t.Errorf("the event destination lacks %s: %s", want, dest)
		}
	}
	subscribed := false
	for _, r := range resources {
		res := r.(map[string]any)
		if res["Type"] == "AWS::SNS::Subscription" {
			p, _ := json.Marshal(res["Properties"])
			subscribed = subscribed || strings.Contains(string(p), `"TopicArn":{"Ref":"MailEventsTopic"}`) && strings.Contains(string(p), "EmailIntakeFunction")
		}
	}
	if !subscribed {
		t.Error("the e-mail function does not read the mail events")
	}
}

// TestEvidenceKeptAsEvidence: with RawRetentionYears set, every raw input
// is locked in compliance mode for that many years; at 0 the bucket has no
// lock. The bucket's own ObjectLockEnabled is never set (changing it
// replaces the bucket, and the raw inputs with it), and the bucket and
// table outlive the stack.
func TestEvidenceKeptAsEvidence(t *testing.T) {
	_, resources := transformed(t)
	bucket := resources["RawBucket"].(map[string]any)
	if bucket["DeletionPolicy"] != "Retain" || bucket["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("RawBucket is not kept on delete and replacement: %v %v", bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"])
	}
	props, _ := json.Marshal(bucket["Properties"])
	for _, want := range []string{`"ObjectLockConfiguration":{"Fn::If":["LockRawInputs",{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Years":{"Ref":"RawRetentionYears"}}}},{"Ref":"AWS::NoValue"}]}`,
		`"VersioningConfiguration":{"Status":"Enabled"}`} {
		if !strings.Contains(string(props), want) {
			t.Errorf("RawBucket lacks %s: %s", want, props)
		}
	}
	if strings.Contains(strings.ReplaceAll(string(props), `"ObjectLockConfiguration"`, ""), `"ObjectLockEnabled":true`) {
		t.Error("RawBucket sets the bucket's ObjectLockEnabled, which replaces a bucket in use")
	}
	table := resources["CasesTable"].(map[string]any)
	if table["DeletionPolicy"] != "Retain" {
		t.Errorf("CasesTable DeletionPolicy = %v, want Retain", table["DeletionPolicy"])
	}
}

// TestSendsOnlyAsItself: every grant to send mail is SES v2's two sending
// actions on the sender identity and the configuration set, and nothing
// else of SES; and every function that sends has one.
func TestSendsOnlyAsItself(t *testing.T) {
	_, resources := transformed(t)
	grants := 0
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if action, ok := v["Action"]; ok {
				a, _ := json.Marshal(action)
				if strings.Contains(string(a), `"ses:`) && v["Effect"] == "Allow" {
					grants++
					if string(a) != `["ses:SendEmail","ses:SendRawEmail"]` {
						t.Errorf("%s grants SES %s", where, a)
					}
					r, _ := json.Marshal(v["Resource"])
					if !strings.Contains(string(r), `:identity/${SenderIdentity}"`) || !strings.Contains(string(r), `:configuration-set/${MailConfigSet}"`) ||
						strings.Count(string(r), "Fn::Sub") != 2 {
						t.Errorf("%s sends on %s, want the identity and the configuration set", where, r)
					}
				}
			}
			for _, x := range v {
				walk(where, x)
			}
		case []any:
			for _, x := range v {
				walk(where, x)
			}
		}
	}
	for name, r := range resources {
		walk(name, r)
	}
	if grants < 5 {
		t.Errorf("%d grants to send, want one for each of the five functions", grants)
	}
}
