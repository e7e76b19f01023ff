// Package ses is the mail.Sender on Amazon SES v2, through the SDK's
// client: each message is rendered once and sent raw, so what SES sends is
// byte for byte what the outbox would have written.
package ses

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
)

// API is what the sender calls of SES; *sesv2.Client is it.
type API interface {
	SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// Sender sends through SES.
type Sender struct {
	Client           API
	ConfigurationSet string // optional: SES configuration set for delivery events
}

var _ mail.Sender = (*Sender)(nil)

// New is a sender with the SDK's client on cfg. A send is tried again only
// when SES answered that it did not send (throttled, or failing), or when
// the request never left (no connection): never after it was sent and its
// answer lost, when SES may have sent the message already — sending it
// again would e-mail the partners twice.
func New(cfg aws.Config, configurationSet string) *Sender {
	client := sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(sentOrNot)}, o.Retryables...)
		})
	})
	return &Sender{Client: client, ConfigurationSet: configurationSet}
}

// sentOrNot: a request that failed in transport is tried again only if it
// failed to connect, so nothing was sent; the rest of the SDK's rules
// decide what SES answered.
func sentOrNot(err error) aws.Ternary {
	var send *smithyhttp.RequestSendError
	if !errors.As(err, &send) {
		return aws.UnknownTernary
	}
	var op *net.OpError
	return aws.BoolTernary(errors.As(err, &op) && op.Op == "dial")
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
	in := &sesv2.SendEmailInput{
		FromEmailAddress: &m.From,
		Destination:      &types.Destination{ToAddresses: m.To},
		Content:          &types.EmailContent{Raw: &types.RawMessage{Data: raw}},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = &s.ConfigurationSet
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
