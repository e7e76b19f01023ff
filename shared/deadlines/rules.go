package deadlines

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
)

// Event types that start, meet, move or cancel deadlines. Data keys are
// named beside each.
const (
	Received           = casefile.EventReceived // the store writes it with every new case
	SSPInformed        = "ssp-informed"
	SSPDecision        = "ssp-decision" // outcome: criteria-met, criteria-not-met, learning
	PanelNotified      = "panel-notified"
	LookedAfter        = "looked-after" // the child was looked after by the local authority
	SoSOfstedNotified  = "sos-ofsted-notified"
	PanelAcknowledged  = "panel-acknowledged"
	RapidReviewHeld    = "rapid-review-held"
	DecisionToPanel    = "decision-to-panel"
	ReferrerTold       = "referrer-told"
	LCSPRDecided       = "lcspr-decided"
	PublicationPlanned = "publication-planned" // date: the planned publication date; recording it again moves it
	ReportSent         = "report-sent"
	Published          = "published"
	ActionSet          = "action-set"       // action: its id; due: its deadline
	ActionCompleted    = "action-completed" // action: its id
	LDDecision         = "ld-decision"      // outcome: one of the catalogue's (procedure §5.5, §10.6)
	CaseClosed         = "case-closed"      // reason: one of the catalogue's; of: the other reference, for a duplicate
	CaseReopened       = "case-reopened"    // reason: one of the catalogue's

	// The Rapid Review's outcome and what follows it (DSP §6.7–§6.12,
	// NEL "rapid review" and "local review").
	RapidReviewRecommended = "rapid-review-recommended" // outcome: the Rapid Review Panel's recommendation
	ReviewDecided          = "review-decided"           // outcome: the partners' final decision when it is not an LCSPR (that is lcspr-decided)
	PanelResponded         = "panel-responded"          // outcome: the national Panel's answer; may come more than once
	NotificationCopied     = "notification-copied"      // NEL: the partnership office has its copy of the Panel notification
	LCSPRNotified          = "lcspr-notified"           // reviewer: the reviewer commissioned; the Panel, Ofsted and DfE were told of the local review
)

// Choice is one value an event's field may take, with its words.
type Choice struct{ Value, Text string }

// Outcome values other rules refer to.
const (
	LCSPR          = "lcspr"
	NationalReview = "national-review"
)

// Outcomes of an SSP decision.
const (
	CriteriaMet    = "criteria-met"
	CriteriaNotMet = "criteria-not-met"
	Learning       = "learning"
)

// Roles that own deadlines and receive reminders; the partnership's
// configuration gives each its addresses.
const (
	BusinessUnit   = "business-unit"
	SSP            = "ssp" // every Statutory Safeguarding Partner
	LocalAuthority = "local-authority"
	Chair          = "chair" // Independent Scrutineer / Chair
	LDChair        = "ld-chair"
	Referrer       = "referrer"
)

// Rule is one statutory deadline.
type Rule struct {
	ID     string
	Title  string   // what must happen, for reminders
	Source string   // where the procedure says so
	Owners []string // roles responsible

	Start string // event type that starts it; "incident" for the incident date
	// Provisional is an event to count from until Start is recorded, so a
	// clock never waits on someone remembering an event (the Panel's
	// acknowledgement, the local authority's awareness).
	Provisional string
	Workdays    int  // working days after the start (negative: before)
	Months      int  // or calendar months after the start
	FromDate    bool // count from the start event's "date" rather than when it happened

	MetBy    []string // event types that meet it
	CancelBy []string // "type" or "type:outcome" that make it no longer apply

	NotForLearning  bool // learning-route referrals do not start it
	LookedAfterOnly bool // only when the child was looked after and died
	NoReminders     bool // a flag, not a task
	PerAction       bool // one deadline per improvement action
}

// RuleSet is one partnership's statutory deadlines.
type RuleSet struct {
	Name  string
	Rules []Rule
}

// Rule returns the rule a deadline comes from; deadlines of improvement
// actions ("action-escalation-hos:A1") find their rule by prefix.
func (rs RuleSet) Rule(id string) (Rule, bool) {
	base, _, _ := strings.Cut(id, ":")
	for _, r := range rs.Rules {
		if r.ID == base {
			return r, true
		}
	}
	return Rule{}, false
}

