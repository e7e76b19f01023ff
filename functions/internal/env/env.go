// Package env reads what every function needs from the environment that
// template.yaml sets: the partnership's settings, the AWS configuration,
// the case table and SES. What only some functions use (the raw bucket,
// the schedules, secrets, the dead-letter queues) is built where they are
// used, so no function links an AWS client it does not call.
package env

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/mail/ses"
	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Env is what a function is built from.
type Env struct {
	Config   config.Config
	AWS      aws.Config
	Store    *dynamo.Store
	Calendar *workdays.Calendar
	Get      func(string) string
}

// Load reads CSPR_CONFIG (the partnership's settings as JSON; Darlington's
// defaults if empty) and TABLE_NAME, and any other names given, all
// required.
func Load(ctx context.Context, getenv func(string) string, log *slog.Logger, required ...string) (Env, error) {
	cfg, err := config.Parse([]byte(getenv("CSPR_CONFIG")))
	if err != nil {
		return Env{}, fmt.Errorf("CSPR_CONFIG: %w", err)
	}
	var missing []error
	for _, name := range append([]string{"TABLE_NAME"}, required...) {
		if getenv(name) == "" {
			missing = append(missing, fmt.Errorf("%s must be set", name))
		}
	}
	if err := errors.Join(missing...); err != nil {
		return Env{}, err
	}
	// A deployment never links to this machine nor reminds the mailbox.
	if cfg, err = cfg.Deployment(getenv); err != nil {
		return Env{}, fmt.Errorf("configuration: %w", err)
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return Env{}, fmt.Errorf("aws config: %w", err)
	}
	cal, err := cfg.Calendar(log)
	if err != nil {
		return Env{}, err
	}
	return Env{
		Config:   cfg,
		AWS:      awsCfg,
		Store:    dynamo.New(dynamodb.NewFromConfig(awsCfg), getenv("TABLE_NAME"), nil),
		Calendar: cal,
		Get:      getenv,
	}, nil
}

// Mail sends through SES v2 (SES_CONFIGURATION_SET optional).
func (e Env) Mail() *ses.Sender {
	return &ses.Sender{Client: sesv2.NewFromConfig(e.AWS), ConfigurationSet: e.Get("SES_CONFIGURATION_SET")}
}
