package referral

import (
	"encoding/json"
	"strings"
)

// Referral is the Notifiable (Serious) Incident Referral Form, Appendix 1
// of the procedure. Every value is kept as text, the way the referrer wrote
// it: Normalize turns what it can read into canonical form (ISO dates,
// "yes"/"no", the option as printed) and leaves the rest as written so a
// problem can point at it and nothing is lost. The JSON names are a public
// contract (API, parse output, storage).
type Referral struct {
	Criteria                  Criteria        `json:"criteria"`
	Referrer                  Referrer        `json:"referrer"`                               // Section 1
	Children                  []Child         `json:"children" validate:"dive"`               // Section 2
	Parents                   []Parent        `json:"parents" validate:"dive"`                // Section 3
	Siblings                  []Sibling       `json:"siblings" validate:"dive"`               // Section 4
	CaseDetails               CaseDetails     `json:"caseDetails"`                            // Section 5
	ChildProtection           ChildProtection `json:"childProtection"`                        // Section 6
	Agencies                  []Agency        `json:"agencies" validate:"dive"`               // Section 7
	NoOtherAgencies           bool            `json:"noOtherAgencies" validate:"-"`           // Section 7: an explicit "none"
	IncidentDetails           string          `json:"incidentDetails" validate:"-"`           // Section 8
	WhyMeetsCriteria          string          `json:"whyMeetsCriteria" validate:"-"`          // Section 9
	WhyLearning               string          `json:"whyLearning" validate:"-"`               // Section 10
	AuthorisingOfficerComment string          `json:"authorisingOfficerComment" validate:"-"` // Section 11
	OtherReviews              OtherReviews    `json:"otherReviews"`                           // Section 12
}

// Criteria are the three boxes at the top of the form.
type Criteria struct {
	AbuseOrNeglect        bool `json:"abuseOrNeglect" validate:"-"`
	DiedOrSeriouslyHarmed bool `json:"diedOrSeriouslyHarmed" validate:"-"`
	LearningOnly          bool `json:"learningOnly" validate:"-"`
}

// Referrer is Section 1, about the person completing the form.
type Referrer struct {
	FullName                   string `json:"fullName" validate:"-"`
	JobTitle                   string `json:"jobTitle" validate:"-"`
	Organisation               string `json:"organisation" validate:"-"`
	Email                      string `json:"email" validate:"emailaddr"`
	Telephone                  string `json:"telephone" validate:"ukphone"`
	DateSubmitted              string `json:"dateSubmitted" validate:"date,past"`
	AuthorisingOfficer         string `json:"authorisingOfficer" validate:"-"`
	AuthorisingOfficerJobTitle string `json:"authorisingOfficerJobTitle" validate:"-"`
	OrganisationAgreementDate  string `json:"organisationAgreementDate" validate:"date,past"`
	MeetsNotificationCriteria  string `json:"meetsNotificationCriteria" validate:"yesno"`
	LearningToExplore          string `json:"learningToExplore" validate:"yesno"`
}

// Child is one row of Section 2, about the child(ren).
type Child struct {
	FullName        string `json:"fullName" validate:"-"`
	DateOfBirth     string `json:"dateOfBirth" validate:"date,past"`
	AgeAtIncident   string `json:"ageAtIncident" validate:"-"`
	Gender          string `json:"gender" validate:"opt=gender"`
	Ethnicity       string `json:"ethnicity" validate:"-"`
	Nationality     string `json:"nationality" validate:"-"`
	Address         string `json:"address" validate:"-"`
	Postcode        string `json:"postcode" validate:"ukpostcode"`
	IncidentDate    string `json:"incidentDate" validate:"date,past"`
	RelatesToDeath  string `json:"relatesToDeath" validate:"yesno"`
	DateOfDeath     string `json:"dateOfDeath" validate:"date,past"`
	StaffConduct    string `json:"staffConduct" validate:"yesno"`
	CauseOfDeath    string `json:"causeOfDeath" validate:"-"`
	CoronerInvolved string `json:"coronerInvolved" validate:"yesnounsure"`
	CoronerDetails  string `json:"coronerDetails" validate:"-"`
	LookedAfter     string `json:"lookedAfter" validate:"yesnounsure"` // looked after by the local authority (§5.3): yes, no or unsure (not known)
}

// Parent is one row of Section 3, parents and guardians.
type Parent struct {
	LastName     string `json:"lastName" validate:"-"`
	FirstName    string `json:"firstName" validate:"-"`
	DateOfBirth  string `json:"dateOfBirth" validate:"date,past"`
	Relationship string `json:"relationship" validate:"-"`
}

