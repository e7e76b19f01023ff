package referral

import "strings"

// Kind is the kind of answer a field takes.
type Kind int

// Kinds of answer.
const (
	Text        Kind = iota // a short line
	LongText                // a box of free text
	Date                    // a calendar date
	YesNo                   // YES / NO tick boxes
	YesNoUnsure             // YES / NO / UNSURE tick boxes
	Choice                  // one option from a closed list
	Multi                   // any number of options from a closed list
	Tick                    // a single tick box
	Email                   // an e-mail address
	Phone                   // a UK telephone number
	Postcode                // a UK postcode
	Age                     // an age ("4", "7 months")
)

// Field is one answer on the form.
type Field struct {
	Path    string   // JSON path with rows unindexed: "children.dateOfBirth"
	Section int      // 0 for the criteria boxes, else 1–12
	Label   string   // as printed on the form
	Noun    string   // how messages name it: "the child's date of birth"
	Kind    Kind     //
	Options []string // for Choice and Multi, as printed on the form
	Hint    string   // guidance printed with the question (a footnote on the form)
	// Words are the question's full words where Label is only the part the
	// readers of the form match on (the web form asks with these).
	Words string
	// Required: the answer must be given whenever the question is asked —
	// always, or, for a follow-up question (FollowUps), when the answer it
	// follows is the one that asks it. This, not a validator tag, is the one
	// place a field is made required; the web form and every reader's
	// problems follow from it.
	Required bool
	// RequiredOr names another field of the same row that may be given
	// instead ("firstName" for a last name).
	RequiredOr string
	// TextTo is where words written under a list question go when the
	// form prints no boxes for it (Section 12's other reviews: the words are
	// the details, the review types named in them are recognised).
	TextTo string
}

// Section is one numbered section of the form, or the criteria boxes (0).
type Section struct {
	Number   int
	Title    string   // as printed, e.g. "ABOUT THE CHILD(REN)"
	Guidance []string // printed guidance paragraphs, not answers
	Fields   []Field
}

// Rows is a repeating table of the form ("add more rows if necessary").
type Rows struct {
	Path string // JSON path of the rows: "children"
	One  string // one row in messages: "child"
	Many string // many rows in messages: "children"
	Max  int    // rows kept; the rest stays in the raw input
}

// Tables are the form's repeating tables.
var Tables = []Rows{
	{Path: "children", One: "child", Many: "children", Max: 10},
	{Path: "parents", One: "parent or guardian", Many: "parents or guardians", Max: 20},
	{Path: "siblings", One: "sibling", Many: "siblings", Max: 30},
	{Path: "childProtection.siblingPlans", One: "sibling on a Child Protection Plan", Many: "siblings on a Child Protection Plan", Max: 30},
	{Path: "childProtection.siblingChildInNeedPlans", One: "sibling on a Child in Need Plan", Many: "siblings on a Child in Need Plan", Max: 30},
	{Path: "agencies", One: "agency", Many: "agencies", Max: 50},
}

func tableOf(path string) (Rows, bool) {
	for _, t := range Tables {
		if t.Path == path {
			return t, true
		}
	}
	return Rows{}, false
}

// Closed lists, as printed on the form.
var (
	Genders    = []string{"Male", "Female", "Other", "Not known"}
	MainCauses = []string{
		"Accidental Death", "Accidental Injury", "Drug/Solvent misuse", "Natural Causes", "Neglect",
		"Non-Accidental Death", "Non-Accidental Injury", "Road Traffic Accident", "Self Harm",
		"Sudden Infant Death Syndrome", "Suicide", "Not Yet Known", "Other",
	}
	Characteristics = []string{
		"Alcohol abuse", "Drug Abuse", "Emotional Abuse", "Physical Abuse", "Sexual Abuse",
		"Domestic Violence", "Shaken Baby Syndrome", "Recent Neglect", "Long Standing Neglect",
		"Fabricated Illness", "More than one child abused", "Parental Mental Health",
		"Parent is in Care", "Parent is Care Leaver", "Child of Teenage Pregnancy",
		"Serious Illness", "Not Yet Known", "Other",
	}
	ReviewTypes = []string{
		"Internal Agency Review", "Disciplinary", "Professional Body", "Criminal Investigation",
		"MAPPA", "MARAC", "Domestic Homicide Review", "Safeguarding Adult Review", "LeDeR Review",
		"Regulatory Body", "Other",
	}
)

