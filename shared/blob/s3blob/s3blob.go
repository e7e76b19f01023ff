// Package s3blob keeps raw inputs in an S3 bucket. The bucket's default
// encryption (KMS, declared in template.yaml) encrypts every object.
package s3blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// API is the part of the S3 client the store uses.
type API interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store keeps blobs in Bucket.
type Store struct {
	Client   API
	Bucket   string
	MaxBytes int64 // the most Get reads; 0 means no limit
}

// Put writes data at key. Keys name content, so writing a key again writes
// the same bytes.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	_, err := s.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.Bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String("application/octet-stream"),
	})
	if err != nil {
		return fmt.Errorf("s3blob: put %s: %w", key, err)
	}
	return nil
}

// Get returns the blob at key. errs.NotFound if there is none;
// errs.TooLarge if it is over MaxBytes.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	limit := s.MaxBytes
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil, errs.E(errs.NotFound, "no object %s", key)
	}
	if err != nil {
		return nil, fmt.Errorf("s3blob: get %s: %w", key, err)
	}
	defer out.Body.Close()
	r := io.Reader(out.Body)
	if limit > 0 {
		r = io.LimitReader(out.Body, limit+1)
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
