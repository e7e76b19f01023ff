package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cspr-intake/cspr-intake/functions/internal/assemble"
	"github.com/cspr-intake/cspr-intake/functions/internal/env"
	"github.com/cspr-intake/cspr-intake/shared/app/mailbox"
	"github.com/cspr-intake/cspr-intake/shared/app/webworkspace"
	dlq "github.com/cspr-intake/cspr-intake/shared/deadletter/sqs"
	"github.com/cspr-intake/cspr-intake/shared/secret"
	"github.com/cspr-intake/cspr-intake/shared/web/workspace"
)

// newHandler builds the workspace from the environment template.yaml sets:
// TABLE_NAME, RAW_BUCKET; BASE_PATH; EMAIL_DLQ_URL and REMINDER_DLQ_URL, the dead-letter queues
// shown with the held mail; OIDC_ISSUER, the user pool; OIDC_CLIENT_SECRET_NAME, the
// Secrets Manager secret holding its app client's clientId and
// clientSecret; OIDC_LOGOUT_URL, the provider's sign-out endpoint (Cognito's
// hosted /logout: signing out ends the provider's session too); PUBLIC_URL (optional: the address officers reach it at,
// else each request's host); and CSPR_CONFIG. A workspace in AWS always
// signs in with its provider: it refuses to start without one.
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	e, err := env.Load(ctx, getenv, log, "RAW_BUCKET", "OIDC_ISSUER", "OIDC_CLIENT_SECRET_NAME")
	if err != nil {
		return nil, err
	}
	cfg := e.Config
	a := assemble.App(e, log)
	callback := ""
	if u := strings.TrimRight(getenv("PUBLIC_URL"), "/"); u != "" {
		callback = u + "/signin/callback"
	}
	provider := workspace.NewOIDC(getenv("OIDC_ISSUER"), func(ctx context.Context) (workspace.OIDCClient, error) {
		return client(ctx, e, getenv("OIDC_CLIENT_SECRET_NAME"))
	}, callback, cfg.SignIn.GroupsClaim)
	return webworkspace.New(a, mailbox.New(a), workspace.Workspace{OIDC: provider, BasePath: getenv("BASE_PATH"),
		DeadLetters: deadLetters(e), ProviderLogout: getenv("OIDC_LOGOUT_URL")}), nil
}

// deadLetters is nil, not a nil pointer in an interface, when no queue is
// set.
func deadLetters(e env.Env) workspace.DeadLetters {
	if q := deadLetterQueues(e); q != nil {
		return q
	}
	return nil
}

// client reads the workspace's app client from Secrets Manager, at the
// first sign-in: a JSON object with clientId and clientSecret, which
// CloudFormation writes where the functions may not refer to it (named,
// not referenced, to break the cycle of the API, its functions and the
// user pool client's callback address).
func client(ctx context.Context, e env.Env, name string) (workspace.OIDCClient, error) {
	raw, err := secret.New(e.For("SECRETS_MANAGER")).String(ctx, name)
	if err != nil {
		return workspace.OIDCClient{}, err
	}
	var v struct{ ClientID, ClientSecret string }
	if err := json.Unmarshal([]byte(raw), &v); err != nil || v.ClientID == "" {
		return workspace.OIDCClient{}, fmt.Errorf("secret %s is not a JSON object with a clientId", name)
	}
	return workspace.OIDCClient{ID: v.ClientID, Secret: v.ClientSecret}, nil
}

// DeadLetters reads the stack's dead-letter queues (EMAIL_DLQ_URL,
// REMINDER_DLQ_URL) for the held-mail page; nil when neither is set.
func deadLetterQueues(e env.Env) *dlq.Queues {
	urls := map[string]string{}
	for name, env := range map[string]string{"mailbox": "EMAIL_DLQ_URL", "reminders": "REMINDER_DLQ_URL"} {
		if u := e.Get(env); u != "" {
			urls[name] = u
		}
	}
	if len(urls) == 0 {
		return nil
	}
	return dlq.New(e.For("SQS"), urls)
}
