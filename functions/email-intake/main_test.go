package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cspr-intake/cspr-intake/functions/internal/fntest"
	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
)

func TestMain(m *testing.M) { fntest.Main(m) }

func TestNewHandlerNeedsResources(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t", "RAW_BUCKET": "b"}
	if _, err := newHandler(context.Background(), func(k string) string { return env[k] }, slog.Default()); err == nil || !strings.Contains(err.Error(), "MAIL_PREFIX") {
		t.Errorf("no MAIL_PREFIX: %v", err)
	}
}

// TestSESAndS3Events drives the real handler as Lambda does, with the
// events in events/ses and events/s3, on moto's S3 and SES v2 and
// DynamoDB Local: a case, its acknowledgement sent once whatever the
// redeliveries, and a spoofed message held.
func TestSESAndS3Events(t *testing.T) {
	ctx := context.Background()
	awsCfg := fntest.Setup(t, fntest.Resources{Function: "EmailIntakeFunction", Table: "cases", Bucket: "cspr-raw", Identity: "darlington.gov.uk"})
	s3c := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
	// SES's S3 action stored each message before invoking the function.
	eml, err := os.ReadFile("../../events/email/outlook-word-form.eml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", "inbound/s3wired0e2ic28trm7dfhrc2v0clambda4nbp0g1"} {
		put(t, s3c, key, eml)
	}
	spoofed := strings.Replace(string(eml), "outlook-1@", "spoofed-1@", 1)
	put(t, s3c, "inbound/spoofed0e2ic28trm7dfhrc2v0clambda4nbp0g1", []byte(spoofed))

	env := map[string]string{"TABLE_NAME": "cases", "RAW_BUCKET": "cspr-raw", "MAIL_PREFIX": "inbound/", "LOCK_SECONDS": "60"}
	h, err := newHandler(ctx, fntest.Getenv(env), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	invoke := lambda.NewHandler(h.Handle)
	before := len(sesSent(t, fntest.Moto.Endpoint(t)))
	run := func(file string) []inbox.Report {
		t.Helper()
		payload, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := invoke.Invoke(ctx, payload)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var reps []inbox.Report
		if err := json.Unmarshal(out, &reps); err != nil {
			t.Fatal(err)
		}
		return reps
	}
	first := run("../../events/ses/receipt.json")
	if len(first) != 1 || first[0].Outcome != casefile.OutcomeCase || len(first[0].Refs) != 1 {
		t.Fatalf("SES event: %+v", first)
	}
	// The same message again by SES, and through the S3 wiring (another
	// copy of the same message): one case.
	for _, file := range []string{"../../events/ses/receipt.json", "../../events/s3/object-created.json"} {
		again := run(file)
		if len(again) != 1 || !again[0].Duplicate || again[0].Refs[0] != first[0].Refs[0] {
			t.Errorf("%s again: %+v", file, again)
		}
	}
	held := run("../../events/ses/receipt-dmarc-fail.json")
	if held[0].Outcome != casefile.OutcomeQuarantined || held[0].Reasons[0] != inbox.ReasonDMARC {
		t.Errorf("spoofed message: %+v", held)
	}
	st := dynamo.New(fntest.Dynamo(awsCfg), "cases", nil)
	c, err := st.GetCase(ctx, first[0].Refs[0])
	if err != nil || c.Channel != "email" || c.MessageKey != first[0].Key {
		t.Errorf("stored case %+v %v", c, err)
	}
	// This test's messages only: the emulator keeps every message any
	// test sent it.
	ref := first[0].Refs[0]
	want := []string{ // to, and what (the Message-Id's first word), in the order sent
		"<sam.referrer@darlington.gov.uk> ack." + ref, // the acknowledgement, to its sender
		"<business.unit@darlington.gov.uk> held.",     // the spoofed message held
	} // the new case's notices are the table stream's (functions/settle)
	var got []string
	for _, m := range sesSent(t, fntest.Moto.Endpoint(t))[before:] {
		id := strings.Trim(m.Header.Get("Message-Id"), "<>")
		what, _, _ := strings.Cut(id, "@")
		if strings.HasPrefix(what, "held.") {
			what = "held."
		} else if i := strings.Index(what, ref); i >= 0 {
			what = what[:i+len(ref)]
		}
		got = append(got, m.Header.Get("To")+" "+what)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SES sent\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The scheduled sweep (template.yaml's input) runs on DynamoDB's index:
	// nothing is stuck, so nothing is sent.
	if _, err := invoke.Invoke(ctx, []byte(mustRead(t, "../../events/scheduled/sweep.json"))); err != nil {
		t.Errorf("sweep: %v", err)
	}
	// Events this function must refuse: another bucket, another prefix.
	other := strings.Replace(mustRead(t, "../../events/s3/object-created.json"), `"name": "cspr-raw"`, `"name": "someone-elses"`, 1)
	if _, err := invoke.Invoke(ctx, []byte(other)); err == nil {
		t.Error("an object of another bucket was read")
	}
}

func put(t *testing.T, c *s3.Client, key string, data []byte) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("cspr-raw"), Key: aws.String(key),
		Body: strings.NewReader(string(data))}); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// sesSent is every message moto's SES accepted (its inspection
// endpoint), oldest first, as recipients and the message's headers.
func sesSent(t *testing.T, endpoint string) []sent {
	t.Helper()
	resp, err := http.Get(endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var data map[string]map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatal(err)
	}
	var raw []struct { // the SES adapter sends raw messages
		Destinations []string `json:"destinations"`
		Data         string   `json:"raw_data"`
	}
	if len(data["ses"]["RawMessage"]) > 0 {
		if err := json.Unmarshal(data["ses"]["RawMessage"], &raw); err != nil {
			t.Fatal(err)
		}
	}
	var out []sent
	for _, r := range raw {
		m, err := mail.ReadMessage(strings.NewReader(r.Data))
		if err != nil {
			t.Fatalf("SES took a message that is not one: %v", err)
		}
		out = append(out, sent{To: strings.Join(r.Destinations, ","), Header: m.Header})
	}
	return out
}

type sent struct {
	To     string // the envelope's recipients
	Header mail.Header
}
