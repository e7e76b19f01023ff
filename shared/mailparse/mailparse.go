// Package mailparse reads an e-mail (RFC 5322, MIME) with go-message: its
// threading and sender headers, its body as text (plain, or taken from
// HTML), and every attachment, including those inside forwarded messages
// and nested multiparts. Any charset and transfer encoding is decoded.
// Limits bound size, part count and nesting, so a hostile message costs
// little.
package mailparse

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode every charset, not only UTF-8 and ASCII
	gomail "github.com/emersion/go-message/mail"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// Limits bound what one message may cost.
type Limits struct {
	Bytes int64 // decoded bytes of all parts together
	Parts int   // MIME parts
	Depth int   // nesting of multiparts and forwarded messages
}

// DefaultLimits suit SES's 40 MB messages.
var DefaultLimits = Limits{Bytes: 64 << 20, Parts: 500, Depth: 10}

// Attachment is a file sent with the message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Message is what intake needs from an e-mail.
type Message struct {
	MessageID  string
	InReplyTo  string
	References []string
	From       string // address only
	ReplyTo    string
	Subject    string
	Date       time.Time
	// AutoSubmitted: a machine sent it (RFC 3834 Auto-Submitted, or an
	// auto-reply's Precedence): it must not be answered automatically.
	AutoSubmitted bool
	Text          string // the body as text
	Attachments   []Attachment
}

// Parse reads a message. errs.Invalid for what is not an e-mail or is
// over the limits; when the headers could be read, the message returned
// with the error has them (to answer the sender), without body or files.
func Parse(r io.Reader, lim Limits) (*Message, error) {
	e, err := message.Read(r)
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, errs.Wrap(errs.Invalid, err, "The message could not be read as an e-mail")
	}
	h := gomail.Header{Header: e.Header}
	m := &Message{}
	m.MessageID, _ = h.MessageID()
	if ids, _ := h.MsgIDList("In-Reply-To"); len(ids) > 0 {
		m.InReplyTo = ids[0]
	}
	m.References, _ = h.MsgIDList("References")
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.From = strings.ToLower(from[0].Address)
	} else if a, err := mail.ParseAddress(h.Get("From")); err == nil {
		m.From = strings.ToLower(a.Address)
	}
	if rt, err := h.AddressList("Reply-To"); err == nil && len(rt) > 0 {
		m.ReplyTo = strings.ToLower(rt[0].Address)
	}
	m.Subject, _ = h.Subject()
	m.Date, _ = h.Date()
	auto := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted")))
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	m.AutoSubmitted = (auto != "" && auto != "no") || prec == "auto_reply" || prec == "bulk" || prec == "junk"
	w := &walker{lim: lim, msg: m}
	if err := w.entity(e, 0); err != nil {
		return &Message{MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References, From: m.From, ReplyTo: m.ReplyTo,
			Subject: m.Subject, Date: m.Date, AutoSubmitted: m.AutoSubmitted}, err
	}
	m.Text = strings.TrimSpace(w.text())
	return m, nil
}

type walker struct {
	lim   Limits
	msg   *Message
	parts int
	bytes int64
	plain []string
	html  []string
}

func (w *walker) text() string {
	if len(w.plain) > 0 {
		return strings.Join(w.plain, "\n\n")
	}
	var out []string
	for _, h := range w.html {
		out = append(out, HTMLText(h))
	}
	return strings.Join(out, "\n\n")
}

func (w *walker) read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, w.lim.Bytes-w.bytes+1))
	w.bytes += int64(len(data))
	if w.bytes > w.lim.Bytes {
		return nil, errs.E(errs.Invalid, "The message is larger than %d MB once decoded", w.lim.Bytes>>20)
	}
	if err != nil && !message.IsUnknownCharset(err) {
		return data, nil // keep what could be decoded of a damaged part
	}
	return data, nil
}

func (w *walker) entity(e *message.Entity, depth int) error {
	w.parts++
	if w.parts > w.lim.Parts {
		return errs.E(errs.Invalid, "The message has more than %d parts", w.lim.Parts)
	}
	if depth > w.lim.Depth {
		return errs.E(errs.Invalid, "The message is nested more than %d levels deep", w.lim.Depth)
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				if message.IsUnknownCharset(err) || message.IsUnknownEncoding(err) {
					continue
				}
				return nil // a damaged multipart: keep what was read
			}
			if err := w.entity(p, depth+1); err != nil {
				return err
			}
		}
	}
	ctype, params, _ := e.Header.ContentType()
	disp, dparams, _ := e.Header.ContentDisposition()
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(filename); err == nil {
		filename = dec
	}
	switch {
	case ctype == "message/rfc822":
		inner, err := message.Read(e.Body)
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return nil
		}
		return w.entity(inner, depth+1) // a forwarded message: its body and files count too
	case disp != "attachment" && filename == "" && ctype == "text/plain":
		data, err := w.read(e.Body)
		if err != nil {
			return err
		}
		w.plain = append(w.plain, string(bytes.ToValidUTF8(data, []byte("\uFFFD"))))
	case disp != "attachment" && filename == "" && ctype == "text/html":
		data, err := w.read(e.Body)
		if err != nil {
			return err
		}
		w.html = append(w.html, string(bytes.ToValidUTF8(data, []byte("\uFFFD"))))
	case strings.HasPrefix(ctype, "multipart/"):
		// an empty or damaged multipart
	default:
		data, err := w.read(e.Body)
		if err != nil {
			return err
		}
		if filename == "" {
			filename = fmt.Sprintf("part-%d", w.parts)
		}
		w.msg.Attachments = append(w.msg.Attachments, Attachment{Filename: filename, ContentType: ctype, Data: data})
	}
	return nil
}

var (
	dropRE  = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)\s*>`)
	breakRE = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr|table|blockquote)\s*>`)
	cellRE  = regexp.MustCompile(`(?i)</t[dh]\s*>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRE = regexp.MustCompile(`\n[ \t]*\n[ \t\n]*`)
)

// HTMLText turns an HTML body into text: paragraphs and rows become lines,
// table cells are separated by tabs.
func HTMLText(s string) string {
	s = dropRE.ReplaceAllString(s, "")
	s = breakRE.ReplaceAllString(s, "\n")
	s = cellRE.ReplaceAllString(s, "\t")
	s = tagRE.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = blankRE.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
