// Package ses is the mail.Sender on Amazon SES v2: each message is rendered
// once and sent raw, so what SES sends is byte for byte what the outbox
// would have written.
//
// Its one call, SendEmail, is one signed JSON POST (shared/awscall), not
// the SDK's SES v2 client, whose serialisation tables and endpoint rules
// cost every function about 2 MB and 1.2–1.6 ms of package initialisation
// at each cold start (docs/performance.md).
package ses

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
)

// Sender sends through SES.
type Sender struct {
	Client *awscall.Client // calls SES in its region (Service "ses")
	// Endpoint is where SES is: "" for AWS's own
	// (https://email.REGION.amazonaws.com), or an emulator's.
	Endpoint         string
	ConfigurationSet string // optional: SES configuration set for delivery events
}

// Client is an SES caller for a sender.
func Client(c awscall.Client) *awscall.Client {
	return c.For("ses")
}

var _ mail.Sender = (*Sender)(nil)

// sendEmail is SendEmail's request, as SES v2's REST API takes it.
type sendEmail struct {
	FromEmailAddress     string      `json:"FromEmailAddress"`
	Destination          destination `json:"Destination"`
	Content              content     `json:"Content"`
	ConfigurationSetName string      `json:"ConfigurationSetName,omitempty"`
}

type destination struct {
	ToAddresses []string `json:"ToAddresses"`
}

type content struct {
	Raw struct {
		Data []byte `json:"Data"` // base64 in JSON
	} `json:"Raw"`
}

// Send implements mail.Sender.
func (s *Sender) Send(ctx context.Context, m mail.Message) error {
	if len(m.To) == 0 {
		return errs.E(errs.Invalid, "the message has no recipient")
	}
	raw, err := mail.Render(m)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the message cannot be sent")
	}
	in := sendEmail{FromEmailAddress: m.From, Destination: destination{ToAddresses: m.To}, ConfigurationSetName: s.ConfigurationSet}
	in.Content.Raw.Data = raw
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("ses: send: %w", err)
	}
	resp, err := s.Client.Do(ctx, awscall.Request{Method: http.MethodPost, URL: s.Client.Base(s.Endpoint, "email") + "/v2/email/outbound-emails",
		Body: body, Header: http.Header{"Content-Type": {"application/json"}}})
	var refused *awscall.Error
	if errors.As(err, &refused) && refused.Code == "MessageRejected" {
		return errs.Wrap(errs.Invalid, err, "SES rejected the message")
	}
	if err != nil {
		return fmt.Errorf("ses: send: %w", err)
	}
	resp.Body.Close()
	return nil
}
