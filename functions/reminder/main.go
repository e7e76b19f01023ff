// Command reminder is the Lambda the reminder schedules invoke: the shared
// reminder handler on DynamoDB and SES. It only wires.
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
