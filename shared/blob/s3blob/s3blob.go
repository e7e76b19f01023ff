// Package s3blob keeps raw inputs in an S3 bucket. The bucket's default
// encryption (KMS, declared in template.yaml) encrypts every object.
//
// Its two calls — PutObject and GetObject — are one signed PUT and GET of
// the bytes each (shared/awscall), not the SDK's S3 client, which linked
// all of S3's operations and endpoint rules into every function that keeps
// a raw input (4.3 MB of each; docs/performance.md).
package s3blob

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// Store keeps blobs in Bucket.
type Store struct {
	Bucket string
	// Client calls S3 in the bucket's region (Service "s3", PathsAsSent).
	Client *awscall.Client
	// Endpoint is where S3 is: "" for AWS's own, the bucket's virtual
	// host (https://BUCKET.s3.REGION.amazonaws.com); set (an emulator),
	// the bucket is the path's first segment.
	Endpoint string
	MaxBytes int64 // the most Get reads; 0 means no limit
}

// Client is an S3 caller for a store.
func Client(c awscall.Client) *awscall.Client {
	s3 := c.For("s3")
	s3.PathsAsSent = true // S3 signs the path as sent, escaped once
	return s3
}

// Put writes data at key. Keys name content, so writing a key again writes
// the same bytes. Every put carries the bytes' SHA-256, which S3 checks
// before it keeps them and which a bucket under Object Lock requires.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	sum := sha256.Sum256(data)
	resp, err := s.Client.Do(ctx, awscall.Request{Method: http.MethodPut, URL: s.url(key), Body: data,
		Header: http.Header{
			"Content-Type":                 {"application/octet-stream"},
			"X-Amz-Sdk-Checksum-Algorithm": {"SHA256"},
			"X-Amz-Checksum-Sha256":        {base64.StdEncoding.EncodeToString(sum[:])},
		},
		BodySHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return fmt.Errorf("s3blob: put %s: %w", key, err)
	}
	resp.Body.Close()
	return nil
}

// Get returns the blob at key. errs.NotFound if there is none;
// errs.TooLarge if it is over MaxBytes.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	resp, err := s.Client.Do(ctx, awscall.Request{Method: http.MethodGet, URL: s.url(key)})
	var refused *awscall.Error
	if errors.As(err, &refused) && (refused.Code == "NoSuchKey" || refused.Status == http.StatusNotFound) {
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

// url is the object's address: the bucket's virtual host at AWS, the
// bucket as the first path segment at an endpoint of one's own. Each
// segment of the key is escaped once, as Signature Version 4 wants it.
func (s *Store) url(key string) string {
	segments := strings.Split(key, "/")
	for i, seg := range segments {
		segments[i] = awscall.URIEncode(seg)
	}
	path := strings.Join(segments, "/")
	if s.Endpoint != "" {
		return strings.TrimRight(s.Endpoint, "/") + "/" + awscall.URIEncode(s.Bucket) + "/" + path
	}
	return "https://" + s.Bucket + ".s3." + s.Client.Region + ".amazonaws.com/" + path
}
