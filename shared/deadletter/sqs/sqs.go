// Package sqs reads the stack's dead-letter queues on Amazon SQS without
// taking anything off them: a message looked at stays for the engineer who
// re-drives it and for the alarm on the queue's depth.
package sqs

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cspr-intake/cspr-intake/shared/deadletter"
)

// API is the part of the SQS client the reader uses.
type API interface {
	ReceiveMessage(context.Context, *awssqs.ReceiveMessageInput, ...func(*awssqs.Options)) (*awssqs.ReceiveMessageOutput, error)
	ChangeMessageVisibilityBatch(context.Context, *awssqs.ChangeMessageVisibilityBatchInput, ...func(*awssqs.Options)) (*awssqs.ChangeMessageVisibilityBatchOutput, error)
}

// Queues reads dead-letter queues by name ("mailbox", "reminders") and URL.
type Queues struct {
	Client API
	URLs   map[string]string
	Max    int // messages looked at per queue; 0 is 10
}

// List returns the messages waiting on every queue, oldest first within a
// queue. Each is received for a second (the SDK cannot ask for 0) and made
// visible again at once: nothing is deleted, and nothing stays hidden from
// the engineer who re-drives it. SQS samples its servers, so a long queue
// may show some of its messages only.
func (q *Queues) List(ctx context.Context) ([]deadletter.Letter, error) {
	max := q.Max
	if max <= 0 {
		max = 10
	}
	var out []deadletter.Letter
	for name, url := range q.URLs {
		seen := map[string]bool{}
		for len(seen) < max {
			res, err := q.Client.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{
				QueueUrl: aws.String(url), MaxNumberOfMessages: int32(min(10, max)), VisibilityTimeout: 1,
				MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameSentTimestamp},
				MessageAttributeNames:       []string{"All"},
			})
			if err != nil {
				return nil, fmt.Errorf("sqs: receive from the %s dead-letter queue: %w", name, err)
			}
			var back []types.ChangeMessageVisibilityBatchRequestEntry
			for i, m := range res.Messages {
				back = append(back, types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0})
			}
			if len(back) > 0 {
				if _, err := q.Client.ChangeMessageVisibilityBatch(ctx, &awssqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: back}); err != nil {
					return nil, fmt.Errorf("sqs: make the %s dead-letter queue's messages visible again: %w", name, err)
				}
			}
			fresh := 0
			for _, m := range res.Messages {
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
