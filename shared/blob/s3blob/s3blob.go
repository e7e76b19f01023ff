// Package s3blob keeps raw inputs in an S3 bucket. The bucket's default
// encryption (KMS, declared in template.yaml) encrypts every object.
//
// It makes its two calls — PutObject and GetObject — itself, signed by
// the AWS SDK's own Signature Version 4 signer, rather than through the
// SDK's S3 client: that client links every one of S3's hundred-odd
// operations and its endpoint rules into each function that keeps a raw
// input (2.1 MB of a 21 MB binary; docs/performance.md), for two calls
// whose wire form is a signed PUT and GET of the bytes.
package s3blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// Store keeps blobs in Bucket.
type Store struct {
	Bucket      string
	Region      string
	Credentials aws.CredentialsProvider
	// Endpoint is where S3 is: "" for AWS's own, the bucket's virtual
	// host (https://BUCKET.s3.REGION.amazonaws.com); set (an emulator),
	// the bucket is the path's first segment.
	Endpoint string
	HTTP     *http.Client // nil: one with time-outs
	MaxBytes int64        // the most Get reads; 0 means no limit
	Now      func() time.Time
}

// attempts is how many times a call is tried when S3 is busy or
// unreachable, with a jittered back-off between.
const attempts = 3

// emptyHash is the SHA-256 of no bytes, the payload hash of a GET.
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var defaultHTTP = &http.Client{Timeout: 2 * time.Minute}

var signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }) // S3 paths are escaped once

// Put writes data at key. Keys name content, so writing a key again writes
// the same bytes.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	sum := sha256.Sum256(data)
	resp, err := s.do(ctx, http.MethodPut, key, data, hex.EncodeToString(sum[:]))
	if err != nil {
		return fmt.Errorf("s3blob: put %s: %w", key, err)
	}
	resp.Body.Close()
	return nil
}

// Get returns the blob at key. errs.NotFound if there is none;
// errs.TooLarge if it is over MaxBytes.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	resp, err := s.do(ctx, http.MethodGet, key, nil, emptyHash)
	var se *s3Error
	if errors.As(err, &se) && (se.Code == "NoSuchKey" || se.Status == http.StatusNotFound) {
		return nil, errs.E(errs.NotFound, "no object %s", key)
	}
	if err != nil {
		return nil, fmt.Errorf("s3blob: get %s: %w", key, err)
	}
	defer resp.Body.Close()
	limit := s.MaxBytes
	r := io.Reader(resp.Body)
	if limit > 0 {
		if resp.ContentLength > limit {
			return nil, errs.E(errs.TooLarge, "object %s is over %d bytes", key, limit)
		}
		r = io.LimitReader(resp.Body, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("s3blob: read %s: %w", key, err)
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, errs.E(errs.TooLarge, "object %s is over %d bytes", key, limit)
	}
	return data, nil
}

// s3Error is what S3 answered when it refused a call.
type s3Error struct {
	Status  int
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func (e *s3Error) Error() string {
	return fmt.Sprintf("S3 answered %d %s: %s", e.Status, e.Code, e.Message)
}

// retryable reports whether a call that failed may succeed if tried
// again: S3 busy or failing (5xx, 429, SlowDown), or no answer at all.
func retryable(err error) bool {
	var se *s3Error
	if errors.As(err, &se) {
		return se.Status >= 500 || se.Status == http.StatusTooManyRequests || se.Code == "SlowDown" || se.Code == "RequestTimeout"
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// do signs and sends a request for key, trying again while S3 is busy;
// a 2xx response is returned open, anything else as an *s3Error.
func (s *Store) do(ctx context.Context, method, key string, body []byte, payloadHash string) (*http.Response, error) {
	var err error
	for attempt := 1; ; attempt++ {
		var resp *http.Response
		resp, err = s.once(ctx, method, key, body, payloadHash)
		if err == nil {
			return resp, nil
		}
		if attempt == attempts || !retryable(err) {
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

func (s *Store) once(ctx context.Context, method, key string, body []byte, payloadHash string) (*http.Response, error) {
	req, err := s.request(ctx, method, key, body, payloadHash, nil)
	if err != nil {
		return nil, err
	}
	client := s.HTTP
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
	se := &s3Error{Status: resp.StatusCode}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = xml.Unmarshal(raw, se) // a HEAD-like answer has no body: the status says enough
	if se.Code == "" {
		se.Code = strconv.Itoa(resp.StatusCode)
	}
	return nil, se
}

// request builds a signed request for key (header: any more to sign).
func (s *Store) request(ctx context.Context, method, key string, body []byte, payloadHash string, header http.Header) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.url(key), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if method == http.MethodPut {
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/octet-stream")
	} else {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds, err := s.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if err := signer.SignHTTP(ctx, creds, req, payloadHash, "s3", s.Region, now().UTC()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return req, nil
}

// url is the object's address: the bucket's virtual host at AWS, the
// bucket as the first path segment at an endpoint of one's own. Each
// segment of the key is escaped once, as Signature Version 4 wants it.
func (s *Store) url(key string) string {
	segments := strings.Split(key, "/")
	for i, seg := range segments {
		segments[i] = uriEncode(seg)
	}
	path := strings.Join(segments, "/")
	if s.Endpoint != "" {
		return strings.TrimRight(s.Endpoint, "/") + "/" + uriEncode(s.Bucket) + "/" + path
	}
	return "https://" + s.Bucket + ".s3." + s.Region + ".amazonaws.com/" + path
}

// uriEncode percent-encodes every byte but the unreserved characters
// (A–Z, a–z, 0–9, '-', '.', '_', '~'), as AWS's canonical requests do.
func uriEncode(s string) string {
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
