package ses

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

func TestOnMoto(t *testing.T) {
	ctx := context.Background()
	client := sesv2.NewFromConfig(testenv.AWSConfig(), func(o *sesv2.Options) { o.BaseEndpoint = aws.String(moto.Endpoint(t)) })
	cfg := testenv.AWSConfig()
	cfg.BaseEndpoint = aws.String(moto.Endpoint(t))
	s := New(cfg, "")
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

// TestSentOnce: a send whose answer is lost after SES had the request is
// not sent again (SES may have sent it); one SES refuses as unavailable
// is.
func TestSentOnce(t *testing.T) {
	m := mail.Message{From: "DSP@darlington.gov.uk", To: []string{"ssp@example.gov.uk"}, Subject: "[DSP-2026-0001] test", Text: "hello", MessageID: "x@cspr-intake"}
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, n int32)
		want   int32
		ok     bool
	}{
		{"answer lost", func(w http.ResponseWriter, _ int32) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, 1, false},
		{"unavailable, then sent", func(w http.ResponseWriter, n int32) {
			if n == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"MessageId":"m-1"}`))
		}, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.answer(w, calls.Add(1))
			}))
			defer srv.Close()
			cfg := testenv.AWSConfig()
			cfg.BaseEndpoint = aws.String(srv.URL)
			err := New(cfg, "cspr").Send(context.Background(), m)
			if calls.Load() != tc.want || (err == nil) != tc.ok {
				t.Errorf("%d sendings, %v; want %d, ok %v", calls.Load(), err, tc.want, tc.ok)
			}
		})
	}
}
