package web

import (
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Filter narrows a list of cases, from the query: the same for the
// workspace's page and the API. Status is incomplete, complete, closed or
// held (held mail names the case); Due is today (due today or overdue) or
// overdue; Year the London year received; Mine any value for the cases
// assigned to the person asking.
type Filter struct{ Status, Route, Due, Year, Mine string }

// FilterOf reads a filter from a query.
func FilterOf(q url.Values) Filter {
	return Filter{Status: q.Get("status"), Route: q.Get("route"), Due: q.Get("due"), Year: q.Get("year"), Mine: q.Get("mine")}
}

// StoreStatus is the status the store can list by, if the filter names one.
func (f Filter) StoreStatus() casefile.Status {
	if f.Status == string(casefile.Incomplete) || f.Status == string(casefile.Complete) {
		return casefile.Status(f.Status)
	}
	return ""
}

// Listed is a case that passed the filter, with what its row needs.
type Listed struct {
	C      *casefile.CaseSummary
	Due    time.Time // its next task's due time; zero if none
	Badge  string    // "overdue", "due today" or ""
	Closed bool
}

// Lister is who asks and what they may see.
type Lister struct {
	Sees  func(c *casefile.CaseSummary) bool // nil: every case (the API)
	Me    string                             // the person asking, for "assigned to me"
	Today civil.Date                         // London
	Held  map[string]bool                    // cases held mail names
	Task  func(rule string) string           // a deadline's task title, "" for flags
}

// Select returns the cases that pass the filter and that the person may
// see.
func (l Lister) Select(cases []casefile.CaseSummary, f Filter) []Listed {
	out := make([]Listed, 0, len(cases))
	for i := range cases {
		c := &cases[i]
		if (l.Sees != nil && !l.Sees(c)) || (f.Route != "" && string(c.Route) != f.Route) ||
			(f.Mine != "" && c.Marks[casefile.MarkAssignee] != l.Me) {
			continue
		}
		if f.Year != "" && strconv.Itoa(civil.In(c.ReceivedAt, workdays.London).Year) != f.Year {
			continue
		}
		e := Listed{C: c, Closed: c.Marks[casefile.MarkClosed] != ""}
		switch {
		case f.Status == "closed" && !e.Closed,
			f.StoreStatus() != "" && e.Closed,
			f.Status == "held" && !l.Held[c.Ref]:
			continue
		}
		if d := c.Next; d.Rule != "" && !e.Closed && l.Task(d.Rule) != "" {
			e.Due = d.Due
			switch due := civil.In(d.Due, workdays.London); {
			case due.Before(l.Today):
				e.Badge = "overdue"
			case due == l.Today:
				e.Badge = "due today"
			}
		}
		if (f.Due == "overdue" && e.Badge != "overdue") || (f.Due == "today" && e.Badge == "") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// ByDue puts the soonest deadline first; cases with none after, newest
// first.
func ByDue(ls []Listed) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.Due.IsZero() != b.Due.IsZero() {
			return !a.Due.IsZero()
		}
		if !a.Due.Equal(b.Due) {
			return a.Due.Before(b.Due)
		}
		return a.C.ReceivedAt.After(b.C.ReceivedAt)
	})
}

// ByReceived puts the newest first.
func ByReceived(ls []Listed) {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].C.ReceivedAt.After(ls[j].C.ReceivedAt) })
}

// PageSize is how many cases a page of a list shows.
const PageSize = 50
