package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdaurl"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
)

func TestMain(m *testing.M) { fntest.Main(m) }

func TestNewHandlerNeedsResources(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t"}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil {
		t.Error("no error without RAW_BUCKET")
	}
	env = map[string]string{"TABLE_NAME": "t", "RAW_BUCKET": "b", "CSPR_CONFIG": `{"referencePrefix": "x"}`}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil || !strings.Contains(err.Error(), "referencePrefix") {
		t.Errorf("bad CSPR_CONFIG: %v", err)
	}
}

// TestFunctionURL drives the function as the Lambda runtime does, with the
// Function URL event in events/, against DynamoDB Local and moto's S3.
func TestFunctionURL(t *testing.T) {
	ctx := context.Background()
	awsCfg := fntest.Setup(t, fntest.Resources{Function: "IntakeApiFunction", Table: "cases", Bucket: "raw", ScheduleGroup: "cspr"})
	sched := scheduler.NewFromConfig(awsCfg)
	env := map[string]string{"TABLE_NAME": "cases", "RAW_BUCKET": "raw"}
	h, err := newHandler(ctx, fntest.Getenv(env), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../events/function-url/post-referral.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	invoke := lambdaurl.Wrap(h)
	for i, want := range []int{201, 200} { // the second delivery is a duplicate
		resp, err := invoke(ctx, &ev)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want || !strings.Contains(string(body), `"ref": "DSP-`) {
			t.Errorf("invoke %d: %d %s", i, resp.StatusCode, body)
		}
	}
	// What follows the new case is the table stream's (functions/settle):
	// this function schedules nothing.
	list, err := sched.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("cspr")})
	if err != nil || len(list.Schedules) != 0 {
		t.Errorf("the API function scheduled %d reminders, %v", len(list.Schedules), err)
	}
	// The Business Unit's held mail: listed, and a release of no message
	// is a clear 404.
	held := ev
	held.RawPath, held.RequestContext.HTTP.Method, held.Body, held.IsBase64Encoded = "/api/messages", "GET", "", false
	resp, err := invoke(ctx, &held)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("held mail: %d %s", resp.StatusCode, body)
	}
	release := ev
	release.RawPath, release.RequestContext.HTTP.Method, release.Body, release.IsBase64Encoded = "/api/messages/id-none/release", "POST", "", false
	release.Headers = map[string]string{"x-officer": "jo.officer"}
	if resp, err := invoke(ctx, &release); err != nil || resp.StatusCode != 404 {
		t.Errorf("release of no message: %v %v", resp, err)
	}
}
