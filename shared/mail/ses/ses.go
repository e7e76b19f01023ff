// Package ses is the mail.Sender on Amazon SES v2: each message is rendered
// once and sent raw, so what SES sends is byte for byte what the outbox
// would have written.
package ses

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
)

// API is the part of the SES v2 client the sender uses.
type API interface {
	SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// Sender sends through SES.
type Sender struct {
	Client           API
	ConfigurationSet string // optional: SES configuration set for delivery events
}

var _ mail.Sender = (*Sender)(nil)

// Send implements mail.Sender.
func (s *Sender) Send(ctx context.Context, m mail.Message) error {
	raw, err := mail.Render(m)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the message cannot be sent")
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(m.From),
		Destination:      &types.Destination{ToAddresses: m.To},
		Content:          &types.EmailContent{Raw: &types.RawMessage{Data: raw}},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	_, err = s.Client.SendEmail(ctx, in)
	var rejected *types.MessageRejected
	if errors.As(err, &rejected) {
		return errs.Wrap(errs.Invalid, err, "SES rejected the message")
	}
	if err != nil {
		return fmt.Errorf("ses: send: %w", err)
	}
	return nil
}
