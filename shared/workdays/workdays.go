// Package workdays is the England and Wales working-day calendar, in
// Europe/London: Monday to Friday, less bank holidays (with substitute
// days and one-offs such as the 2022 State Funeral) and less any closure
// days the partnership configures.
//
// The published gov.uk table (bank-holidays.json, england-and-wales) is the
// source of truth for the years it covers; years outside it are worked out
// by the statutory rules, and the calendar says so in the log. A
// partnership can replace the table with a newer gov.uk file and add
// closure days by configuration, without a release.
package workdays

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
	_ "time/tzdata"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

//go:embed bank-holidays.json
var govUKTable []byte

// Span of the precomputed calendar; days outside it are worked out on the
// fly by the rules.
const (
	firstYear = 1970
	lastYear  = 2199
)

// London is the calendar's zone.
var London = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // time/tzdata is embedded
	}
	return loc
}()

// Calendar answers working-day questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	start     civil.Date
	closed    []uint64 // bit i: day start+i is not a working day
	days      int      // days in the span: the bits after it are not used
	names     map[civil.Date]string
	tableFrom int // years tableFrom..tableTo come from the table
	tableTo   int
}

// Options configure a calendar.
type Options struct {
	// Table is a gov.uk bank-holidays.json (its england-and-wales division
	// is read); nil means the embedded copy.
	Table []byte
	// Closures are extra days the partnership does not work.
	Closures []civil.Date
	// Log is told which years come from rules rather than the table.
	Log *slog.Logger
}

// Default is the calendar from the embedded table, with no closures,
// built the first time it is asked for: a function that builds its own
// calendar from the settings never pays for this one.
var Default = sync.OnceValue(func() *Calendar {
	c, err := New(Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err) // the embedded table is checked by tests
	}
	return c
})

type govUK map[string]struct {
	Division string `json:"division"`
	Events   []struct {
		Title string `json:"title"`
		Date  string `json:"date"`
	} `json:"events"`
}

// New builds a calendar.
func New(opts Options) (*Calendar, error) {
	table := opts.Table
	if table == nil {
		table = govUKTable
	}
	var doc govUK
	if err := json.Unmarshal(table, &doc); err != nil {
		return nil, fmt.Errorf("workdays: bank holiday table: %w", err)
	}
	ew, ok := doc["england-and-wales"]
	if !ok || len(ew.Events) == 0 {
		return nil, fmt.Errorf("workdays: bank holiday table has no england-and-wales events")
	}
	c := &Calendar{start: civil.New(firstYear, 1, 1), names: map[civil.Date]string{}, tableFrom: 9999, tableTo: 0}
	days := c.start.DaysUntil(civil.New(lastYear+1, 1, 1))
	c.days, c.closed = days, make([]uint64, (days+63)/64)
	// Weekends: 64 weeks are exactly 7 words of days, so the first 7 words
	// repeat to the end (building this day by day was most of a cold
	// start's calendar).
	first := int(c.start.Weekday())
	for i := range 7 * 64 {
		if wd := (first + i) % 7; wd == int(time.Saturday) || wd == int(time.Sunday) {
			c.closed[i/64] |= 1 << (i % 64)
		}
	}
	for i := 7; i < len(c.closed); i++ {
		c.closed[i] = c.closed[i-7]
	}
	for _, e := range ew.Events {
		d, err := civil.Parse(e.Date)
		if err != nil {
			return nil, fmt.Errorf("workdays: bank holiday table: %w", err)
		}
		if d.Year < firstYear || d.Year > lastYear {
			return nil, fmt.Errorf("workdays: bank holiday %s is outside %d–%d", d, firstYear, lastYear)
		}
		c.tableFrom, c.tableTo = min(c.tableFrom, d.Year), max(c.tableTo, d.Year)
		c.names[d] = e.Title
		c.set(d)
	}
	// The other years' holidays are only marked: their names are worked
	// out again when asked for (Holiday, Holidays), which is rare.
	for y := firstYear; y <= lastYear; y++ {
		if y < c.tableFrom || y > c.tableTo {
			ruleHolidays(y, func(d civil.Date, _ string) { c.set(d) })
		}
	}
	for _, d := range opts.Closures {
		if c.Holiday(d) == "" {
			c.names[d] = "Partnership closure day"
		}
		c.set(d)
	}
	if opts.Log != nil {
		opts.Log.Info("bank holidays", "table", fmt.Sprintf("%d–%d", c.tableFrom, c.tableTo),
			"rules", fmt.Sprintf("%d–%d and %d–%d (worked out by the statutory rules, not published by gov.uk)", firstYear, c.tableFrom-1, c.tableTo+1, lastYear),
			"closures", len(opts.Closures))
	}
	return c, nil
}

func (c *Calendar) set(d civil.Date) {
	i := c.start.DaysUntil(d)
	if i >= 0 && i < c.days {
		c.closed[i/64] |= 1 << (i % 64)
	}
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d civil.Date) bool { return c.workdayAt(c.start.DaysUntil(d)) }

// workdayAt reports whether the i-th day of the calendar is a working day.
func (c *Calendar) workdayAt(i int) bool {
	if i < 0 || i >= c.days {
		return isWorkdayByRules(c.start.AddDays(i))
	}
	return c.closed[i/64]&(1<<(i%64)) == 0
}

// FromRules reports whether d's year is worked out by rules rather than
// read from the published table.
func (c *Calendar) FromRules(d civil.Date) bool { return d.Year < c.tableFrom || d.Year > c.tableTo }

// Holiday returns the name of the bank holiday or closure on d, or "".
func (c *Calendar) Holiday(d civil.Date) string {
	if name, ok := c.names[d]; ok {
		return name
	}
	if c.FromRules(d) {
		return RuleHolidays(d.Year)[d]
	}
	return ""
}

// Holidays returns the bank holidays and closure days of a year, in order.
func (c *Calendar) Holidays(year int) []civil.Date {
	var out []civil.Date
	for d := range c.names {
		if d.Year == year {
			out = append(out, d)
		}
	}
	if c.FromRules(civil.New(year, 1, 1)) {
		ruleHolidays(year, func(d civil.Date, _ string) {
			if _, ok := c.names[d]; !ok {
				out = append(out, d)
			}
		})
	}
	slices.SortFunc(out, civil.Date.Compare)
	return out
}

// AddWorkdays returns the n-th working day after d (before d when n is
// negative); d itself need not be a working day. AddWorkdays(d, 0) is d.
func (c *Calendar) AddWorkdays(d civil.Date, n int) civil.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	i := c.start.DaysUntil(d)
	for n > 0 {
		i += step
		if c.workdayAt(i) {
			n--
		}
	}
	return c.start.AddDays(i)
}

// WorkdaysBetween counts working days from a to b so that it inverts
// AddWorkdays: for b after a, those after a up to and including b; for b
// before a, minus those from b up to but not including a.
func (c *Calendar) WorkdaysBetween(a, b civil.Date) int {
	if b.Before(a) {
		n := 0
		for d := b; d.Before(a); d = d.AddDays(1) {
			if c.IsWorkday(d) {
				n++
			}
		}
		return -n
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// NextWorkdayAt returns the first instant at or after t that is hour:minute
// in London on a working day.
func (c *Calendar) NextWorkdayAt(t time.Time, hour, minute int) time.Time {
	d := civil.In(t, London)
	for {
		if c.IsWorkday(d) {
			at := time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, London)
			if !at.Before(t) {
				return at
			}
		}
		d = d.AddDays(1)
	}
}

// EndOfDay is the last instant of d in London: when a deadline that falls
// on d is due.
func EndOfDay(d civil.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, London)
}
