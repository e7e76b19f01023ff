// Package assemble builds the intake's application (shared/app) on the
// adapters a function's environment names. It is apart from package env so
// that the reminder function, which needs env only, links none of the
// intake: no reader of Word, PDF or mail.
package assemble

import (
	"log/slog"

	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/blob/s3blob"
	"github.com/cspr-intake/cspr-intake/shared/schedule/eventbridge"
)

// App is the intake and the mailbox on the table, the raw bucket, SES and
// the reminder schedules — as the local runner builds them on its own.
func App(e env.Env, log *slog.Logger) *app.App {
	return app.New(e.Config, e.Calendar, app.Adapters{Store: e.Store, Blobs: Raw(e), Mail: e.Mail(), Scheduler: Scheduler(e), Log: log})
}

// Scheduler is the reminder schedules' adapter, from SCHEDULE_GROUP,
// REMINDER_FUNCTION_ARN, SCHEDULER_ROLE_ARN and REMINDER_DLQ_ARN.
func Scheduler(e env.Env) *eventbridge.Scheduler {
	return &eventbridge.Scheduler{
		Client:        eventbridge.NewClient(e.For("SCHEDULER")),
		Group:         e.Get("SCHEDULE_GROUP"),
		TargetARN:     e.Get("REMINDER_FUNCTION_ARN"),
		RoleARN:       e.Get("SCHEDULER_ROLE_ARN"),
		DeadLetterARN: e.Get("REMINDER_DLQ_ARN"),
	}
}

// Raw is the raw-input bucket (RAW_BUCKET), reading at most a message's
// worth.
func Raw(e env.Env) *s3blob.Store {
	return s3blob.New(e.For("S3"), e.Get("RAW_BUCKET"), e.Config.MaxInputBytes+1<<20)
}
