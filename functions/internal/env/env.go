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
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
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
		Store:    dynamo.New(dynamo.NewClient(awscall.Client{Region: awsCfg.Region, Credentials: awsCfg.Credentials}, aws.ToString(endpoint(getenv, "DYNAMODB"))), getenv("TABLE_NAME"), nil),
		Calendar: cal,
		Get:      getenv,
	}, nil
}

// Mail sends through SES v2 (SES_CONFIGURATION_SET optional).
func (e Env) Mail() *ses.Sender {
	s := &ses.Sender{Client: ses.Client(e.Caller()), ConfigurationSet: e.Get("SES_CONFIGURATION_SET")}
	if ep := e.Endpoint("SESV2"); ep != nil {
		s.Endpoint = *ep
	}
	return s
}

// awsConfig is the AWS configuration a Lambda function has in its
// environment: the region, the execution role's credentials (the runtime
// sets them as variables for the life of the environment) and, for tests
// on emulators, AWS_ENDPOINT_URL. The SDK's config package would look in
// more places — shared files, SSO, STS, instance metadata — none of which
// a Lambda function has, and links their clients: 1.9 MB of every
// function and milliseconds of every cold start (docs/performance.md).
func awsConfig(getenv func(string) string) (aws.Config, error) {
	region, id, secret := getenv("AWS_REGION"), getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || id == "" || secret == "" {
		return aws.Config{}, errors.New("AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (the Lambda runtime sets them)")
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))),
	}
	if ep := getenv("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = &ep
	}
	return cfg, nil
}

// Caller is what calls an AWS API directly (shared/awscall) need: the
// region and the role's credentials.
func (e Env) Caller() awscall.Client {
	return awscall.Client{Region: e.AWS.Region, Credentials: e.AWS.Credentials}
}

// Endpoint is where to reach a service (its name as in
// AWS_ENDPOINT_URL_<SERVICE>: DYNAMODB, S3, SESV2, SCHEDULER, SQS,
// SECRETS_MANAGER) when the environment says (tests, emulators), then
// AWS_ENDPOINT_URL; nil for AWS's own. Set it as the client's
// BaseEndpoint.
func (e Env) Endpoint(service string) *string { return endpoint(e.Get, service) }

func endpoint(getenv func(string) string, service string) *string {
	for _, name := range []string{"AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL"} {
		if ep := getenv(name); ep != "" {
			return &ep
		}
	}
	return nil
}
