package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/store/bolt"
)

var crashN = flag.Int("crash-n", 24, "TestCrashLosesNothing: referrals sent by each of the web API and the mailbox (300 for the full run)")

// TestMain lets the test binary be the local runner itself, so the crash
// test can start it as a process of its own and kill -9 it.
func TestMain(m *testing.M) {
	if os.Getenv("CSPR_CRASH_CHILD") == "1" {
		os.Exit(run(context.Background(), strings.Fields(os.Getenv("CSPR_CRASH_ARGS")), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestCrashLosesNothing sends referrals through the API and the mailbox at
// once, kills the runner with SIGKILL half-way, starts it again on the same
// data folder and sends the rest: every referral that was accepted (an
// HTTP 2xx with a reference, an SMTP 250) is in the store afterwards.
// Run the full form with: go test ./infra/local -run Crash -count=1 -args -crash-n=300
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the runner as a process")
	}
	data := t.TempDir()
	webAddr, smtpAddr := freeAddr(t), freeAddr(t)
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "CSPR_CRASH_CHILD=1",
			"CSPR_CRASH_ARGS=-data "+data+" -addr "+webAddr+" -smtp "+smtpAddr)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if resp, err := http.Get("http://" + webAddr + "/healthz"); err == nil {
				resp.Body.Close()
				return cmd
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("the runner did not start:\n%s", logs.String())
			}
		}
	}
	template, err := os.ReadFile("../../events/referrals/complete.json")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var refs []string             // accepted by the API
	var messageIDs []string       // accepted by the mailbox
	sentAs := map[string]string{} // what each accepted referral said its referrer was: by reference (API), by Message-ID (mail)
	var accepted atomic.Int64
	send := func(i int) {
		if i%2 == 0 {
			body := bytes.Replace(template, []byte("Sam Referrer"), []byte(fmt.Sprintf("Sam Referrer %d", i)), 1)
			token, err := readAPIToken(data) // each run of the runner writes its own
			if err != nil {
				return
			}
			req, _ := http.NewRequest(http.MethodPost, "http://"+webAddr+"/api/referrals", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return // the runner died: not accepted
			}
			defer resp.Body.Close()
			var res struct{ Ref string }
			if resp.StatusCode/100 == 2 && json.NewDecoder(resp.Body).Decode(&res) == nil && res.Ref != "" {
				mu.Lock()
				refs = append(refs, res.Ref)
				sentAs[res.Ref] = fmt.Sprintf("Sam Referrer %d", i)
				mu.Unlock()
				accepted.Add(1)
			}
			return
		}
		id := fmt.Sprintf("crash-%d@darlington.gov.uk", i)
		msg := "From: sam.referrer@darlington.gov.uk\r\nTo: DSP@darlington.gov.uk\r\nSubject: Referral\r\nMessage-ID: <" + id + ">\r\n\r\n" +
			fmt.Sprintf("SECTION 1\r\nFULL NAME: Sam Referrer %d\r\nJOB TITLE: Social Worker\r\n", i)
		err := smtp.SendMail(smtpAddr, nil, "sam.referrer@darlington.gov.uk", []string{"DSP@darlington.gov.uk"}, []byte(msg))
		if err == nil {
			mu.Lock()
			messageIDs = append(messageIDs, id)
			sentAs[id] = fmt.Sprintf("Sam Referrer %d", i)
			mu.Unlock()
			accepted.Add(1)
		}
	}
	load := func(from, to int) {
		var wg sync.WaitGroup
		next := atomic.Int64{}
		next.Store(int64(from))
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < to; i = int(next.Add(1)) - 1 {
					send(i)
				}
			}()
		}
		wg.Wait()
	}
	total := 2 * *crashN

	// First half, with a kill -9 once about a quarter of all is accepted.
	cmd := start()
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for accepted.Load() < int64(total/4) {
			time.Sleep(time.Millisecond)
		}
		cmd.Process.Kill() // SIGKILL: no clean-up of any kind
		cmd.Wait()
	}()
	load(0, total/2)
	<-killed
	firstRun := accepted.Load()

	// Restart on the same data folder; the rest.
	cmd = start()
	load(total/2, total)
	cmd.Process.Kill()
	cmd.Wait()

	// A message cut off mid-processing by the last kill -9 comes back
	// through the sweep once its lock has expired, as the runner's next
	// start (or its minute's sweep) would take it.
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return time.Now().Add(10 * time.Minute) }
	sys, err := assemble(cfg, data, slog.New(slog.DiscardHandler), later)
	if err != nil {
		t.Fatal(err)
	}
	swept, err := sys.inbox.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sys.close()
	t.Logf("the sweep picked up %d messages cut off", swept)

	st, err := bolt.Open(filepath.Join(data, "cspr.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	// Nothing stored twice, and every case holds what was sent.
	all, err := st.ListCases(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, summary := range all {
		c, err := st.GetCase(ctx, summary.Ref)
		if err != nil {
			t.Fatal(err)
		}
		name := c.Referral.Referrer.FullName
		if other, dup := seen[name]; dup {
			t.Errorf("%q stored twice: %s and %s", name, other, c.Ref)
		}
		seen[name] = c.Ref
	}
	for ref, name := range sentAs {
		if strings.HasPrefix(ref, "DSP-") {
			if c, err := st.GetCase(ctx, ref); err == nil && c.Referral.Referrer.FullName != name {
				t.Errorf("%s holds %q, sent as %q", ref, c.Referral.Referrer.FullName, name)
			}
		}
	}
	lost := 0
	for _, ref := range refs {
		if _, err := st.GetCase(ctx, ref); err != nil {
			t.Errorf("accepted %s is not stored: %v", ref, err)
			lost++
		}
	}
	done, err := st.ListMessages(ctx, casefile.OutcomeCase)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]casefile.Message{}
	for _, m := range done {
		byID[m.MessageID] = m
	}
	for _, id := range messageIDs {
		m, ok := byID[id]
		if !ok || len(m.Refs) == 0 {
			t.Errorf("accepted message %s has no case", id)
			lost++
			continue
		}
		c, err := st.GetCase(ctx, m.Refs[0])
		if err != nil {
			t.Errorf("message %s's case %s is not stored", id, m.Refs[0])
			lost++
			continue
		}
		if c.Referral.Referrer.FullName != sentAs[id] {
			t.Errorf("message %s's case %s holds %q, sent as %q", id, c.Ref, c.Referral.Referrer.FullName, sentAs[id])
		}
	}
	t.Logf("%d sent, %d accepted (%d before the kill -9), %d lost", total, len(refs)+len(messageIDs), firstRun, lost)
	if len(refs) == 0 || len(messageIDs) == 0 {
		t.Errorf("nothing accepted by one channel: %d by the API, %d by the mailbox", len(refs), len(messageIDs))
	}
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