// Opening is what the form says before its questions: what it is for,
// when a notification is considered, confidentiality and the
// information-sharing protocol, and where to send it (procedure
// Appendix 1). The Word form and the web form's start page print it.
func Opening(partnership, mailbox string) []string {
	return []string{
		"Local Child Safeguarding Practice Reviews are a statutory requirement for Safeguarding Partnerships as outlined in the Children and Social Work Act 2017 (S17) and Working Together to Safeguard Children.",
		"This form is to be used for circumstances and/or events which either meet the criteria for notification to the Statutory Safeguarding Partners, or for reporting cases that do not meet the criteria for Serious Incident Notification but highlight learning to be explored, which will be shared with the Learning and Development Group for consideration.",
		"The information on this form is confidential and will only be shared in accordance with the " + partnership + " Information Sharing Protocol and in the best interests of the child and family.",
		"The partnership needs as much information as possible to enable the Statutory Safeguarding Partners to make a proportionate decision as to how to respond, so it is essential that you complete as much of this form as possible.",
		"Once completed, please send it securely to " + mailbox + " within 1 working day of becoming aware of the incident. If you have any questions or wish to discuss the referral, contact the Business Unit at the same address.",
	}
}

// Form is the referral form, section by section, in printed order. It is
// the single definition behind validation messages, readers of the Word
// form, the web pages and the blank form.
var Form = []Section{
	{Number: 0, Title: "CRITERIA", Guidance: []string{
		"A notification will only be considered by the Statutory Safeguarding Partners if boxes 1 and 2 are met.",
		"For any case where you determine does not meet the criteria for notification, i.e. boxes 1 and 2 are not met yet but you believe there is learning to be explored, such as the potential for a single or multi-agency review or audit, or a practice issue has been highlighted, tick box 3.",
	}, Fields: []Field{
		{Path: "criteria.abuseOrNeglect", Label: "You believe it is known or suspected that a child has been abused or neglected", Noun: "box 1 (abuse or neglect known or suspected)", Kind: Tick},
		{Path: "criteria.diedOrSeriouslyHarmed", Label: "The child dies or is seriously harmed", Noun: "box 2 (the child died or was seriously harmed)", Kind: Tick,
			Words: "The child dies or is seriously harmed in the local authority area; or, while normally resident in the local authority area, the child dies or is seriously harmed outside England",
			Hint:  "‘Serious harm’ is defined in Working Together to Safeguard Children 2018 as including (but not limited to) serious and/or long-term impairment of a child’s mental health or intellectual, emotional, social or behavioural development. It also covers impairment of physical health. This is not an exhaustive list and when making decisions, judgement should be exercised in cases where impairment is likely to be long term, even if this is not immediately certain. Even if a child recovers, including from a one-off incident, serious harm may still have occurred."},
		{Path: "criteria.learningOnly", Label: "Does not meet criteria for Notification but there is learning to be explored", Noun: "box 3 (learning to be explored)", Kind: Tick},
	}},
	{Number: 1, Title: "ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)", Fields: []Field{
		{Path: "referrer.fullName", Required: true, Label: "FULL NAME", Noun: "your full name", Kind: Text},
		{Path: "referrer.jobTitle", Required: true, Label: "JOB TITLE", Noun: "your job title", Kind: Text},
		{Path: "referrer.organisation", Required: true, Label: "ORGANISATION", Noun: "your organisation", Kind: Text},
		{Path: "referrer.email", Required: true, Label: "EMAIL", Noun: "your email address", Kind: Email},
		{Path: "referrer.telephone", Required: true, Label: "TELEPHONE NUMBER", Noun: "your telephone number", Kind: Phone},
		{Path: "referrer.dateSubmitted", Required: true, Label: "DATE SUBMITTED", Noun: "the date submitted", Kind: Date},
		{Path: "referrer.authorisingOfficer", Required: true, Label: "AUTHORISING OFFICER WITHIN AGENCY", Noun: "the authorising officer within your agency", Kind: Text},
		{Path: "referrer.authorisingOfficerJobTitle", Required: true, Label: "JOB TITLE", Noun: "the authorising officer's job title", Kind: Text},
		{Path: "referrer.organisationAgreementDate", Required: true, Label: "ORGANISATION AGREEMENT DATE", Noun: "the organisation agreement date", Kind: Date},
		{Path: "referrer.meetsNotificationCriteria", Label: "YOU DETERMINE THE CASE MEETS THE CRITERIA FOR NOTIFICATION", Noun: "whether the case meets the criteria for notification", Kind: YesNo,
			Hint: "If yes, the referral goes to the Statutory Safeguarding Partners."},
		{Path: "referrer.learningToExplore", Label: "YOU DETERMINE THE CASE DOES NOT MEET THE CRITERIA FOR NOTIFICATION, HOWEVER THERE IS LEARNING TO BE EXPLORED", Noun: "whether there is learning to be explored", Kind: YesNo,
			Hint: "If yes, the referral goes to the Learning and Development Group (see Section 10 of the LCSPR protocol for further guidance)."},
	}},
	{Number: 2, Title: "ABOUT THE CHILD(REN)", Fields: []Field{
		{Path: "children.fullName", Required: true, Label: "FULL NAME", Noun: "the child's full name", Kind: Text},
		{Path: "children.dateOfBirth", Required: true, Label: "DATE OF BIRTH", Noun: "the child's date of birth", Kind: Date},
		{Path: "children.ageAtIncident", Label: "AGE AT TIME OF INCIDENT", Noun: "the child's age at the time of the incident", Kind: Age},
		{Path: "children.gender", Required: true, Label: "GENDER", Noun: "the child's gender", Kind: Choice, Options: Genders},
		{Path: "children.ethnicity", Label: "ETHNICITY (if known)", Noun: "the child's ethnicity", Kind: Text},
		{Path: "children.nationality", Label: "NATIONALITY", Noun: "the child's nationality", Kind: Text},
		{Path: "children.address", Required: true, Label: "ADDRESS", Noun: "the child's address", Kind: Text},
		{Path: "children.postcode", Required: true, Label: "POSTCODE", Noun: "the child's postcode", Kind: Postcode},
		{Path: "children.incidentDate", Required: true, Label: "DATE OF SERIOUS INCIDENT", Noun: "the date of the serious incident", Kind: Date},
		{Path: "children.relatesToDeath", Required: true, Label: "DOES INCIDENT RELATE TO DEATH OF CHILD?", Noun: "whether the incident relates to the death of the child", Kind: YesNo},
		{Path: "children.dateOfDeath", Required: true, Label: "DATE OF DEATH", Noun: "the date of death", Kind: Date},
		{Path: "children.staffConduct", Required: true, Label: "DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", Noun: "whether the incident involves the conduct of a staff member", Kind: YesNo},
		{Path: "children.causeOfDeath", Required: true, Label: "CAUSE OF DEATH (if applicable)", Noun: "the cause of death", Kind: Text},
		{Path: "children.coronerInvolved", Required: true, Label: "IS A CORONER INVOLVED?", Noun: "whether a coroner is involved", Kind: YesNoUnsure},
		{Path: "children.coronerDetails", Required: true, Label: "IF YES, RECORD DETAILS OF THE CORONER AND LOCAL AUTHORITY AREA", Noun: "the details of the coroner and local authority area", Kind: LongText},
		{Path: "children.lookedAfter", Label: "WAS THE CHILD LOOKED AFTER BY THE LOCAL AUTHORITY?", Noun: "whether the child was looked after by the local authority", Kind: YesNoUnsure},
	}},
	{Number: 3, Title: "PARENTS/GUARDIANS", Fields: []Field{
		{Path: "parents.lastName", RequiredOr: "firstName", Label: "Parent's last name", Noun: "the parent's last name", Kind: Text},
		{Path: "parents.firstName", Label: "Parent's first name", Noun: "the parent's first name", Kind: Text},
		{Path: "parents.dateOfBirth", Label: "Date of birth", Noun: "the parent's date of birth", Kind: Date},
		{Path: "parents.relationship", Required: true, Label: "Relationship to child", Noun: "the parent's relationship to the child", Kind: Text},
	}},
	{Number: 4, Title: "SIBLINGS", Fields: []Field{
		{Path: "siblings.lastName", RequiredOr: "firstName", Label: "Sibling's last name", Noun: "the sibling's last name", Kind: Text},
		{Path: "siblings.firstName", Label: "Sibling's first name", Noun: "the sibling's first name", Kind: Text},
		{Path: "siblings.dateOfBirth", Label: "Date of birth", Noun: "the sibling's date of birth", Kind: Date},
		{Path: "siblings.relationship", Label: "Relationship to child", Noun: "the sibling's relationship to the child", Kind: Text},
		{Path: "siblings.gender", Label: "Gender", Noun: "the sibling's gender", Kind: Choice, Options: Genders},
		{Path: "siblings.ethnicity", Label: "Ethnicity", Noun: "the sibling's ethnicity", Kind: Text},
		{Path: "siblings.otherEthnicity", Label: "Other Ethnicity", Noun: "the sibling's other ethnicity", Kind: Text},
		{Path: "siblings.nationality", Label: "Nationality: (if known)", Noun: "the sibling's nationality", Kind: Text},
	}},
	{Number: 5, Title: "CASE DETAILS", Fields: []Field{
		{Path: "caseDetails.mainCause", Required: true, Label: "What is the main cause of incident", Noun: "the main cause of the incident", Kind: Choice, Options: MainCauses},
		{Path: "caseDetails.mainCauseOther", Required: true, Label: "If other, please state", Noun: "the other main cause", Kind: Text},
		{Path: "caseDetails.characteristics", Label: "What are the characteristics of the case (tick all that apply)", Noun: "the characteristics of the case", Kind: Multi, Options: Characteristics},
		{Path: "caseDetails.characteristicsOther", Required: true, Label: "If other, please state", Noun: "the other characteristic", Kind: Text},
	}},
	{Number: 6, Title: "CHILD PROTECTION", Fields: []Field{
		{Path: "childProtection.knownToSocialCare", Required: true, Label: "Was the child known to Social Care prior to the incident?", Noun: "whether the child was known to Social Care before the incident", Kind: YesNo},
		{Path: "childProtection.onChildProtectionPlan", Required: true, Label: "Was the child on a Child Protection Plan (CPP) at the time or prior to the incident?", Noun: "whether the child was on a Child Protection Plan", Kind: YesNo},
		{Path: "childProtection.cppStart", Required: true, Label: "Date Child Protection Plan commenced", Noun: "the date the Child Protection Plan started", Kind: Date},
		{Path: "childProtection.cppEnd", Label: "Date Child Protection Plan ended", Noun: "the date the Child Protection Plan ended", Kind: Date},
		{Path: "childProtection.siblingsOnChildProtectionPlan", Required: true, Label: "Were any siblings on a Child Protection Plan at the time or prior to the incident?", Noun: "whether any siblings were on a Child Protection Plan", Kind: YesNo},
		{Path: "childProtection.siblingPlans.name", Required: true, Label: "Name of Sibling", Noun: "the sibling's name", Kind: Text},
		{Path: "childProtection.siblingPlans.start", Label: "Date CPP commenced", Noun: "the date the sibling's Child Protection Plan started", Kind: Date},
		{Path: "childProtection.siblingPlans.end", Label: "Date CPP ended", Noun: "the date the sibling's Child Protection Plan ended", Kind: Date},
		{Path: "childProtection.onChildInNeedPlan", Required: true, Label: "Was the child on a Child In Need (CiN) Plan at the time or prior to the incident?", Noun: "whether the child was on a Child in Need Plan", Kind: YesNo},
		{Path: "childProtection.cinStart", Required: true, Label: "Date Child In Need Plan commenced", Noun: "the date the Child in Need Plan started", Kind: Date},
		{Path: "childProtection.cinEnd", Label: "Date Child In Need Plan ended", Noun: "the date the Child in Need Plan ended", Kind: Date},
		{Path: "childProtection.siblingsOnChildInNeedPlan", Required: true, Label: "Were any siblings on a Child In Need Plan at the time or prior to the incident?", Noun: "whether any siblings were on a Child in Need Plan", Kind: YesNo},
		{Path: "childProtection.siblingChildInNeedPlans.name", Required: true, Label: "Name of Sibling", Noun: "the sibling's name", Kind: Text},
		{Path: "childProtection.siblingChildInNeedPlans.start", Label: "Date CiN commenced", Noun: "the date the sibling's Child in Need Plan started", Kind: Date},
		{Path: "childProtection.siblingChildInNeedPlans.end", Label: "Date CiN ended", Noun: "the date the sibling's Child in Need Plan ended", Kind: Date},
	}},
	{Number: 7, Title: "OTHER AGENCIES INVOLVED", Guidance: []string{
		"Please indicate all agencies that you know are involved with this child/family, as this detail will be used to contact the organisations involved for further information.",
		"Please provide agency names & details. Please add more rows if necessary.",
	}, Fields: []Field{
		{Path: "agencies.fullName", Label: "FULL NAME", Noun: "the agency contact's full name", Kind: Text},
		{Path: "agencies.organisation", Required: true, Label: "ORGANISATION", Noun: "the agency's organisation", Kind: Text},
		{Path: "agencies.startDate", Label: "START DATE", Noun: "the date the agency's involvement started", Kind: Date},
		{Path: "agencies.endDate", Label: "END DATE", Noun: "the date the agency's involvement ended", Kind: Date},
		{Path: "noOtherAgencies", Label: "No other agency was involved with the child or family", Noun: "that no other agency was involved", Kind: Tick,
			Hint: "Tick this only if no agency other than yours was involved. Writing “No other agency involved” in the table says the same."},
	}},
	{Number: 8, Title: "DETAILS OF THE CASE/INCIDENT", Guidance: []string{
		"This should include a clear factual outline of the serious incident with details of times, dates and where the incident took place, events leading up to the incident, people and places where possible, why the incident happened and any other details you think are important.",
		"It will also be helpful to provide a little history of the case to support and enable the Statutory Safeguarding Partners to make an informed decision on whether this meets the criteria for notification.",
		"Please also outline any action taken after the incident to safeguard the child/sibling",
	}, Fields: []Field{
		{Path: "incidentDetails", Required: true, Label: "DETAILS OF THE CASE/INCIDENT", Noun: "the details of the case or incident", Kind: LongText},
	}},
	{Number: 9, Title: "WHY YOU BELIEVE THIS CASE MEETS THE CRITERIA FOR NOTIFICATION?", Guidance: []string{
		"Please outline why you feel this case meets the criteria for notification.",
		"A brief overview/narrative and professional judgement is required (if not relevant, i.e. it is a learning request - insert not applicable and complete section 10 below).",
	}, Fields: []Field{
		{Path: "whyMeetsCriteria", Label: "WHY YOU BELIEVE THIS CASE MEETS THE CRITERIA FOR NOTIFICATION?", Noun: "why you believe this case meets the criteria for notification", Kind: LongText},
	}},
	{Number: 10, Title: "WHY YOU BELIEVE CASE DOES NOT MEET THE CRITERIA FOR NOTIFICATION HOWEVER THERE IS LEARNING TO BE EXPLORED?", Guidance: []string{
		"Please outline why you feel this case meets the criteria for a Learning Request and referral into the Learning and Development Group",
	}, Fields: []Field{
		{Path: "whyLearning", Label: "WHY YOU BELIEVE CASE DOES NOT MEET THE CRITERIA FOR NOTIFICATION HOWEVER THERE IS LEARNING TO BE EXPLORED?", Noun: "why you believe there is learning to be explored", Kind: LongText},
	}},
	{Number: 11, Title: "AGENCY AUTHORISING OFFICER COMMENT & RECOMMENDATION", Fields: []Field{
		{Path: "authorisingOfficerComment", Required: true, Label: "AGENCY AUTHORISING OFFICER COMMENT & RECOMMENDATION", Noun: "the authorising officer's comment and recommendation", Kind: LongText},
	}},
	{Number: 12, Title: "ANY OTHER REVIEW PENDING OR COMPLETE?", Guidance: []string{
		"e.g. Internal Agency Review, Disciplinary Processes, Professional Body Process, Criminal Investigation, MAPPA, MARAC, Domestic Homicide, Safeguarding Adult Review, LeDeR Review, Regulatory Bodies or Other (please provide details).",
	}, Fields: []Field{
		{Path: "otherReviews.types", TextTo: "otherReviews.details", Label: "ANY OTHER REVIEW PENDING OR COMPLETE?", Noun: "the other reviews pending or complete", Kind: Multi, Options: ReviewTypes},
		{Path: "otherReviews.details", Label: "please provide details", Noun: "the details of the other reviews", Kind: LongText},
		{Path: "otherReviews.earlyLearning", Label: "Please provide details of any early learning or changes to practice that you may have implemented to improve or safeguard individuals going forward with your knowledge from this case.", Noun: "any early learning or changes to practice", Kind: LongText},
		{Path: "otherReviews.noneKnown", Label: "Please indicate if you are unaware of any other reviews ongoing (do not leave blank).", Noun: "that you know of no other reviews", Kind: Tick},
	}},
}

