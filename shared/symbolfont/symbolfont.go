// Package symbolfont reads the boxes and ticks that forms draw with the
// letters of symbol fonts — Wingdings' "þ" (a ticked box) and "¨" (an
// empty one), Wingdings 2's "R" and "£" — for the Word reader (runs and
// inserted symbols in those fonts) and the e-mail reader (an HTML body's
// spans in them), so the two read them alike.
package symbolfont

import "strings"

// Font is a symbol font that draws boxes and ticks, or None.
type Font int

const (
	None Font = iota
	Wingdings
	Wingdings2
)

// Of is the symbol font a font name or a run's properties name, if any:
// "Wingdings", `<w:rFonts w:ascii="Wingdings 2" …/>`, `font-family:Wingdings`.
func Of(name string) Font {
	name = strings.ToLower(name)
	switch {
	case strings.Contains(name, "wingdings 2"), strings.Contains(name, "wingdings2"):
		return Wingdings2
	case strings.Contains(name, "wingdings"):
		return Wingdings
	}
	return None
}

// Box is what a character of the font draws: a box, and whether it is
// ticked (a tick or a cross on its own is a ticked box, as people use
// them beside an option). The character is read by its low byte: Word
// stores a symbol both as a Latin-1 letter and as U+F0xx.
func (f Font) Box(c rune) (ticked, box bool) {
	b := byte(c & 0xFF)
	switch f {
	case Wingdings:
		switch b {
		case 0xFE, 0xFD, 0x78, 0xFB, 0xFC: // ☑ ☒ ☒ ✗ ✓
			return true, true
		case 0xA8, 0x6F, 0x71: // ◻ □ ❑
			return false, true
		}
	case Wingdings2:
		switch b {
		case 0x50, 0x4F, 0x52, 0x53, 0x54: // ✓ ✗ ☑ ☒ ☒
			return true, true
		case 0xA3, 0x2A: // □
			return false, true
		}
	}
	return false, false
}

// Text is text in the font as the ballot boxes ☒ and ☐ it draws, and
// nothing of its other characters (pictures, not words).
func (f Font) Text(s string) string {
	var b strings.Builder
	for _, r := range s {
		if ticked, box := f.Box(r); box {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			if ticked {
				b.WriteString("☒")
			} else {
				b.WriteString("☐")
			}
		}
	}
	return b.String()
}

// Private reads Wingdings' boxes and ticks as the private-use characters
// a PDF's or an e-mail's text carries them as where the font is not
// known: as ☒ and ☐.
var Private = strings.NewReplacer(
	"\uF0FE", "☒", "\uF0FD", "☒", "\uF078", "☒", "\uF0FB", "☒", "\uF0FC", "☒",
	"\uF0A8", "☐", "\uF06F", "☐", "\uF071", "☐")
