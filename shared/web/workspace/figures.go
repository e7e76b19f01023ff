package workspace

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Figures are the numbers the Business Unit reports each quarter: no
// child's details, only counts and working days.
type Figures struct {
	Quarter               string // 2026-Q4
	From, To              civil.Date
	Total                 int
	ByRoute               []countRow // route × channel
	Channels              []string
	Decisions             int // cases with an SSP decision
	MedianDays, WorstDays int // working days from receipt to the SSP decision
	ByRule                []ruleRow
	Months                []monthBar
	Chart                 template.HTML
}

type countRow struct {
	Route  string
	Counts []int
	Total  int
}

type ruleRow struct {
	Title                          string
	Met, Late, Missed, Open, Other int // Met: on time
}

type monthBar struct {
	Month string
	Count int
}

var quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)

// quarterOf reads "2026-Q4", or gives the quarter of today.
func quarterOf(q string, today civil.Date) (string, civil.Date, civil.Date) {
	year, n := today.Year, (int(today.Month)-1)/3+1
	if m := quarterRE.FindStringSubmatch(q); m != nil {
		year, _ = strconv.Atoi(m[1])
		n, _ = strconv.Atoi(m[2])
	}
	from := civil.New(year, time.Month(3*(n-1)+1), 1)
	return fmt.Sprintf("%d-Q%d", year, n), from, from.AddMonths(3).AddDays(-1)
}

// figures works out a quarter's numbers from the cases received in it.
func (w *Workspace) figures(r *http.Request) (Figures, error) {
	ctx := r.Context()
	name, from, to := quarterOf(r.URL.Query().Get("q"), civil.In(w.Now(), workdays.London))
	f := Figures{Quarter: name, From: from, To: to}
	cases, err := w.Cases.ListCases(ctx, "")
	if err != nil {
		return f, err
	}
	channels := map[string]bool{}
	counts := map[string]map[string]int{}
	months := map[string]int{}
	rules := map[string]*ruleRow{}
	var days []int
	for _, c := range cases {
		day := civil.In(c.ReceivedAt, workdays.London)
		if day.Before(from) || day.After(to) {
			continue
		}
		f.Total++
		channels[c.Channel] = true
		if counts[string(c.Route)] == nil {
			counts[string(c.Route)] = map[string]int{}
		}
		counts[string(c.Route)][c.Channel]++
		months[day.String()[:7]]++
		events, err := w.Cases.ListEvents(ctx, c.Ref)
		if err != nil {
			return f, err
		}
		for _, e := range events {
			if e.Type == deadlines.SSPDecision && w.Calendar != nil {
				days = append(days, w.Calendar.WorkdaysBetween(day, civil.In(e.At, workdays.London)))
				break
			}
		}
		ds, err := w.Cases.ListDeadlines(ctx, c.Ref)
		if err != nil {
			return f, err
		}
		for _, d := range ds {
			title := w.Rules.TaskTitle(d.Rule)
			if title == "" {
				rule, _ := w.Rules.Rule(d.Rule)
				title = rule.Title
			}
			row := rules[title]
			if row == nil {
				row = &ruleRow{Title: title}
				rules[title] = row
			}
			switch d.Status {
			case deadlines.Met:
				row.Met++
			case deadlines.Late:
				row.Late++
			case deadlines.Missed:
				row.Missed++
			case deadlines.Open:
				row.Open++
			default:
				row.Other++
			}
		}
	}
	for ch := range channels {
		f.Channels = append(f.Channels, ch)
	}
	sort.Strings(f.Channels)
	for _, route := range []referral.Route{referral.RouteNotification, referral.RouteLearning, referral.RouteUnknown} {
		row := countRow{Route: string(route)}
		for _, ch := range f.Channels {
			n := counts[string(route)][ch]
			row.Counts = append(row.Counts, n)
			row.Total += n
		}
		f.ByRoute = append(f.ByRoute, row)
	}
	if len(days) > 0 {
		slices.Sort(days)
		f.Decisions, f.MedianDays, f.WorstDays = len(days), days[(len(days)-1)/2], days[len(days)-1]
	}
	for _, row := range rules {
		f.ByRule = append(f.ByRule, *row)
	}
	sort.Slice(f.ByRule, func(i, j int) bool { return f.ByRule[i].Title < f.ByRule[j].Title })
	for m := from; !m.After(to); m = m.AddMonths(1) {
		f.Months = append(f.Months, monthBar{Month: m.String()[:7], Count: months[m.String()[:7]]})
	}
	f.Chart = barChart(f.Months)
	return f, nil
}

// barChart draws referrals a month as an SVG bar chart, server-side: no
// script, no inline style, a text alternative in its title.
func barChart(bars []monthBar) template.HTML {
	most := 1
	var alt []string
	for _, b := range bars {
		most = max(most, b.Count)
		alt = append(alt, fmt.Sprintf("%s: %d", b.Month, b.Count))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="app-chart" role="img" viewBox="0 0 360 200" width="360" height="200" aria-labelledby="chart-title"><title id="chart-title">Referrals a month: %s</title>`,
		template.HTMLEscapeString(strings.Join(alt, ", ")))
	for i, b := range bars {
		h := 150 * b.Count / most
		x := 30 + i*110
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="80" height="%d" fill="#1d70b8"></rect>`, x, 170-h, h)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" font-size="14" fill="#0b0c0c">%d</text>`, x+40, 165-h, b.Count)
		fmt.Fprintf(&sb, `<text x="%d" y="192" text-anchor="middle" font-size="14" fill="#0b0c0c">%s</text>`, x+40, template.HTMLEscapeString(b.Month))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // built here from numbers and escaped month names only
}

func (w *Workspace) figuresPage(rw http.ResponseWriter, r *http.Request) {
	f, err := w.figures(r)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Figures "+f.Quarter, "figures")
	v.Figures = &f
	w.render(rw, http.StatusOK, "figuresContent", v)
}

// figuresCSV is the same numbers as CSV, one row a figure.
func (w *Workspace) figuresCSV(rw http.ResponseWriter, r *http.Request) {
	f, err := w.figures(r)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="figures-%s.csv"`, f.Quarter))
	cw := csv.NewWriter(rw)
	_ = cw.Write([]string{"quarter", "figure", "breakdown", "value"})
	row := func(figure, breakdown string, n int) {
		_ = cw.Write([]string{f.Quarter, figure, breakdown, strconv.Itoa(n)})
	}
	row("referrals", "all", f.Total)
	for _, rr := range f.ByRoute {
		for i, ch := range f.Channels {
			row("referrals", rr.Route+" by "+ch, rr.Counts[i])
		}
	}
	row("ssp decisions", "cases", f.Decisions)
	row("working days to ssp decision", "median", f.MedianDays)
	row("working days to ssp decision", "worst", f.WorstDays)
	for _, d := range f.ByRule {
		row("deadline "+d.Title, "met on time", d.Met)
		row("deadline "+d.Title, "late", d.Late)
		row("deadline "+d.Title, "missed", d.Missed)
		row("deadline "+d.Title, "open", d.Open)
	}
	cw.Flush()
}
