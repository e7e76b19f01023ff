package formdoc

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// darlingtonRows is the referral form laid out as Darlington's Word form
// prints it (Appendix 1 of the procedure), filled in. A row of one string
// starting "P:" is a paragraph outside any table; "[x]" and "[ ]" are tick
// boxes, written in the style under test; "\n" separates paragraphs.
var darlingtonRows = [][]string{
	{"P:Notifiable (Serious) Incident Referral Form"},
	{"P:Strictly Confidential"},
	{"1.", "You believe it is known or suspected that a child has been abused or neglected, which meet the following criteria:", "[x]"},
	{"2.", "The child dies or is seriously harmed* in the local authority area\nWhile normally resident in the local authority area, the child dies or is seriously harmed outside England", "[x]"},
	{"3.", "Does not meet criteria for Notification but there is learning to be explored (to be referred to the Learning and Development Group).", "[ ]"},
	{"P:*‘Serious harm’ is defined in Working Together to Safeguard Children 2018 as including (but not limited to), serious and/or long-term impairment of a child’s mental health."},
	{"SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)"},
	{"FULL NAME", "Sam Referrer"},
	{"JOB TITLE", "Senior Social Worker"},
	{"ORGANISATION", "Darlington Borough Council"},
	{"EMAIL", "sam.referrer@darlington.gov.uk", "TELEPHONE NUMBER", "01325 406453"},
	{"DATE SUBMITTED", "16/03/2026"},
	{"AUTHORISING OFFICER WITHIN AGENCY", "Jo Manager", "JOB TITLE", "Head of Service"},
	{"ORGANISATION AGREEMENT DATE:", "16 March 2026"},
	{"YOU DETERMINE THE CASE MEETS THE CRITERIA FOR NOTIFICATION (to be referred to Statutory Safeguarding Partners)", "YES [x]", "NO [ ]",
		"YOU DETERMINE THE CASE DOES NOT MEET THE CRITERIA FOR NOTIFICATION, HOWEVER THERE IS LEARNING TO BE EXPLORED (to be referred to the Learning & Development Group (See Section 10 of LLCSPR Protocol for further guidance)", "YES [ ]", "NO [x]"},
	{"ONCE COMPLETED PLEASE SEND SECURELY TO DSP@darlington.gov.uk"},
	{"SECTION 2: ABOUT THE CHILD(REN)"},
	{"FULL NAME", "Child A Example"},
	{"DATE OF BIRTH\nAGE AT TIME OF INCIDENT", "02/05/2022\n3", "GENDER", "Female", "ETHNICITY (if known)\nNATIONALITY", "White British\nBritish"},
	{"ADDRESS", "1 Example Street, Darlington", "POSTCODE", "DL1 5QT"},
	{"DATE OF SERIOUS INCIDENT", "14th March 2026", "DOES INCIDENT RELATE TO DEATH OF CHILD?", "YES [ ] NO [x]"},
	{"DATE OF DEATH", "", "DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", "YES [ ] NO [x]"},
	{"CAUSE OF DEATH (if applicable)", ""},
	{"IS A CORONER INVOLVED?", "YES [ ]", "NO [ ]", "UNSURE [ ]"},
	{"IF YES, RECORD DETAILS OF THE CORONER AND LOCAL AUTHORITY AREA", ""},
	{"SECTION 3: PARENTS/GUARDIANS"},
	{"Parent's last name:", "Parent's first name:", "Date of birth:", "Relationship to child:"},
	{"Example", "Parent", "01/02/1995", "Mother"},
	{"", "", "", ""},
	{"SECTION 4: SIBLINGS"},
	{"Sibling's last name:", "Sibling's first name:", "Date of birth:", "Relationship to child:", "Gender:", "Ethnicity:", "Other Ethnicity:", "Nationality: (if known)"},
	{"Example", "Sibling", "01/07/2019", "Brother", "Male", "White British", "", "British"},
	{"Example", "Baby", "01/01/2025", "Sister", "Female", "White British", "", "British"},
	{"SECTION 5: CASE DETAILS"},
	{"What is the main cause of incident:"},
	{"Accidental Death", "Accidental Injury", "Drug/Solvent misuse", "Natural Causes", "Neglect"},
	{"[ ]", "[ ]", "[ ]", "[ ]", "[ ]"},
	{"Non-Accidental Death", "Non-Accidental Injury", "Road Traffic Accident", "Self Harm", "Sudden Infant Death Syndrome"},
	{"[ ]", "[x]", "[ ]", "[ ]", "[ ]"},
	{"Suicide", "Not Yet Known", "Other", "If other, please state:", ""},
	{"[ ]", "[ ]", "[ ]", "", ""},
	{"What are the characteristics of the case (tick all that apply):"},
	{"Alcohol abuse", "Drug Abuse", "Emotional Abuse", "Physical Abuse", "Sexual Abuse"},
	{"[ ]", "[ ]", "[ ]", "[x]", "[ ]"},
	{"Domestic Violence", "Shaken Baby Syndrome", "Recent Neglect", "Long Standing Neglect", "Fabricated Illness"},
	{"[x]", "[ ]", "[ ]", "[ ]", "[ ]"},
	{"More than one child abused", "Parental Mental Health", "Parent is in Care", "Parent is Care Leaver", "Child of Teenage Pregnancy"},
	{"[ ]", "[ ]", "[ ]", "[ ]", "[ ]"},
	{"Serious Illness", "Not Yet Known", "Other", "If other, please state:", ""},
	{"[ ]", "[ ]", "[ ]", "", ""},
	{"SECTION 6: CHILD PROTECTION"},
	{"Was the child known to Social Care prior to the incident? YES [x] NO [ ]"},
	{"Was the child on a Child Protection Plan (CPP) at the time or prior to the incident? YES [x] NO [ ]"},
	{"Date Child Protection Plan commenced: 01/10/2025", "Date Child Protection Plan ended:"},
	{"Were any siblings on a Child Protection Plan at the time or prior to the incident? YES [x] NO [ ]"},
	{"Name of Sibling:", "Date CPP commenced:", "Date CPP ended:"},
	{"Sibling Example", "01/10/2025", ""},
	{"Was the child on a Child In Need (CiN) Plan at the time or prior to the incident? YES [ ] NO [x]"},
	{"Date Child In Need Plan commenced:", "Date Child In Need Plan ended:"},
	{"Were any siblings on a Child In Need Plan at the time or prior to the incident? YES [ ] NO [x]"},
	{"Name of Sibling:", "Date CiN commenced:", "Date CiN ended:"},
	{"", "", ""},
	{"SECTION 7: OTHER AGENCIES INVOLVED* (please indicate all agencies that you know are involved with this child/family as this detail will be used to contact the organisations involved for further information)"},
	{"P:Please provide agency names & details:"},
	{"FULL NAME", "ORGANISATION", "START DATE", "END DATE"},
	{"Health Visitor Example", "Harrogate and District NHS Foundation Trust", "02/05/2022", ""},
	{"PC Example", "Durham Constabulary", "14/03/2026", ""},
	{"", "", "", ""},
	{"P:*Please add more rows if necessary"},
	{"SECTION 8: DETAILS OF THE CASE/INCIDENT"},
	{"This should include a clear factual outline of the serious incident with details of times, dates and where the incident took place, events leading up to the incident, people and places where possible, why the incident happened and any other details you think are important.\nIt will also be helpful to provide a little history of the case to support and enable the Statutory Safeguarding Partners to make an informed decision on whether this meets the criteria for notification.\nPlease also outline any action taken after the incident to safeguard the child/sibling"},
	{"The child was brought to hospital on 14 March.\nInjuries were not consistent with the account given."},
	{"SECTION 9: WHY YOU BELIEVE THIS CASE MEETS THE CRITERIA FOR NOTIFICATION?"},
	{"Please outline why you feel this case meets the criteria for notification.\nA brief overview/narrative and professional judgement is required (if not relevant, i.e. it is a learning request - insert not applicable and complete section 10 below)."},
	{"Serious harm with abuse suspected."},
	{"SECTION 10: WHY YOU BELIEVE CASE DOES NOT MEET THE CRITERIA FOR NOTIFICATION HOWEVER THERE IS LEARNING TO BE EXPLORED?"},
	{"Please outline why you feel this case meets the criteria for a Learning Request and referral into the Learning and Development Group"},
	{""},
	{"SECTION 11: AGENCY AUTHORISING OFFICER COMMENT & RECOMMENDATION"},
	{"Agreed; recommend a Rapid Review."},
	{"SECTION 12: ANY OTHER REIVEW PENDING OR COMPLETE?"},
	{"e.g. Internal Agency Review, Disciplinary Processes, Professional Body Process, Criminal Investigation, MAPPA, MARAC, Domestic Homicide, Safeguarding Adult Review, LeDeR Review, Regulatory Bodies or Other (please provide details)."},
	{"Police investigation under way."},
	{"Please provide details of any early learning or changes to practice that you may have implemented to improve or safeguard individuals going forward with your knowledge from this case."},
	{"Staff briefing held."},
	{"Please indicate if you are unaware of any other reviews ongoing (do not leave blank)."},
	{""},
}

