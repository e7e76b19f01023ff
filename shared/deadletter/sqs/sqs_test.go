package sqs

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

// lambdaFailure is the record Lambda puts on an OnFailure destination when
// the mailbox function fails an SES delivery after its retries.
const lambdaFailure = `{"version":"1.0","timestamp":"2026-11-30T09:01:02.345Z",
"requestContext":{"requestId":"e2a1","functionArn":"arn:aws:lambda:eu-west-2:123456789012:function:email:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},
"requestPayload":{"Records":[{"eventSource":"aws:ses","eventVersion":"1.0","ses":{"mail":{"timestamp":"2026-11-30T08:58:00.000Z","source":"sam.nurse@nhs.net",
"messageId":"o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1","commonHeaders":{"from":["Sam Nurse <sam.nurse@nhs.net>"],"subject":"Referral for Child A Example"}},"receipt":{}}}]},
"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
"responsePayload":{"errorMessage":"inbox: store: RequestLimitExceeded","errorType":"wrapError"}}`

// TestListOnMoto: both kinds of dead letter read back in words, with no
// subject (it may name a child), and still on the queue afterwards.
func TestListOnMoto(t *testing.T) {
	ctx := context.Background()
	client := awssqs.NewFromConfig(testenv.AWSConfig(), func(o *awssqs.Options) { o.BaseEndpoint = aws.String(moto.Endpoint(t)) })
	urls := map[string]string{}
	for _, name := range []string{"mailbox", "reminders"} {
		q, err := client.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("cspr-" + name + "-dlq")})
		if err != nil {
			t.Fatal(err)
		}
		urls[name] = aws.ToString(q.QueueUrl)
	}
	send := func(queue, body string, attrs map[string]string) {
		in := &awssqs.SendMessageInput{QueueUrl: aws.String(urls[queue]), MessageBody: aws.String(body), MessageAttributes: map[string]types.MessageAttributeValue{}}
		for k, v := range attrs {
			in.MessageAttributes[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		}
		if _, err := client.SendMessage(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	send("mailbox", lambdaFailure, nil)
	send("reminders", `{"ref":"DSP-2026-0042","rule":"inform-ssp","kind":"due","due":"2026-12-01T23:59:59Z","at":"2026-12-01T09:00:00Z"}`,
		map[string]string{"ERROR_CODE": "AWS.Lambda.TooManyRequestsException", "ERROR_MESSAGE": "Rate exceeded"})

	cfg := testenv.AWSConfig()
	cfg.BaseEndpoint = aws.String(moto.Endpoint(t))
	q := New(cfg, urls)
	for range 2 { // looking takes nothing off
		got, err := q.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d letters, want 2: %+v", len(got), got)
		}
		mail, rem := got[0], got[1]
		if mail.Queue != "mailbox" || !strings.Contains(mail.What, "sam.nurse@nhs.net") || !strings.Contains(mail.What, "o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1") ||
			!strings.Contains(mail.Detail, "RetriesExhausted") || !strings.Contains(mail.Detail, "tried 3 times") || mail.SentAt.IsZero() {
			t.Errorf("the mailbox's letter: %+v", mail)
		}
		if strings.Contains(mail.What+mail.Detail, "Child A") {
			t.Error("the subject was shown")
		}
		if rem.Queue != "reminders" || !strings.Contains(rem.What, "reminder of inform-ssp") || !strings.Contains(rem.What, "DSP-2026-0042") ||
			!strings.Contains(rem.Detail, "TooManyRequests") {
			t.Errorf("the reminder's letter: %+v", rem)
		}
	}
}
