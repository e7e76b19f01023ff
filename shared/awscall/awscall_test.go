package awscall

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
})

// TestRetriesWhenBusy: a 503 SlowDown and a 400 Throttling are tried
// again, up to Attempts; a 403 and a 400 MessageRejected are not; every
// request is signed for the service with the payload's hash.
func TestRetriesWhenBusy(t *testing.T) {
	var calls int
	busyFor := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if !strings.Contains(r.Header.Get("Authorization"), "/eu-west-2/svc/aws4_request") || r.Header.Get("X-Amz-Content-Sha256") == "" {
			t.Errorf("not signed: %v", r.Header)
		}
		switch {
		case r.URL.Path == "/slow" && calls <= busyFor:
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
		case r.URL.Path == "/throttled" && calls <= busyFor:
			w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException:http://internal.amazon.com/coral/")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"message":"Maximum sending rate exceeded."}`)
		case r.URL.Path == "/denied":
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
		case r.URL.Path == "/rejected":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"com.amazonaws.sesv2#MessageRejected","message":"Email address is not verified."}`)
		default:
			io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	c := &Client{Service: "svc", Region: "eu-west-2", Credentials: creds}
	for _, tt := range []struct {
		path      string
		busy      int
		wantCalls int
		wantCode  string
	}{
		{"/slow", 2, 3, ""},
		{"/throttled", 1, 2, ""},
		{"/slow", 5, Attempts, "SlowDown"},
		{"/denied", 0, 1, "AccessDenied"},
		{"/rejected", 0, 1, "MessageRejected"},
	} {
		calls, busyFor = 0, tt.busy
		resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL + tt.path, Body: []byte("{}")})
		var refused *Error
		switch {
		case tt.wantCode == "" && err != nil:
			t.Errorf("%s: %v", tt.path, err)
		case tt.wantCode != "" && (!errors.As(err, &refused) || refused.Code != tt.wantCode || refused.Message == ""):
			t.Errorf("%s: %v, want %s with its message", tt.path, err, tt.wantCode)
		}
		if resp != nil {
			resp.Body.Close()
		}
		if calls != tt.wantCalls {
			t.Errorf("%s: %d calls, want %d", tt.path, calls, tt.wantCalls)
		}
	}
}

func TestURIEncode(t *testing.T) {
	if got := URIEncode("a+b c=d&e/ü~x.eml"); got != "a%2Bb%20c%3Dd%26e%2F%C3%BC~x.eml" {
		t.Errorf("URIEncode: %s", got)
	}
}

// TestForAndBase: a service's caller keeps the client's region and
// credentials; its calls go to the emulator when one is set, else to
// AWS's own endpoint for the region.
func TestForAndBase(t *testing.T) {
	base := Client{Region: "eu-west-2", Credentials: creds}
	c := base.For("dynamodb")
	if c.Service != "dynamodb" || c.Region != "eu-west-2" || c.Credentials == nil || base.Service != "" {
		t.Fatalf("For: %+v (base %+v)", c, base)
	}
	if got := c.Base("", "dynamodb"); got != "https://dynamodb.eu-west-2.amazonaws.com" {
		t.Errorf("AWS's own: %s", got)
	}
	if got := c.Base("http://127.0.0.1:4566/", "dynamodb"); got != "http://127.0.0.1:4566" {
		t.Errorf("emulator: %s", got)
	}
}
