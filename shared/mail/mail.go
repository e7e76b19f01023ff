// Package mail is the port for sending e-mail, with the message type and
// its rendering as RFC 5322. Adapters: mail/outbox writes .eml files under
// the data folder (local), mail/ses sends through Amazon SES v2.
package mail

import (
	"bytes"
	"context"
	"io"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// Message is one e-mail.
type Message struct {
	From       string
	To         []string
	Subject    string
	Text       string // plain text body
	HTML       string // HTML body; optional
	MessageID  string // without angle brackets; make it deterministic to let receivers drop duplicates
	InReplyTo  string
	References []string
	Date       time.Time
}

// Sender sends messages. Send returns errs-coded errors: errs.Invalid for
// a message that can never be sent (no recipient, bad address); anything
// else is worth a retry.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Render writes m as an RFC 5322 message: multipart/alternative when it has
// HTML, quoted-printable UTF-8 text otherwise.
func Render(m Message) ([]byte, error) {
	var h gomail.Header
	from, err := parseAddress(m.From)
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "the sender's address cannot be written")
	}
	h.SetAddressList("From", []*gomail.Address{{Name: from.Name, Address: from.Address}})
	var to []*gomail.Address
	for _, a := range m.To {
		p, err := parseAddress(a)
		if err != nil {
			// A permanent failure, and the address stays out of logs.
			return nil, errs.E(errs.Invalid, "a recipient's address cannot be written")
		}
		to = append(to, &gomail.Address{Name: p.Name, Address: p.Address})
	}
	if len(to) == 0 {
		return nil, errs.E(errs.Invalid, "the message has no recipient")
	}
	h.SetAddressList("To", to)
	h.SetSubject(m.Subject)
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	h.SetDate(date)
	if m.MessageID != "" {
		h.SetMessageID(m.MessageID)
	} else if err := h.GenerateMessageID(); err != nil {
		return nil, err
	}
	if m.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{m.InReplyTo})
	}
	if len(m.References) > 0 {
		h.SetMsgIDList("References", m.References)
	}
	h.Set("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies to this

	var buf bytes.Buffer
	if m.HTML == "" {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w, err := gomail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, m.Text); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	w, err := gomail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		var ph gomail.InlineHeader
		ph.Set("Content-Type", part.ctype+"; charset=utf-8")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// parseAddress reads "Name <addr>" or a bare address. A bare address may
// have a local part that needs quoting on the wire ("john doe"@…, which a
// parsed From header gives back unquoted as john doe@…): it is quoted and
// read again, so it is checked like any other.
func parseAddress(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err == nil {
		return a, nil
	}
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || strings.ContainsAny(s, "<>\"\r\n") {
		return nil, err
	}
	q, qerr := mail.ParseAddress(`"` + s[:i] + `"` + s[i:])
	if qerr != nil {
		return nil, err
	}
	return q, nil
}

// SafeID makes s usable in a Message-ID's left part.
func SafeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '.' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')) {
			return r
		}
		return '-'
	}, s)
}

// Answerable reports whether an address is one this system writes back
// to: a local part of letters, digits, RFC 5322's atom signs, dots between
// and spaces within (quoted on the wire: "sam referrer"@…) at a host name,
// no longer than 254 characters, and no control or direction-changing
// characters. A local part that needs more than quoting — a quote, a
// backslash, <, >, a comma ("x\"y"@…) — is legal but is held for a
// person: mail systems disagree on it, and what one accepts another
// refuses again and again.
func Answerable(addr string) bool {
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 || i == len(addr)-1 || len(addr) > 254 {
		return false
	}
	local, domain := addr[:i], addr[i+1:]
	if len(local) > 64 || strings.TrimSpace(local) != local || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if !(r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+/=?^_`{|}~.- ", r))) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			if !(r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')) {
				return false
			}
		}
	}
	return true
}

// InDomains reports whether an address is in one of the domains or their
// subdomains ("*.nhs.net" and "nhs.net" alike). The domain is what follows
// the last "@": a quoted local part may hold another. An address with a
// direction-changing character is in none: it may show as one it is not.
func InDomains(addr string, domains []string) bool {
	domain := DomainOf(addr)
	if domain == "" || referral.BidiControl(addr) {
		return false
	}
	for _, d := range domains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "*.")
		if d != "" && (domain == d || strings.HasSuffix(domain, "."+d)) {
			return true
		}
	}
	return false
}

// DomainOf is an address's domain, lower case: what follows its last "@".
func DomainOf(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 || i == len(addr)-1 {
		return ""
	}
	return addr[i+1:]
}
