// Package secret reads a secret's value from AWS Secrets Manager, through
// the SDK's client.
package secret

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// API is what the manager calls; *secretsmanager.Client is it.
type API interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Manager reads secrets.
type Manager struct {
	Client API
}

// New is a Manager with the SDK's client on cfg.
func New(cfg aws.Config) *Manager {
	return &Manager{Client: secretsmanager.NewFromConfig(cfg)}
}

// String is the current value of the secret named (or its ARN), as text.
func (m *Manager) String(ctx context.Context, name string) (string, error) {
	out, err := m.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &name})
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", name, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("secret %s has no text (a binary secret)", name)
	}
	return *out.SecretString, nil
}
