package mailform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
