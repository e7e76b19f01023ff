package secret

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

// TestOnMoto: a secret the SDK's own client wrote reads back the same; one
// that does not exist is a refusal naming it, with the service's code.
func TestOnMoto(t *testing.T) {
	ctx := context.Background()
	cfg := testenv.AWSConfig()
	sdk := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(moto.Endpoint(t)) })
	value := `{"clientId":"abc","clientSecret":"s3cr\"et ✓"}`
	if _, err := sdk.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("cspr-workspace-client"), SecretString: aws.String(value)}); err != nil {
		t.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(moto.Endpoint(t))
	m := New(cfg)
	got, err := m.String(ctx, "cspr-workspace-client")
	if err != nil || got != value {
		t.Errorf("String = %q, %v", got, err)
	}
	_, err = m.String(ctx, "no-such-secret")
	var none *types.ResourceNotFoundException
	if !errors.As(err, &none) || !strings.Contains(err.Error(), "no-such-secret") {
		t.Errorf("a missing secret: %v", err)
	}
}
