package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/functions/internal/assemble"
	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app/mailbox"
	"github.com/cspr-intake/cspr-intake/shared/sesmail"
)

// newHandler builds the handler from the environment template.yaml sets:
// TABLE_NAME; RAW_BUCKET and MAIL_PREFIX, where the receipt rule stores
// messages; SES_CONFIGURATION_SET
// (optional); LOCK_SECONDS, how long one delivery may hold a message (the
// function's timeout); and CSPR_CONFIG.
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (*sesmail.Handler, error) {
	e, err := env.Load(ctx, getenv, log, "RAW_BUCKET", "MAIL_PREFIX")
	if err != nil {
		return nil, err
	}
	a := assemble.App(e, log)
	box := mailbox.New(a).Inbox
	if lock, err := time.ParseDuration(strings.TrimSpace(getenv("LOCK_SECONDS")) + "s"); err == nil {
		box.Lock = lock // else the inbox's default
	}
	return &sesmail.Handler{Inbox: box, Blobs: a.Blobs, Bucket: getenv("RAW_BUCKET"), Prefix: getenv("MAIL_PREFIX")}, nil
}
