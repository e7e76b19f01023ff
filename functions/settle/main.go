// Command settle is the Lambda the case table's stream feeds: what follows
// a stored case — its deadlines, their reminder schedules and the new-case
// notices — and the reminders of every case whose deadlines changed
// (shared/tablestream on the intake, DynamoDB, SES and EventBridge
// Scheduler). It is the one function that schedules, so the functions that
// take referrals and record events need no right to schedule or to hand
// the schedules their role. It only wires.
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
