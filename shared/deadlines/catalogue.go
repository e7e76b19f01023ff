package deadlines

import (
	"slices"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// EventSpec is one kind of event recorded on a case: what it means, the
// outcomes it takes, the fields it needs, what must come first, whether a
// case holds one of it, and who may record it. The catalogue is the one
// place each of these is said; the API's checks, the workspace's forms and
// role rules, and docs/deadlines.md read it.
type EventSpec struct {
	Type string
	Help string // what it means, for help and the form's list
	Done string // the timeline's words: "The partners decided"

	Outcomes []Choice // the outcomes it takes, in the order shown; none: no outcome
	Reasons  []Choice // the reason codes it takes (closing, re-opening)
	Fields   []string // the other fields it needs (Rationale, FieldDate, …)
	Needs    []string // events one of which must be recorded on or before its day

	// Once: a case holds one of it (while not withdrawn). OnceKey, when
	// set, is shared with another type the same decision can take.
	Once    bool
	OnceKey string
	// Round: decided again in each round a case is re-opened for with new
	// information (procedure §5.6: the partners consider it again).
	Round bool
	// BeforeReceipt: it may have happened before the referral was received
	// (the local authority is often aware first).
	BeforeReceipt bool
	// By are the roles that may record it besides the Business Unit, who
	// may record any; System events are recorded by the service only.
	By     []string
	System bool
}

// Fields an event may need, by their JSON names.
const (
	FieldRationale = "rationale" // free text: why, for a decision (never e-mailed)
	FieldDate      = "date"      // a date the event sets (publication-planned)
	FieldAction    = "action"    // an improvement action's id
	FieldDue       = "due"       // an improvement action's deadline
	FieldReviewer  = "reviewer"  // the reviewer commissioned
	FieldEvent     = "event"     // the event an event-withdrawn withdraws
	FieldNote      = "reason"    // free text: why an action moved, or an entry is withdrawn
)

// More event types (with rules.go's).
const (
	LAAware              = "la-aware"               // when the local authority became aware (§5.1, §5.2): the Panel clocks run from it
	LDApproved           = "ld-approved"            // the partners approved the L&D Group's decision (§10.7)
	PanelInformationSent = "panel-information-sent" // the information the Panel asked for was sent
	PublicationDelayed   = "publication-delayed"    // why publication is delayed (§14.4)
	NotPublished         = "not-published"          // the decision not to publish, with its justification (§15.3)
	EventWithdrawn       = "event-withdrawn"        // an entry recorded in error: event, reason
)

var decisionMakers = []string{SSP, Chair}

// Catalogue is every event type, in the order the procedure runs.
var Catalogue = []EventSpec{
	{Type: Received, Help: "the referral was received", Done: "The referral was received", System: true},
	{Type: LAAware, Help: "the local authority became aware of the incident (the Panel clocks run from it)", Done: "The local authority became aware",
		Once: true, BeforeReceipt: true},
	{Type: SSPInformed, Help: "the Statutory Safeguarding Partners were informed", Done: "The Statutory Safeguarding Partners were informed", Once: true, Round: true},
	{Type: SSPDecision, Help: "the Statutory Safeguarding Partners decided (outcome, rationale)", Done: "The partners decided",
		Outcomes: []Choice{
			{CriteriaMet, "criteria met"},
			{CriteriaNotMet, "criteria not met"},
			{Learning, "not notifiable, but learning to explore"},
		}, Fields: []string{FieldRationale}, Once: true, Round: true, By: decisionMakers},
	{Type: PanelNotified, Help: "the local authority notified the national Panel", Done: "The local authority notified the national Panel", Once: true},
	{Type: LookedAfter, Help: "the child was looked after by the local authority", Done: "The child was looked after by the local authority", Once: true},
	{Type: SoSOfstedNotified, Help: "the Secretary of State and Ofsted were notified of a looked-after child's death",
		Done: "The Secretary of State and Ofsted were notified", Once: true},
	{Type: PanelAcknowledged, Help: "the Panel acknowledged the notification", Done: "The Panel acknowledged the notification",
		Needs: []string{PanelNotified}, Once: true},
	{Type: NotificationCopied, Help: "the local authority sent the partnership office its copy of the Panel notification",
		Done: "The partnership office had its copy of the Panel notification", Needs: []string{PanelNotified}, Once: true},
	{Type: RapidReviewHeld, Help: "the Rapid Review was held", Done: "The Rapid Review was held", Once: true, By: decisionMakers},
	// DSP §6.8, §6.9: an LCSPR, a national review, or another form of
	// review (a single-agency review, an audit), or none.
	{Type: RapidReviewRecommended, Help: "the Rapid Review Panel made its recommendation (outcome, rationale)", Done: "The Rapid Review recommended",
		Outcomes: []Choice{
			{LCSPR, "a Local Child Safeguarding Practice Review"},
			{NationalReview, "a national review"},
			{"single-agency-review", "another review: a single-agency review"},
			{"audit", "another review: an audit of agency involvement"},
			{"no-further-review", "no further review"},
		}, Fields: []string{FieldRationale}, Needs: []string{RapidReviewHeld}, Once: true, By: decisionMakers},
	{Type: DecisionToPanel, Help: "the Rapid Review decision was sent to the Panel", Done: "The Rapid Review decision was sent to the Panel", Once: true, By: decisionMakers},
	// DSP §6.11
	{Type: PanelResponded, Help: "the national Panel answered (outcome)", Done: "The national Panel answered",
		Outcomes: []Choice{
			{NationalReview, "the Panel will hold a national review"},
			{"no-national-review", "the Panel will not hold a national review"},
			{MoreInformation, "the Panel needs more information"},
		}, Needs: []string{DecisionToPanel}, By: decisionMakers},
	{Type: PanelInformationSent, Help: "the information the Panel asked for was sent", Done: "The information the Panel asked for was sent",
		Needs: []string{PanelResponded}},
	{Type: ReferrerTold, Help: "the referrer was told the outcome", Done: "The referrer was told the outcome", Once: true, Round: true},
	// DSP §6.10, §7.4: the SSP and Independent Scrutineer decide the level
	// of review once, as an LCSPR (lcspr-decided, which starts its clock)
	// or as anything else (review-decided).
	{Type: LCSPRDecided, Help: "the partners decided to hold a Local Child Safeguarding Practice Review",
		Done: "The partners decided to hold a Local Child Safeguarding Practice Review", Once: true, OnceKey: "review-level", By: decisionMakers},
	{Type: ReviewDecided, Help: "the partners and Scrutineer decided a review other than an LCSPR, or none (outcome, rationale)",
		Done: "The partners and Scrutineer decided",
		Outcomes: []Choice{
			{NationalReview, "ask the Panel for a national review"},
			{"single-agency-review", "a single-agency review"},
			{"audit", "an audit of agency involvement"},
			{"no-further-review", "no further review"},
		}, Fields: []string{FieldRationale}, Once: true, OnceKey: "review-level", By: decisionMakers},
	{Type: LCSPRNotified, Help: "the Panel, Ofsted and DfE were told of the local review and its reviewer (reviewer)",
		Done: "The Panel, Ofsted and DfE were told of the local review", Fields: []string{FieldReviewer}, Needs: []string{LCSPRDecided}, Once: true, By: decisionMakers},
	{Type: PublicationPlanned, Help: "the review's publication date was planned or changed (date)", Done: "The review's publication was planned",
		Fields: []string{FieldDate}},
	{Type: PublicationDelayed, Help: "publication is delayed (rationale: the reason, §14.4)", Done: "Publication is delayed",
		Fields: []string{FieldRationale}, Needs: []string{LCSPRDecided}},
	{Type: NotPublished, Help: "the partners decided not to publish the review (rationale: the justification, §15.3, §15.5)",
		Done: "The partners decided not to publish the review", Fields: []string{FieldRationale}, Needs: []string{LCSPRDecided}, Once: true, By: decisionMakers},
	{Type: ReportSent, Help: "the report was sent to the Panel, Secretary of State and Ofsted", Done: "The report was sent to the Panel, Secretary of State and Ofsted",
		Needs: []string{PublicationPlanned}, Once: true},
	{Type: Published, Help: "the review was published", Done: "The review was published", Once: true},
	// procedure §5.5, §10.6
	{Type: LDDecision, Help: "the Learning and Development Group decided (outcome, rationale)", Done: "The Learning and Development Group decided",
		Outcomes: []Choice{
			{"multi-agency-review", "a multi-agency review"},
			{"multi-agency-audit", "a multi-agency audit"},
			{"single-agency-review", "a single-agency review"},
			{"quality-assurance", "quality assurance"},
			{"no-further-action", "no further action"},
		}, Fields: []string{FieldRationale}, Once: true, Round: true, By: []string{LDChair}},
	{Type: LDApproved, Help: "the partners approved the Learning and Development Group's decision (rationale, §10.7)",
		Done: "The partners approved the Learning and Development Group's decision", Fields: []string{FieldRationale}, Needs: []string{LDDecision},
		Once: true, Round: true, By: decisionMakers},
	{Type: ActionSet, Help: "an improvement action was set, or its deadline moved (action, due; reason when moved)", Done: "An improvement action was set",
		Fields: []string{FieldAction, FieldDue}},
	{Type: ActionCompleted, Help: "an improvement action was completed (action)", Done: "An improvement action was completed", Fields: []string{FieldAction}},
	{Type: CaseClosed, Help: "the case was closed (reason; of, for a duplicate)", Done: "The case was closed",
		Reasons: []Choice{
			{"criteria-not-met", "the criteria were not met and the referrer was told"},
			{"review-complete", "the review was published and its actions are complete"},
			{"withdrawn", "the referral was withdrawn"},
			{"duplicate", "it duplicates another referral"},
		}},
	{Type: CaseReopened, Help: "the case was re-opened (reason)", Done: "The case was re-opened",
		Reasons: []Choice{
			{NewInformation, "new information: the partners decide again"},
			{"closed-in-error", "it was closed in error"},
			{"panel-request", "at the Panel's request"},
		}},
	{Type: EventWithdrawn, Help: "an entry recorded in error was withdrawn (event, reason)", Done: "An entry recorded in error was withdrawn",
		Fields: []string{FieldEvent, FieldNote}, By: []string{SSP, Chair, LDChair}}, // each withdraws what their role records
}

// Outcome and reason values other rules refer to.
const (
	MoreInformation = "more-information"
	NewInformation  = "new-information"
)

// Spec returns an event type's entry in the catalogue.
func Spec(typ string) (EventSpec, bool) {
	for _, s := range Catalogue {
		if s.Type == typ {
			return s, true
		}
	}
	return EventSpec{}, false
}

// Recordable lists the types a person may record, in the catalogue's
// order: "business-unit" any but the system's, other roles those that
// name them.
func Recordable(role string) []string {
	var out []string
	for _, s := range Catalogue {
		if !s.System && (role == BusinessUnit || slices.Contains(s.By, role)) {
			out = append(out, s.Type)
		}
	}
	return out
}

// MayRecord reports whether a role may record (or withdraw) an event type.
func MayRecord(role, typ string) bool { return slices.Contains(Recordable(role), typ) }

// Takes reports whether an event takes a field.
func (s EventSpec) Takes(field string) bool { return slices.Contains(s.Fields, field) }

// Key is what a one-time event is unique by: its OnceKey, else its type.
func (s EventSpec) Key() string {
	if s.OnceKey != "" {
		return s.OnceKey
	}
	return s.Type
}

// Words says an event for people: "The partners decided: criteria met".
func Words(e casefile.Event) string {
	s, ok := Spec(e.Type)
	if !ok {
		return ""
	}
	w := s.Done
	if o := e.Data["outcome"]; o != "" {
		w += ": " + ChoiceText(s.Outcomes, o)
	}
	if r := e.Data["reason"]; r != "" && len(s.Reasons) > 0 {
		w += ": " + ChoiceText(s.Reasons, r)
	}
	return w
}

// ChoiceText is a value's words among choices; the value if not listed.
func ChoiceText(cs []Choice, v string) string {
	for _, c := range cs {
		if c.Value == v {
			return c.Text
		}
	}
	return v
}

// Values are the choices' values.
func Values(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

// NeedsOf are the events one of which must come before an event type.
func NeedsOf(typ string) []string {
	s, _ := Spec(typ)
	return s.Needs
}

// RoundStart is when the case's current round began: the latest re-opening
// for new information in a history (withdrawn events left out by the
// caller), zero if there is none. The partners decide again in it.
func RoundStart(active []casefile.Event) time.Time {
	var start time.Time
	for _, e := range active {
		if e.Type == CaseReopened && e.Data["reason"] == NewInformation && e.At.After(start) {
			start = e.At
		}
	}
	return start
}

// InRound reports whether an event of a type is recorded in the current
// round (since the case's latest re-opening for new information).
func InRound(active []casefile.Event, typ string) bool {
	since := RoundStart(active)
	return slices.ContainsFunc(active, func(e casefile.Event) bool { return e.Type == typ && !e.At.Before(since) })
}

// PanelInformationOwed reports whether the Panel's latest request for more
// information (panel-responded, more-information) is still owed — no
// panel-information-sent on or after it — and when it was asked.
func PanelInformationOwed(active []casefile.Event) (time.Time, bool) {
	var asked time.Time
	for _, e := range active {
		if e.Type == PanelResponded && e.Data["outcome"] == MoreInformation && e.At.After(asked) {
			asked = e.At
		}
	}
	if asked.IsZero() {
		return asked, false
	}
	for _, e := range active {
		if e.Type == PanelInformationSent && !e.At.Before(asked) {
			return asked, false
		}
	}
	return asked, true
}

// InOrder refuses an event the procedure cannot have reached: one whose
// prerequisite (the catalogue's Needs) is not recorded on or before its
// day — errs.Invalid, saying which. The API, the workspace and the
// deadlines command all ask it.
func InOrder(typ string, at time.Time, history []casefile.Event) error {
	needs := NeedsOf(typ)
	if len(needs) == 0 {
		return nil
	}
	day := civil.In(at, workdays.London)
	for _, e := range history {
		if slices.Contains(needs, e.Type) && !day.Before(civil.In(e.At, workdays.London)) {
			return nil
		}
	}
	for _, e := range history {
		if slices.Contains(needs, e.Type) {
			return errs.E(errs.Invalid, "%s cannot be before %s (recorded on %s)", typ, e.Type, civil.In(e.At, workdays.London))
		}
	}
	if len(needs) == 1 {
		return errs.E(errs.Invalid, "%s comes after %s: record that first", typ, needs[0])
	}
	return errs.E(errs.Invalid, "%s comes after %s or %s: record that first", typ, strings.Join(needs[:len(needs)-1], ", "), needs[len(needs)-1])
}
