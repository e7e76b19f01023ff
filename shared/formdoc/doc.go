// Package formdoc reads the referral form from the files people send: JSON
// with the form's field names, and plain text (an e-mail body or a .txt)
// laid out as "LABEL: value" under the form's section headings. Readers
// never fail on a badly filled form: what they cannot place is left out
// and what they find is checked by package referral. They refuse
// (errs.Invalid) only input that is not of their format at all.
package formdoc

import (
	"bytes"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Formats.
const (
	JSON    = "json"
	Text    = "text"
	DOCX    = "docx"
	DOC     = "doc"
	PDF     = "pdf"
	Email   = "eml"
	Unknown = "unknown"
)

// Detect names the format of an input from its content first, then its
// file name and content type: a name can lie, the first bytes rarely do.
func Detect(filename, contentType string, data []byte) string {
	head := bytes.TrimLeft(data[:min(len(data), 512)], " \t\r\n\ufeff")
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return DOCX // or another zip; the Word reader says which
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return DOC // Word 97–2003
	case ext == ".eml" || strings.HasPrefix(contentType, "message/rfc822"):
		return Email
	case len(head) > 0 && head[0] == '{':
		return JSON
	case ext == ".json" || strings.HasPrefix(contentType, "application/json"):
		return JSON
	case utf8.Valid(data[:min(len(data), 4096)]) || ext == ".txt" || strings.HasPrefix(contentType, "text/plain"):
		return Text
	}
	return Unknown
}
