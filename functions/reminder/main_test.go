package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
	"github.com/cspr-intake/cspr-intake/shared/reminder"
	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
	"github.com/cspr-intake/cspr-intake/shared/store/storetest"
)

func TestMain(m *testing.M) { fntest.Main(m) }

// TestScheduledInvoke drives the function as Scheduler does, with the
// payload in events/scheduler, on DynamoDB Local and moto's SES.
func TestScheduledInvoke(t *testing.T) {
	ctx := context.Background()
	awsCfg := fntest.Setup(t, fntest.Resources{Function: "ReminderFunction", Table: "cases", Identity: "darlington.gov.uk"})
	st := dynamo.New(fntest.Dynamo(awsCfg), "cases", nil)
	c := storetest.NewCase("reminder-test", time.Date(2026, 11, 20, 17, 30, 0, 0, time.UTC))
	c.Route = "notification"
	if _, _, err := st.CreateCase(ctx, c, "DSP-2026"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TABLE_NAME": "cases"}
	h, err := newHandler(ctx, fntest.Getenv(env), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := os.ReadFile("../../events/scheduler/reminder.json")
	if err != nil {
		t.Fatal(err)
	}
	invoke := lambda.NewHandler(h.Handle)
	for range 2 { // delivered twice: sent once
		if _, err := invoke.Invoke(ctx, payload); err != nil {
			t.Fatal(err)
		}
	}
	events, err := st.ListEvents(ctx, "DSP-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, e := range events {
		if e.Type == reminder.EventSent {
			sent++
		}
	}
	if sent != 1 {
		t.Errorf("%d reminder-sent events, want 1: %+v", sent, events)
	}
	if _, err := invoke.Invoke(ctx, []byte(`{"ref": "DSP-2026-9999", "rule": "inform-ssp", "kind": "due"}`)); err != nil {
		t.Errorf("a reminder for an unknown case should be dropped, not retried: %v", err)
	}
}

// TestRefusesLocalSettings: deployed, the functions refuse settings that
// would mail links to this machine or remind the mailbox itself.
func TestRefusesLocalSettings(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "cases"}
	_, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default())
	if err == nil || !strings.Contains(err.Error(), "PublicBaseUrl") || !strings.Contains(err.Error(), "business-unit has no address") {
		t.Errorf("the embedded defaults, deployed: %v", err)
	}
}
