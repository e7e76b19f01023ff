// Command form-intake is the Lambda behind the public web form: the
// shared/web handler's pages (no API) behind API Gateway's REST API and
// its WAF web ACL, on DynamoDB, S3 and SES. It only wires.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cspr-intake/cspr-intake/shared/apigw"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := newHandler(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("start-up failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(apigw.Handler(h))
}
