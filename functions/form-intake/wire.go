package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/cspr-intake/cspr-intake/functions/internal/assemble"
	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app/webform"
	"github.com/cspr-intake/cspr-intake/shared/web/form"
)

// newHandler builds the web form from the environment template.yaml sets:
// TABLE_NAME, RAW_BUCKET; BASE_PATH ("/live" behind API Gateway's default
// address, "" on a custom domain); SES_CONFIGURATION_SET (optional);
// CSPR_CONFIG.
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	e, err := env.Load(ctx, getenv, log, "RAW_BUCKET")
	if err != nil {
		return nil, err
	}
	return webform.New(assemble.App(e, log), form.Handler{BasePath: getenv("BASE_PATH")}), nil
}
