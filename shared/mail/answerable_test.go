package mail

import "testing"

func TestAnswerable(t *testing.T) {
	for addr, want := range map[string]bool{
		"sam.referrer@darlington.gov.uk":  true,
		"o'brien+cspr@nhs.net":            true,
		"sam referrer@darlington.gov.uk":  true, // quoted on the wire: "sam referrer"@…
		`x"y@darlington.gov.uk`:           false,
		"a<b>@darlington.gov.uk":          false,
		"a,b@darlington.gov.uk":           false,
		`a\b@darlington.gov.uk`:           false,
		"sam\u202e@darlington.gov.uk":     false, // a direction-changing character
		"sam\r\nBcc: x@darlington.gov.uk": false,
		".sam@darlington.gov.uk":          false,
		"sam..r@darlington.gov.uk":        false,
		" sam@darlington.gov.uk":          false,
		"sam@localhost":                   false,
		"sam@darlington..gov.uk":          false,
		"sam@-darlington.gov.uk":          false,
		"sam@darlington.gov.uk.":          false,
		"@darlington.gov.uk":              false,
		"sam@":                            false,
		"sam@dárlington.gov.uk":           false,
		"":                                false,
	} {
		if got := Answerable(addr); got != want {
			t.Errorf("Answerable(%q) = %v, want %v", addr, got, want)
		}
	}
}
