// Package sesmail turns what Amazon SES hands the e-mail intake function
// into inbox deliveries. Two wirings are accepted, so either works:
//
//   - the SES receipt rule's Lambda action (an events.SimpleEmailEvent):
//     the verdicts come from the event, and the raw message from the S3
//     action of the same rule, at Prefix + the SES message id;
//   - an S3 ObjectCreated notification for the raw message (an
//     events.S3Event): the verdicts come from the headers SES wrote at the
//     top of the message it stored.
//
// Only objects in the configured bucket under the configured prefix are
// read.
package sesmail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
)

// Blobs reads the raw messages SES stored.
type Blobs interface {
	Get(ctx context.Context, key string) ([]byte, error)
}

// Receiver is the inbox.
type Receiver interface {
	Receive(ctx context.Context, d inbox.Delivery) (inbox.Report, error)
	Sweep(ctx context.Context) (int, error)
	MailReported(ctx context.Context, ev inbox.MailEvent) error
}

// Handler handles the function's events.
type Handler struct {
	Inbox  Receiver
	Blobs  Blobs  // the raw bucket
	Bucket string // its name, to refuse notifications of other buckets
	Prefix string // where the receipt rule's S3 action writes: "inbound/"
}

// Handle takes an SES or S3 event and processes each message in it. An
// error makes Lambda retry the event (each message is processed once
// whatever the number of deliveries).
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) ([]inbox.Report, error) {
	var sweep struct{ Sweep bool }
	if json.Unmarshal(payload, &sweep) == nil && sweep.Sweep {
		// The scheduled sweep ({"sweep": true}, template.yaml): messages
		// whose processing was cut off are picked up again.
		_, err := h.Inbox.Sweep(ctx)
		return nil, err
	}
	if reports, ok, err := mailEvents(payload); ok {
		// The configuration set's bounces, complaints and rejections of
		// mail we sent, through SNS.
		if err != nil {
			return nil, err
		}
		for _, ev := range reports {
			if err := h.Inbox.MailReported(ctx, ev); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	ds, err := h.deliveries(payload)
	if err != nil {
		return nil, err
	}
	var out []inbox.Report
	for _, d := range ds {
		data, err := h.Blobs.Get(ctx, d.Location)
		if err != nil {
			return out, fmt.Errorf("sesmail: read %s: %w", d.Location, err)
		}
		d.Data = data
		if d.Verdicts == nil {
			d.Verdicts = HeaderVerdicts(data)
		}
		rep, err := h.Inbox.Receive(ctx, d)
		if err != nil {
			return out, err
		}
		out = append(out, rep)
	}
	return out, nil
}

type probe struct {
	Records []struct {
		EventSource  string `json:"eventSource"`
		EventSource2 string `json:"EventSource"`
	} `json:"Records"`
}

// deliveries reads the event: where each message is and its verdicts.
func (h *Handler) deliveries(payload json.RawMessage) ([]inbox.Delivery, error) {
	var p probe
	if err := json.Unmarshal(payload, &p); err != nil || len(p.Records) == 0 {
		return nil, errs.E(errs.Invalid, "sesmail: not an SES or S3 event")
	}
	switch src := p.Records[0].EventSource + p.Records[0].EventSource2; src {
	case "aws:ses":
		var ev events.SimpleEmailEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, errs.Wrap(errs.Invalid, err, "sesmail: SES event")
		}
		var out []inbox.Delivery
		for _, r := range ev.Records {
			id := r.SES.Mail.MessageID
			if id == "" || strings.ContainsAny(id, "/\\") {
				return nil, errs.E(errs.Invalid, "sesmail: SES event without a usable message id")
			}
			rc := r.SES.Receipt
			out = append(out, inbox.Delivery{
				Location:   h.Prefix + id,
				ReceivedAt: rc.Timestamp,
				Verdicts: inbox.Verdicts{"spam": rc.SpamVerdict.Status, "virus": rc.VirusVerdict.Status, "spf": rc.SPFVerdict.Status,
					"dkim": rc.DKIMVerdict.Status, "dmarc": rc.DMARCVerdict.Status},
			})
		}
		return out, nil
	case "aws:s3":
		var ev events.S3Event
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, errs.Wrap(errs.Invalid, err, "sesmail: S3 event")
		}
		var out []inbox.Delivery
		for _, r := range ev.Records {
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil {
				key = r.S3.Object.Key
			}
			if r.S3.Bucket.Name != h.Bucket || !strings.HasPrefix(key, h.Prefix) || !strings.HasPrefix(r.EventName, "ObjectCreated:") {
				return nil, errs.E(errs.Invalid, "sesmail: object %s/%s is not an inbound message", r.S3.Bucket.Name, key)
			}
			out = append(out, inbox.Delivery{Location: key, ReceivedAt: r.EventTime})
		}
		return out, nil
	}
	return nil, errs.E(errs.Invalid, "sesmail: events from %q are not handled", p.Records[0].EventSource)
}

