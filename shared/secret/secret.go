// Package secret reads a secret's value from AWS Secrets Manager. Its one
// call, GetSecretValue, is a signed JSON POST (shared/awscall), not the
// SDK's Secrets Manager client, whose start-up cost the workspace 0.6 ms
// of every cold start.
package secret

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
)

// Manager reads secrets.
type Manager struct {
	Call *awscall.Client // in the secrets' region, Service "secretsmanager"
	// Endpoint is where Secrets Manager is: "" for AWS's own
	// (https://secretsmanager.REGION.amazonaws.com), or an emulator's.
	Endpoint string
}

// New is a Manager on a caller (its service is set here); endpoint "" is
// AWS's own.
func New(c awscall.Client, endpoint string) *Manager {
	return &Manager{Call: c.For("secretsmanager"), Endpoint: endpoint}
}

// String is the current value of the secret named (or its ARN), as text.
func (m *Manager) String(ctx context.Context, name string) (string, error) {
	body, _ := json.Marshal(map[string]string{"SecretId": name})
	resp, err := m.Call.Do(ctx, awscall.Request{Method: http.MethodPost, URL: m.Call.Base(m.Endpoint, "secretsmanager") + "/", Body: body,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"secretsmanager.GetSecretValue"}}})
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", name, err)
	}
	defer resp.Body.Close()
	var out struct{ SecretString *string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("secret %s: reading the answer: %w", name, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("secret %s has no text (a binary secret)", name)
	}
	return *out.SecretString, nil
}
