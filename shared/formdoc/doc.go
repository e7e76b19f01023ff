// Package formdoc reads the referral form from the files people send: the
// Word form (.docx), JSON with the form's field names, plain text (an
// e-mail body or a .txt) laid out as "LABEL: value" under the form's
// section headings and a PDF's text layer (an e-mail's parts are chosen
// by shared/mailform); and it writes the blank Word form from the definition. Readers
// never fail on a badly filled form: what they cannot place is left out
// and what they find is checked by package referral. They refuse
// (errs.Invalid) only input that is not of their format at all.
package formdoc

import (
	"bytes"
	"cmp"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// emailHeaderRE matches the header lines that start real e-mails, as SES
// stores them: a form typed as "FULL NAME: …" does not match.
var emailHeaderRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(return-path|received|from|to|subject|date|message-id|mime-version|delivered-to|dkim-signature|arc-seal|authentication-results|reply-to|x-[a-z0-9-]+):`)
})

func looksLikeEmail(head []byte) bool {
	if !emailHeaderRE().Match(head) {
		return false
	}
	lower := bytes.ToLower(head)
	return bytes.HasPrefix(lower, []byte("from:")) || bytes.Contains(lower, []byte("\nfrom:")) ||
		bytes.Contains(lower, []byte("\nmessage-id:")) || bytes.Contains(lower, []byte("\nmime-version:"))
}

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
	case bytes.HasPrefix(data, oleMagic):
		// An Office file of the older kind: Word 97–2003, or a document
		// protected with a password (Word keeps those in the same
		// container); not an Excel workbook, an Outlook message (.msg) or a
		// slide show, which are not the form whatever their name.
		if bytes.Contains(data, utf16("WordDocument")) || bytes.Contains(data, utf16("EncryptionInfo")) {
			return DOC
		}
		return Unknown
	case ext == ".eml" || strings.HasPrefix(contentType, "message/rfc822") || looksLikeEmail(head):
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

// Read is what reading an input gave: its format, the referral and the
// problems found reading it, or the reason it could not be read.
type Read struct {
	Format   string // one of the formats above
	Referral referral.Referral
	Problems []referral.Problem
	Err      error
	// Sources says where each answer was read, by its path — "table 2,
	// row 3, cell 2" or "paragraph 4" of a Word document, "line 12" of
	// text, "line 12 of its text" of a PDF — with the text it was read
	// from there; an answer that could not be read has one too. JSON names
	// its answers: it has none.
	Sources map[string]referral.Source
}

// ReadAs reads data in a format: the Word form (and old .doc files, to say
// what to do with them), a PDF, plain text or the JSON form. Any other
// format is an error saying so.
func ReadAs(format string, data []byte) Read {
	out := Read{Format: format}
	switch format {
	case DOCX, DOC:
		out = readDOCX(data)
		format = cmp.Or(out.Format, format) // an OpenDocument text file is read as Word's are
	case PDF:
		out = readPDF(data)
	case Text:
		out = readText(data)
	case JSON:
		out.Referral, out.Problems, out.Err = ReadJSON(data)
	default:
		out.Err = errs.Wrap(errs.Invalid, ErrNotTheForm, "This is not a Word document, a PDF, JSON or text, so it is not the referral form. Please send the completed referral form as a Word document")
		if bytes.HasPrefix(data, oleMagic) && bytes.Contains(data, utf16("__substg1.0_")) {
			out.Err = errs.Wrap(errs.Invalid, ErrNotTheForm, "This is an Outlook message (.msg), which cannot be read here. Save the message as .eml (or drag it out of Outlook and send the Word form attached to it), or send the Word form itself")
		}
	}
	out.Format = format
	return out
}

// Saved says how an input is saved as it was sent — its file extension
// and media type — from its content, never from a name it came with.
func Saved(data []byte) (ext, mediaType string) {
	switch Detect("", "", data) {
	case PDF:
		return ".pdf", "application/pdf"
	case DOCX:
		if bytes.Contains(data[:min(len(data), 100)], []byte("application/vnd.oasis.opendocument.text")) {
			return ".odt", "application/vnd.oasis.opendocument.text"
		}
		return ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case DOC:
		return ".doc", "application/msword"
	case Email:
		return ".eml", "message/rfc822"
	case JSON:
		return ".json", "application/json"
	case Text:
		return ".txt", "text/plain; charset=utf-8"
	}
	return ".bin", "application/octet-stream"
}
