package main

import (
	"context"
	"log/slog"

	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/schedule/eventbridge"
	"github.com/cspr-intake/cspr-intake/shared/tablestream"
)

// newHandler builds the stream's handler from the environment
// template.yaml sets: TABLE_NAME; the reminder schedules' SCHEDULE_GROUP,
// REMINDER_FUNCTION_ARN, SCHEDULER_ROLE_ARN and REMINDER_DLQ_ARN;
// SES_CONFIGURATION_SET (optional); CSPR_CONFIG.
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (*tablestream.Handler, error) {
	e, err := env.Load(ctx, getenv, log, "SCHEDULE_GROUP", "REMINDER_FUNCTION_ARN", "SCHEDULER_ROLE_ARN")
	if err != nil {
		return nil, err
	}
	schedules := &eventbridge.Scheduler{
		Client:        eventbridge.NewClient(e.For("SCHEDULER")),
		Group:         e.Get("SCHEDULE_GROUP"),
		TargetARN:     e.Get("REMINDER_FUNCTION_ARN"),
		RoleARN:       e.Get("SCHEDULER_ROLE_ARN"),
		DeadLetterARN: e.Get("REMINDER_DLQ_ARN"),
	}
	a := app.New(e.Config, e.Calendar, app.Adapters{Store: e.Store, Mail: e.Mail(), Scheduler: schedules, Log: log})
	return &tablestream.Handler{Cases: a.Intake, Log: log}, nil
}
