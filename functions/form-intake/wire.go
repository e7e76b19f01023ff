package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cspr-intake/cspr-intake/shared/blob/s3blob"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
	"github.com/cspr-intake/cspr-intake/shared/web"
)

// newHandler builds the handler from the environment template.yaml sets:
// TABLE_NAME and RAW_BUCKET (required) and CSPR_CONFIG, the partnership's
// settings as JSON (optional; Darlington's defaults otherwise). AWS
// endpoints and credentials come from the SDK's usual sources.
func newHandler(ctx context.Context, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	cfg, err := config.Parse([]byte(getenv("CSPR_CONFIG")))
	if err != nil {
		return nil, fmt.Errorf("CSPR_CONFIG: %w", err)
	}
	table, bucket := getenv("TABLE_NAME"), getenv("RAW_BUCKET")
	if table == "" || bucket == "" {
		return nil, errors.New("TABLE_NAME and RAW_BUCKET must be set")
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws config: %w", err)
	}
	svc := &intake.Service{
		Blobs:    &s3blob.Store{Client: s3.NewFromConfig(awsCfg), Bucket: bucket},
		Store:    dynamo.New(dynamodb.NewFromConfig(awsCfg), table, nil),
		Prefix:   cfg.ReferencePrefix,
		Location: config.London,
		MaxBytes: cfg.MaxInputBytes,
		Log:      log,
	}
	// A Function URL request is at most 6 MB.
	return web.New(web.Handler{Intake: svc, Partnership: cfg.Partnership, Mailbox: cfg.Mailbox, MaxBody: 6 << 20, Log: log}), nil
}
