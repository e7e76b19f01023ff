// Package mailparse reads an e-mail (RFC 5322, MIME) with go-message: its
// threading and sender headers, its body as text (plain, or taken from
// HTML), and every attachment, including those inside forwarded messages
// and nested multiparts. Any charset and transfer encoding is decoded.
// Limits bound size, part count and nesting, so a hostile message costs
// little.
package mailparse

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode every charset, not only UTF-8 and ASCII
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/symbolfont"
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
	// Damaged: its transfer encoding (base64) was broken, so Data is
	// what could be decoded of it — a file damaged on the way, not one
	// of no kind.
	Damaged bool
}

// Message is what intake needs from an e-mail.
type Message struct {
	MessageID  string
	InReplyTo  string
	References []string
	From       string // address only
	// Senders counts the addresses in every From field: more than one (two
	// From fields, or a list) names no one sender to answer or trust.
	Senders int
	ReplyTo string
	Subject string
	Date    time.Time
	// AutoSubmitted: a machine sent it (RFC 3834 Auto-Submitted, or an
	// auto-reply's Precedence): it must not be answered automatically.
	AutoSubmitted bool
	Text          string // the body as text
	// HTMLText is the HTML body as text when the message has a plain one
	// too (multipart/alternative), so that a reader can hold the two
	// readings to each other; "" otherwise.
	HTMLText    string
	Attachments []Attachment
}

// Parse reads a message. errs.Invalid for what is not an e-mail or is
// over the limits; when the headers could be read, the message returned
// with the error has them (to answer the sender), without body or files.
//
// It walks the MIME tree itself on go-message's textproto layer, so that
// base64 parts (nearly every attachment) are decoded by a bulk decoder
// instead of go-message's byte-at-a-time newline filtering; charsets and
// quoted-printable are go-message's.
func Parse(r io.Reader, lim Limits) (*Message, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	th, err := textproto.ReadHeader(br)
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "The message could not be read as an e-mail")
	}
	h := gomail.Header{Header: message.Header{Header: th}}
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
	for _, v := range th.Values("From") {
		if list, err := mail.ParseAddressList(v); err == nil {
			m.Senders += len(list)
		} else if strings.TrimSpace(v) != "" {
			m.Senders++
		}
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
	if l, ok := r.(interface{ Len() int }); ok {
		w.left = func() int { return l.Len() + br.Buffered() }
	}
	if err := w.part(th, br, 0); err != nil {
		return &Message{MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References, From: m.From, Senders: m.Senders, ReplyTo: m.ReplyTo,
			Subject: m.Subject, Date: m.Date, AutoSubmitted: m.AutoSubmitted}, err
	}
	m.Text = strings.TrimSpace(w.text())
	if len(w.plain) > 0 && len(w.html) > 0 {
		m.HTMLText = strings.TrimSpace(w.htmlText())
	}
	return m, nil
}

type walker struct {
	left  func() int // bytes of the message not read yet, when known
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
	return w.htmlText()
}

func (w *walker) htmlText() string {
	var out []string
	for _, h := range w.html {
		out = append(out, HTMLText(h))
	}
	return strings.Join(out, "\n\n")
}

// read reads a part's decoded bytes. When the message is in memory, the
// rest of it bounds the part: a part that reaches an eighth of that bound
// moves once into a buffer of the bound, trimmed to size if it was much
// too big. A 10 MB attachment at the end of a message costs about 10 MB,
// not the 20 to 25 MB that growing a buffer as it fills costs.
func (w *walker) read(r io.Reader, hint int) ([]byte, error) {
	limit := w.lim.Bytes - w.bytes + 1
	if hint > int(limit) {
		hint = int(limit)
	}
	first := 32 << 10 // most parts are small: the body, a logo
	if hint > 0 {
		first = min(first, hint+512)
	}
	buf := make([]byte, 0, first)
	lr := io.LimitReader(r, limit)
	for {
		if len(buf) == cap(buf) {
			if hint > cap(buf) && len(buf) >= hint/8 {
				// A large part: move once to its bound. Waiting until it
				// is an eighth of the bound keeps many middling parts from
				// each taking a buffer as large as the rest of the message.
				buf = append(make([]byte, 0, hint+1), buf...)
				hint = 0
			} else {
				buf = append(buf, 0)[:len(buf)]
			}
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break // EOF, or a damaged part: keep what was decoded
		}
	}
	w.bytes += int64(len(buf))
	if w.bytes > w.lim.Bytes {
		return nil, errs.E(errs.Invalid, "The message is larger than %d MB once decoded", w.lim.Bytes>>20)
	}
	if cap(buf) > 2*len(buf)+64<<10 {
		buf = bytes.Clone(buf)
	}
	return buf, nil
}

