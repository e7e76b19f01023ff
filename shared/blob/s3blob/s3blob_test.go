package s3blob

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

func TestOnMoto(t *testing.T) {
	ctx := context.Background()
	client := s3.NewFromConfig(testenv.AWSConfig(), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(moto.Endpoint(t))
		o.UsePathStyle = true
	})
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{
		Bucket:                    aws.String("raw"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest2},
	}); err != nil {
		t.Fatal(err)
	}
	s := &Store{Client: client, Bucket: "raw"}
	data := bytes.Repeat([]byte("PK\x03\x04 form "), 100_000) // about 1 MB, binary-safe
	if err := s.Put(ctx, "raw/abc", data); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "raw/abc", data); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	got, err := s.Get(ctx, "raw/abc")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get returned %d bytes, %v", len(got), err)
	}
	limited := &Store{Client: client, Bucket: "raw", MaxBytes: 1000}
	if _, err := limited.Get(ctx, "raw/abc"); errs.Code(err) != errs.TooLarge {
		t.Errorf("Get over limit = %v, want too large", err)
	}
	if _, err := s.Get(ctx, "raw/none"); errs.Code(err) != errs.NotFound {
		t.Errorf("Get(none) = %v, want not found", err)
	}
}
