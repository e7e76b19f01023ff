package ses

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

func TestOnMoto(t *testing.T) {
	ctx := context.Background()
	client := sesv2.NewFromConfig(testenv.AWSConfig(), func(o *sesv2.Options) { o.BaseEndpoint = aws.String(moto.Endpoint(t)) })
	s := &Sender{Client: Client(awscall.Client{Region: "eu-west-2", Credentials: testenv.AWSConfig().Credentials}), Endpoint: moto.Endpoint(t)}
	m := mail.Message{From: "DSP@darlington.gov.uk", To: []string{"ssp@example.gov.uk"}, Subject: "[DSP-2026-0001] test", Text: "hello", HTML: "<p>hello</p>", MessageID: "x@cspr-intake"}
	if err := s.Send(ctx, m); errs.Code(err) != errs.Invalid {
		t.Errorf("SES sent from an identity that is not verified, or did not say it rejected it: %v", err)
	}
	if _, err := client.CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String("darlington.gov.uk")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if err := s.Send(ctx, mail.Message{From: "DSP@darlington.gov.uk", Subject: "no one"}); err == nil {
		t.Error("a message without recipients was sent")
	}
}
