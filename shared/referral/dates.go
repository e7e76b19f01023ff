package referral

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cspr-intake/cspr-intake/shared/civil"
)

// ParseDate reads a date as people write it on the form, day first as in
// the UK: "14/03/2026", "14/3/26", "14.03.2026", "14-03-2026", "14 March
// 2026", "14th Mar 2026", "Saturday 14th of March 2026", "March 14, 2026",
// "14-Mar-26", and ISO "2026-03-14" (also with a time, as Word's date picker
// stores it). Two-digit years 00–69 are 2000–2069, 70–99 are 1970–1999. It
// reports false for anything else, including days that do not exist
// (31/02/2026). The result does not depend on today's date.
func ParseDate(s string) (civil.Date, bool) {
	if d, ok := parseISO(s); ok {
		return d, true
	}
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return civil.Date{}, false
	}
	// ISO 8601, optionally with a time part ("2026-03-14T00:00:00Z"): the
	// form every stored date takes, so it is read without allocating.
	if len(s) >= 8 && isDigit(s[0]) && isDigit(s[3]) && s[4] == '-' {
		date := s
		if i := strings.IndexAny(date, "Tt "); i > 0 {
			date = date[:i]
		}
		if len(date) < 8 || date[4] != '-' {
			return civil.Date{}, false
		}
		m, rest, ok1 := strings.Cut(date[5:], "-")
		if !ok1 || strings.Contains(rest, "-") {
			return civil.Date{}, false
		}
		return ymd(date[:4], m, rest)
	}
	tokens := tokenize(s)
	var nums []string
	month := time.Month(0)
	for _, tok := range tokens {
		switch {
		case isNumber(tok):
			nums = append(nums, tok)
		case month == 0 && monthName(tok) != 0:
			month = monthName(tok)
		case isNoise(tok):
		default:
			return civil.Date{}, false
		}
	}
	switch {
	case month == 0 && len(nums) == 3:
		return dmy(nums[0], nums[1], nums[2])
	case month != 0 && len(nums) == 2: // "14 March 2026" or "March 14, 2026"
		return dmy(nums[0], strconv.Itoa(int(month)), nums[1])
	}
	return civil.Date{}, false
}

// parseISO reads exactly "YYYY-MM-DD", the form stored dates take, quickly.
func parseISO(s string) (civil.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return civil.Date{}, false
	}
	n := 0
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		if !isDigit(s[i]) {
			return civil.Date{}, false
		}
		n = n*10 + int(s[i]-'0')
	}
	d := civil.Date{Year: n / 10000, Month: time.Month(n / 100 % 100), Day: n % 100}
	return d, d.Valid()
}

// tokenize splits s into runs of letters and runs of digits, dropping
// separators and ordinal suffixes ("14th" → "14").
func tokenize(s string) []string {
	var out []string
	start := -1
	kind := 0 // 1 digit, 2 letter
	flush := func(end int) {
		if start >= 0 {
			out = append(out, s[start:end])
		}
		start, kind = -1, 0
	}
	for i, r := range s {
		k := 0
		switch {
		case r >= '0' && r <= '9':
			k = 1
		case unicode.IsLetter(r):
			k = 2
		}
		if k != kind {
			flush(i)
			if k != 0 {
				start, kind = i, k
			}
		}
	}
	flush(len(s))
	// Drop ordinal suffixes that follow a number.
	kept := out[:0]
	for i, tok := range out {
		if i > 0 && isNumber(out[i-1]) && isOrdinal(tok) {
			continue
		}
		kept = append(kept, tok)
	}
	return kept
}

func dmy(d, m, y string) (civil.Date, bool) {
	if len(y) == 2 {
		n, _ := strconv.Atoi(y)
		if n < 70 {
			y = strconv.Itoa(2000 + n)
		} else {
			y = strconv.Itoa(1900 + n)
		}
	}
	if len(y) != 4 || len(d) > 2 || len(m) > 2 {
		return civil.Date{}, false
	}
	return ymd(y, m, d)
}

func ymd(y, m, d string) (civil.Date, bool) {
	if len(y) != 4 || len(m) == 0 || len(m) > 2 || len(d) == 0 || len(d) > 2 {
		return civil.Date{}, false
	}
	yy, err1 := strconv.Atoi(y)
	mm, err2 := strconv.Atoi(m)
	dd, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil {
		return civil.Date{}, false
	}
	date := civil.Date{Year: yy, Month: time.Month(mm), Day: dd}
	if !date.Valid() {
		return civil.Date{}, false
	}
	return date, true
}

var months = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

func monthName(tok string) time.Month { return months[strings.ToLower(tok)] }

func isNoise(tok string) bool {
	switch strings.ToLower(tok) {
	case "of", "the", "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday",
		"thu", "thur", "thurs", "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday":
		return true
	}
	return false
}

func isOrdinal(tok string) bool {
	switch strings.ToLower(tok) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

func isNumber(tok string) bool { return tok != "" && isDigit(tok[0]) }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
