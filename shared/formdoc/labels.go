package formdoc

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/cspr-intake/cspr-intake/shared/referral"
)

func (m *mapper) labels() []sectionLabels {
	if m.loose {
		return looseIndex()
	}
	return labelIndex()
}

func firstWords(key string, n int) string {
	words := strings.Fields(key)
	if len(words) > n {
		words = words[:n]
	}
	return strings.Join(words, " ")
}

// aliases are other ways people label the same answers.
var aliases = map[string][]string{
	"referrer.email":         {"EMAIL ADDRESS", "E MAIL", "E MAIL ADDRESS"},
	"referrer.telephone":     {"TELEPHONE", "PHONE", "PHONE NUMBER", "TEL", "TEL NO", "CONTACT NUMBER"},
	"children.dateOfBirth":   {"DOB", "D O B"},
	"children.postcode":      {"POST CODE"},
	"children.ageAtIncident": {"AGE", "AGE AT INCIDENT"},
	"children.ethnicity":     {"ETHNICITY"},
	"referrer.dateSubmitted": {"DATE"},
	"children.incidentDate":  {"DATE OF INCIDENT", "INCIDENT DATE"},
	"siblings.nationality":   {"NATIONALITY"},
}

// typos are misspellings printed on versions of the form.
var typos = strings.NewReplacer("REIVEW", "REVIEW", "RECIEVED", "RECEIVED", "SAFEGUADING", "SAFEGUARDING")

func key(s string) string {
	k := labelKey(s)
	if strings.Contains(k, "REIVEW") || strings.Contains(k, "RECIEVED") || strings.Contains(k, "SAFEGUADING") {
		k = typos.Replace(k)
	}
	return k
}

// similar reports whether two label keys say nearly the same thing.
func similar(a, b string) bool { return similarity(a, b) >= minSimilarity }

// minSimilarity is the share of words two labels must have in common to
// be taken for the same label with small wording changes.
const minSimilarity = 0.8

// similarity is the share of words in common, over the longer label, for
// labels of four words or more; 0 otherwise.
func similarity(a, b string) float64 {
	return wordSimilarity(strings.Fields(a), strings.Fields(b))
}

func wordSimilarity(wa, wb []string) float64 {
	if len(wa) < 4 || len(wb) < 4 || float64(min(len(wa), len(wb)))/float64(max(len(wa), len(wb))) < minSimilarity {
		return 0
	}
	if len(wb) > 64 {
		return 0 // no label is that long
	}
	var used uint64 // words of wb already matched
	common := 0
	for _, w := range wa {
		for j, v := range wb {
			if used&(1<<j) == 0 && v == w {
				used |= 1 << j
				common++
				break
			}
		}
	}
	return float64(common) / float64(max(len(wa), len(wb)))
}

// hasWordPrefix reports whether key k starts with the whole words of lk.
func hasWordPrefix(k, lk string) bool {
	return len(k) > len(lk) && k[len(lk)] == ' ' && strings.HasPrefix(k, lk)
}

// labelFields are the fields found by their label beside or below the
// answer: every field of the section but those read as table columns.
func labelFields(section int) []referral.Field {
	if section < 0 || section >= len(labelIndex()) {
		return nil
	}
	return labelIndex()[section].fields
}

// labelled fields and their label keys (with aliases), per section,
// worked out once.
type sectionLabels struct {
	fields []referral.Field
	keys   [][]string
	words  [][][]string // each key's words
}

var labelIndex = sync.OnceValue(func() []sectionLabels { return indexLabels(false) })

// looseIndex() has every field, table columns too: loose text has no
// tables, so a sibling's name is a label like any other.
var looseIndex = sync.OnceValue(func() []sectionLabels { return indexLabels(true) })

func indexLabels(columns bool) []sectionLabels {
	out := make([]sectionLabels, 13)
	for _, s := range referral.Form {
		for _, f := range s.Fields {
			if t := tableOfPath(f.Path); !columns && t != "" && t != "children" {
				continue
			}
			keys := append([]string{key(f.Label)}, aliases[f.Path]...)
			var words [][]string
			for _, k := range keys {
				words = append(words, strings.Fields(k))
			}
			out[s.Number].fields = append(out[s.Number].fields, f)
			out[s.Number].keys = append(out[s.Number].keys, keys)
			out[s.Number].words = append(out[s.Number].words, words)
		}
	}
	return out
}

func tableOfPath(path string) string {
	for _, t := range referral.Tables {
		if strings.HasPrefix(path, t.Path+".") {
			return t.Path
		}
	}
	return ""
}