// Darlington is the Darlington Safeguarding Partnership's procedure
// (DSP 1.5), the default.
var Darlington = RuleSet{Name: "darlington", Rules: []Rule{
	{ID: "referral-late", Title: "Refer within 1 working day of the incident", Source: "DSP procedure §4.5",
		Owners: []string{Referrer}, Start: "incident", Workdays: 1, MetBy: []string{Received}, NoReminders: true},
	{ID: "inform-ssp", Title: "Inform the Statutory Safeguarding Partners", Source: "DSP procedure §4.6, §5.1",
		Owners: []string{BusinessUnit}, Start: LAAware, Provisional: Received, Workdays: 1, MetBy: []string{SSPInformed, SSPDecision}, NotForLearning: true},
	{ID: "ssp-meeting", Title: "Statutory Safeguarding Partners meet to consider the case", Source: "DSP procedure §4.6",
		Owners: []string{SSP, Chair}, Start: Received, Workdays: 5, MetBy: []string{SSPDecision}, NotForLearning: true},
	{ID: "notify-panel", Title: "Notify the Child Safeguarding Practice Review Panel", Source: "DSP procedure §5.2",
		Owners: []string{LocalAuthority}, Start: LAAware, Provisional: Received, Workdays: 5, MetBy: []string{PanelNotified},
		CancelBy: []string{SSPDecision + ":" + CriteriaNotMet, SSPDecision + ":" + Learning}, NotForLearning: true},
	{ID: "lac-death", Title: "Notify the Secretary of State and Ofsted of a looked-after child's death", Source: "DSP procedure §5.3",
		Owners: []string{LocalAuthority}, Start: Received, Workdays: 5, MetBy: []string{SoSOfstedNotified}, LookedAfterOnly: true},
	{ID: "referrer-feedback", Title: "Tell the referrer the outcome", Source: "DSP procedure §5.7",
		Owners: []string{LocalAuthority}, Start: SSPDecision, Workdays: 5, MetBy: []string{ReferrerTold}},
	{ID: "record-panel-ack", Title: "Record the Panel's acknowledgement of the notification (the Rapid Review clock runs from it)", Source: "DSP procedure §6.2",
		Owners: []string{BusinessUnit}, Start: PanelNotified, Workdays: 2, MetBy: []string{PanelAcknowledged}},
	{ID: "rapid-review-target", Title: "Hold the Rapid Review (target 7–10 working days)", Source: "DSP procedure §6.2",
		Owners: []string{SSP}, Start: PanelAcknowledged, Provisional: PanelNotified, Workdays: 10, MetBy: []string{RapidReviewHeld}},
	{ID: "rapid-review", Title: "Hold the Rapid Review", Source: "DSP procedure §6.2",
		Owners: []string{SSP}, Start: PanelAcknowledged, Provisional: PanelNotified, Workdays: 15, MetBy: []string{RapidReviewHeld}},
	{ID: "decision-to-panel", Title: "Send the Rapid Review decision to the Panel", Source: "DSP procedure §6.10",
		Owners: []string{SSP, Chair}, Start: PanelAcknowledged, Provisional: PanelNotified, Workdays: 15, MetBy: []string{DecisionToPanel}},
	{ID: "lcspr-publication", Title: "Complete and publish the Local Child Safeguarding Practice Review", Source: "DSP procedure §15.5, §6.12",
		Owners: []string{SSP}, Start: LCSPRDecided, Months: 6, MetBy: []string{Published}, CancelBy: []string{PanelResponded + ":" + NationalReview}},
	{ID: "report-before-publication", Title: "Send the report to the Panel, Secretary of State and Ofsted", Source: "DSP procedure §14.7",
		Owners: []string{SSP}, Start: PublicationPlanned, FromDate: true, Workdays: -7, MetBy: []string{ReportSent}},
	{ID: "action-due", Title: "Improvement action due: confirm it is complete", Source: "DSP procedure §9.2, §16.2",
		Owners: []string{LDChair}, Start: ActionSet, FromDate: true, MetBy: []string{ActionCompleted}, PerAction: true},
	{ID: "action-escalation-hos", Title: "Improvement action outstanding 3 months: inform the Head of Service", Source: "DSP procedure §9.2, §16.2",
		Owners: []string{LDChair}, Start: ActionSet, FromDate: true, Months: 3, MetBy: []string{ActionCompleted}, PerAction: true},
	{ID: "action-escalation-chief", Title: "Improvement action outstanding 6 months: inform the Chief Officer", Source: "DSP procedure §9.2, §16.2",
		Owners: []string{LDChair}, Start: ActionSet, FromDate: true, Months: 6, MetBy: []string{ActionCompleted}, PerAction: true},
}}

