// Package mailform finds the referral in an e-mail: which attachments are
// the form, read once each, and the form typed in the body when none is
// attached. The mailbox and the e-mail reader of intake both choose here,
// so a message is read the same way wherever it comes in.
package mailform

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// Form is an attachment taken for the referral form, with what reading it
// gave.
type Form struct {
	Attachment mailparse.Attachment
	Read       formdoc.Read
}

// Forms sorts a message's attachments into the referral forms — Word
// documents that read as the form or cannot be read and so may be one;
// PDFs of the form only when no Word form is attached — and the rest, kept
// but not read as the form. Each attachment is read once.
func Forms(msg *mailparse.Message) (forms []Form, others []mailparse.Attachment) {
	return Reader(nil).Forms(msg)
}

// Body reads the form typed or pasted into the message's body.
func Body(msg *mailparse.Message) formdoc.Read { return Reader(nil).Body(msg) }

// A Reader reads a document in a format (formdoc's): nil is formdoc.ReadAs.
type Reader func(format string, data []byte) formdoc.Read

func (r Reader) read(format string, data []byte) formdoc.Read {
	if r == nil {
		return formdoc.ReadAs(format, data)
	}
	return r(format, data)
}

// Forms is the package's Forms, reading with r.
func (r Reader) Forms(msg *mailparse.Message) (forms []Form, others []mailparse.Attachment) {
	var pdfs []Form
	for _, a := range msg.Attachments {
		format := formdoc.Detect(a.Filename, a.ContentType, a.Data)
		// Sent as the Word form or a PDF but damaged (on the way, or in
		// itself): read as that, to say why not. Bytes of no kind at all
		// (no document's signature, not text) that arrived whole are not
		// the form, whatever their name: the sender is told so.
		if named := sentAs(a); named != "" && format != formdoc.DOCX && format != formdoc.DOC && format != formdoc.PDF &&
			(format != formdoc.Unknown || a.Damaged) {
			format = named
		}
		switch format {
		case formdoc.DOCX, formdoc.DOC, formdoc.PDF:
		default:
			others = append(others, a)
			continue
		}
		read := r.read(format, a.Data)
		switch {
		case errors.Is(read.Err, formdoc.ErrNotTheForm):
			others = append(others, a)
		case format == formdoc.PDF:
			pdfs = append(pdfs, Form{a, read})
		default:
			forms = append(forms, Form{a, read})
		}
	}
	if len(forms) == 0 {
		return pdfs, others // a PDF of the form when there is no Word form
	}
	for _, p := range pdfs {
		others = append(others, p.Attachment)
	}
	return forms, others
}

// sentAs is the form's format a file was sent as, by its name or type:
// "" for anything else.
func sentAs(a mailparse.Attachment) string {
	name, ct := strings.ToLower(a.Filename), strings.ToLower(a.ContentType)
	switch {
	case strings.HasSuffix(name, ".docx") || strings.HasSuffix(name, ".doc") || strings.Contains(ct, "wordprocessingml") || strings.Contains(ct, "msword"):
		return formdoc.DOCX
	case strings.HasSuffix(name, ".pdf") || strings.Contains(ct, "application/pdf"):
		return formdoc.PDF
	}
	return ""
}

// Body is the package's Body, reading with r.
func (r Reader) Body(msg *mailparse.Message) formdoc.Read {
	if strings.TrimSpace(msg.Text) == "" {
		return formdoc.Read{Format: formdoc.Text, Err: errs.Wrap(errs.Invalid, formdoc.ErrNotTheForm,
			"The e-mail has no referral form attached and nothing in its body. Please attach the completed Word form")}
	}
	read := r.read(formdoc.Text, []byte(msg.Text))
	if msg.HTMLText != "" && read.Err == nil {
		formdoc.Agree(&read, r.read(formdoc.Text, []byte(msg.HTMLText)))
	}
	return read
}

// ReadEmail reads the referral from an e-mail given whole (an upload, the
// parse command): the form attached if there is one (the first, with a
// problem asking for one form per e-mail when there are more), otherwise
// the form in the body.
func ReadEmail(data []byte) formdoc.Read {
	msg, err := mailparse.Parse(bytes.NewReader(data), mailparse.DefaultLimits)
	if err != nil {
		return formdoc.Read{Format: formdoc.Email, Err: err}
	}
	forms, _ := Forms(msg)
	if len(forms) == 0 {
		return Body(msg)
	}
	read := forms[0].Read
	if len(forms) > 1 {
		read.Problems = append(read.Problems, referral.Problem{Code: "several_forms", Message: fmt.Sprintf(
			"The e-mail has %d referral forms attached; we read the first. Send each referral in an e-mail of its own", len(forms))})
	}
	return read
}
