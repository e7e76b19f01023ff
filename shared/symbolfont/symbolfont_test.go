package symbolfont

import "testing"

func TestBoxes(t *testing.T) {
	for _, tt := range []struct {
		font, text, want string
	}{
		{"Wingdings", "þ", "☒"},
		{"Wingdings", "¨", "☐"},
		{"Wingdings", "\uF0FE\uF0A8", "☒ ☐"},
		{"Wingdings", "o", "☐"},
		{"Wingdings", "abc", ""}, // pictures, not boxes: nothing
		{`<w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/>`, "R£", "☒ ☐"},
		{"font-family:\"Wingdings 2\"", "P", "☒"},
		{"Arial", "þ", ""},
	} {
		if got := Of(tt.font).Text(tt.text); got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.font, tt.text, got, tt.want)
		}
	}
	if got := Private.Replace("YES \uF0A8 NO \uF0FE"); got != "YES ☐ NO ☒" {
		t.Errorf("private-use boxes: %q", got)
	}
}
