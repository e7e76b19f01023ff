package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/cspr-intake/cspr-intake/functions/internal/assemble"
	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app/mailbox"
	"github.com/cspr-intake/cspr-intake/shared/app/webapi"
	"github.com/cspr-intake/cspr-intake/shared/web/api"
)

// newHandler builds the intake API and the Business Unit's held-mail
// endpoints from the environment template.yaml sets: TABLE_NAME,
// RAW_BUCKET, SES_CONFIGURATION_SET (optional) and CSPR_CONFIG, the partnership's settings as JSON (optional). AWS
// credentials come from the Lambda environment (functions/internal/env).
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	e, err := env.Load(ctx, getenv, log, "RAW_BUCKET")
	if err != nil {
		return nil, err
	}
	a := assemble.App(e, log)
	// A Function URL request is at most 6 MB.
	return webapi.New(a, mailbox.New(a), api.Handler{MaxBody: 6 << 20}), nil
}
