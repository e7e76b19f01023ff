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

// onMoto is the AWS configuration for moto's S3.
func onMoto(t *testing.T) aws.Config {
	cfg := testenv.AWSConfig()
	cfg.BaseEndpoint = aws.String(moto.Endpoint(t))
	return cfg
}

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
	s := New(onMoto(t), "raw", 0)
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
	limited := *s
	limited.MaxBytes = 1000
	if _, err := limited.Get(ctx, "raw/abc"); errs.Code(err) != errs.TooLarge {
		t.Errorf("Get over limit = %v, want too large", err)
	}
	if _, err := s.Get(ctx, "raw/none"); errs.Code(err) != errs.NotFound {
		t.Errorf("Get(none) = %v, want not found", err)
	}
	// Keys with characters escaped in the signature.
	odd := "messages/a+b c=d&e/ü~x.eml"
	if err := s.Put(ctx, odd, []byte("odd")); err != nil {
		t.Fatalf("Put(%q): %v", odd, err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("raw"), Key: aws.String(odd)})
	if err != nil {
		t.Fatalf("the SDK reading %q: %v", odd, err)
	}
	out.Body.Close()
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("raw"), Key: aws.String("sdk/x y"), Body: bytes.NewReader([]byte("sdk"))}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "sdk/x y"); err != nil || string(got) != "sdk" {
		t.Errorf("Get of the SDK's object: %q %v", got, err)
	}
}

// TestObjectLockedBucket: a bucket under Object Lock in compliance mode
// (template.yaml's RawRetentionYears) takes the store's puts, which carry
// their checksum, and no one can then delete what was kept.
func TestObjectLockedBucket(t *testing.T) {
	ctx := context.Background()
	client := s3.NewFromConfig(testenv.AWSConfig(), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(moto.Endpoint(t))
		o.UsePathStyle = true
	})
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{
		Bucket:                     aws.String("locked"),
		CreateBucketConfiguration:  &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest2},
		ObjectLockEnabledForBucket: aws.Bool(true),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{
		Bucket: aws.String("locked"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{
			ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule:              &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Years: aws.Int32(7)}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	s := New(onMoto(t), "locked", 0)
	if err := s.Put(ctx, "raw/kept", []byte("evidence")); err != nil {
		t.Fatalf("Put to a locked bucket: %v", err)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("raw/kept")})
	if err != nil {
		t.Fatal(err)
	}
	if head.ObjectLockMode != types.ObjectLockModeCompliance {
		t.Errorf("kept object's lock mode = %q, want COMPLIANCE", head.ObjectLockMode)
	}
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("locked"), Key: aws.String("raw/kept"), VersionId: head.VersionId}); err == nil {
		t.Error("deleting a locked version succeeded")
	}
	if got, err := s.Get(ctx, "raw/kept"); err != nil || string(got) != "evidence" {
		t.Errorf("Get = %q, %v", got, err)
	}
}
