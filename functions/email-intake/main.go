// Command email-intake is the Lambda the mailbox's SES receipt rule
// invokes (or an S3 notification of the raw message): shared/inbox on
// DynamoDB, S3 and SES. It only wires.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := newHandler(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("start-up failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
