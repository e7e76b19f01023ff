// Command workspace is the Lambda behind the partnership's signed-in case
// workspace: shared/web's workspace pages behind the same REST API and WAF
// as the public form (/cases, /signin, /signout), signing people in with
// the stack's Cognito user pool, on DynamoDB, S3 and SES. It only wires.
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
