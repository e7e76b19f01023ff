package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
	"github.com/cspr-intake/cspr-intake/shared/apigw"
)

func TestMain(m *testing.M) { fntest.Main(m) }

func TestNewHandlerNeedsItsProvider(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t", "RAW_BUCKET": "b"}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil ||
		!strings.Contains(err.Error(), "OIDC_ISSUER") {
		t.Errorf("without a sign-in provider: %v", err)
	}
}

// TestWorkspaceBehindAPIGateway drives the function as API Gateway does:
// its client read from Secrets Manager (moto), the user pool stood in for
// by an OpenID Connect provider in this process. Signed out, a case page
// sends the browser to the provider with PKCE, back to this API's
// callback.
func TestWorkspaceBehindAPIGateway(t *testing.T) {
	ctx := context.Background()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	cfg := m.Config()
	secret, _ := json.Marshal(map[string]string{"clientId": cfg.ClientID, "clientSecret": cfg.ClientSecret})
	fntest.Setup(t, fntest.Resources{Function: "WorkspaceFunction", Table: "cases", Bucket: "raw", Identity: "darlington.gov.uk",
		Secrets: map[string]string{"cspr-workspace-client": string(secret)}})
	env := map[string]string{"TABLE_NAME": "cases", "RAW_BUCKET": "raw", "BASE_PATH": "/live",
		"OIDC_ISSUER": cfg.Issuer, "OIDC_CLIENT_SECRET_NAME": "cspr-workspace-client", "CSPR_CONFIG": `{"signIn": {"groupsClaim": "groups"}}`}
	h, err := newHandler(ctx, fntest.Getenv(env), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	invoke := lambda.NewHandler(apigw.Handler(h))
	call := func(path string, query map[string]string) events.APIGatewayProxyResponse {
		t.Helper()
		payload, _ := json.Marshal(events.APIGatewayProxyRequest{HTTPMethod: http.MethodGet, Path: path, QueryStringParameters: query,
			Headers:        map[string]string{"Host": "abc123.execute-api.eu-west-2.amazonaws.com", "X-Forwarded-Proto": "https"},
			RequestContext: events.APIGatewayProxyRequestContext{Stage: "live"}})
		out, err := invoke.Invoke(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp events.APIGatewayProxyResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	location := func(resp events.APIGatewayProxyResponse) string {
		if l := resp.MultiValueHeaders["Location"]; len(l) == 1 {
			return l[0]
		}
		return ""
	}
	resp := call("/cases/DSP-2026-0001", nil)
	if resp.StatusCode != http.StatusSeeOther || location(resp) != "/live/signin?next=%2Fcases%2FDSP-2026-0001" {
		t.Fatalf("signed out: %d %v", resp.StatusCode, resp.MultiValueHeaders)
	}
	resp = call("/signin", map[string]string{"next": "/cases/DSP-2026-0001"})
	loc, err := url.Parse(location(resp))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), m.AuthorizationEndpoint()) {
		t.Fatalf("sign-in: %d to %s", resp.StatusCode, loc)
	}
	q := loc.Query()
	if q.Get("client_id") != cfg.ClientID || q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" ||
		q.Get("redirect_uri") != "https://abc123.execute-api.eu-west-2.amazonaws.com/live/signin/callback" {
		t.Errorf("authorization request: %v", q)
	}
}
