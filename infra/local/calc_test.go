package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestWorkdaysCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"workdays", "add", "2026-12-23", "5"}, "2027-01-04\n", 0},
		{[]string{"workdays", "add", "2022-09-16", "1"}, "2022-09-20\n", 0},
		{[]string{"workdays", "add", "2027-03-26", "-7"}, "2027-03-17\n", 0},
		{[]string{"workdays", "between", "2026-12-23", "2027-01-04"}, "5\n", 0},
		{[]string{"workdays", "add", "23/12/2026", "5"}, "", 2},
		{[]string{"workdays"}, "", 2},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, &out, &errOut)
		if code != tt.code || out.String() != tt.want {
			t.Errorf("%v: exit %d, %q; want %d, %q", tt.args, code, out.String(), tt.code, tt.want)
		}
	}
	var out bytes.Buffer
	run(context.Background(), []string{"workdays", "holidays", "2022"}, &out, &out)
	if !strings.Contains(out.String(), "2022-09-19 Mon Bank Holiday for the State Funeral") {
		t.Errorf("holidays 2022:\n%s", out.String())
	}
}

func TestDeadlinesCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"deadlines", "-rules", "darlington",
		"-event", "received=2026-12-23T16:30:00Z",
		"-event", "ssp-informed=2026-12-24",
		"-event", "ssp-decision=2027-01-04,outcome=criteria-met",
		"-event", "panel-notified=2027-01-04",
		"-event", "panel-acknowledged=2027-01-05"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got []struct {
		Rule, Due, Status string
		Reminders         []struct{ Kind, At string }
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	summary := map[string]string{}
	for _, d := range got {
		summary[d.Rule] = d.Due + " " + d.Status
	}
	for rule, want := range map[string]string{
		"inform-ssp":          "2026-12-24 met",
		"ssp-meeting":         "2027-01-04 met",
		"notify-panel":        "2027-01-04 met",
		"referrer-feedback":   "2027-01-11 open",
		"rapid-review-target": "2027-01-19 open",
		"rapid-review":        "2027-01-26 open",
		"decision-to-panel":   "2027-01-26 open",
	} {
		if summary[rule] != want {
			t.Errorf("%s: %q, want %q", rule, summary[rule], want)
		}
	}
	// After panel-notified alone the Rapid Review clocks run, provisionally.
	out.Reset()
	if code := run(context.Background(), []string{"deadlines", "-event", "received=2026-12-21T10:00:00Z",
		"-event", "panel-notified=2026-12-23T15:00:00Z"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var provisional []struct {
		Rule, Due   string
		Provisional bool
	}
	if err := json.Unmarshal(out.Bytes(), &provisional); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, d := range provisional {
		if d.Rule == "rapid-review" && d.Due == "2027-01-18" && d.Provisional {
			found++
		}
	}
	if found != 1 {
		t.Errorf("no provisional rapid-review by 2027-01-18: %s", out.String())
	}
	for _, bad := range [][]string{{"deadlines", "-rules", "leeds"}, {"deadlines", "-event", "coffee=2026-12-23"}, {"deadlines", "-event", "received=yesterday"}} {
		if code := run(context.Background(), bad, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d", bad, code)
		}
	}
}

// TestDeadlinesRefusesWhatTheAPIRefuses: the deadlines command keeps the
// catalogue's order — the Panel's acknowledgement before its
// notification is refused, as the API refuses it — whatever order the
// flags come in.
func TestDeadlinesRefusesWhatTheAPIRefuses(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"deadlines", "-event", "received=2027-01-01", "-event", "panel-acknowledged=2027-01-05"}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "comes after panel-notified") {
		t.Errorf("acknowledged before notified: exit %d, %s", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"deadlines", "-event", "received=2027-01-01", "-event", "panel-acknowledged=2027-01-05", "-event", "panel-notified=2027-01-04"}, &out, &errOut); code != 0 {
		t.Errorf("in time order: exit %d, %s", code, errOut.String())
	}
}
