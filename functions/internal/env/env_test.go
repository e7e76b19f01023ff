package env

import "testing"

func TestAWSConfigFromTheEnvironment(t *testing.T) {
	vars := map[string]string{"AWS_REGION": "eu-west-2", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
		"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000"}
	get := func(k string) string { return vars[k] }
	cfg, err := awsConfig(get)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || cfg.Region != "eu-west-2" || creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "secret" || creds.SessionToken != "token" {
		t.Errorf("config %+v, credentials %+v %v", cfg, creds, err)
	}
	e := Env{AWS: cfg, Get: get}
	if ep := e.For("DYNAMODB").BaseEndpoint; ep == nil || *ep != "http://127.0.0.1:8000" {
		t.Errorf("DynamoDB's own endpoint: %v", ep)
	}
	if ep := e.For("S3").BaseEndpoint; ep == nil || *ep != "http://127.0.0.1:5000" {
		t.Errorf("the endpoint for all: %v", ep)
	}
	delete(vars, "AWS_ENDPOINT_URL")
	if s3 := e.For("S3"); s3.BaseEndpoint != nil || s3.Region != "eu-west-2" || s3.HTTPClient == nil {
		t.Errorf("S3 with no endpoint set: %+v", s3)
	}
	delete(vars, "AWS_SECRET_ACCESS_KEY")
	if _, err := awsConfig(get); err == nil {
		t.Error("no error without credentials")
	}
}