var trackedRE = regexp.MustCompile(`\{-[^}]*-\}|\{\+[^}]*\+\}`)

// boxStyles are the ways people's forms hold a tick.
var boxStyles = map[string]func(bool) string{
	"legacy check-box fields": func(on bool) string {
		checked := ""
		if on {
			checked = `<w:checked/>`
		}
		return `<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/><w:checkBox><w:sizeAuto/><w:default w:val="0"/>` + checked + `</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
	},
	"content-control check boxes": func(on bool) string { return box(on) },
	"typed glyphs": func(on bool) string {
		if on {
			return `<w:r><w:t>☒</w:t></w:r>`
		}
		return `<w:r><w:t>☐</w:t></w:r>`
	},
	"Wingdings symbols": func(on bool) string {
		if on {
			return `<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>`
		}
		return `<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>`
	},
}

// layout turns rows into WordprocessingML with one table per run of rows.
func layout(rows [][]string, tick func(bool) string) string {
	var body, table strings.Builder
	flush := func() {
		if table.Len() > 0 {
			body.WriteString("<w:tbl>" + table.String() + "</w:tbl>")
			table.Reset()
		}
	}
	cellXML := func(text string) string {
		var paras []string
		for _, line := range strings.Split(text, "\n") {
			var runs strings.Builder
			// Tracked changes: {-deleted-} and {+inserted+}.
			line = trackedRE.ReplaceAllStringFunc(line, func(m string) string {
				if strings.HasPrefix(m, "{-") {
					return "\x00D" + strings.TrimSuffix(strings.TrimPrefix(m, "{-"), "-}") + "\x00"
				}
				return "\x00I" + strings.TrimSuffix(strings.TrimPrefix(m, "{+"), "+}") + "\x00"
			})
			if strings.Contains(line, "\x00") {
				for _, part := range strings.Split(line, "\x00") {
					switch {
					case strings.HasPrefix(part, "D"):
						runs.WriteString(`<w:del w:id="1" w:author="Reviewer"><w:r><w:delText>` + esc(part[1:]) + `</w:delText></w:r></w:del>`)
					case strings.HasPrefix(part, "I"):
						runs.WriteString(`<w:ins w:id="2" w:author="Reviewer">` + run(part[1:], false) + `</w:ins>`)
					case part != "":
						runs.WriteString(run(part, false))
					}
				}
				paras = append(paras, p(runs.String()))
				continue
			}
			rest := line
			for rest != "" {
				i := strings.IndexAny(rest, "[")
				if i < 0 || !(strings.HasPrefix(rest[i:], "[x]") || strings.HasPrefix(rest[i:], "[ ]")) {
					runs.WriteString(run(rest, false))
					break
				}
				if i > 0 {
					runs.WriteString(run(rest[:i], false))
				}
				runs.WriteString(tick(rest[i+1] == 'x'))
				rest = rest[i+3:]
			}
			paras = append(paras, p(runs.String()))
		}
		return strings.Join(paras, "")
	}
	for _, row := range rows {
		if len(row) == 1 && strings.HasPrefix(row[0], "P:") {
			flush()
			body.WriteString(cellXML(strings.TrimPrefix(row[0], "P:")))
			continue
		}
		table.WriteString("<w:tr>")
		for _, c := range row {
			table.WriteString(tc(cellXML(c), 1))
		}
		table.WriteString("</w:tr>")
	}
	flush()
	return body.String()
}

// TestDarlingtonLayout reads the form as Darlington prints it, ticked in
// each way people tick it.
func TestDarlingtonLayout(t *testing.T) {
	for style, tick := range boxStyles {
		t.Run(style, func(t *testing.T) {
			r, probs, err := ReadDOCX(docxOf(t, layout(darlingtonRows, tick), nil))
			if err != nil {
				t.Fatal(err)
			}
			route, checked := referral.Check(&r, civil.New(2026, time.March, 16))
			if len(probs)+len(checked) > 0 || route != referral.RouteNotification {
				t.Errorf("route %s, problems %v %v", route, probs, checked)
			}
			for name, c := range map[string][2]string{
				"authorising job title": {r.Referrer.AuthorisingOfficerJobTitle, "Head of Service"},
				"telephone":             {r.Referrer.Telephone, "01325 406453"},
				"learning":              {r.Referrer.LearningToExplore, "no"},
				"age":                   {r.Children[0].AgeAtIncident, "3"},
				"nationality":           {r.Children[0].Nationality, "British"},
				"gender":                {r.Children[0].Gender, "Female"},
				"death":                 {r.Children[0].RelatesToDeath, "no"},
				"coroner":               {r.Children[0].CoronerInvolved, ""},
				"main cause":            {r.CaseDetails.MainCause, "Non-Accidental Injury"},
				"characteristics":       {strings.Join(r.CaseDetails.Characteristics, ","), "Physical Abuse,Domestic Violence"},
				"CPP start":             {r.ChildProtection.CppStart, "2025-10-01"},
				"CIN plan":              {r.ChildProtection.OnChildInNeedPlan, "no"},
				"sibling plan":          {r.ChildProtection.SiblingPlans[0].Name, "Sibling Example"},
				"second sibling":        {r.Siblings[1].FirstName, "Baby"},
				"second agency":         {r.Agencies[1].Organisation, "Durham Constabulary"},
				"S8 without guidance":   {r.IncidentDetails, "The child was brought to hospital on 14 March.\nInjuries were not consistent with the account given."},
				"S10 empty":             {r.WhyLearning, ""},
				"S12 details":           {r.OtherReviews.Details, "Police investigation under way."},
				"S12 early learning":    {r.OtherReviews.EarlyLearning, "Staff briefing held."},
			} {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", name, c[0], c[1])
				}
			}
			if len(r.Parents) != 1 || len(r.Siblings) != 2 || len(r.Agencies) != 2 || len(r.ChildProtection.SiblingChildInNeedPlans) != 0 {
				t.Errorf("rows: %d parents, %d siblings, %d agencies", len(r.Parents), len(r.Siblings), len(r.Agencies))
			}
		})
	}
}

// TestTwoLabelsOnOneLine: some versions print two labels in one paragraph.
func TestTwoLabelsOnOneLine(t *testing.T) {
	rows := [][]string{
		{"SECTION 2: ABOUT THE CHILD(REN)"},
		{"FULL NAME", "Child A Example"},
		{"DATE OF BIRTH AGE AT TIME OF INCIDENT", "02/05/2022\n3", "GENDER", "Female", "ETHNICITY (if known) NATIONALITY", "White British\nBritish"},
	}
	r, _, err := ReadDOCX(docxOf(t, layout(rows, boxStyles["content-control check boxes"]), nil))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Children[0]
	if c.DateOfBirth != "02/05/2022" || c.AgeAtIncident != "3" || c.Ethnicity != "White British" || c.Nationality != "British" || c.Gender != "Female" {
		t.Errorf("read %+v", c)
	}
}

// TestAnswersBelowLabels: a row of labels with the answers in the row
// under them.
func TestAnswersBelowLabels(t *testing.T) {
	rows := [][]string{
		{"SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)"},
		{"FULL NAME", "JOB TITLE", "ORGANISATION"},
		{"Sam Referrer", "Senior Social Worker", "Darlington Borough Council"},
		{"EMAIL"},
		{"sam.referrer@darlington.gov.uk"},
	}
	r, _, err := ReadDOCX(docxOf(t, layout(rows, boxStyles["content-control check boxes"]), nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Referrer; got.FullName != "Sam Referrer" || got.JobTitle != "Senior Social Worker" || got.Organisation != "Darlington Borough Council" || got.Email != "sam.referrer@darlington.gov.uk" {
		t.Errorf("read %+v", got)
	}
}

// TestNoOtherAgencyInvolved: Section 7 answered in words — the table's
// one row says no other agency was involved — is that answer, not an
// agency of that name, and Section 7 is complete.
func TestNoOtherAgencyInvolved(t *testing.T) {
	var rows [][]string
	for _, row := range darlingtonRows {
		switch {
		case row[0] == "Health Visitor Example":
			rows = append(rows, []string{"No other agency involved", "", "", ""})
		case row[0] == "PC Example":
		default:
			rows = append(rows, row)
		}
	}
	r, probs, err := ReadDOCX(docxOf(t, layout(rows, boxStyles["legacy check-box fields"]), nil))
	if err != nil {
		t.Fatal(err)
	}
	_, checked := referral.Check(&r, civil.New(2026, time.March, 16))
	if len(r.Agencies) != 0 || !r.NoOtherAgencies || len(probs)+len(checked) > 0 {
		t.Errorf("agencies %+v, none %v, problems %v %v", r.Agencies, r.NoOtherAgencies, probs, checked)
	}
}