// Sibling is one row of Section 4.
type Sibling struct {
	LastName       string `json:"lastName" validate:"-"`
	FirstName      string `json:"firstName" validate:"-"`
	DateOfBirth    string `json:"dateOfBirth" validate:"date,past"`
	Relationship   string `json:"relationship" validate:"-"`
	Gender         string `json:"gender" validate:"opt=gender"`
	Ethnicity      string `json:"ethnicity" validate:"-"`
	OtherEthnicity string `json:"otherEthnicity" validate:"-"`
	Nationality    string `json:"nationality" validate:"-"`
}

// CaseDetails is Section 5.
type CaseDetails struct {
	MainCause            string   `json:"mainCause" validate:"opt=mainCause"`
	MainCauseOther       string   `json:"mainCauseOther" validate:"-"`
	Characteristics      []string `json:"characteristics" validate:"dive,opt=characteristic"`
	CharacteristicsOther string   `json:"characteristicsOther" validate:"-"`
}

// ChildProtection is Section 6.
type ChildProtection struct {
	KnownToSocialCare             string `json:"knownToSocialCare" validate:"yesno"`
	OnChildProtectionPlan         string `json:"onChildProtectionPlan" validate:"yesno"`
	CppStart                      string `json:"cppStart" validate:"date,past"`
	CppEnd                        string `json:"cppEnd" validate:"date"`
	SiblingsOnChildProtectionPlan string `json:"siblingsOnChildProtectionPlan" validate:"yesno"`
	SiblingPlans                  []Plan `json:"siblingPlans" validate:"dive"`
	OnChildInNeedPlan             string `json:"onChildInNeedPlan" validate:"yesno"`
	CinStart                      string `json:"cinStart" validate:"date,past"`
	CinEnd                        string `json:"cinEnd" validate:"date"`
	SiblingsOnChildInNeedPlan     string `json:"siblingsOnChildInNeedPlan" validate:"yesno"`
	SiblingChildInNeedPlans       []Plan `json:"siblingChildInNeedPlans" validate:"dive"`
}

// Plan is a sibling's child protection or child in need plan (Section 6).
type Plan struct {
	Name  string `json:"name" validate:"-"`
	Start string `json:"start" validate:"date,past"`
	End   string `json:"end" validate:"date"`
}

// Agency is one row of Section 7, other agencies involved.
type Agency struct {
	FullName     string `json:"fullName" validate:"-"`
	Organisation string `json:"organisation" validate:"-"`
	StartDate    string `json:"startDate" validate:"date,past"`
	EndDate      string `json:"endDate" validate:"date"`
}

// OtherReviews is Section 12, any other review pending or complete.
type OtherReviews struct {
	Types         []string `json:"types" validate:"dive,opt=reviewType"`
	Details       string   `json:"details" validate:"-"`
	EarlyLearning string   `json:"earlyLearning" validate:"-"`
	NoneKnown     bool     `json:"noneKnown" validate:"-"`
}

// Problem is one thing the referrer must add or correct. Problems are data:
// a referral with problems is still stored, as incomplete.
type Problem struct {
	Section int    `json:"section"`            // 0 is the criteria boxes at the top of the form
	Field   string `json:"field" validate:"-"` // JSON path, e.g. "children[0].dateOfBirth"; "" for the whole form
	Code    string `json:"code" validate:"-"`
	Message string `json:"message" validate:"-"`
}

// Route is where a referral goes.
type Route string

// Routes.
const (
	RouteNotification Route = "notification" // to the Statutory Safeguarding Partners
	RouteLearning     Route = "learning"     // to the Learning & Development Group
	RouteUnknown      Route = "unknown"      // the form does not say, or says both
)

// Source is where an answer was read in what was sent, and the text it
// was read from there (the cell, the line, the paragraph), so an officer
// checks an answer — or reads the one that could not be read — without
// opening the file.
type Source struct {
	At   string `json:"at"`             // "table 2, row 3, cell 2", "line 12", "paragraph 4"
	Text string `json:"text,omitempty"` // what stands there, at most MaxSourceText characters
}

// MaxSourceText bounds the text a source keeps.
const MaxSourceText = 500

// SourceOf is a source with its text trimmed and bounded.
func SourceOf(at, text string) Source {
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > MaxSourceText {
		text = string(r[:MaxSourceText]) + "…"
	}
	return Source{At: at, Text: text}
}

// UnmarshalJSON reads a source, or a place alone as cases stored before
// sources kept their text ("table 2, row 3").
func (s *Source) UnmarshalJSON(data []byte) error {
	var at string
	if json.Unmarshal(data, &at) == nil {
		*s = Source{At: at}
		return nil
	}
	type plain Source
	return json.Unmarshal(data, (*plain)(s))
}