// part reads one MIME entity: a multipart's parts, a forwarded message's
// own entity, or a leaf (body text or attachment).
func (w *walker) part(th textproto.Header, body io.Reader, depth int) error {
	w.parts++
	if w.parts > w.lim.Parts {
		return errs.E(errs.Invalid, "The message has more than %d parts", w.lim.Parts)
	}
	if depth > w.lim.Depth {
		return errs.E(errs.Invalid, "The message is nested more than %d levels deep", w.lim.Depth)
	}
	h := message.Header{Header: th}
	ctype, params, _ := h.ContentType()
	if strings.HasPrefix(ctype, "multipart/") {
		if params["boundary"] == "" {
			return nil // a multipart without parts
		}
		mr := textproto.NewMultipartReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return nil // the end, or a damaged multipart: keep what was read
			}
			if err := w.part(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}
	decoded := transferDecoder(th.Get("Content-Transfer-Encoding"), body)
	if ctype == "message/rfc822" {
		br := bufio.NewReader(decoded)
		inner, err := textproto.ReadHeader(br)
		if err != nil {
			return nil
		}
		return w.part(inner, br, depth+1) // a forwarded message: its body and files count too
	}
	disp, dparams, _ := h.ContentDisposition()
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(filename); err == nil {
		filename = dec
	}
	text := disp != "attachment" && filename == "" && (ctype == "text/plain" || ctype == "text/html")
	if text {
		// go-message converts the charset; the transfer encoding is undone.
		plain := th.Copy()
		plain.Del("Content-Transfer-Encoding")
		if e, err := message.New(message.Header{Header: plain}, decoded); e != nil && (err == nil || message.IsUnknownCharset(err)) {
			decoded = e.Body
		}
	}
	hint := 0
	if w.left != nil {
		hint = w.left()
		if strings.EqualFold(strings.TrimSpace(th.Get("Content-Transfer-Encoding")), "base64") {
			hint = hint / 4 * 3
		}
	}
	data, err := w.read(decoded, hint)
	if err != nil {
		return err
	}
	switch {
	case text && ctype == "text/plain":
		w.plain = append(w.plain, string(bytes.ToValidUTF8(data, []byte("\uFFFD"))))
	case text:
		w.html = append(w.html, string(bytes.ToValidUTF8(data, []byte("\uFFFD"))))
	default:
		if filename == "" {
			filename = fmt.Sprintf("part-%d", w.parts)
		}
		br, _ := decoded.(*base64Reader)
		w.msg.Attachments = append(w.msg.Attachments, Attachment{Filename: filename, ContentType: ctype, Data: data, Damaged: br != nil && br.damaged})
	}
	return nil
}

// transferDecoder undoes a part's Content-Transfer-Encoding; an unknown
// one leaves the bytes as they are.
func transferDecoder(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return &base64Reader{r: r}
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// appendLines appends src to dst without its line breaks, a line at a
// time.
func appendLines(dst, src []byte) []byte {
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return append(dst, bytes.TrimRight(src, "\r")...)
		}
		dst = append(dst, bytes.TrimRight(src[:i], "\r")...)
		src = src[i+1:]
	}
	return dst
}

// filterAlphabet keeps the bytes of the base64 alphabet, in place.
func filterAlphabet(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '+' || c == '/' {
			out = append(out, c)
		}
	}
	return out
}

// base64Reader decodes base64 in bulk: it reads a block, drops line
// breaks (and, only when decoding fails, anything else outside the
// alphabet, as mail readers must), and decodes whole quanta, keeping the
// rest for the next block.
type base64Reader struct {
	r    io.Reader
	in   []byte // encoded bytes not yet decoded
	out  []byte // decoded bytes not yet returned
	buf  []byte // read blocks
	dec  []byte // decoded blocks: out points into it
	done bool
	// damaged: decoding stopped at bytes that are not base64
	damaged bool
}

func (b *base64Reader) Read(p []byte) (int, error) {
	for len(b.out) == 0 {
		if b.done {
			return 0, io.EOF
		}
		if b.buf == nil {
			b.buf = make([]byte, 16<<10)
		}
		n, err := b.r.Read(b.buf)
		b.in = appendLines(b.in, b.buf[:n])
		if err != nil {
			b.done = true
		}
		whole := len(b.in) / 4 * 4
		if b.done {
			whole = len(b.in) // the last quantum may lack its padding
		}
		if need := base64.RawStdEncoding.DecodedLen(whole); cap(b.dec) < need {
			b.dec = make([]byte, need)
		}
		out := b.dec[:cap(b.dec)]
		k, derr := base64.RawStdEncoding.Decode(out, b.in[:whole])
		if derr != nil {
			// Something other than line breaks in the way (spaces, "="
			// padding, stray bytes): drop everything outside the alphabet
			// and try again.
			kept := filterAlphabet(b.in)
			whole = len(kept) / 4 * 4
			if b.done {
				whole = len(kept)
			}
			b.in = kept
			k, derr = base64.RawStdEncoding.Decode(out, b.in[:whole])
		}
		if derr != nil {
			// Damaged base64: keep what decoded and stop, as go-message did.
			b.out, b.done, b.in, b.damaged = out[:k], true, nil, true
			break
		}
		b.out = out[:k]
		b.in = append(b.in[:0], b.in[whole:]...)
	}
	n := copy(p, b.out)
	b.out = b.out[n:]
	return n, nil
}

// The HTML reader's patterns, compiled when first used rather than at
// the start of every function that links this package.
var (
	dropRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)\s*>`)
	})
	breakRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr|table|blockquote)\s*>`)
	})
	cellRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)</t[dh]\s*>`) })
	tagRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
	blankRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\n[ \t]*\n[ \t\n]*`) })
	// a span or font element in a symbol font, and what it shows
	symbolRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)<(span|font)\b([^>]*wingdings[^>]*)>(.*?)</(?:span|font)\s*>`)
	})
)

// HTMLText turns an HTML body into text: paragraphs and rows become lines,
// table cells are separated by tabs.
func HTMLText(s string) string {
	s = dropRE().ReplaceAllString(s, "")
	// Boxes drawn in a symbol font ("þ" in Wingdings, as Outlook keeps a
	// Word form's): as the boxes they show, not their letters.
	s = symbolRE().ReplaceAllStringFunc(s, func(span string) string {
		m := symbolRE().FindStringSubmatch(span)
		return " " + symbolfont.Of(m[2]).Text(html.UnescapeString(tagRE().ReplaceAllString(m[3], ""))) + " "
	})
	s = breakRE().ReplaceAllString(s, "\n")
	s = cellRE().ReplaceAllString(s, "\t")
	s = tagRE().ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = blankRE().ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