// HeaderVerdicts reads the verdicts SES writes at the top of a message it
// stores: X-SES-Spam-Verdict, X-SES-Virus-Verdict and its
// Authentication-Results (spf, dkim, dmarc). Only the first of each
// counts: SES writes its own above the sender's headers, so copies a
// sender forged come after. Missing verdicts are left out.
func HeaderVerdicts(data []byte) inbox.Verdicts {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	h, _ := r.ReadMIMEHeader()
	v := inbox.Verdicts{}
	if s := first(h, "X-Ses-Spam-Verdict"); s != "" {
		v["spam"] = sesStatus(s)
	}
	if s := first(h, "X-Ses-Virus-Verdict"); s != "" {
		v["virus"] = sesStatus(s)
	}
	for _, ar := range h.Values("Authentication-Results") {
		if !strings.HasPrefix(strings.TrimSpace(strings.ToLower(ar)), "amazonses.com") {
			continue
		}
		for _, part := range strings.Split(ar, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			k = strings.ToLower(k)
			if k == "spf" || k == "dkim" || k == "dmarc" {
				if _, seen := v[k]; !seen {
					v[k] = strings.ToUpper(strings.Fields(val + " ")[0])
				}
			}
		}
		break // SES's own, the first
	}
	return v
}

func first(h textproto.MIMEHeader, k string) string {
	if vs := h.Values(k); len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}

// sesStatus maps SES's header words (PASS, FAIL, GRAY,
// PROCESSING_FAILED) to the event's.
func sesStatus(s string) string { return strings.ToUpper(strings.Fields(s + " ")[0]) }

// sesEvent is one SES event-publishing record (a configuration set's event
// destination): what became of a message we sent.
type sesEvent struct {
	EventType string `json:"eventType"` // Bounce, Complaint, Reject (notificationType in older notifications)
	Notif     string `json:"notificationType"`
	Mail      struct {
		MessageID     string `json:"messageId"`
		CommonHeaders struct {
			MessageID string `json:"messageId"`
		} `json:"commonHeaders"`
	} `json:"mail"`
	Bounce struct {
		BounceType        string                          `json:"bounceType"`
		BounceSubType     string                          `json:"bounceSubType"`
		BouncedRecipients []struct{ EmailAddress string } `json:"bouncedRecipients"`
		FeedbackID        string                          `json:"feedbackId"`
		Timestamp         time.Time                       `json:"timestamp"`
	} `json:"bounce"`
	Complaint struct {
		ComplainedRecipients []struct{ EmailAddress string } `json:"complainedRecipients"`
		FeedbackID           string                          `json:"feedbackId"`
		Timestamp            time.Time                       `json:"timestamp"`
	} `json:"complaint"`
	Reject struct {
		Reason string `json:"reason"`
	} `json:"reject"`
}

// mailEvents reads an SNS event carrying SES's reports of mail we sent;
// ok is false for any other event.
func mailEvents(payload json.RawMessage) ([]inbox.MailEvent, bool, error) {
	var p probe
	if json.Unmarshal(payload, &p) != nil || len(p.Records) == 0 || p.Records[0].EventSource+p.Records[0].EventSource2 != "aws:sns" {
		return nil, false, nil
	}
	var ev events.SNSEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, true, errs.Wrap(errs.Invalid, err, "sesmail: SNS event")
	}
	var out []inbox.MailEvent
	for _, r := range ev.Records {
		var e sesEvent
		if err := json.Unmarshal([]byte(r.SNS.Message), &e); err != nil {
			return nil, true, errs.Wrap(errs.Invalid, err, "sesmail: SES report in SNS")
		}
		id := strings.Trim(e.Mail.CommonHeaders.MessageID, "<> ")
		m := inbox.MailEvent{ID: r.SNS.MessageID, MessageID: id, At: r.SNS.Timestamp}
		switch strings.ToLower(e.EventType + e.Notif) {
		case "bounce":
			m.Kind, m.Type = "bounce", strings.TrimSpace(e.Bounce.BounceType+" "+e.Bounce.BounceSubType)
			for _, rc := range e.Bounce.BouncedRecipients {
				m.Recipients = append(m.Recipients, rc.EmailAddress)
			}
		case "complaint":
			m.Kind = "complaint"
			for _, rc := range e.Complaint.ComplainedRecipients {
				m.Recipients = append(m.Recipients, rc.EmailAddress)
			}
		case "reject":
			m.Kind, m.Type = "reject", e.Reject.Reason
		default:
			continue // deliveries and the like: nothing to do
		}
		out = append(out, m)
	}
	return out, true, nil
}
