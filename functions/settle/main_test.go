package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/blob/dir"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

func TestMain(m *testing.M) { fntest.Main(m) }

func TestNewHandlerNeedsItsSchedules(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t", "SCHEDULE_GROUP": "g", "REMINDER_FUNCTION_ARN": "a"}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil {
		t.Error("no error without SCHEDULER_ROLE_ARN")
	}
}

// TestSettlesFromTheStream: a referral taken as the intake functions take
// it in AWS (SettleLater: the case stored, no more) is settled by this
// function from the records DynamoDB Local's own stream gives — its
// deadlines stored, their reminders scheduled, the Business Unit and the
// L&D chair's notices recorded — and the records that settling writes in
// turn change nothing more.
func TestSettlesFromTheStream(t *testing.T) {
	ctx := context.Background()
	awsCfg := fntest.Setup(t, fntest.Resources{Function: "SettleFunction", Table: "cases", ScheduleGroup: "cspr", Identity: "darlington.gov.uk"})
	env := map[string]string{"TABLE_NAME": "cases", "SCHEDULE_GROUP": "cspr",
		"REMINDER_FUNCTION_ARN": "arn:aws:lambda:eu-west-2:123456789012:function:reminder",
		"SCHEDULER_ROLE_ARN":    "arn:aws:iam::123456789012:role/scheduler", "REMINDER_DLQ_ARN": "arn:aws:sqs:eu-west-2:123456789012:dlq"}
	quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h, err := newHandler(ctx, fntest.Getenv(env), quiet)
	if err != nil {
		t.Fatal(err)
	}
	st := dynamo.New(fntest.Dynamo(awsCfg), "cases", nil)
	blobs, err := dir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	intakeFn := app.New(config.Default(), workdays.Default(), app.Adapters{Store: st, Blobs: blobs, SettleLater: true, Log: quiet})
	data, err := os.ReadFile("../../events/referrals/complete.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := intakeFn.Intake.Submit(ctx, intake.Raw{Data: data, Channel: "web", ReceivedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if ds, _ := st.ListDeadlines(ctx, res.Ref); len(ds) != 0 {
		t.Fatalf("the intake set %d deadlines itself", len(ds))
	}

	stream := newStreamReader(t, awsCfg, "cases")
	invoke := lambda.NewHandler(h.Handle)
	deliver := func() events.DynamoDBEventResponse {
		t.Helper()
		payload := stream.next(t)
		out, err := invoke.Invoke(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp events.DynamoDBEventResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := deliver(); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
	ds, err := st.ListDeadlines(ctx, res.Ref)
	if err != nil || len(ds) == 0 {
		t.Fatalf("deadlines after settling: %d, %v", len(ds), err)
	}
	told := map[string]bool{}
	history, _ := st.ListEvents(ctx, res.Ref)
	for _, e := range history {
		told[e.Type] = true
	}
	if !told[intake.EventBusinessUnitTold] || !told[intake.EventLDChairTold] {
		t.Errorf("history %v: the Business Unit and the L&D chair not told", told)
	}
	sched := scheduler.NewFromConfig(awsCfg)
	list, err := sched.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("cspr")})
	if err != nil || len(list.Schedules) == 0 {
		t.Fatalf("no reminders scheduled: %v", err)
	}
	// What settling wrote comes back on the stream: the deadlines (their
	// reminders kept as they are) and the notices' events (nothing).
	if resp := deliver(); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
	again, _ := sched.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("cspr")})
	if len(again.Schedules) != len(list.Schedules) {
		t.Errorf("%d schedules, then %d", len(list.Schedules), len(again.Schedules))
	}
	if later, _ := st.ListEvents(ctx, res.Ref); len(later) != len(history) {
		t.Errorf("%d events, then %d: told twice", len(history), len(later))
	}
}

// streamReader reads a table's stream on DynamoDB Local, a batch at a
// time, as Lambda's event source mapping hands it to the function.
type streamReader struct {
	client   *dynamodbstreams.Client
	iterator *string
}

func newStreamReader(t *testing.T, cfg aws.Config, table string) *streamReader {
	t.Helper()
	ctx := context.Background()
	cfg.BaseEndpoint = aws.String(fntest.DDB.Endpoint(t))
	desc, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
	if err != nil || desc.Table.LatestStreamArn == nil {
		t.Fatalf("the table's stream: %v", err)
	}
	client := dynamodbstreams.NewFromConfig(cfg)
	s, err := client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: desc.Table.LatestStreamArn})
	if err != nil || len(s.StreamDescription.Shards) != 1 {
		t.Fatalf("describe stream: %v", err)
	}
	it, err := client.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: desc.Table.LatestStreamArn,
		ShardId: s.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	return &streamReader{client: client, iterator: it.ShardIterator}
}

// next is the records written since the last batch, as a Lambda event.
func (s *streamReader) next(t *testing.T) []byte {
	t.Helper()
	out, err := s.client.GetRecords(context.Background(), &dynamodbstreams.GetRecordsInput{ShardIterator: s.iterator})
	if err != nil {
		t.Fatal(err)
	}
	s.iterator = out.NextShardIterator
	if len(out.Records) == 0 {
		t.Fatal("no records on the stream")
	}
	type attr struct {
		S string `json:"S"`
	}
	type record struct {
		EventName string `json:"eventName"`
		Dynamodb  struct {
			Keys           map[string]attr `json:"Keys"`
			SequenceNumber string          `json:"SequenceNumber"`
			StreamViewType string          `json:"StreamViewType"`
		} `json:"dynamodb"`
	}
	var ev struct {
		Records []record `json:"Records"`
	}
	for _, r := range out.Records {
		var rec record
		rec.EventName = string(r.EventName)
		rec.Dynamodb.SequenceNumber = aws.ToString(r.Dynamodb.SequenceNumber)
		rec.Dynamodb.StreamViewType = string(r.Dynamodb.StreamViewType)
		rec.Dynamodb.Keys = map[string]attr{}
		for k, v := range r.Dynamodb.Keys {
			if s, ok := v.(*streamtypes.AttributeValueMemberS); ok {
				rec.Dynamodb.Keys[k] = attr{s.Value}
			}
		}
		ev.Records = append(ev.Records, rec)
	}
	payload, _ := json.Marshal(ev)
	return payload
}
