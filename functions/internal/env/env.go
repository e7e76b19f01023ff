// Package env reads what every function needs from the environment that
// template.yaml sets: the partnership's settings, the AWS configuration and
// the case table.
package env

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	dlq "github.com/cspr-intake/cspr-intake/shared/deadletter/sqs"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/cspr-intake/cspr-intake/shared/blob/s3blob"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/mail/ses"
	"github.com/cspr-intake/cspr-intake/shared/schedule/eventbridge"
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

// Scheduler is the reminder schedules' adapter, from SCHEDULE_GROUP,
// REMINDER_FUNCTION_ARN, SCHEDULER_ROLE_ARN and REMINDER_DLQ_ARN.
func (e Env) Scheduler() *eventbridge.Scheduler {
	return &eventbridge.Scheduler{
		Client:        scheduler.NewFromConfig(e.AWS),
		Group:         e.Get("SCHEDULE_GROUP"),
		TargetARN:     e.Get("REMINDER_FUNCTION_ARN"),
		RoleARN:       e.Get("SCHEDULER_ROLE_ARN"),
		DeadLetterARN: e.Get("REMINDER_DLQ_ARN"),
	}
}

// Raw is the raw-input bucket (RAW_BUCKET), reading at most a message's
// worth.
func (e Env) Raw() *s3blob.Store {
	return &s3blob.Store{Client: s3.NewFromConfig(e.AWS), Bucket: e.Get("RAW_BUCKET"), MaxBytes: e.Config.MaxInputBytes + 1<<20}
}

// DeadLetters reads the stack's dead-letter queues (EMAIL_DLQ_URL,
// REMINDER_DLQ_URL) for the held-mail page; nil when neither is set.
func (e Env) DeadLetters() *dlq.Queues {
	urls := map[string]string{}
	for name, env := range map[string]string{"mailbox": "EMAIL_DLQ_URL", "reminders": "REMINDER_DLQ_URL"} {
		if u := e.Get(env); u != "" {
			urls[name] = u
		}
	}
	if len(urls) == 0 {
		return nil
	}
	return &dlq.Queues{Client: awssqs.NewFromConfig(e.AWS), URLs: urls}
}

// Mail sends through SES v2 (SES_CONFIGURATION_SET optional).
func (e Env) Mail() *ses.Sender {
	return &ses.Sender{Client: sesv2.NewFromConfig(e.AWS), ConfigurationSet: e.Get("SES_CONFIGURATION_SET")}
}

// Secret reads a JSON object of strings from Secrets Manager: what
// CloudFormation writes where the functions may not refer to it (the
// workspace's client secret, named, not referenced, to break the cycle of
// the API, its functions and the user pool client's callback address).
func (e Env) Secret(ctx context.Context, name string) (map[string]string, error) {
	out, err := secretsmanager.NewFromConfig(e.AWS).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &v); err != nil {
		return nil, fmt.Errorf("secret %s is not a JSON object of strings", name)
	}
	return v, nil
}
