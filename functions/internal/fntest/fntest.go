// Package fntest stands up on the emulators what template.yaml would give
// a function — the table, the raw bucket, the schedule group, the SES
// identity — so each function's test drives its real handler.
package fntest

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

// The emulators of a function's tests, started on first use and stopped
// by Main.
var (
	DDB  = testenv.Lazy{Start: testenv.StartDynamoDBLocal}
	Moto = testenv.Lazy{Start: testenv.StartMoto}
)

// Main runs a function's tests, then stops the emulators: call it from
// TestMain.
func Main(m *testing.M) { testenv.Main(m, &DDB, &Moto) }

// Deployment is what template.yaml gives every function from the stack's
// parameters: the public address and each role's addresses.
var Deployment = map[string]string{
	"CSPR_BASE_URL": "https://refer.darlington.gov.uk", "CSPR_ROLE_BUSINESS_UNIT": "business.unit@darlington.gov.uk",
	"CSPR_ROLE_SSP": "ssp@darlington.gov.uk", "CSPR_ROLE_LOCAL_AUTHORITY": "la@darlington.gov.uk",
	"CSPR_ROLE_CHAIR": "chair@darlington.gov.uk", "CSPR_ROLE_LD_CHAIR": "ld.chair@darlington.gov.uk",
}

// Getenv reads a function's environment: m, then Deployment, then the
// process's (where Setup pointed the SDK at the emulators).
func Getenv(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		if v, ok := Deployment[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}

// Resources names what to create; empty names are left out. The table is
// always made, on DynamoDB Local; the rest on moto.
type Resources struct {
	Table, Bucket, ScheduleGroup, Identity string
	Secrets                                map[string]string // name → its text, in Secrets Manager
	// Function is the function's logical id in template.yaml: every call
	// it makes in the test must be one its rights allow (rights.go).
	Function string
}

// Setup points the SDK at the emulators for the rest of the test, creates
// the resources and returns the SDK configuration the function will load.
func Setup(t *testing.T, r Resources) aws.Config {
	t.Helper()
	ctx := context.Background()
	rec := &recorder{calls: map[call]bool{}}
	direct = DDB.Endpoint(t)
	endpoints := map[string]string{"DYNAMODB": rec.proxy(t, direct)}
	if r.Bucket != "" || r.ScheduleGroup != "" || r.Identity != "" || len(r.Secrets) > 0 {
		moto := rec.proxy(t, Moto.Endpoint(t))
		for _, s := range []string{"S3", "SCHEDULER", "SESV2", "SECRETS_MANAGER", "SQS"} {
			endpoints[s] = moto
		}
	}
	testenv.SetAWSEnv(t, endpoints)
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The function's calls carry a session token the tests' own do not.
	t.Setenv("AWS_SESSION_TOKEN", functionToken)
	if r.Function != "" {
		t.Cleanup(func() { rec.check(t, r.Function) })
	}
	if err := dynamo.CreateTable(ctx, Dynamo(cfg), r.Table); err != nil {
		t.Fatal(err)
	}
	if r.Bucket != "" {
		_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(r.Bucket),
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest2}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if r.ScheduleGroup != "" {
		if _, err := scheduler.NewFromConfig(cfg).CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String(r.ScheduleGroup)}); err != nil {
			t.Fatal(err)
		}
	}
	if r.Identity != "" {
		if _, err := sesv2.NewFromConfig(cfg).CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(r.Identity)}); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range r.Secrets {
		if _, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(text)}); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

// direct is DynamoDB Local's own address, not the recorder's.
var direct string

// Dynamo is a DynamoDB client for the table Setup made (DynamoDB Local),
// for a test to look at what the function did.
func Dynamo(cfg aws.Config) *dynamodb.Client {
	cfg.BaseEndpoint = aws.String(direct)
	return dynamo.NewClient(cfg)
}
