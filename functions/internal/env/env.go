// Package env reads what every function needs from the environment that
// template.yaml sets: the partnership's settings, the AWS configuration,
// the case table and SES. What only some functions use (the raw bucket,
// the schedules, secrets, the dead-letter queues) is built where they are
// used, so no function links an AWS client it does not call. Every client
// is the SDK's own, built once from AWS (For gives a service its
// endpoint).
package env

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

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
	awsCfg, err := awsConfig(getenv)
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
		Store:    dynamo.New(dynamo.NewClient(forService(awsCfg, getenv, "DYNAMODB")), getenv("TABLE_NAME"), nil),
		Calendar: cal,
		Get:      getenv,
	}, nil
}

// Mail sends through SES v2 (SES_CONFIGURATION_SET optional).
func (e Env) Mail() *ses.Sender {
	return ses.New(e.For("SESV2"), e.Get("SES_CONFIGURATION_SET"))
}

// awsConfig is the AWS configuration a Lambda function has in its
// environment: the region, the execution role's credentials (the runtime
// sets them as variables for the life of the environment) and, for tests
// on emulators, AWS_ENDPOINT_URL. The SDK's config package would look in
// more places — shared files, SSO, STS, instance metadata — none of which
// a Lambda function has, and links their clients: 1.9 MB of every
// function and milliseconds of every cold start (docs/performance.md).
// Each attempt of a call is given AttemptTimeout; the SDK's standard
// retryer tries a call three times in all, backing off on throttling.
func awsConfig(getenv func(string) string) (aws.Config, error) {
	region, id, secret := getenv("AWS_REGION"), getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || id == "" || secret == "" {
		return aws.Config{}, errors.New("AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (the Lambda runtime sets them)")
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))),
		HTTPClient:  awshttp.NewBuildableClient().WithTimeout(AttemptTimeout),
	}
	return cfg, nil
}

// AttemptTimeout bounds one attempt of an AWS call, so a call that hangs
// is tried again (or given up) well inside the API functions' 25 seconds.
const AttemptTimeout = 8 * time.Second

// For is the AWS configuration for one service (its name as in
// AWS_ENDPOINT_URL_<SERVICE>: DYNAMODB, S3, SESV2, SCHEDULER, SQS,
// SECRETS_MANAGER): its endpoint when the environment sets one (tests,
// emulators), else AWS's own.
func (e Env) For(service string) aws.Config { return forService(e.AWS, e.Get, service) }

func forService(cfg aws.Config, getenv func(string) string, service string) aws.Config {
	cfg.BaseEndpoint = endpoint(getenv, service)
	return cfg
}

func endpoint(getenv func(string) string, service string) *string {
	for _, name := range []string{"AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL"} {
		if ep := getenv(name); ep != "" {
			return &ep
		}
	}
	return nil
}
