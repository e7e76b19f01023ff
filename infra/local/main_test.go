package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// start runs the system on a free port with its own data folder and
// returns its web address and a stop function that waits for a clean stop.
func start(t testing.TB, data string) (string, func()) {
	a, stop := startSystem(t, data)
	return "http://" + a.Web, stop
}

// startSystem is start, giving every address.
func startSystem(t testing.TB, data string, args ...string) (Addrs, func()) {
	t.Helper()
	if len(args) == 0 {
		args = []string{"-addr", "127.0.0.1:0"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan Addrs, 1)
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- serve(ctx, append([]string{"-data", data, "-smtp", "127.0.0.1:0"}, args...), &logs, func(a Addrs) { addrs <- a })
	}()
	select {
	case a := <-addrs:
		return a, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v\n%s", err, logs.String())
			}
			if !strings.Contains(logs.String(), `"msg":"stopped"`) {
				t.Errorf("no clean stop in the logs:\n%s", logs.String())
			}
		}
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v\n%s", err, logs.String())
	}
	return Addrs{}, nil
}

// post sends a referral file to a running system's API, with its token.
func post(t *testing.T, a Addrs, file string) (int, map[string]any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+a.Web+"/api/referrals", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.APIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, v
}

func TestServe(t *testing.T) {
	data := t.TempDir()
	a, stop := startSystem(t, data)
	resp, err := http.Get("http://" + a.Web + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	status, v := post(t, a, "../../events/referrals/complete.json")
	if status != http.StatusCreated || v["ref"] != "DSP-"+v["ref"].(string)[4:8]+"-0001" || v["status"] != "complete" {
		t.Errorf("POST complete.json: %d %v", status, v)
	}
	status, v = post(t, a, "../../events/referrals/incomplete.json")
	if status != http.StatusCreated || v["status"] != "incomplete" || len(v["problems"].([]any)) == 0 {
		t.Errorf("POST incomplete.json: %d %v", status, v)
	}
	stop()

	// Everything survives a restart: the same form again is the same case.
	a, stop = startSystem(t, data)
	defer stop()
	status, v = post(t, a, "../../events/referrals/complete.json")
	if status != http.StatusOK || v["duplicate"] != true || !strings.HasSuffix(v["ref"].(string), "-0001") {
		t.Errorf("POST again after restart: %d %v", status, v)
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "raw")); len(entries) != 2 {
		t.Errorf("%d raw inputs kept, want 2", len(entries))
	}
}

func TestServeBadFlags(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-config", "/nonexistent.json"}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), "nonexistent") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"referrer": `), 0o600)
	tests := []struct {
		files []string
		code  int
	}{
		{[]string{"../../events/referrals/complete.json"}, 0},
		{[]string{"../../events/referrals/complete.json", "../../events/referrals/incomplete.json"}, 1},
		{[]string{"../../events/referrals/incomplete.json", broken}, 2},
		{[]string{filepath.Join(dir, "missing.json")}, 2},
		{nil, 2},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"parse"}, tt.files...), &stdout, &stderr)
		if code != tt.code {
			t.Errorf("parse %v: exit %d, want %d\n%s%s", tt.files, code, tt.code, stdout.String(), stderr.String())
		}
		dec := json.NewDecoder(&stdout)
		for _, f := range tt.files {
			var out struct {
				File     string `json:"file"`
				Route    string `json:"route"`
				Complete *bool  `json:"complete"`
				Problems []any  `json:"problems"`
			}
			if err := dec.Decode(&out); err != nil || out.File != f || out.Route == "" || out.Complete == nil || out.Problems == nil {
				t.Errorf("parse %v: output for %s: %+v %v", tt.files, f, out, err)
			}
		}
	}
}

// BenchmarkReady measures start-up to accepting requests, in process
// (target: under 300 ms after build).
func BenchmarkReady(b *testing.B) {
	for b.Loop() {
		_, stop := start(b, b.TempDir())
		b.StopTimer()
		stop()
		b.StartTimer()
	}
}

// TestUnknownCommand: a mistyped command or a stray word starts nothing.
func TestUnknownCommand(t *testing.T) {
	for _, args := range [][]string{{"mesages"}, {"-data", t.TempDir(), "now"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "is not a command") {
			t.Errorf("%v: exit %d, %s", args, code, errOut.String())
		}
	}
	if got := base("127.0.0.1:8080"); got != "http://127.0.0.1:8080" {
		t.Errorf("base(host:port) = %s", got)
	}
	if got := base("http://127.0.0.1:8080/"); got != "http://127.0.0.1:8080" {
		t.Errorf("base(URL) = %s", got)
	}
}

// TestListensOnThisMachineOnly: the runner refuses to listen beyond this
// machine unless told (-expose), and then only with the address people
// use configured, and every page behind sign-in.
func TestListensOnThisMachineOnly(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:0"},
		{"-addr", ":0"},
		{"-addr", "127.0.0.1:0", "-smtp", "0.0.0.0:0"},
		{"-addr", "0.0.0.0:0", "-expose"}, // baseURL still says 127.0.0.1
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"-data", t.TempDir(), "-smtp", "127.0.0.1:0"}, args...), &out, &errOut)
		if code != 1 || !strings.Contains(errOut.String(), "-expose") && !strings.Contains(errOut.String(), "baseURL") {
			t.Errorf("%v: exit %d, %s", args, code, errOut.String())
		}
	}
	file := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(file, []byte(`{"baseURL": "http://cspr.test"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	a, stop := startSystem(t, t.TempDir(), "-addr", "0.0.0.0:0", "-smtp", "0.0.0.0:0", "-expose", "-config", file)
	defer stop()
	_, port, _ := strings.Cut(a.Web, "]:")
	if port == "" {
		_, port, _ = strings.Cut(a.Web, ":")
	}
	get := func(path string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+path, nil)
		req.Host = "cspr.test"
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for path, want := range map[string]int{"/": http.StatusSeeOther, "/referral/criteria": http.StatusSeeOther, "/referral-form.docx": http.StatusSeeOther,
		"/cases": http.StatusSeeOther, "/healthz": http.StatusOK, "/api/cases": http.StatusUnauthorized} {
		if got := get(path); got != want {
			t.Errorf("exposed, GET %s: %d, want %d", path, got, want)
		}
	}
}

// TestParseReadsWhatTheMailboxReads: parse reads a whole e-mail as the
// mailbox does, says what to do with an Outlook .msg, and calls prose
// that is not the form (a README) that, not a form with thirty problems.
func TestParseReadsWhatTheMailboxReads(t *testing.T) {
	msg := filepath.Join(t.TempDir(), "forwarded.msg")
	// An Outlook message: an OLE container with its property streams.
	ole := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 504)...)
	for _, r := range "__substg1.0_0037001F" {
		ole = append(ole, byte(r), 0)
	}
	if err := os.WriteFile(msg, ole, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file, want string
		code       int
	}{
		{"../../events/email/outlook-word-form.eml", `"complete": true`, 0},
		{msg, "Outlook message (.msg)", 2},
		{"../../README.md", "does not look like the Notifiable (Serious) Incident Referral Form", 2},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"parse", tt.file}, &out, &errOut)
		if code != tt.code || !strings.Contains(out.String(), tt.want) {
			t.Errorf("parse %s: exit %d, want %d with %q:\n%.400s", tt.file, code, tt.code, tt.want, out.String())
		}
	}
}
