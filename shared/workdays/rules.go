package workdays

import (
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

// RuleHolidays works out a year's England and Wales bank holidays by the
// standing rules: New Year's Day, Good Friday, Easter Monday, the first
// and last Mondays of May, the last Monday of August, Christmas Day and
// Boxing Day, with substitute days for those falling at a weekend. It
// cannot know one-off holidays or moved ones (VE Day 2020, the Jubilee
// 2022): those come only from the published table.
func RuleHolidays(year int) map[civil.Date]string {
	h := map[civil.Date]string{}
	ruleHolidays(year, func(d civil.Date, name string) { h[d] = name })
	return h
}

// ruleHolidays calls f with each of a year's rule holidays.
func ruleHolidays(year int, f func(civil.Date, string)) {
	f(nextWeekday(civil.New(year, time.January, 1)), "New Year’s Day")
	easter := Easter(year)
	f(easter.AddDays(-2), "Good Friday")
	f(easter.AddDays(1), "Easter Monday")
	f(firstMonday(year, time.May), "Early May bank holiday")
	f(lastMonday(year, time.May), "Spring bank holiday")
	f(lastMonday(year, time.August), "Summer bank holiday")
	christmas := civil.New(year, time.December, 25)
	switch christmas.Weekday() {
	case time.Friday: // Boxing Day on Saturday moves to Monday 28th
		f(christmas, "Christmas Day")
		f(christmas.AddDays(3), "Boxing Day")
	case time.Saturday: // Monday 27th and Tuesday 28th
		f(christmas.AddDays(2), "Christmas Day")
		f(christmas.AddDays(3), "Boxing Day")
	case time.Sunday: // Boxing Day Monday 26th, Christmas Tuesday 27th
		f(christmas.AddDays(1), "Boxing Day")
		f(christmas.AddDays(2), "Christmas Day")
	default:
		f(christmas, "Christmas Day")
		f(christmas.AddDays(1), "Boxing Day")
	}
}

func isWorkdayByRules(d civil.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := RuleHolidays(d.Year)[d]
	return !holiday
}

// nextWeekday is d, or the Monday after it if it falls at a weekend.
func nextWeekday(d civil.Date) civil.Date {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDays(2)
	case time.Sunday:
		return d.AddDays(1)
	}
	return d
}

func firstMonday(year int, m time.Month) civil.Date {
	d := civil.New(year, m, 1)
	return d.AddDays((int(time.Monday) - int(d.Weekday()) + 7) % 7)
}

func lastMonday(year int, m time.Month) civil.Date {
	d := civil.New(year, m, civil.DaysIn(year, m))
	return d.AddDays(-((int(d.Weekday()) - int(time.Monday) + 7) % 7))
}

// Easter returns Easter Sunday of a Gregorian year (the anonymous
// Gregorian algorithm).
func Easter(year int) civil.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil.New(year, time.Month(month), day)
}
