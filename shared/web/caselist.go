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

// caseFilter narrows a list of cases, from the query: the same for the
// workspace's page and the API. Status is incomplete, complete, closed or
// held (held mail names the case); Due is today (due today or overdue) or
// overdue; Year the London year received; Mine any value for the cases
// assigned to the person asking.
type caseFilter struct{ Status, Route, Due, Year, Mine string }

func filterOf(q url.Values) caseFilter {
	return caseFilter{Status: q.Get("status"), Route: q.Get("route"), Due: q.Get("due"), Year: q.Get("year"), Mine: q.Get("mine")}
}

// storeStatus is the status the store can list by, if the filter names one.
func (f caseFilter) storeStatus() casefile.Status {
	if f.Status == string(casefile.Incomplete) || f.Status == string(casefile.Complete) {
		return casefile.Status(f.Status)
	}
	return ""
}

// listed is a case that passed the filter, with what its row needs.
type listed struct {
	c      *casefile.CaseSummary
	due    time.Time // its next task's due time; zero if none
	badge  string    // "overdue", "due today" or ""
	closed bool
}

// lister is who asks and what they may see.
type lister struct {
	role  string          // the workspace role; "" for the API, which sees every case
	me    string          // the person asking, for "assigned to me"
	today civil.Date      // London
	held  map[string]bool // cases held mail names
	task  func(rule string) string
}

// sel returns the cases that pass the filter and that the person may see.
func (l lister) sel(cases []casefile.CaseSummary, f caseFilter) []listed {
	out := make([]listed, 0, len(cases))
	for i := range cases {
		c := &cases[i]
		if (l.role != "" && !canSee(l.role, c.Route, c.Marks[casefile.MarkLearning] != "")) || (f.Route != "" && string(c.Route) != f.Route) ||
			(f.Mine != "" && c.Marks[casefile.MarkAssignee] != l.me) {
			continue
		}
		if f.Year != "" && strconv.Itoa(civil.In(c.ReceivedAt, workdays.London).Year) != f.Year {
			continue
		}
		e := listed{c: c, closed: c.Marks[casefile.MarkClosed] != ""}
		switch {
		case f.Status == "closed" && !e.closed,
			f.storeStatus() != "" && e.closed,
			f.Status == "held" && !l.held[c.Ref]:
			continue
		}
		if d := c.Next; d.Rule != "" && !e.closed && l.task(d.Rule) != "" {
			e.due = d.Due
			switch due := civil.In(d.Due, workdays.London); {
			case due.Before(l.today):
				e.badge = "overdue"
			case due == l.today:
				e.badge = "due today"
			}
		}
		if (f.Due == "overdue" && e.badge != "overdue") || (f.Due == "today" && e.badge == "") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// byDue puts the soonest deadline first; cases with none after, newest
// first.
func byDue(ls []listed) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.due.IsZero() != b.due.IsZero() {
			return !a.due.IsZero()
		}
		if !a.due.Equal(b.due) {
			return a.due.Before(b.due)
		}
		return a.c.ReceivedAt.After(b.c.ReceivedAt)
	})
}

// byReceived puts the newest first.
func byReceived(ls []listed) {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].c.ReceivedAt.After(ls[j].c.ReceivedAt) })
}
