package main

import (
	"context"
	"log/slog"

	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/reminder"
)

// newHandler builds the reminder handler from TABLE_NAME, CSPR_CONFIG and
// SES_CONFIGURATION_SET (optional). Its input is the schedule's payload
// (schedule.Payload); an error makes Lambda retry, then the failure goes to
// the dead-letter queue.
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (*reminder.Service, error) {
	e, err := env.Load(ctx, getenv, log)
	if err != nil {
		return nil, err
	}
	return reminder.New(e.Config, e.Calendar, e.Store, e.Mail(), nil, log), nil
}
