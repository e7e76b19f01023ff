// Package coldstart measures each function's cold init: from the process
// starting to its first call for work on the Lambda Runtime API
// (GET …/runtime/invocation/next), against the smallest aws-lambda-go
// function, their starts alternating; x-minimal is the ratio of the
// medians. Run it with
//
//	go test -run '^$' -bench ColdInit -benchtime 20x ./infra/coldstart
//
// Each bootstrap is built for this machine with the Makefile's flags, and
// started with the environment template.yaml gives it, pointed at stubs on
// loopback: nothing reaches AWS.
package coldstart

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

var functions = []string{"minimal", "email-intake", "form-intake", "intake-api", "reminder", "settle", "workspace"}

func BenchmarkColdInit(b *testing.B) {
	dir := b.TempDir()
	bins := map[string]string{}
	for _, f := range functions {
		pkg := "../../functions/" + f
		if f == "minimal" {
			pkg = "./testdata/minimal"
		}
		bin := filepath.Join(dir, f)
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bin, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", f, err, out)
		}
		bins[f] = bin
	}
	// The workspace reads its client from Secrets Manager and discovers its
	// sign-in provider at the first sign-in, not at start; both are stubbed
	// here all the same, so a start that reached for them would still be
	// measured, not fail.
	oidc, err := mockoidc.Run()
	if err != nil {
		b.Fatal(err)
	}
	defer oidc.Shutdown()
	secret, _ := json.Marshal(map[string]string{"clientId": oidc.ClientID, "clientSecret": oidc.ClientSecret})
	aws := httpStub(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]string{"SecretString": string(secret), "Name": "cspr-workspace-client"})
	})
	env := []string{"AWS_REGION=eu-west-2", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_ENDPOINT_URL=" + aws,
		"TABLE_NAME=cases", "RAW_BUCKET=raw", "MAIL_PREFIX=inbound/", "SCHEDULE_GROUP=cspr", "BASE_PATH=/live",
		"REMINDER_FUNCTION_ARN=arn:aws:lambda:eu-west-2:123456789012:function:reminder",
		"SCHEDULER_ROLE_ARN=arn:aws:iam::123456789012:role/scheduler", "REMINDER_DLQ_ARN=arn:aws:sqs:eu-west-2:123456789012:dlq",
		"OIDC_ISSUER=" + oidc.Issuer(), "OIDC_CLIENT_SECRET_NAME=cspr-workspace-client",
		"CSPR_BASE_URL=https://referrals.example.gov.uk", "CSPR_MAILBOX=dsp@referrals.example.gov.uk",
		"CSPR_ROLE_BUSINESS_UNIT=bu@example.gov.uk", "CSPR_ROLE_SSP=ssp@example.gov.uk", "CSPR_ROLE_LOCAL_AUTHORITY=la@example.gov.uk",
		"CSPR_ROLE_CHAIR=chair@example.gov.uk", "CSPR_ROLE_LD_CHAIR=ld@example.gov.uk"}
	// Each function's starts alternate with the minimal function's, so a
	// machine that slows or speeds up mid-run changes both alike: the
	// ratio of their medians is the figure to hold (issue 25: ≤ 3).
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Microseconds()) / 1000
	}
	for _, f := range functions[1:] {
		b.Run(f, func(b *testing.B) {
			var took, minimal []time.Duration
			for b.Loop() {
				minimal = append(minimal, coldInit(b, bins["minimal"], env))
				took = append(took, coldInit(b, bins[f], env))
			}
			b.ReportMetric(median(took), "median-ms")
			b.ReportMetric(median(minimal), "minimal-ms")
			b.ReportMetric(median(took)/median(minimal), "x-minimal")
			b.ReportMetric(float64(slices.Max(took).Microseconds())/1000, "worst-ms")
		})
	}
}

// coldInit starts a bootstrap against a stub Runtime API and returns the
// time until it first asks for work.
func coldInit(b *testing.B, bin string, env []string) time.Duration {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	asked := make(chan time.Time, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- time.Now():
		default:
		}
		<-r.Context().Done() // no work: the process is stopped
	})}
	go srv.Serve(ln)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case at := <-asked:
		return at.Sub(start)
	case <-ctx.Done():
		b.Fatalf("%s never asked for work", filepath.Base(bin))
	}
	return 0
}

func httpStub(b *testing.B, h http.HandlerFunc) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}
