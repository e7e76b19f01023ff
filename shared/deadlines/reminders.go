package deadlines

import (
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Reminder kinds.
const (
	Before  = "before"  // 09:00 on the working day before the due day
	Due     = "due"     // 09:00 on the due day
	Overdue = "overdue" // 09:00 on the working day after, to the chair as well
)

// ReminderHour is the London hour reminders go out.
const ReminderHour = 9

// Reminder is one e-mail to send about one deadline at one time. It
// carries references and roles, never a child's details.
type Reminder struct {
	Ref   string    `json:"ref"`
	Rule  string    `json:"rule"`
	Kind  string    `json:"kind"`
	At    time.Time `json:"at"`
	Due   time.Time `json:"due"`
	Roles []string  `json:"roles"`
}

// Reminders returns the reminders of the deadlines still to be done (open
// or missed), except flags, in time order. The caller keeps those still in
// the future.
func Reminders(ds []casefile.Deadline, cal *workdays.Calendar, rs RuleSet) []Reminder {
	var out []Reminder
	roleCache := map[string][2][]string{} // rule → roles, and roles with the chair
	for _, d := range ds {
		r, ok := rs.Rule(d.Rule)
		if !ok || r.NoReminders || (d.Status != Open && d.Status != Missed) {
			continue
		}
		dueDate := civil.In(d.Due, workdays.London)
		dueDay := dueDate
		if !cal.IsWorkday(dueDay) { // a calendar-month deadline on a weekend: remind the working day before
			dueDay = cal.AddWorkdays(dueDay, -1)
		}
		cached, ok := roleCache[r.ID]
		if !ok {
			roles := withRole(r.Owners, BusinessUnit)
			cached = [2][]string{roles, withRole(roles, Chair)}
			roleCache[r.ID] = cached
		}
		roles, escalated := cached[0], cached[1]
		at := func(day civil.Date) time.Time {
			return time.Date(day.Year, day.Month, day.Day, ReminderHour, 0, 0, 0, workdays.London)
		}
		out = append(out,
			Reminder{Ref: d.Ref, Rule: d.Rule, Kind: Before, At: at(cal.AddWorkdays(dueDay, -1)), Due: d.Due, Roles: roles},
			Reminder{Ref: d.Ref, Rule: d.Rule, Kind: Due, At: at(dueDay), Due: d.Due, Roles: roles},
			Reminder{Ref: d.Ref, Rule: d.Rule, Kind: Overdue, At: at(cal.AddWorkdays(dueDate, 1)), Due: d.Due, Roles: escalated},
		)
	}
	sortReminders(out)
	return out
}

func withRole(roles []string, role string) []string {
	if contains(roles, role) {
		return roles
	}
	return append(append([]string(nil), roles...), role)
}

func sortReminders(rs []Reminder) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].At.Before(rs[j-1].At); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}
