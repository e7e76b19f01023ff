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
	e := Env{Get: get}
	if ep := e.Endpoint("DYNAMODB"); ep == nil || *ep != "http://127.0.0.1:8000" {
		t.Errorf("DynamoDB's own endpoint: %v", ep)
	}
	if ep := e.Endpoint("S3"); ep == nil || *ep != "http://127.0.0.1:5000" {
		t.Errorf("the endpoint for all: %v", ep)
	}
	delete(vars, "AWS_ENDPOINT_URL")
	if ep := e.Endpoint("S3"); ep != nil {
		t.Errorf("an endpoint when none is set: %v", *ep)
	}
	delete(vars, "AWS_SECRET_ACCESS_KEY")
	if _, err := awsConfig(get); err == nil {
		t.Error("no error without credentials")
	}
}
