// Package s3blob keeps raw inputs in an S3 bucket, through the SDK's S3
// client. The bucket's default encryption (KMS, declared in template.yaml)
// encrypts every object.
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

// API is what the store calls of S3; *s3.Client is it.
type API interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store keeps blobs in Bucket.
type Store struct {
	Bucket   string
	Client   API
	MaxBytes int64 // the most Get reads; 0 means no limit
}

// New is a store on bucket with the SDK's client on cfg: AWS's own S3
// when cfg has no BaseEndpoint, else an emulator's, addressed by path.
func New(cfg aws.Config, bucket string, maxBytes int64) *Store {
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = cfg.BaseEndpoint != nil })
	return &Store{Bucket: bucket, Client: client, MaxBytes: maxBytes}
}

// Put writes data at key. Keys name content, so writing a key again writes
// the same bytes. Every put carries the bytes' SHA-256, which S3 checks
// before it keeps them and which a bucket under Object Lock requires.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	_, err := s.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:            &s.Bucket,
		Key:               &key,
		Body:              bytes.NewReader(data),
		ContentLength:     aws.Int64(int64(len(data))),
		ContentType:       aws.String("application/octet-stream"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
	})
	if err != nil {
		return fmt.Errorf("s3blob: put %s: %w", key, err)
	}
	return nil
}

// Get returns the blob at key. errs.NotFound if there is none;
// errs.TooLarge if it is over MaxBytes.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.Bucket, Key: &key})
	var none *types.NoSuchKey
	if errors.As(err, &none) {
		return nil, errs.E(errs.NotFound, "no object %s", key)
	}
	if err != nil {
		return nil, fmt.Errorf("s3blob: get %s: %w", key, err)
	}
	defer out.Body.Close()
	limit := s.MaxBytes
	r := io.Reader(out.Body)
	if limit > 0 {
		if aws.ToInt64(out.ContentLength) > limit {
			return nil, errs.E(errs.TooLarge, "object %s is over %d bytes", key, limit)
		}
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
