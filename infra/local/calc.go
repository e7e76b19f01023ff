package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// workdaysCmd answers working-day questions:
//
//	workdays add DATE N        the N-th working day after DATE (before, if N < 0)
//	workdays between DATE DATE working days from the first to the second
//	workdays holidays YEAR     the bank holidays of a year
func workdaysCmd(args []string, stdout, stderr io.Writer) int {
	usage := func() int {
		fmt.Fprintln(stderr, "usage: go run ./infra/local workdays add DATE N | between DATE DATE | holidays YEAR")
		return 2
	}
	cal := workdays.Default()
	date := func(s string) (civil.Date, bool) {
		d, err := civil.Parse(s)
		if err != nil {
			fmt.Fprintf(stderr, "%q is not a date: write it as 2026-12-23\n", s)
		}
		return d, err == nil
	}
	switch {
	case len(args) == 3 && args[0] == "add":
		d, ok := date(args[1])
		if !ok {
			return 2
		}
		n, err := strconv.Atoi(args[2])
		if err != nil {
			fmt.Fprintf(stderr, "%q is not a number of working days\n", args[2])
			return 2
		}
		fmt.Fprintln(stdout, cal.AddWorkdays(d, n))
	case len(args) == 3 && args[0] == "between":
		a, ok1 := date(args[1])
		b, ok2 := date(args[2])
		if !ok1 || !ok2 {
			return 2
		}
		fmt.Fprintln(stdout, cal.WorkdaysBetween(a, b))
	case len(args) == 2 && args[0] == "holidays":
		y, err := strconv.Atoi(args[1])
		if err != nil {
			return usage()
		}
		source := "published table"
		if cal.FromRules(civil.New(y, 1, 1)) {
			source = "worked out by the rules; not yet published by gov.uk"
		}
		fmt.Fprintf(stdout, "# England and Wales bank holidays %d (%s)\n", y, source)
		for _, d := range cal.Holidays(y) {
			fmt.Fprintf(stdout, "%s %s %s\n", d, d.Weekday().String()[:3], cal.Holiday(d))
		}
	default:
		return usage()
	}
	return 0
}

type eventFlags []string

func (e *eventFlags) String() string     { return strings.Join(*e, " ") }
func (e *eventFlags) Set(v string) error { *e = append(*e, v); return nil }

// deadlinesCmd prints the deadlines and reminders a case history gives:
//
//	deadlines -rules darlington -event received=2026-12-23T16:30:00Z \
//	    -event ssp-decision=2027-01-04,outcome=criteria-met -event panel-acknowledged=2027-01-05
func deadlinesCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("deadlines", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rules := fs.String("rules", "darlington", "rule set: darlington or nel")
	var events eventFlags
	fs.Var(&events, "event", "TYPE=WHEN[,key=value…]: WHEN is a time (2026-12-23T16:30:00Z) or a date (noon in London); repeatable")
	incident := fs.String("incident", "", "date of the serious incident (flags a late referral)")
	route := fs.String("route", "notification", "notification or learning")
	died := fs.Bool("died", false, "the incident relates to a child's death")
	nowFlag := fs.String("now", "", "the moment statuses are worked out at (default: the last event)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rs, err := deadlines.Lookup(*rules)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	facts := deadlines.Facts{Ref: "CASE", Route: referral.Route(*route), ChildDied: *died}
	if *incident != "" {
		if facts.IncidentDate, err = civil.Parse(*incident); err != nil {
			fmt.Fprintln(stderr, "-incident:", err)
			return 2
		}
	}
	var history []casefile.Event
	var last time.Time
	for i, spec := range events {
		e, err := parseEvent(spec)
		if err != nil {
			fmt.Fprintf(stderr, "-event %s: %v\n", spec, err)
			return 2
		}
		e.ID = strconv.Itoa(i)
		history = append(history, e)
		if e.At.After(last) {
			last = e.At
		}
	}
	// What the API refuses, the command refuses too: the catalogue's
	// order, in time order whatever order the flags came in.
	sort.SliceStable(history, func(i, j int) bool { return history[i].At.Before(history[j].At) })
	for i, e := range history {
		if err := deadlines.InOrder(e.Type, e.At, history[:i]); err != nil {
			fmt.Fprintf(stderr, "-event %s: %s\n", events[mustAtoi(e.ID)], errs.Message(err))
			return 2
		}
	}
	now := last
	if *nowFlag != "" {
		if now, err = parseWhen(*nowFlag); err != nil {
			fmt.Fprintln(stderr, "-now:", err)
			return 2
		}
	}
	ds := deadlines.Compute(facts, history, workdays.Default(), rs, now)
	type reminderOut struct {
		Kind string `json:"kind"`
		At   string `json:"at"`
	}
	type out struct {
		Rule        string        `json:"rule"`
		Due         string        `json:"due"`
		Status      string        `json:"status"`
		Owners      []string      `json:"owners"`
		Provisional bool          `json:"provisional,omitempty"`
		Reminders   []reminderOut `json:"reminders"`
	}
	list := []out{}
	rems := deadlines.Reminders(ds, workdays.Default(), rs)
	for _, d := range ds {
		o := out{Rule: d.Rule, Due: civil.In(d.Due, workdays.London).String(), Status: d.Status, Owners: d.Owners, Provisional: d.Provisional,
			Reminders: []reminderOut{}}
		for _, r := range rems {
			if r.Rule == d.Rule {
				o.Reminders = append(o.Reminders, reminderOut{Kind: r.Kind, At: r.At.In(workdays.London).Format(time.RFC3339)})
			}
		}
		list = append(list, o)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list); err != nil {
		return 2
	}
	return 0
}

func parseEvent(spec string) (casefile.Event, error) {
	typ, rest, ok := strings.Cut(spec, "=")
	if !ok {
		return casefile.Event{}, fmt.Errorf("write it as TYPE=WHEN")
	}
	if _, known := deadlines.Spec(typ); !known {
		return casefile.Event{}, fmt.Errorf("unknown event type %q", typ)
	}
	parts := strings.Split(rest, ",")
	at, err := parseWhen(parts[0])
	if err != nil {
		return casefile.Event{}, err
	}
	e := casefile.Event{Type: typ, At: at, Data: map[string]string{}}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return casefile.Event{}, fmt.Errorf("%q is not key=value", kv)
		}
		e.Data[k] = v
	}
	if typ == deadlines.ActionSet && e.Data["date"] == "" {
		e.Data["date"] = e.Data["due"]
	}
	return e, nil
}

func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a time (2026-12-23T16:30:00Z) nor a date (2026-12-23)", s)
	}
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, config.London), nil
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