var fieldsByPath = func() map[string]*Field {
	m := make(map[string]*Field)
	for i := range Form {
		for j := range Form[i].Fields {
			f := &Form[i].Fields[j]
			f.Section = Form[i].Number
			m[f.Path] = f
		}
	}
	return m
}()

// FieldByPath returns the field at a JSON path; row indexes are ignored
// ("children[1].dateOfBirth" finds "children.dateOfBirth").
func FieldByPath(path string) (Field, bool) {
	f, ok := fieldsByPath[genericPath(path)]
	if !ok {
		return Field{}, false
	}
	return *f, true
}

// SectionOf returns the section a JSON path belongs to.
func SectionOf(path string) (Section, bool) {
	f, ok := FieldByPath(path)
	if !ok {
		return Section{}, false
	}
	for _, s := range Form {
		if s.Number == f.Section {
			return s, true
		}
	}
	return Section{}, false
}

// genericPath removes row indexes: "children[1].dateOfBirth" → "children.dateOfBirth".
func genericPath(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FollowUp is a question asked only under another answer: when the answer
// at Parent is When, the Fields are asked. The web form shows those marked
// Reveal under the answer (GOV.UK's conditional reveal; one level deep);
// a correction that changes the answer at Parent takes its Fields from the
// correction too, so what no longer applies does not linger.
type FollowUp struct {
	Parent string   // JSON path with rows unindexed: "children.relatesToDeath"
	When   string   // the answer that asks them: "yes", or an option as printed
	Fields []string // JSON paths with rows unindexed, in the same row as Parent
	Reveal bool     // shown under the answer on the web form
	// OnlyThen: under "no" the Fields must be empty — an answer there
	// contradicts the "no" (a plan's dates when there was no plan).
	OnlyThen bool
}

// FollowUps are the form's follow-up questions.
var FollowUps = []FollowUp{
	{Parent: "children.relatesToDeath", When: "yes", Fields: []string{"children.dateOfDeath", "children.causeOfDeath"}, Reveal: true},
	{Parent: "children.relatesToDeath", When: "yes", Fields: []string{"children.coronerInvolved", "children.coronerDetails"}},
	{Parent: "children.coronerInvolved", When: "yes", Fields: []string{"children.coronerDetails"}, Reveal: true},
	{Parent: "caseDetails.mainCause", When: "Other", Fields: []string{"caseDetails.mainCauseOther"}, Reveal: true},
	{Parent: "caseDetails.characteristics", When: "Other", Fields: []string{"caseDetails.characteristicsOther"}, Reveal: true},
	{Parent: "childProtection.onChildProtectionPlan", When: "yes", Fields: []string{"childProtection.cppStart", "childProtection.cppEnd"}, Reveal: true, OnlyThen: true},
	{Parent: "childProtection.onChildInNeedPlan", When: "yes", Fields: []string{"childProtection.cinStart", "childProtection.cinEnd"}, Reveal: true, OnlyThen: true},
	{Parent: "childProtection.siblingsOnChildProtectionPlan", When: "yes", Fields: []string{"childProtection.siblingPlans"}, OnlyThen: true},
	{Parent: "childProtection.siblingsOnChildInNeedPlan", When: "yes", Fields: []string{"childProtection.siblingChildInNeedPlans"}, OnlyThen: true},
}
