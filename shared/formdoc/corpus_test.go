package formdoc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// TestCorpus reads forms written by tools that are not this project's
// (testdata/corpus/make.sh: python3-docx, pandoc, LibreOffice) against the
// answers written for each by hand (<name>.expected.json), and counts each
// answer right, empty (not read: the referrer is asked for it) or wrong (a
// different answer: the worst outcome, which fails the test).
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.docx")
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	var right, empty, expected int
	for _, file := range files {
		want := map[string]string{}
		data, err := os.ReadFile(strings.TrimSuffix(file, ".docx") + ".expected.json")
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := ReadDOCX(doc)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(file), err)
			continue
		}
		referral.Normalize(&r)
		paths := make([]string, 0, len(want))
		for p := range want {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		fileRight := 0
		var missed []string
		for _, p := range paths {
			got, w := referral.Get(&r, p), want[p]
			switch {
			case got == w:
				fileRight++
			case got == "":
				empty++
				missed = append(missed, p)
			default:
				t.Errorf("%s: %s read as %q, the form says %q", filepath.Base(file), p, got, w)
			}
		}
		right += fileRight
		expected += len(want)
		t.Logf("%s: %d of %d right; not read: %s", filepath.Base(file), fileRight, len(want), strings.Join(missed, ", "))
	}
	t.Logf("corpus: %d of %d answers right (%.0f%%), %d not read, %d files", right, expected, 100*float64(right)/float64(expected), empty, len(files))
}