// NEL is North East Lincolnshire's variant: partners informed and the Panel
// notified within 5 working days, the Rapid Review within 15 working days
// of the partners becoming aware (not of the Panel's acknowledgement).
var NEL = RuleSet{Name: "nel", Rules: []Rule{
	{ID: "inform-ssp", Title: "Report the incident to the safeguarding partners", Source: "NEL SCP procedure (notification)",
		Owners: []string{LocalAuthority, BusinessUnit}, Start: LAAware, Provisional: Received, Workdays: 5, MetBy: []string{SSPInformed, SSPDecision}, NotForLearning: true},
	{ID: "notify-panel", Title: "Notify the Child Safeguarding Practice Review Panel", Source: "NEL SCP procedure (notification)",
		Owners: []string{LocalAuthority}, Start: LAAware, Provisional: Received, Workdays: 5, MetBy: []string{PanelNotified},
		CancelBy: []string{SSPDecision + ":" + CriteriaNotMet, SSPDecision + ":" + Learning}, NotForLearning: true},
	{ID: "lac-death", Title: "Notify the Secretary of State and Ofsted of a looked-after child's death", Source: "NEL SCP procedure (notification)",
		Owners: []string{LocalAuthority}, Start: Received, Workdays: 5, MetBy: []string{SoSOfstedNotified}, LookedAfterOnly: true},
	{ID: "notification-copy", Title: "Send the partnership office a copy of the Panel notification, the day it is sent", Source: "NEL SCP procedure (notification)",
		Owners: []string{LocalAuthority}, Start: PanelNotified, Workdays: 0, MetBy: []string{NotificationCopied}},
	{ID: "rapid-review", Title: "Complete the Rapid Review and send it to the Panel", Source: "NEL SCP procedure (rapid review)",
		Owners: []string{SSP}, Start: Received, Workdays: 15, MetBy: []string{DecisionToPanel},
		CancelBy: []string{SSPDecision + ":" + CriteriaNotMet, SSPDecision + ":" + Learning}, NotForLearning: true},
	{ID: "rapid-review-to-panel", Title: "Send the completed Rapid Review to the Panel (as soon as it is complete)", Source: "NEL SCP procedure (rapid review)",
		Owners: []string{SSP}, Start: RapidReviewHeld, Workdays: 1, MetBy: []string{DecisionToPanel}},
	{ID: "panel-response", Title: "The Panel aims to decide within 15 working days of receiving the Rapid Review: chase its answer", Source: "NEL SCP procedure (rapid review)",
		Owners: []string{BusinessUnit}, Start: DecisionToPanel, Workdays: 15, MetBy: []string{PanelResponded}},
	{ID: "lcspr-notify", Title: "Tell the Panel, Ofsted and DfE of the local review, with the reviewer's name", Source: "NEL SCP procedure (local review)",
		Owners: []string{SSP}, Start: LCSPRDecided, Workdays: 1, MetBy: []string{LCSPRNotified}, CancelBy: []string{PanelResponded + ":" + NationalReview}},
	{ID: "lcspr-publication", Title: "Complete and publish the Local Child Safeguarding Practice Review", Source: "NEL SCP procedure (publication)",
		Owners: []string{SSP}, Start: LCSPRDecided, Months: 6, MetBy: []string{Published}, CancelBy: []string{PanelResponded + ":" + NationalReview}},
	{ID: "report-before-publication", Title: "Send the report to the Panel, Secretary of State and Ofsted", Source: "NEL SCP procedure (publication)",
		Owners: []string{SSP}, Start: PublicationPlanned, FromDate: true, Workdays: -7, MetBy: []string{ReportSent}},
}}

// Sets are the rule sets a partnership can choose by name.
var Sets = map[string]RuleSet{Darlington.Name: Darlington, NEL.Name: NEL}

// Lookup returns the rule set with a name.
func Lookup(name string) (RuleSet, error) {
	rs, ok := Sets[name]
	if !ok {
		names := make([]string, 0, len(Sets))
		for n := range Sets {
			names = append(names, n)
		}
		sort.Strings(names)
		return RuleSet{}, fmt.Errorf("no rule set %q (choose one of %s)", name, strings.Join(names, ", "))
	}
	return rs, nil
}

// TaskTitle is what a deadline asks to be done, for people: "" for a rule
// unknown or a flag that is not a task (the late-referral flag).
func (rs RuleSet) TaskTitle(id string) string {
	r, ok := rs.Rule(id)
	if !ok || r.NoReminders {
		return ""
	}
	return r.Title
}
