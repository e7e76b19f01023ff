package referral

import "testing"

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means not a date
	}{
		{"14/03/2026", "2026-03-14"},
		{"14/3/26", "2026-03-14"},
		{"1/2/95", "1995-02-01"},
		{"14.03.2026", "2026-03-14"},
		{"14-03-2026", "2026-03-14"},
		{"14 / 03 / 2026", "2026-03-14"},
		{"14 March 2026", "2026-03-14"},
		{"14th Mar 2026", "2026-03-14"},
		{"1st of September 2025", "2025-09-01"},
		{"Saturday 14th March 2026", "2026-03-14"},
		{"March 14, 2026", "2026-03-14"},
		{"14-Mar-26", "2026-03-14"},
		{"14 SEPT 2026", "2026-09-14"},
		{"2026-03-14", "2026-03-14"},
		{"2026-3-4", "2026-03-04"},
		{"2026-03-14T00:00:00Z", "2026-03-14"},
		{"  29/02/2024 ", "2024-02-29"},
		{"31/02/2026", ""},
		{"29/02/2026", ""},
		{"00/01/2026", ""},
		{"14/13/2026", ""},
		{"03/14/2026", ""}, // American order is not read as 14 March
		{"14/03/026", ""},
		{"14/03", ""},
		{"March 2026", ""},
		{"yesterday", ""},
		{"14 Marchember 2026", ""},
		{"", ""},
		{"2026-02-30", ""},
		{"12345678901234567890", ""},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseDate(%q) = %s, want no date", tt.in, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"14/03/2026", "14th Mar 2026", "2026-03-14T00:00:00Z", "March 14, 2026", "31/02/2026", "1/2/95"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		if !d.Valid() {
			t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
		}
		// What it writes it reads back the same.
		again, ok := ParseDate(d.String())
		if !ok || again != d {
			t.Fatalf("ParseDate(%q) = %v, but its ISO form reads as %v, %v", s, d, again, ok)
		}
	})
}
