package civil

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	d := New(2026, time.February, 28)
	if got := d.AddDays(1).String(); got != "2026-03-01" {
		t.Errorf("AddDays = %s", got)
	}
	if got := New(2026, time.August, 31).AddMonths(6).String(); got != "2027-02-28" {
		t.Errorf("AddMonths clamp = %s", got)
	}
	if got := New(2027, time.August, 31).AddMonths(6).String(); got != "2028-02-29" {
		t.Errorf("AddMonths leap = %s", got)
	}
	if got := New(2026, time.March, 14).AddMonths(-3).String(); got != "2025-12-14" {
		t.Errorf("AddMonths back = %s", got)
	}
	if (Date{2026, time.February, 31}).Valid() {
		t.Error("31 February is valid")
	}
	if got := New(2020, time.February, 29).YearsUntil(New(2021, time.February, 28)); got != 0 {
		t.Errorf("leap birthday age = %d", got)
	}
	if got := New(2020, time.February, 29).YearsUntil(New(2021, time.March, 1)); got != 1 {
		t.Errorf("leap birthday age = %d", got)
	}
	if got := New(2026, time.January, 1).DaysUntil(New(2026, time.March, 1)); got != 59 {
		t.Errorf("DaysUntil = %d", got)
	}
	var back Date
	if err := back.UnmarshalText([]byte("2026-03-14")); err != nil || back != New(2026, 3, 14) {
		t.Errorf("UnmarshalText = %v, %v", back, err)
	}
	if err := back.UnmarshalText([]byte("14/03/2026")); err == nil {
		t.Error("UnmarshalText accepted a non-ISO date")
	}
	if !New(2026, 1, 2).After(New(2025, 12, 31)) || New(2026, 1, 2).Before(New(2026, 1, 2)) {
		t.Error("Compare is wrong")
	}
}

func TestDays(t *testing.T) {
	for n := -800_000; n <= 800_000; n += 7 {
		d := FromDays(n)
		want := time.Unix(int64(n)*86400, 0).UTC()
		if d != Of(want) || d.Days() != n || d.Weekday() != want.Weekday() {
			t.Fatalf("FromDays(%d) = %v (weekday %v), want %v", n, d, d.Weekday(), want)
		}
	}
}