// match finds the field a line labels, in the current section. rest is
// what follows the label on the same line.
func (m *mapper) match(line string) (referral.Field, string, bool) {
	if m.section <= 0 || m.section >= len(m.labels()) {
		return referral.Field{}, "", false
	}
	if res, ok := m.matches[matchKey{m.section, line}]; ok {
		return res.f, res.rest, res.ok
	}
	f, rest, ok := m.matchUncached(line)
	if ok {
		rest = labelTail(f, rest)
	}
	m.matches[matchKey{m.section, line}] = matchResult{f, rest, ok}
	return f, rest, ok
}

// numberWordRE is what people print after a number's label: "Telephone
// No.", "Tel. no:", "Contact number".
var numberWordRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(no\.?|nos\.?|number|num\.?|#)\s*[:.\-–]?\s*`)
})

// labelTail takes from what follows a label the words that belong to the
// label, not the answer: "No." after a telephone's label is never its
// number.
func labelTail(f referral.Field, rest string) string {
	if f.Kind == referral.Phone {
		return numberWordRE().ReplaceAllString(rest, "")
	}
	return rest
}

type matchKey struct {
	section int
	line    string
}

type matchResult struct {
	f    referral.Field
	rest string
	ok   bool
}

func (m *mapper) matchUncached(line string) (referral.Field, string, bool) {
	k := key(line)
	if k == "" || len(k) > 400 {
		return referral.Field{}, "", false
	}
	kw := strings.Fields(k)
	// The best label: an exact match beats a label followed by an answer,
	// which beats a near match; longer labels break ties, then labels not
	// yet answered.
	var best referral.Field
	bestScore, bestLen, rest := 0.0, 0, ""
	idx := m.labels()[m.section]
	for fi, f := range idx.fields {
		for ki, lk := range idx.keys[fi] {
			score, r := 0.0, ""
			switch {
			case k == lk:
				score = 3
			case hasWordPrefix(k, lk):
				score, r = 2, restAfter(line, len(lk))
			default:
				score = wordSimilarity(kw, idx.words[fi][ki])
				if score < minSimilarity {
					continue
				}
			}
			better := score > bestScore || (score == bestScore && len(lk) > bestLen) ||
				(score == bestScore && len(lk) == bestLen && m.filled[m.path(best)] && !m.filled[m.path(f)])
			if better {
				best, bestScore, bestLen, rest = f, score, len(lk), r
			}
		}
	}
	if bestScore == 0 {
		return referral.Field{}, "", false
	}
	// Two labels printed together ("ETHNICITY (if known) NATIONALITY"):
	// the second is not an answer.
	if rest != "" {
		if _, _, ok := m.matchExact(rest); ok {
			rest = ""
		}
	}
	return best, rest, true
}

func (m *mapper) matchExact(line string) (referral.Field, string, bool) {
	k := key(line)
	if m.section <= 0 || m.section >= len(m.labels()) {
		return referral.Field{}, "", false
	}
	idx := m.labels()[m.section]
	for fi, f := range idx.fields {
		if k == idx.keys[fi][0] {
			return f, "", true
		}
	}
	return referral.Field{}, "", false
}

// path is a field's path for the current row: children's fields go to the
// current child, and a field already answered for this child starts the
// next child.
func (m *mapper) path(f referral.Field) string {
	if !strings.HasPrefix(f.Path, "children.") {
		return f.Path
	}
	return "children[" + strconv.Itoa(m.child) + "]" + strings.TrimPrefix(f.Path, "children")
}

// pathFor is path, moving on to the next child when this one has a name
// already. Twin labels (JOB TITLE) go to the first unanswered.
func (m *mapper) pathFor(f referral.Field) string {
	f = m.twin(f)
	defer func() { m.last = f.Path }()
	// A child's name answered already starts the next child's rows; any
	// other answer given twice for one child is two answers to one
	// question (set makes it unreadable), not a child of its own.
	if f.Path == "children.fullName" && m.filled[m.path(f)] && m.child < referral.MaxRowIndex {
		m.child++
	}
	if m.filled[f.Path] {
		for _, g := range labelFields(m.section) {
			if g.Path != f.Path && key(g.Label) == key(f.Label) && !m.filled[g.Path] {
				return g.Path
			}
		}
	}
	return m.path(f)
}

// twin chooses between fields that share a label in a section ("If other,
// please state" follows both the main cause and the characteristics in
// Section 5): the one printed after the question whose label was found
// last. Without such a question, f stands.
func (m *mapper) twin(f referral.Field) referral.Field {
	fields := labelFields(m.section)
	for i, g := range fields {
		if key(g.Label) == key(f.Label) && i > 0 && fields[i-1].Path == m.last {
			return g
		}
	}
	return f
}
