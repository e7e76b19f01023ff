package workdays

import (
	"bytes"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

func date(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestIsWorkday(t *testing.T) {
	for s, want := range map[string]bool{
		"2026-11-23": true,  // a Monday
		"2026-11-21": false, // Saturday
		"2026-12-25": false, // Christmas Day, Friday
		"2026-12-28": false, // Boxing Day substitute (26th is a Saturday)
		"2026-12-29": true,
		"2020-05-08": false, // VE Day, moved from 4 May
		"2020-05-04": true,  // the usual early May Monday was worked
		"2022-06-02": false, // Spring bank holiday moved for the Jubilee
		"2022-06-03": false, // Platinum Jubilee
		"2022-05-30": true,  // the usual last Monday of May was worked
		"2022-09-19": false, // State Funeral of Queen Elizabeth II
		"2023-05-08": false, // Coronation
		"2027-03-26": false, // Good Friday 2027
		"2027-12-27": false, // Christmas substitute 2027
		"2028-01-03": false, // New Year's Day 2028 substitute, by rules
		"2028-04-14": false, // Good Friday 2028, by rules
		"2031-12-26": false, // Boxing Day 2031, by rules
	} {
		if got := Default().IsWorkday(date(s)); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", s, got, want)
		}
	}
}

// TestRulesMatchTable: for every year of the published table without a
// one-off, the rules give exactly the table's days.
func TestRulesMatchTable(t *testing.T) {
	for y := 2018; y <= 2027; y++ {
		if y == 2020 || y == 2022 || y == 2023 {
			continue // VE Day moved, Jubilee and State Funeral, Coronation
		}
		var rules []string
		for d := range RuleHolidays(y) {
			rules = append(rules, d.String())
		}
		var table []string
		for _, d := range Default().Holidays(y) {
			table = append(table, d.String())
		}
		if strings.Join(sorted(rules), ",") != strings.Join(table, ",") {
			t.Errorf("%d: rules %v, table %v", y, sorted(rules), table)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestEaster(t *testing.T) {
	for y, want := range map[int]string{2019: "2019-04-21", 2024: "2024-03-31", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := Easter(y).String(); got != want {
			t.Errorf("Easter(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2026-11-20", 1, "2026-11-23", "Friday + 1 is Monday"},
		{"2026-11-21", 1, "2026-11-23", "Saturday + 1 is Monday"},
		{"2026-12-24", 1, "2026-12-29", "Christmas Eve + 1 skips Christmas, the weekend and the Boxing Day substitute"},
		{"2026-12-24", 5, "2027-01-05", "Christmas Eve + 5 also skips New Year's Day"},
		{"2027-03-25", 1, "2027-03-30", "Thursday before Easter + 1 skips Good Friday, the weekend and Easter Monday"},
		{"2022-09-16", 1, "2022-09-20", "Friday before the State Funeral + 1 skips Monday 19th"},
		{"2026-10-23", 5, "2026-10-30", "across the October clock change"},
		{"2027-03-26", -7, "2027-03-17", "7 working days before Good Friday"},
		{"2026-11-23", 0, "2026-11-23", "zero is the same day"},
	}
	for _, tt := range tests {
		if got := Default().AddWorkdays(date(tt.from), tt.n).String(); got != tt.want {
			t.Errorf("%s: AddWorkdays(%s, %d) = %s, want %s", tt.why, tt.from, tt.n, got, tt.want)
		}
	}
}

// TestProperties: adding working days lands on a working day, never moves
// the wrong way, and WorkdaysBetween undoes it.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := civil.New(2017, 1, 1)
	for range 20_000 {
		d := base.AddDays(r.IntN(365 * 15))
		n := r.IntN(80) - 40
		got := Default().AddWorkdays(d, n)
		switch {
		case n != 0 && !Default().IsWorkday(got):
			t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", d, n, got)
		case n > 0 && !got.After(d), n < 0 && !got.Before(d):
			t.Fatalf("AddWorkdays(%s, %d) = %s moved the wrong way", d, n, got)
		}
		if back := Default().WorkdaysBetween(d, got); back != n {
			t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d", d, got, back, n)
		}
	}
}

func TestNextWorkdayAt(t *testing.T) {
	tests := []struct{ at, want string }{
		{"2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z"}, // Friday before 09:00 (GMT)
		{"2026-11-20T17:00:00Z", "2026-11-23T09:00:00Z"}, // Friday evening → Monday
		{"2026-07-10T07:00:00Z", "2026-07-10T08:00:00Z"}, // 09:00 BST is 08:00 UTC
		{"2026-03-27T12:00:00Z", "2026-03-30T08:00:00Z"}, // Friday before the March change → Monday 09:00 BST
		{"2026-10-23T12:00:00Z", "2026-10-26T09:00:00Z"}, // Friday before the October change → Monday 09:00 GMT
		{"2026-12-24T10:00:00Z", "2026-12-29T09:00:00Z"}, // Christmas Eve after 09:00
	}
	for _, tt := range tests {
		at, _ := time.Parse(time.RFC3339, tt.at)
		if got := Default().NextWorkdayAt(at, 9, 0).UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("NextWorkdayAt(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestOptions(t *testing.T) {
	var logs bytes.Buffer
	c, err := New(Options{Closures: []civil.Date{date("2026-12-29"), date("2026-12-30")}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkday(date("2026-12-29")) || c.Holiday(date("2026-12-30")) != "Partnership closure day" {
		t.Error("closure days are working days")
	}
	if got := c.AddWorkdays(date("2026-12-24"), 1); got.String() != "2026-12-31" {
		t.Errorf("with closures, Christmas Eve + 1 = %s", got)
	}
	if !strings.Contains(logs.String(), "rules") || !c.FromRules(date("2028-01-03")) || c.FromRules(date("2026-01-01")) {
		t.Errorf("years from rules are not said: %s", logs.String())
	}
	// A newer gov.uk file replaces the table.
	newer := []byte(`{"england-and-wales": {"division": "england-and-wales", "events": [{"title": "A new one-off", "date": "2026-06-01"}]}, "scotland": {"division": "scotland", "events": []}}`)
	c, err = New(Options{Table: newer})
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkday(date("2026-06-01")) || !c.IsWorkday(date("2026-12-25").AddDays(-1)) {
		t.Error("the replacement table was not used")
	}
	for _, bad := range []string{`{}`, `not json`, `{"england-and-wales": {"events": [{"date": "1 June"}]}}`} {
		if _, err := New(Options{Table: []byte(bad)}); err == nil {
			t.Errorf("New accepted table %s", bad)
		}
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	d := civil.New(2026, 12, 24)
	for b.Loop() {
		Default().AddWorkdays(d, 15)
	}
}

// BenchmarkNew is a cold start's calendar: built from the embedded table.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEveryDay holds the calendar's bits, built word by word, to the plain
// definition for every day of its span and a year either side: a weekday
// that is neither a holiday (the table's, or by rules outside it) nor a
// closure. Rule holidays are also checked against what the rules say
// they are: the first and last Mondays of their months, never a weekend.
func TestEveryDay(t *testing.T) {
	closure := date("2031-07-01")
	c, err := New(Options{Closures: []civil.Date{closure}})
	if err != nil {
		t.Fatal(err)
	}
	for d := civil.New(firstYear-1, 1, 1); d.Year <= lastYear+1; d = d.AddDays(1) {
		holiday := c.names[d] != ""
		if c.FromRules(d) {
			_, holiday = RuleHolidays(d.Year)[d]
		}
		want := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !holiday && d != closure
		if got := c.IsWorkday(d); got != want {
			t.Fatalf("IsWorkday(%s %s) = %v, want %v", d, d.Weekday(), got, want)
		}
		if (c.Holiday(d) != "") != (holiday || d == closure) {
			t.Fatalf("Holiday(%s) = %q", d, c.Holiday(d))
		}
	}
	for y := firstYear - 1; y <= lastYear+1; y++ {
		if n := len(RuleHolidays(y)); n != 8 {
			t.Errorf("%d: %d rule holidays", y, n)
		}
		for d, name := range RuleHolidays(y) {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("%s %s falls on a %s", name, d, wd)
			}
			if strings.Contains(name, "May") || strings.Contains(name, "Summer") {
				first := d.Day <= 7
				last := d.Day > civil.DaysIn(y, d.Month)-7
				if d.Weekday() != time.Monday || (name == "Early May bank holiday") != first || (name != "Early May bank holiday") != last {
					t.Errorf("%s %s %s", name, d, d.Weekday())
				}
			}
		}
		if got := c.Holidays(y); len(got) < 8 || !slices.IsSortedFunc(got, civil.Date.Compare) {
			t.Errorf("Holidays(%d) = %v", y, got)
		}
	}
}
