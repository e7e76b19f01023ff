package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/mail/ses"
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
	cfg := e.Config
	return &reminder.Service{
		Store:       e.Store,
		Mail:        &ses.Sender{Client: sesv2.NewFromConfig(e.AWS), ConfigurationSet: getenv("SES_CONFIGURATION_SET")},
		Calendar:    e.Calendar,
		Rules:       cfg.Rules(),
		Addresses:   cfg.Addresses,
		From:        cfg.Mailbox,
		Partnership: cfg.Partnership,
		BaseURL:     cfg.BaseURL,
		Now:         time.Now,
		Log:         log,
	}, nil
}
