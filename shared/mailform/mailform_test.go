package mailform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

const formsDir = "../formdoc/testdata/forms"

// TestEmailFixtures reads the e-mail fixtures beside the forms and holds
// them to their golden JSON, as shared/formdoc's TestFixtures does the
// files.
func TestEmailFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(formsDir, "*.eml"))
	if len(files) < 2 {
		t.Fatalf("only %d e-mail fixtures", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				Route    referral.Route     `json:"route,omitempty"`
				Problems []referral.Problem `json:"problems,omitempty"`
				Referral *referral.Referral `json:"referral,omitempty"`
				Error    string             `json:"error,omitempty"`
			}
			read := ReadEmail(data)
			r, probs, err := read.Referral, read.Problems, read.Err
			if err != nil {
				out.Error = errs.Message(err)
			} else {
				route, checked := referral.Check(&r, civil.New(2026, time.March, 16))
				out.Route, out.Problems, out.Referral = route, append(probs, checked...), &r
			}
			got, _ := json.MarshalIndent(out, "", "  ")
			want, err := os.ReadFile(strings.TrimSuffix(file, ".eml") + ".golden.json")
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("differs from its golden JSON:\n%s", got)
			}
		})
	}
}

// TestOneReadPerPart: choosing the form reads each attachment once, and
// the body only when no form is attached.
func TestOneReadPerPart(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(formsDir, "email-with-word-form.eml"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mailparse.Parse(bytes.NewReader(data), mailparse.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	forms, _ := Reader(func(format string, data []byte) formdoc.Read {
		reads++
		return formdoc.ReadAs(format, data)
	}).Forms(msg)
	if len(forms) != 1 || reads != 1 || forms[0].Read.Err != nil {
		t.Errorf("%d forms, %d reads", len(forms), reads)
	}
}

// TestTextAndHTMLDisagree: a form typed into an e-mail whose plain text
// and HTML give the incident date differently has that date unreadable,
// and its other answers read.
func TestTextAndHTMLDisagree(t *testing.T) {
	body := func(date string) string {
		return "SECTION 1: ABOUT THE PERSON COMPLETING THE FORM\r\nFULL NAME: Sam Referrer\r\n" +
			"SECTION 2: ABOUT THE CHILD(REN)\r\nFULL NAME: Child A\r\nDATE OF SERIOUS INCIDENT: " + date + "\r\n"
	}
	html := "<html><body>" + strings.ReplaceAll(body("15/03/2026"), "\r\n", "<br>\r\n") + "</body></html>"
	eml := "From: sam.referrer@darlington.gov.uk\r\nTo: DSP@darlington.gov.uk\r\nSubject: Referral\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body("14/03/2026") +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b--\r\n"
	msg, err := mailparse.Parse(strings.NewReader(eml), mailparse.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	read := Body(msg)
	got := referral.Answers(&read.Referral)
	if got["children[0].incidentDate"] != "" || !slices.ContainsFunc(read.Problems, func(p referral.Problem) bool {
		return p.Code == referral.CodeUnreadable && p.Field == "children[0].incidentDate"
	}) {
		t.Errorf("incident date = %q, not unreadable: %+v", got["children[0].incidentDate"], read.Problems)
	}
	if got["children[0].fullName"] != "Child A" || got["referrer.fullName"] != "Sam Referrer" {
		t.Errorf("the answers both give are lost: %v", got)
	}
}

// TestEmailCorpus reads e-mails as Outlook and web mail send them — an
// HTML table with Outlook's plain rendering beside it, web mail's HTML
// alone, Latin-1 quoted-printable — and holds every answer to the answers
// written by hand beside each (as shared/formdoc's TestCorpus does the
// files): an answer the e-mail does not give is wrong, one it gives left
// unread fails unless "notRead" allows it.
func TestEmailCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	if len(files) == 0 {
		t.Fatal("no e-mail corpus")
	}
	right, expected := 0, 0
	for _, file := range files {
		name := filepath.Base(file)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]string
		raw, err := os.ReadFile(strings.TrimSuffix(file, ".eml") + ".expected.json")
		if err != nil || json.Unmarshal(raw, &want) != nil {
			t.Fatalf("%s: its expected answers: %v", name, err)
		}
		delete(want, "_")
		allowed := map[string]bool{}
		for _, p := range strings.Split(want["notRead"], ", ") {
			allowed[p] = true
		}
		delete(want, "notRead")
		read := ReadEmail(data)
		if read.Err != nil {
			t.Errorf("%s: %v", name, read.Err)
			continue
		}
		r := read.Referral
		referral.Normalize(&r)
		got := referral.Answers(&r)
		for p, w := range want {
			expected++
			switch g := got[p]; {
			case g == w:
				right++
			case g == "" && allowed[p]:
			case g == "":
				t.Errorf("%s: %s not read; the e-mail says %q", name, p, w)
			default:
				t.Errorf("%s: %s read as %q, the e-mail says %q", name, p, g, w)
			}
		}
		for p, g := range got {
			if _, ok := want[p]; !ok && g != "" {
				t.Errorf("%s: %s read as %q, the e-mail gives none", name, p, g)
			}
		}
	}
	t.Logf("e-mail corpus: %d of %d answers right, %d e-mails", right, expected, len(files))
}
