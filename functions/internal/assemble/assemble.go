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
)

// App is the intake on the table, the raw bucket and SES, as the local
// runner builds it on its own — but for what follows a stored case: its
// deadlines, reminders and notices are the table stream's to settle
// (functions/settle), and recorded events' reminders its to schedule, so
// these functions never schedule.
func App(e env.Env, log *slog.Logger) *app.App {
	return app.New(e.Config, e.Calendar, app.Adapters{Store: e.Store, Blobs: Raw(e), Mail: e.Mail(), SettleLater: true, Log: log})
}

// Raw is the raw-input bucket (RAW_BUCKET), reading at most a message's
// worth.
func Raw(e env.Env) *s3blob.Store {
	return s3blob.New(e.For("S3"), e.Get("RAW_BUCKET"), e.Config.MaxInputBytes+1<<20)
}
