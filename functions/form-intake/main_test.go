package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cspr-intake/cspr-intake/functions/internal/assemble"
	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
	"github.com/cspr-intake/cspr-intake/shared/apigw"
	"github.com/cspr-intake/cspr-intake/shared/intake"
)

func TestMain(m *testing.M) { fntest.Main(m) }

func TestNewHandlerNeedsResources(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t"}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil {
		t.Error("no error without RAW_BUCKET")
	}
}

// TestAPIGateway drives the public web form as API Gateway's REST API
// does, with the events in events/apigateway, its drafts in DynamoDB Local:
// the start page, a draft started, the criteria page posted.
func TestAPIGateway(t *testing.T) {
	ctx := context.Background()
	fntest.Setup(t, fntest.Resources{Function: "FormIntakeFunction", Table: "cases", Bucket: "raw", Identity: "darlington.gov.uk"})
	vars := map[string]string{"TABLE_NAME": "cases", "RAW_BUCKET": "raw", "BASE_PATH": "/live"}
	h, err := newHandler(ctx, fntest.Getenv(vars), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	invoke := lambda.NewHandler(apigw.Handler(h))
	call := func(ev events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
		t.Helper()
		payload, _ := json.Marshal(ev)
		out, err := invoke.Invoke(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp events.APIGatewayProxyResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var start events.APIGatewayProxyRequest
	if err := json.Unmarshal([]byte(read(t, "../../events/apigateway/get-start.json")), &start); err != nil {
		t.Fatal(err)
	}
	resp := call(start)
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `href="/live/referral/criteria"`) || resp.MultiValueHeaders["Content-Security-Policy"] == nil {
		t.Fatalf("start page: %d %.300s", resp.StatusCode, resp.Body)
	}
	criteria := start
	criteria.Path = "/referral/criteria"
	resp = call(criteria)
	cookie := ""
	for _, c := range resp.MultiValueHeaders["Set-Cookie"] {
		if strings.HasPrefix(c, "cspr_draft=") && strings.Contains(c, "Path=/live/referral") && strings.Contains(c, "Secure") {
			cookie = strings.Split(c, ";")[0]
		}
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(resp.Body)
	if resp.StatusCode != 200 || cookie == "" || m == nil {
		t.Fatalf("criteria page: %d cookie %q", resp.StatusCode, cookie)
	}
	var post events.APIGatewayProxyRequest
	raw := read(t, "../../events/apigateway/post-criteria.json")
	if err := json.Unmarshal([]byte(strings.ReplaceAll(raw, "cspr_draft=REPLACED-BY-THE-TEST", cookie)), &post); err != nil {
		t.Fatal(err)
	}
	body, _ := apigw.Request(ctx, post)
	form, _ := io.ReadAll(body.Body)
	post.Body, post.IsBase64Encoded = strings.Replace(string(form), "REPLACED-BY-THE-TEST", m[1], 1), false
	resp = call(post)
	if resp.StatusCode != 303 || resp.MultiValueHeaders["Location"][0] != "/live/referral/section/1" {
		t.Errorf("criteria posted: %d %v", resp.StatusCode, resp.MultiValueHeaders["Location"])
	}
	// The public function serves no API.
	api := start
	api.HTTPMethod, api.Path = "POST", "/api/referrals"
	if resp := call(api); resp.StatusCode != 404 && resp.StatusCode != 405 {
		t.Errorf("the API answered on the public function: %d", resp.StatusCode)
	}
	// A referral filed as the last page files it, on the function's own
	// wiring: the case stored and no more (SettleLater) — and, with the
	// rest of the test, within the function's rights (fntest).
	e, err := env.Load(ctx, fntest.Getenv(vars), slog.New(slog.NewJSONHandler(io.Discard, nil)), "RAW_BUCKET")
	if err != nil {
		t.Fatal(err)
	}
	filed, err := assemble.App(e, slog.New(slog.NewJSONHandler(io.Discard, nil))).Intake.Submit(ctx,
		intake.Raw{Data: []byte(read(t, "../../events/referrals/complete.json")), Channel: "web", ReceivedAt: time.Now()})
	if err != nil || filed.Ref == "" {
		t.Fatalf("filing a referral: %+v, %v", filed, err)
	}
	// A Word download comes back base64, as API Gateway needs for binary.
	blank := start
	blank.Path = "/referral-form.docx"
	if resp := call(blank); !resp.IsBase64Encoded || resp.StatusCode != 200 {
		t.Errorf("Word form: %d base64 %v", resp.StatusCode, resp.IsBase64Encoded)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
