// Command intake-api is the Lambda behind the intake API's Function URL
// (IAM-signed requests: partner systems and the Business Unit's tools):
// the shared/web handler's API on DynamoDB and S3. It only wires.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdaurl"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := newHandler(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("start-up failed", "err", err)
		os.Exit(1)
	}
	lambdaurl.Start(h)
}
