package workspace

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Figures are the numbers the Business Unit reports, each quarter and in
// the annual report (procedure §18.1), for the cases received in a period:
// no child's details, only counts and working days.
type Figures struct {
	Period                string // 2026-Q4, or "2026-04-01 to 2027-03-31"
	Quarter               string // the quarter asked for, if one was
	From, To              civil.Date
	Total                 int
	ByRoute               []countRow // route × channel
	Channels              []string
	Decisions             int // cases with a decision of the partners
	MedianDays, WorstDays int // working days from receipt to the partners' (latest) decision
	SSPOutcomes           []outcomeCount
	LDOutcomes            []outcomeCount
	// Reviews: rapid reviews held (and on time: within their 15 working
	// days), LCSPRs commissioned, published (and on time: within 6
	// months), and decided not to be published.
	RapidReviews, RapidReviewsOnTime      int
	LCSPRs, LCSPRsPublished, LCSPRsOnTime int
	NotPublished                          int
	ByRule                                []ruleRow
	Months                                []monthBar
	Chart                                 template.HTML
	CSV                                   string // the same figures as CSV
}

type outcomeCount struct {
	Text string
	N    int
}

type countRow struct {
	Route  string
	Counts []int
	Total  int
}

type ruleRow struct {
	Title                          string
	Met, Late, Missed, Open, Other int // Met: on time; Other: cancelled (no longer applies)
}

type monthBar struct {
	Month string
	Count int
}

var quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)

// period reads what the figures are for: from and to (any range of up to
// five years), or a quarter ("2026-Q4"); the quarter of today otherwise.
func period(q url.Values, today civil.Date) (name, quarter string, from, to civil.Date) {
	f, errF := civil.Parse(q.Get("from"))
	t, errT := civil.Parse(q.Get("to"))
	if errF == nil && errT == nil && !t.Before(f) && !t.After(f.AddMonths(60)) {
		return f.String() + " to " + t.String(), "", f, t
	}
	year, n := today.Year, (int(today.Month)-1)/3+1
	if m := quarterRE.FindStringSubmatch(q.Get("q")); m != nil {
		year, _ = strconv.Atoi(m[1])
		n, _ = strconv.Atoi(m[2])
	}
	from = civil.New(year, time.Month(3*(n-1)+1), 1)
	quarter = fmt.Sprintf("%d-Q%d", year, n)
	return quarter, quarter, from, from.AddMonths(3).AddDays(-1)
}

