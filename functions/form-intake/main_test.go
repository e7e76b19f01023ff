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

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
	"github.com/cspr-intake/cspr-intake/shared/apigw"
)

func TestMain(m *testing.M) { fntest.Main(m) }

func TestNewHandlerNeedsResources(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t", "SCHEDULE_GROUP": "g", "REMINDER_FUNCTION_ARN": "a", "SCHEDULER_ROLE_ARN": "r"}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil {
		t.Error("no error without RAW_BUCKET")
	}
}

// TestAPIGateway drives the public web form as API Gateway's REST API
// does, with the events in events/apigateway, its drafts in DynamoDB Local:
// the start page, a draft started, the criteria page posted.
func TestAPIGateway(t *testing.T) {
	ctx := context.Background()
	fntest.Setup(t, fntest.Resources{Table: "cases", Bucket: "raw", ScheduleGroup: "cspr", Identity: "darlington.gov.uk"})
	env := map[string]string{"TABLE_NAME": "cases", "RAW_BUCKET": "raw", "SCHEDULE_GROUP": "cspr", "BASE_PATH": "/live",
		"REMINDER_FUNCTION_ARN": "arn:aws:lambda:eu-west-2:123456789012:function:reminder", "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/scheduler"}
	h, err := newHandler(ctx, fntest.Getenv(env), slog.New(slog.NewJSONHandler(io.Discard, nil)))
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
