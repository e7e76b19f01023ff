// Package sqs reads the stack's dead-letter queues on Amazon SQS without
// taking anything off them: a message looked at stays for the engineer who
// re-drives it and for the alarm on the queue's depth.
package sqs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cspr-intake/cspr-intake/shared/deadletter"
)

// API is what the queues call of SQS; *sqs.Client is it.
type API interface {
	ReceiveMessage(context.Context, *sqs.ReceiveMessageInput, ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
}

// Queues reads dead-letter queues by name ("mailbox", "reminders") and URL,
// through the SDK's SQS client.
type Queues struct {
	Client API
	URLs   map[string]string
	Max    int // messages looked at per queue; 0 is 10
}

// New reads the queues with the SDK's client on cfg.
func New(cfg aws.Config, urls map[string]string) *Queues {
	return &Queues{Client: sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, visibleStill) }), URLs: urls}
}

// visibleStill sends ReceiveMessage's VisibilityTimeout of 0, which the
// SDK leaves out as the zero value (aws/aws-sdk-go-v2#1704), so the queue's
// own timeout — 30 seconds — would hide each message looked at from the
// engineer who re-drives it. It writes the field into the request's JSON
// before it is signed.
func visibleStill(stack *middleware.Stack) error {
	return stack.Build.Add(middleware.BuildMiddlewareFunc("VisibilityTimeoutZero",
		func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			req, ok := in.Request.(*smithyhttp.Request)
			if !ok || middleware.GetOperationName(ctx) != "ReceiveMessage" || req.GetStream() == nil {
				return next.HandleBuild(ctx, in)
			}
			var body map[string]json.RawMessage
			if err := json.NewDecoder(req.GetStream()).Decode(&body); err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("sqs: reading the request: %w", err)
			}
			if _, set := body["VisibilityTimeout"]; !set {
				body["VisibilityTimeout"] = json.RawMessage("0")
			}
			b, err := json.Marshal(body)
			if err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, err
			}
			if req, err = req.SetStream(bytes.NewReader(b)); err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, err
			}
			req.ContentLength = int64(len(b))
			in.Request = req
			return next.HandleBuild(ctx, in)
		}), middleware.Before)
}

// List returns the messages waiting on every queue, oldest first within a
// queue. Each is received with a visibility time-out of 0, so nothing is
// deleted and nothing is hidden, even for a moment, from the engineer who
// re-drives it. SQS samples its servers, so a long queue may show some of
// its messages only.
func (q *Queues) List(ctx context.Context) ([]deadletter.Letter, error) {
	max := q.Max
	if max <= 0 {
		max = 10
	}
	var out []deadletter.Letter
	for name, queue := range q.URLs {
		seen := map[string]bool{}
		for len(seen) < max {
			msgs, err := q.receive(ctx, queue, min(10, max))
			if err != nil {
				return nil, fmt.Errorf("sqs: receive from the %s dead-letter queue: %w", name, err)
			}
			fresh := 0
			for _, m := range msgs {
				id := aws.ToString(m.MessageId)
				if seen[id] {
					continue
				}
				seen[id], fresh = true, fresh+1
				attrs := map[string]string{}
				for k, v := range m.MessageAttributes {
					attrs[k] = aws.ToString(v.StringValue)
				}
				var sent time.Time
				if ms, err := strconv.ParseInt(m.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)], 10, 64); err == nil {
					sent = time.UnixMilli(ms).UTC()
				}
				out = append(out, deadletter.Describe(name, id, aws.ToString(m.Body), sent, attrs))
			}
			if fresh == 0 {
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Queue != out[j].Queue {
			return out[i].Queue < out[j].Queue
		}
		return out[i].SentAt.Before(out[j].SentAt)
	})
	return out, nil
}

// receive is one ReceiveMessage that leaves the messages visible.
func (q *Queues) receive(ctx context.Context, queue string, n int) ([]types.Message, error) {
	out, err := q.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:            &queue,
		MaxNumberOfMessages: int32(n),
		// VisibilityTimeout 0, so the messages stay visible: visibleStill
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameSentTimestamp},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return nil, err
	}
	return out.Messages, nil
}
