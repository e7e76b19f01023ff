// Package awscall makes one call to an AWS service's HTTP API: signed with
// the AWS SDK's own Signature Version 4 signer, sent over net/http, tried
// again while the service is busy, and a refusal read into an Error.
//
// The adapters use it rather than the SDK's service clients — DynamoDB
// (shared/store/dynamo), S3 (shared/blob/s3blob), SES v2
// (shared/mail/ses), EventBridge Scheduler (shared/schedule/eventbridge),
// SQS (shared/deadletter/sqs) and Secrets Manager (shared/secret): each
// SDK client links every
// operation of its service, its endpoint rules and serialisation tables
// into every function — megabytes and milliseconds of each cold start
// (docs/performance.md) — for calls whose wire form is one signed
// request.
package awscall

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Client calls one service in one region.
type Client struct {
	Service     string // its signing name: "s3", "ses"
	Region      string
	Credentials aws.CredentialsProvider
	HTTP        *http.Client     // nil: one with time-outs
	Now         func() time.Time // the clock the signature is dated by; time.Now if nil
	// PathsAsSent: the service signs the request's path as sent, escaped
	// once (S3); other services escape it again.
	PathsAsSent bool
}

// For is the caller for one service of the client's region: its signing
// name ("s3", "ses", "dynamodb").
func (c Client) For(service string) *Client {
	c.Service = service
	return &c
}

// Base is where a service's calls go, without a trailing slash: endpoint
// when it is set (an emulator), else AWS's own for the client's region,
// https://HOST.REGION.amazonaws.com.
func (c *Client) Base(endpoint, host string) string {
	if endpoint != "" {
		return strings.TrimRight(endpoint, "/")
	}
	return "https://" + host + "." + c.Region + ".amazonaws.com"
}

// Request is one call.
type Request struct {
	Method string
	URL    string
	Body   []byte
	Header http.Header // more headers to send and sign
	// BodySHA256 is the body's SHA-256 in hex when the caller has it
	// already (S3's checksum): it is not worked out again for signing.
	BodySHA256 string
}

// Error is a service's refusal: its HTTP status and the code and message
// it gave (from an XML or JSON body, or the X-Amzn-ErrorType header).
type Error struct {
	Status  int
	Code    string
	Message string
	// Body is the answer as sent (up to 64 KB), for the services whose
	// refusals say more: DynamoDB's cancelled transactions give a reason
	// for each item.
	Body []byte
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Attempts is how many times a call is tried while the service is busy or
// cannot be reached, with a jittered back-off between.
const Attempts = 3

var defaultHTTP = &http.Client{Timeout: 2 * time.Minute}

// Do sends the request, signed, trying again while the service is busy; a
// 2xx response is returned open for the caller to read and close,
// anything else as an *Error.
func (c *Client) Do(ctx context.Context, r Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := c.once(ctx, r)
		if err == nil {
			return resp, nil
		}
		if attempt == Attempts || !retryable(err) {
			return nil, err
		}
		wait := time.Duration(rand.Int64N(int64(100*time.Millisecond) << attempt))
		select {
		case <-ctx.Done():
			return nil, errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// retryable reports whether a call that failed may succeed if tried
// again: the service busy or failing (5xx, 429, throttling), or no answer
// at all.
func retryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		switch e.Code {
		case "SlowDown", "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestTimeout",
			"ProvisionedThroughputExceededException", "RequestLimitExceeded", "LimitExceededException",
			"TransactionInProgressException": // the same idempotency token, still being written
			return true
		}
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (c *Client) once(ctx context.Context, r Request) (*http.Response, error) {
	req, err := c.Sign(ctx, r)
	if err != nil {
		return nil, err
	}
	client := c.HTTP
	if client == nil {
		client = defaultHTTP
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return nil, refusal(resp, raw)
}

// refusal reads a service's error answer: S3's XML, the JSON services'
// body and header.
func refusal(resp *http.Response, raw []byte) *Error {
	e := &Error{Status: resp.StatusCode, Body: raw}
	var x struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	var j struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Upper   string `json:"Message"`
	}
	switch {
	case xml.Unmarshal(raw, &x) == nil && x.Code != "":
		e.Code, e.Message = x.Code, x.Message
	case json.Unmarshal(raw, &j) == nil:
		e.Code, e.Message = cmp.Or(j.Code, j.Type), cmp.Or(j.Message, j.Upper)
	}
	if t := resp.Header.Get("X-Amzn-ErrorType"); t != "" {
		e.Code = t
	}
	// "MessageRejected:http://internal.amazon.com/…", "aws.protocol#Type"
	if i := strings.IndexByte(e.Code, ':'); i > 0 {
		e.Code = e.Code[:i]
	}
	if i := strings.LastIndexByte(e.Code, '#'); i >= 0 {
		e.Code = e.Code[i+1:]
	}
	if e.Code == "" {
		e.Code = strconv.Itoa(resp.StatusCode)
	}
	return e
}

// Sign builds the request and signs it, with the body's SHA-256 as its
// payload hash (sent as X-Amz-Content-Sha256, which S3 requires).
func (c *Client) Sign(ctx context.Context, r Request) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(r.Body))
	if len(r.Body) == 0 {
		req.Body = http.NoBody
	}
	for k, v := range r.Header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	hash := r.BodySHA256
	if hash == "" {
		hash = PayloadHash(r.Body)
	}
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = c.PathsAsSent })
	if err := signer.SignHTTP(ctx, creds, req, hash, c.Service, c.Region, now().UTC()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return req, nil
}

// URIEncode percent-encodes every byte but the unreserved characters
// (A–Z, a–z, 0–9, '-', '.', '_', '~'), as AWS's canonical requests do.
func URIEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// PayloadHash is the hex SHA-256 of a request's body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