// figures works out a period's numbers from the cases received in it, and
// their records as they stand now: decisions withdrawn as recorded in
// error are not counted, a decision taken again counts as its latest, and
// each deadline's status is worked out afresh.
func (w *Workspace) figures(r *http.Request) (Figures, error) {
	ctx := r.Context()
	now := w.Now()
	name, quarter, from, to := period(r.URL.Query(), civil.In(now, workdays.London))
	f := Figures{Period: name, Quarter: quarter, From: from, To: to}
	cases, err := w.Cases.ListCases(ctx, "")
	if err != nil {
		return f, err
	}
	channels := map[string]bool{}
	counts := map[string]map[string]int{}
	months := map[string]int{}
	rules := map[string]*ruleRow{}
	ssp, ld := map[string]int{}, map[string]int{}
	var days []int
	for _, summary := range cases {
		day := civil.In(summary.ReceivedAt, workdays.London)
		if day.Before(from) || day.After(to) {
			continue
		}
		c, err := w.Cases.GetCase(ctx, summary.Ref)
		if err != nil {
			return f, err
		}
		f.Total++
		channels[c.Channel] = true
		if counts[string(c.Route)] == nil {
			counts[string(c.Route)] = map[string]int{}
		}
		counts[string(c.Route)][c.Channel]++
		months[day.String()[:7]]++
		all, err := w.Cases.ListEvents(ctx, c.Ref)
		if err != nil {
			return f, err
		}
		events := deadlines.Active(all)
		latest := map[string]casefile.Event{}
		for _, e := range events {
			if old, ok := latest[e.Type]; !ok || !e.At.Before(old.At) {
				latest[e.Type] = e
			}
		}
		if d, ok := latest[deadlines.SSPDecision]; ok {
			ssp[d.Data["outcome"]]++
			if w.Calendar != nil {
				days = append(days, w.Calendar.WorkdaysBetween(day, civil.In(d.At, workdays.London)))
			}
		}
		if d, ok := latest[deadlines.LDDecision]; ok {
			ld[d.Data["outcome"]]++
		}
		_, held := latest[deadlines.RapidReviewHeld]
		_, lcspr := latest[deadlines.LCSPRDecided]
		_, published := latest[deadlines.Published]
		_, notPublished := latest[deadlines.NotPublished]
		f.RapidReviews += count(held)
		f.LCSPRs += count(lcspr)
		f.LCSPRsPublished += count(lcspr && published)
		f.NotPublished += count(notPublished)
		var ds []casefile.Deadline
		if w.Calendar != nil {
			ds = deadlines.Compute(deadlines.FactsOf(c), all, w.Calendar, w.Rules, now)
		} else if ds, err = w.Cases.ListDeadlines(ctx, c.Ref); err != nil {
			return f, err
		}
		for _, d := range ds {
			switch {
			case d.Rule == "rapid-review" && d.Status == deadlines.Met:
				f.RapidReviewsOnTime++
			case d.Rule == "lcspr-publication" && d.Status == deadlines.Met:
				f.LCSPRsOnTime++
			}
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
	f.SSPOutcomes, f.LDOutcomes = outcomeCounts(deadlines.SSPDecision, ssp), outcomeCounts(deadlines.LDDecision, ld)
	if len(days) > 0 {
		slices.Sort(days)
		f.Decisions, f.MedianDays, f.WorstDays = len(days), days[(len(days)-1)/2], days[len(days)-1]
	}
	for _, row := range rules {
		f.ByRule = append(f.ByRule, *row)
	}
	sort.Slice(f.ByRule, func(i, j int) bool { return f.ByRule[i].Title < f.ByRule[j].Title })
	for m := civil.New(from.Year, from.Month, 1); !m.After(to); m = m.AddMonths(1) {
		f.Months = append(f.Months, monthBar{Month: m.String()[:7], Count: months[m.String()[:7]]})
	}
	f.Chart = barChart(f.Months)
	return f, nil
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// outcomeCounts are a decision's outcomes, in the catalogue's order, with
// how many cases' latest decision each was.
func outcomeCounts(typ string, n map[string]int) []outcomeCount {
	spec, _ := deadlines.Spec(typ)
	out := make([]outcomeCount, 0, len(spec.Outcomes))
	for _, c := range spec.Outcomes {
		out = append(out, outcomeCount{Text: c.Text, N: n[c.Value]})
	}
	return out
}

// barChart draws referrals a month as an SVG bar chart, server-side: no
// script, no inline style, a text alternative in its title. Bars narrow as
// months are added, so a year fits as a quarter does.
func barChart(bars []monthBar) template.HTML {
	most := 1
	var alt []string
	for _, b := range bars {
		most = max(most, b.Count)
		alt = append(alt, fmt.Sprintf("%s: %d", b.Month, b.Count))
	}
	step := max(30, min(110, 330/max(1, len(bars))))
	width := 30 + step*len(bars)
	font := 14
	if step < 60 {
		font = 10
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="app-chart" role="img" viewBox="0 0 %d 200" width="%d" height="200" aria-labelledby="chart-title"><title id="chart-title">Referrals a month: %s</title>`,
		width, width, template.HTMLEscapeString(strings.Join(alt, ", ")))
	for i, b := range bars {
		h := 150 * b.Count / most
		x := 30 + i*step
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="#1d70b8"></rect>`, x, 170-h, step*8/11, h)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" font-size="%d" fill="#0b0c0c">%d</text>`, x+step*4/11, 165-h, font, b.Count)
		label := b.Month
		if step < 60 {
			label = b.Month[5:] // the month's number; the year is in the title
		}
		fmt.Fprintf(&sb, `<text x="%d" y="192" text-anchor="middle" font-size="%d" fill="#0b0c0c">%s</text>`, x+step*4/11, font, template.HTMLEscapeString(label))
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
	v := w.view(r, "Figures "+f.Period, "figures")
	v.Figures = &f
	q := url.Values{"from": {f.From.String()}, "to": {f.To.String()}}
	v.Figures.CSV = w.at("/cases/figures.csv?" + q.Encode())
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
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="figures-%s-%s.csv"`, f.From, f.To))
	cw := csv.NewWriter(rw)
	_ = cw.Write([]string{"period", "figure", "breakdown", "value"})
	row := func(figure, breakdown string, n int) {
		_ = cw.Write([]string{f.Period, figure, breakdown, strconv.Itoa(n)})
	}
	row("referrals", "all", f.Total)
	for _, rr := range f.ByRoute {
		for i, ch := range f.Channels {
			row("referrals", rr.Route+" by "+ch, rr.Counts[i])
		}
	}
	row("ssp decisions", "cases", f.Decisions)
	for _, o := range f.SSPOutcomes {
		row("ssp decisions", o.Text, o.N)
	}
	for _, o := range f.LDOutcomes {
		row("ld decisions", o.Text, o.N)
	}
	if f.Decisions > 0 {
		row("working days to ssp decision", "median", f.MedianDays)
		row("working days to ssp decision", "worst", f.WorstDays)
	}
	row("rapid reviews", "held", f.RapidReviews)
	row("rapid reviews", "held on time", f.RapidReviewsOnTime)
	row("lcsprs", "commissioned", f.LCSPRs)
	row("lcsprs", "reports published", f.LCSPRsPublished)
	row("lcsprs", "published on time", f.LCSPRsOnTime)
	row("lcsprs", "decided not to publish", f.NotPublished)
	for _, d := range f.ByRule {
		row("deadline "+d.Title, "met on time", d.Met)
		row("deadline "+d.Title, "late", d.Late)
		row("deadline "+d.Title, "missed", d.Missed)
		row("deadline "+d.Title, "open", d.Open)
		row("deadline "+d.Title, "no longer applies", d.Other)
	}
	cw.Flush()
}
