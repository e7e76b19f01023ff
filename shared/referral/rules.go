package referral

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

// RouteOf reads where a normalized referral goes. Notification: boxes 1
// and 2 ticked and Section 1 "meets the criteria" YES. Learning: box 3
// ticked or Section 1 "learning to be explored" YES. Both, or neither, is
// RouteUnknown: a contradiction is a problem for the referrer, not a guess.
func RouteOf(r *Referral) Route {
	notification, learning := routeSignals(r)
	switch {
	case notification && !learning:
		return RouteNotification
	case learning && !notification:
		return RouteLearning
	}
	return RouteUnknown
}

func routeSignals(r *Referral) (notification, learning bool) {
	c, s1 := r.Criteria, r.Referrer
	notification = c.AbuseOrNeglect && c.DiedOrSeriouslyHarmed && s1.MeetsNotificationCriteria == "yes"
	learning = c.LearningOnly || s1.LearningToExplore == "yes"
	if s1.MeetsNotificationCriteria == "yes" && learning {
		notification = true // says both
	}
	return notification, learning
}

// rules are the cross-field and route rules that struct tags cannot say.
func rules(r *Referral, asOf civil.Date, counts map[string]int) []Problem {
	var probs []Problem
	add := func(section int, field, code, format string, args ...any) {
		probs = append(probs, Problem{Section: section, Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}

	// Route.
	c, s1 := r.Criteria, r.Referrer
	switch notification, learning := routeSignals(r); {
	case notification && learning:
		add(0, "criteria", "route_contradictory", "Criteria boxes: the form says both that the case meets the criteria for notification and that it does not but there is learning to be explored. Tick boxes 1 and 2 and answer YES to “meets the criteria” in Section 1, or tick box 3 and answer YES to “learning to be explored”, not both")
	case notification:
		if strings.TrimSpace(r.WhyMeetsCriteria) == "" {
			add(9, "whyMeetsCriteria", "required", "Section 9: explain why you believe this case meets the criteria for notification")
		}
	case learning:
		if strings.TrimSpace(r.WhyLearning) == "" {
			add(10, "whyLearning", "required", "Section 10: explain why you believe the case does not meet the criteria for notification but there is learning to be explored")
		}
	case s1.MeetsNotificationCriteria == "yes":
		add(0, "criteria", "criteria_boxes", "Criteria boxes: you answered YES to “meets the criteria for notification” in Section 1; tick box 1 (abuse or neglect known or suspected) and box 2 (the child died or was seriously harmed) too")
	case c.AbuseOrNeglect && c.DiedOrSeriouslyHarmed && s1.MeetsNotificationCriteria == "":
		add(1, "referrer.meetsNotificationCriteria", "required", "Section 1: say whether the case meets the criteria for notification (YES or NO)")
	default:
		add(0, "criteria", "route_unknown", "Criteria boxes: say where this referral should go. For a notification, tick boxes 1 and 2 and answer YES to “meets the criteria” in Section 1; for learning, tick box 3 and answer YES to “learning to be explored”")
	}

	// Section 2.
	if len(r.Children) == 0 {
		add(2, "children", "required", "Section 2: enter the details of the child")
	}
	for i, ch := range r.Children {
		path := index("children", i)
		at := newLazyWhere(path+".fullName", 2, counts)
		dob, okDOB := ParseDate(ch.DateOfBirth)
		inc, okInc := ParseDate(ch.IncidentDate)
		death, okDeath := ParseDate(ch.DateOfDeath)
		if okDOB && okInc && inc.Before(dob) {
			add(2, path+".incidentDate", "date_order", "%s: the date of the serious incident must be on or after the child's date of birth", at)
		}
		if okDeath && okInc && death.Before(inc) {
			add(2, path+".dateOfDeath", "date_order", "%s: the date of death must be on or after the date of the serious incident", at)
		} else if okDeath && okDOB && death.Before(dob) {
			add(2, path+".dateOfDeath", "date_order", "%s: the date of death must be on or after the child's date of birth", at)
		}
		if ch.RelatesToDeath == "no" && (ch.DateOfDeath != "" || ch.CauseOfDeath != "") {
			add(2, path+".relatesToDeath", "contradictory", "%s: you said the incident does not relate to the death of the child but gave a date or cause of death; check both answers", at)
		}
		// Ages only make sense from dates that are themselves plausible.
		if okDOB && okInc && !inc.Before(dob) && !inc.After(asOf) && !dob.Before(Earliest) {
			years := dob.YearsUntil(inc)
			if years >= 18 {
				add(2, path+".dateOfBirth", "not_a_child", "%s: the dates of birth and incident make the child %d at the time of the incident; these reviews are for children under 18, so check both dates", at, years)
			} else if ch.AgeAtIncident != "" && !ageAgrees(ch.AgeAtIncident, dob, inc) {
				// The age the dates give is not said: a problem is echoed
				// back in e-mail, and a worked-out age is a child's detail.
				add(2, path+".ageAtIncident", "age_mismatch", "%s: the age at the time of the incident does not match the dates of birth and incident; check all three", at)
			}
		}
		if ch.AgeAtIncident != "" && !okDOB && parseAge(ch.AgeAtIncident) < 0 {
			add(2, path+".ageAtIncident", "invalid_age", "%s: enter the child's age at the time of the incident as a number of years, or of months for a baby", at)
		}
	}

	// Section 5.
	cd := r.CaseDetails
	if len(cd.Characteristics) == 0 {
		add(5, "caseDetails.characteristics", "required", "Section 5: tick at least one characteristic of the case (tick “Not Yet Known” if you do not know)")
	}

	// Section 6.
	cp := r.ChildProtection
	datesInOrder(&probs, 6, "childProtection.cppEnd", cp.CppStart, cp.CppEnd, fixed("Section 6: the date the Child Protection Plan ended must be on or after the date it started"))
	datesInOrder(&probs, 6, "childProtection.cinEnd", cp.CinStart, cp.CinEnd, fixed("Section 6: the date the Child in Need Plan ended must be on or after the date it started"))
	if cp.SiblingsOnChildProtectionPlan == "yes" && len(cp.SiblingPlans) == 0 {
		add(6, "childProtection.siblingPlans", "required", "Section 6: you said siblings were on a Child Protection Plan; enter each sibling's name and the plan's dates")
	}
	if cp.SiblingsOnChildInNeedPlan == "yes" && len(cp.SiblingChildInNeedPlans) == 0 {
		add(6, "childProtection.siblingChildInNeedPlans", "required", "Section 6: you said siblings were on a Child in Need Plan; enter each sibling's name and the plan's dates")
	}
	// Answers under a "no" that only a "yes" asks for (Section 6's plans).
	for _, f := range FollowUps {
		if !f.OnlyThen || Get(r, f.Parent) != "no" {
			continue
		}
		parent, _ := FieldByPath(f.Parent)
		for _, path := range f.Fields {
			given := ""
			if t, ok := tableOf(path); ok {
				if Count(r, path) > 0 {
					given = "the " + t.Many
				}
			} else if Get(r, path) != "" {
				field, _ := FieldByPath(path)
				given = field.Noun
			}
			if given != "" {
				add(parent.Section, path, "contradictory", "Section %d: you answered NO to %s, but gave %s; check both answers", parent.Section, parent.Noun, given)
			}
		}
	}
	for i, p := range cp.SiblingPlans {
		path := index("childProtection.siblingPlans", i)
		datesInOrder(&probs, 6, path+".end", p.Start, p.End, func() string {
			return where(path+".end", 6, counts) + ": the date the sibling's Child Protection Plan ended must be on or after the date it started"
		})
	}
	for i, p := range cp.SiblingChildInNeedPlans {
		path := index("childProtection.siblingChildInNeedPlans", i)
		datesInOrder(&probs, 6, path+".end", p.Start, p.End, func() string {
			return where(path+".end", 6, counts) + ": the date the sibling's Child in Need Plan ended must be on or after the date it started"
		})
	}

	// Section 7.
	switch {
	case len(r.Agencies) == 0 && !r.NoOtherAgencies:
		add(7, "agencies", "required", "Section 7: enter at least one other agency involved with the child or family, or say that no other agency was involved")
	case len(r.Agencies) > 0 && r.NoOtherAgencies:
		add(7, "noOtherAgencies", "contradictory", "Section 7: you listed other agencies and also said no other agency was involved; check both answers")
	}
	for i, a := range r.Agencies {
		path := index("agencies", i)
		datesInOrder(&probs, 7, path+".endDate", a.StartDate, a.EndDate, func() string {
			return where(path+".endDate", 7, counts) + ": the end date must be on or after the start date"
		})
	}

	// Section 12: "do not leave blank".
	or := r.OtherReviews
	switch {
	case or.NoneKnown && len(or.Types) > 0:
		add(12, "otherReviews.noneKnown", "contradictory", "Section 12: you ticked other reviews and also said you know of none; check both answers")
	case !or.NoneKnown && len(or.Types) == 0 && or.Details == "":
		add(12, "otherReviews", "required", "Section 12: tick any other review pending or complete and give details, or say that you know of no other reviews (do not leave this blank)")
	case contains(or.Types, "Other") && or.Details == "":
		add(12, "otherReviews.details", "required", "Section 12: you ticked “Other” review; give its details")
	}
	return probs
}

// lazyWhere defers building a place name until a message needs it.
type lazyWhere func() string

func (w lazyWhere) String() string { return w() }

func newLazyWhere(path string, section int, counts map[string]int) lazyWhere {
	return func() string { return where(path, section, counts) }
}

// datesInOrder adds a problem when end is before start; message is built
// only then.
func datesInOrder(probs *[]Problem, section int, field, start, end string, message func() string) {
	if start == "" || end == "" {
		return
	}
	s, ok1 := ParseDate(start)
	e, ok2 := ParseDate(end)
	if ok1 && ok2 && e.Before(s) {
		*probs = append(*probs, Problem{Section: section, Field: field, Code: "date_order", Message: message()})
	}
}

func fixed(s string) func() string { return func() string { return s } }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var ageRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\s*(\d{1,3})\s*(years?|yrs?|y|months?|mths?|mos?|m|weeks?|wks?|w|days?|d)?(\s*old)?\s*$`)
})

// parseAge reads an age as whole years; ages given in months, weeks or days
// are 0 years. It returns -1 if s is not an age.
func parseAge(s string) int {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return n
	}
	m := ageRE().FindStringSubmatch(s)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	unit := strings.ToLower(m[2])
	if unit == "" || unit[0] == 'y' {
		return n
	}
	switch unit[0] {
	case 'm':
		return n / 12
	case 'w':
		return n / 52
	}
	return n / 365
}

func ageAgrees(age string, dob, inc civil.Date) bool {
	return parseAge(age) == dob.YearsUntil(inc)
}

// monthsBetween counts whole months from a to b.
func monthsBetween(a, b civil.Date) int {
	m := (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
	if b.Day < a.Day {
		m--
	}
	return m
}
