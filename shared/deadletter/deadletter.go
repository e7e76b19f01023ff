// Package deadletter says what AWS could not deliver after its retries —
// a mailbox delivery or a reminder left in a dead-letter queue — in words
// the Business Unit can act on, and never with a child's details: a
// mailbox delivery is named by the sender and the message's key (the raw
// message is kept in the bucket), never its subject.
package deadletter

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Letter is one message in a dead-letter queue.
type Letter struct {
	Queue  string    // which queue: "mailbox" or "reminders"
	ID     string    // the queue's id of the message
	SentAt time.Time // when it was put on the queue
	What   string    // what failed, for people
	Detail string    // the error, where one was given
}

// Describe reads a dead-letter message: the record Lambda writes when an
// asynchronous invocation fails after its retries, or the input Scheduler
// could not deliver (with its ERROR_CODE and ERROR_MESSAGE attributes).
func Describe(queue, id, body string, sentAt time.Time, attrs map[string]string) Letter {
	l := Letter{Queue: queue, ID: id, SentAt: sentAt, What: "a message this service cannot read"}
	var rec struct {
		RequestContext struct {
			Condition              string `json:"condition"`
			ApproximateInvokeCount int    `json:"approximateInvokeCount"`
		} `json:"requestContext"`
		RequestPayload  json.RawMessage `json:"requestPayload"`
		ResponsePayload struct {
			ErrorType    string `json:"errorType"`
			ErrorMessage string `json:"errorMessage"`
		} `json:"responsePayload"`
	}
	payload := json.RawMessage(body)
	if json.Unmarshal([]byte(body), &rec) == nil && rec.RequestPayload != nil {
		payload = rec.RequestPayload
		l.Detail = strings.TrimSpace(strings.Join(nonEmpty(rec.RequestContext.Condition, rec.ResponsePayload.ErrorType, clip(rec.ResponsePayload.ErrorMessage, 200)), ": "))
		if n := rec.RequestContext.ApproximateInvokeCount; n > 0 {
			l.Detail += fmt.Sprintf(" (tried %d times)", n)
		}
	} else if code := attrs["ERROR_CODE"]; code != "" {
		l.Detail = strings.Join(nonEmpty(code, clip(attrs["ERROR_MESSAGE"], 200)), ": ")
	}

	var ses struct {
		Records []struct {
			SES struct {
				Mail struct {
					MessageID string `json:"messageId"`
					Timestamp string `json:"timestamp"`
					Source    string `json:"source"`
				} `json:"mail"`
			} `json:"ses"`
		} `json:"Records"`
	}
	var reminder struct {
		Ref  string `json:"ref"`
		Rule string `json:"rule"`
		Kind string `json:"kind"`
		Due  string `json:"due"`
	}
	switch {
	case json.Unmarshal(payload, &ses) == nil && len(ses.Records) > 0 && ses.Records[0].SES.Mail.MessageID != "":
		m := ses.Records[0].SES.Mail
		l.What = fmt.Sprintf("a message to the mailbox from %s, received %s, was not read: it is kept in the raw bucket as %s", clip(m.Source, 100), m.Timestamp, clip(m.MessageID, 100))
	case json.Unmarshal(payload, &reminder) == nil && reminder.Ref != "" && reminder.Rule != "":
		l.What = fmt.Sprintf("the %s reminder of %s for %s (due %s) was not sent", clip(reminder.Kind, 20), clip(reminder.Rule, 60), clip(reminder.Ref, 30), clip(reminder.Due, 30))
	}
	return l
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
