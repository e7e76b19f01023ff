package formdoc

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/mailparse"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// ReadEmail reads the referral from an e-mail: the Word form attached if
// there is one, otherwise a PDF, otherwise the form typed in the body.
// Other attachments are not read. When several Word forms are attached the
// first is read and a problem asks for one form per e-mail.
func ReadEmail(data []byte) (referral.Referral, []referral.Problem, error) {
	m, err := mailparse.Parse(bytes.NewReader(data), mailparse.DefaultLimits)
	if err != nil {
		return referral.Referral{}, nil, err
	}
	var words, pdfs []mailparse.Attachment
	for _, a := range m.Attachments {
		switch Detect(a.Filename, a.ContentType, a.Data) {
		case DOCX, DOC:
			words = append(words, a)
		case PDF:
			pdfs = append(pdfs, a)
		}
	}
	var r referral.Referral
	var probs []referral.Problem
	switch {
	case len(words) > 0:
		r, probs, err = ReadDOCX(words[0].Data)
		if len(words) > 1 {
			probs = append(probs, referral.Problem{Code: "several_forms", Message: fmt.Sprintf(
				"The e-mail has %d Word documents attached; we read %q as the referral form. Send each referral in an e-mail of its own", len(words), words[0].Filename)})
		}
	case len(pdfs) > 0:
		r, probs, err = ReadPDF(pdfs[0].Data)
	default:
		if strings.TrimSpace(m.Text) == "" {
			return referral.Referral{}, nil, errsInvalid("The e-mail has no referral form attached and nothing in its body. Please attach the completed Word form")
		}
		r, probs, err = ReadText([]byte(m.Text))
	}
	return r, probs, err
}
