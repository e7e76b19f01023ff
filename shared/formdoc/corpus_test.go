package formdoc

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// TestCorpus reads forms written by tools that are not this project's
// (testdata/corpus/make.sh: python3-docx, pandoc, LibreOffice) against the
// answers written for each by hand (<name>.expected.json), and counts each
// answer right, empty (not read: the referrer is asked for it) or wrong (a
// different answer, or an answer where the form has none: the worst
// outcome, which fails the test). Every answer the reader gives is
// counted, not only those expected. A file whose expected answers are
// {"refused": …} is not the form, and must be refused as such; the paths
// listed in "unreadable" must come with a problem saying they could not be
// read. Every answer says where in the file it was read. An expected
// answer left unread fails too, unless listed in "notRead".
func TestCorpus(t *testing.T) {
	var files []string
	for _, ext := range []string{"docx", "odt", "txt", "pdf"} {
		found, _ := filepath.Glob("testdata/corpus/*." + ext)
		files = append(files, found...)
	}
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	sort.Strings(files)
	var right, empty, wrong, expected int
	for _, file := range files {
		name := filepath.Base(file)
		want := map[string]string{}
		data, err := os.ReadFile(strings.TrimSuffix(file, filepath.Ext(file)) + ".expected.json")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		read := ReadAs(Detect(name, "", doc), doc)
		if want["refused"] != "" {
			if !errors.Is(read.Err, ErrNotTheForm) {
				wrong++
				t.Errorf("%s: not the form, read as the form (%v)", name, read.Err)
			}
			continue
		}
		if read.Err != nil {
			t.Errorf("%s: %v", name, read.Err)
			continue
		}
		// Answers the file's layout truly cannot carry, written beside the
		// expected answers ("notRead": "path, path"): left unread, allowed;
		// any other expected answer left unread fails the test, so a reader
		// that read nothing cannot pass.
		delete(want, "_") // why the file's allowances are what they are, in words
		allowed := map[string]bool{}
		if paths := want["notRead"]; paths != "" {
			delete(want, "notRead")
			for _, p := range strings.Split(paths, ", ") {
				allowed[p] = true
			}
		}
		if paths := want["unreadable"]; paths != "" {
			delete(want, "unreadable")
			for _, p := range strings.Split(paths, ", ") {
				if !slices.ContainsFunc(read.Problems, func(pr referral.Problem) bool {
					return pr.Code == referral.CodeUnreadable && pr.Field == p
				}) {
					t.Errorf("%s: %s is not said to be unreadable: %+v", name, p, read.Problems)
				}
			}
		}
		for p := range referral.Answers(&read.Referral) {
			if read.Sources[p].At == "" {
				t.Errorf("%s: %s has no source", name, p)
			}
		}
		r := read.Referral
		referral.Normalize(&r)
		got := referral.Answers(&r)
		paths := make([]string, 0, len(want)+len(got))
		for p := range want {
			paths = append(paths, p)
		}
		for p := range got {
			if _, ok := want[p]; !ok {
				paths = append(paths, p)
			}
		}
		sort.Strings(paths)
		fileRight, fileExpected := 0, 0
		var missed []string
		for _, p := range paths {
			g, w := got[p], want[p]
			if w != "" {
				fileExpected++
			}
			switch {
			case g == w:
				if w != "" {
					fileRight++
				}
			case g == "":
				missed = append(missed, p)
				if !allowed[p] {
					t.Errorf("%s: %s not read; the form says %q (allow it with \"notRead\" only where the layout cannot carry it)", name, p, w)
				}
			default:
				wrong++
				t.Errorf("%s: %s read as %q, the form says %q", name, p, g, w)
			}
		}
		right += fileRight
		empty += len(missed)
		expected += fileExpected
		t.Logf("%s: %d of %d right; not read: %s", name, fileRight, fileExpected, strings.Join(missed, ", "))
	}
	t.Logf("corpus: %d of %d answers right (%.1f%%), %d not read, %d wrong, %d files",
		right, expected, 100*float64(right)/float64(expected), empty, wrong, len(files))
}

// TestSources: each answer keeps where it was read, for the case page.
func TestSources(t *testing.T) {
	for _, tt := range []struct{ file, path, want string }{
		{"pydocx-typed-x.docx", "referrer.fullName", "table 1, row 1, cell 2"},
		{"pydocx-typed-x.docx", "childProtection.onChildProtectionPlan", "table 3, row 2, cell 2"},
		{"pydocx-agencies.docx", "agencies[1].organisation", "table 1, row 4, cell 2"},
		{"pydocx-agencies.docx", "agencies[1].endDate", "table 1, row 4, cell 4"},
		{"pydocx-paragraphs.docx", "children[0].postcode", "paragraph 12"},
		{"pydocx-paragraphs.docx", "otherReviews.details", "paragraph 21"},
		{"email-loose.txt", "referrer.telephone", "line 9"},
		{"email-loose.txt", "childProtection.cinEnd", "line 28"},
		{"libreoffice-typed-x.pdf", "referrer.organisation", "line 5 of its text"},
		{"pandoc-plain-typed-x.txt", "referrer.organisation", "line 8"},
	} {
		data, err := os.ReadFile(filepath.Join("testdata/corpus", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		read := ReadAs(Detect(tt.file, "", data), data)
		got := read.Sources[tt.path]
		if got.At != tt.want {
			t.Errorf("%s: %s read from %q, want %q", tt.file, tt.path, got.At, tt.want)
		}
		// The text there holds the answer as written.
		if v := strings.TrimSpace(referral.Get(&read.Referral, tt.path)); v != "" && !strings.Contains(strings.ToLower(got.Text), strings.ToLower(strings.Fields(v)[0])) {
			t.Errorf("%s: %s = %q, but the text read from is %q", tt.file, tt.path, v, got.Text)
		}
	}
}
