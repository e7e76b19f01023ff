// Package assemble builds the intake's application (shared/app) on the
// adapters a function's environment names. It is apart from package env so
// that the reminder function, which needs env only, links none of the
// intake: no reader of Word, PDF or mail.
package assemble

import (
	"log/slog"

	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app"
)

// App is the intake and the mailbox on the table, the raw bucket, SES and
// the reminder schedules — as the local runner builds them on its own.
func App(e env.Env, log *slog.Logger) *app.App {
	return app.New(e.Config, e.Calendar, app.Adapters{Store: e.Store, Blobs: e.Raw(), Mail: e.Mail(), Scheduler: e.Scheduler(), Log: log})
}
