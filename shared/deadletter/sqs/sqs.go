// Package sqs reads the stack's dead-letter queues on Amazon SQS without
// taking anything off them: a message looked at stays for the engineer who
// re-drives it and for the alarm on the queue's depth.
package sqs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
	"github.com/cspr-intake/cspr-intake/shared/deadletter"
)

// Queues reads dead-letter queues by name ("mailbox", "reminders") and URL.
// Its one call, ReceiveMessage, is a signed JSON POST to the queue's own
// host (shared/awscall), not the SDK's SQS client, whose start-up cost the
// workspace 0.6 ms of every cold start.
type Queues struct {
	Call *awscall.Client // in the queues' region, Service "sqs"
	URLs map[string]string
	Max  int // messages looked at per queue; 0 is 10
}

// Client is an SQS caller for the queues.
func Client(c awscall.Client) *awscall.Client {
	return c.For("sqs")
}

// receiveMessage is ReceiveMessage's request in SQS's JSON protocol.
type receiveMessage struct {
	QueueUrl                    string
	MaxNumberOfMessages         int
	VisibilityTimeout           int // 0: the messages stay visible
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
}

type message struct {
	MessageId         string
	Body              string
	Attributes        map[string]string
	MessageAttributes map[string]struct{ StringValue string }
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
				if seen[m.MessageId] {
					continue
				}
				seen[m.MessageId], fresh = true, fresh+1
				attrs := map[string]string{}
				for k, v := range m.MessageAttributes {
					attrs[k] = v.StringValue
				}
				var sent time.Time
				if ms, err := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64); err == nil {
					sent = time.UnixMilli(ms).UTC()
				}
				out = append(out, deadletter.Describe(name, m.MessageId, m.Body, sent, attrs))
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

// receive is one ReceiveMessage, sent to the queue URL's host: SQS's
// endpoint in AWS, the emulator's in tests.
func (q *Queues) receive(ctx context.Context, queue string, n int) ([]message, error) {
	u, err := url.Parse(queue)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("queue URL %q", queue)
	}
	body, _ := json.Marshal(receiveMessage{QueueUrl: queue, MaxNumberOfMessages: n,
		MessageSystemAttributeNames: []string{"SentTimestamp"}, MessageAttributeNames: []string{"All"}})
	resp, err := q.Call.Do(ctx, awscall.Request{Method: http.MethodPost, URL: u.Scheme + "://" + u.Host + "/", Body: body,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"AmazonSQS.ReceiveMessage"}}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct{ Messages []message }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	return out.Messages, nil
}
