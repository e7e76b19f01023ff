package workspace

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

type caseRow struct {
	Ref, Received, Channel, Route, Status, Next, Due, Badge, Assignee string
	Owed                                                              string // asked by the Panel on this day, and owed
	ReceivedSort, DueSort                                             string // sortable forms, for the table's sorting
	HeldMail                                                          bool
}

// list is every case the person may see, with its next deadline.
func (w *Workspace) list(rw http.ResponseWriter, r *http.Request) {
	id, _ := who(r)
	q := r.URL.Query()
	f := web.FilterOf(q)
	cases, err := w.Cases.ListCases(r.Context(), f.StoreStatus())
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := civil.In(w.Now(), workdays.London)
	held := map[string]bool{} // cases that held mail names
	if w.Held != nil && id.Role == RoleBusinessUnit {
		msgs, err := w.Held.ListMessages(r.Context(), casefile.OutcomeQuarantined)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, m := range msgs {
			for _, ref := range m.Refs {
				held[ref] = true
			}
		}
	}
	// Filter and sort small entries; only the page's rows are written out.
	sees := func(c *casefile.CaseSummary) bool {
		return canSee(id.Role, c.Route, c.Marks[casefile.MarkLearning] != "")
	}
	entries := web.Lister{Sees: sees, Me: actor(id), Today: today, Held: held, Task: w.Rules.TaskTitle}.Select(cases, f)
	web.ByDue(entries)
	rowOf := func(e web.Listed) caseRow {
		c := e.C
		row := caseRow{Ref: c.Ref, Received: londonDate(c.ReceivedAt), Channel: c.Channel, Route: string(c.Route), Status: string(c.Status),
			Assignee: c.Marks[casefile.MarkAssignee], HeldMail: held[c.Ref], ReceivedSort: strconv.FormatInt(c.ReceivedAt.Unix(), 10),
			DueSort: "99999999999", Badge: e.Badge}
		if e.Closed {
			row.Status = "closed"
		}
		if d, err := civil.Parse(c.Marks[casefile.MarkPanelOwed]); err == nil && !e.Closed {
			row.Owed = "asked " + londonDate(workdays.EndOfDay(d))
		}
		if !e.Due.IsZero() {
			row.Next, row.Due, row.DueSort = w.Rules.TaskTitle(c.Next.Rule), londonDate(e.Due), strconv.FormatInt(e.Due.Unix(), 10)
		}
		return row
	}
	v := w.view(r, "Cases", "cases")
	v.Filter, v.Total = f, len(entries)
	v.RouteOptions = []string{string(referral.RouteNotification), string(referral.RouteLearning), string(referral.RouteUnknown)}
	v.Statuses = []string{string(casefile.Incomplete), string(casefile.Complete), "closed"}
	if w.Held != nil && id.Role == RoleBusinessUnit {
		v.Statuses = append(v.Statuses, "held")
	}
	for y := civil.In(w.Now(), workdays.London).Year; y >= 2019 && len(v.Years) < 8; y-- {
		v.Years = append(v.Years, strconv.Itoa(y))
	}
	v.Pages = max(1, (len(entries)+web.PageSize-1)/web.PageSize)
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = min(max(v.Page, 1), v.Pages)
	for _, e := range entries[(v.Page-1)*web.PageSize : min(v.Page*web.PageSize, len(entries))] {
		v.Rows = append(v.Rows, rowOf(e))
	}
	pageURL := func(n int) string {
		q := url.Values{}
		for k, val := range map[string]string{"status": f.Status, "route": f.Route, "due": f.Due, "year": f.Year, "mine": f.Mine} {
			if val != "" {
				q.Set(k, val)
			}
		}
		q.Set("page", strconv.Itoa(n))
		return w.at("/cases?" + q.Encode())
	}
	if v.Page > 1 {
		v.PrevURL = pageURL(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextURL = pageURL(v.Page + 1)
	}
	w.render(rw, http.StatusOK, "casesContent", v)
}
