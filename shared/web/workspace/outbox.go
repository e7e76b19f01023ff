package workspace

import (
	"bytes"
	"cmp"
	"mime"
	"net/http"
	netmail "net/mail"
	"slices"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/mailparse"
)

// Outbox is the mail the system sent, as files: mail/outbox is one.
type Outbox interface {
	List() ([]string, error)          // names, oldest first
	Read(name string) ([]byte, error) // errs.NotFound for a name not listed
}

type sentRow struct{ Name, Sent, To, Subject string }

type sentView struct {
	sentRow
	From, MessageID, Text, Unreadable string
	Attachments                       []string
}

// outbox lists the mail sent, newest first: when, to whom, the subject,
// from each message's headers alone.
func (w *Workspace) outbox(rw http.ResponseWriter, r *http.Request) {
	names, err := w.Outbox.List()
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Sent mail", "outbox")
	for _, name := range slices.Backward(names) {
		m, err := w.sent(name, false)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		v.Sent = append(v.Sent, m.sentRow)
	}
	w.render(rw, http.StatusOK, "outboxContent", v)
}

// outboxMessage shows one message sent, decoded: its headers and its text.
func (w *Workspace) outboxMessage(rw http.ResponseWriter, r *http.Request) {
	m, err := w.sent(r.PathValue("name"), true)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Sent mail", "outbox")
	v.SentMessage = &m
	w.render(rw, http.StatusOK, "outboxMessageContent", v)
}

// sent reads a message of the outbox: its headers, and with body its
// text and attachments too. One that cannot be read as an e-mail is shown
// by its name, and says so.
func (w *Workspace) sent(name string, body bool) (sentView, error) {
	data, err := w.Outbox.Read(name)
	if err != nil {
		return sentView{}, err
	}
	v := sentView{sentRow: sentRow{Name: name, To: "(none)"}}
	unreadable := "This message could not be read as an e-mail: open the file " + name + " in the data folder's outbox."
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		v.Unreadable = unreadable
		return v, nil
	}
	v.Subject, _ = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	v.MessageID = strings.Trim(m.Header.Get("Message-Id"), "<> ")
	if d, err := m.Header.Date(); err == nil {
		v.Sent = londonTime(d)
	}
	v.From = people(m.Header, "From")
	v.To = cmp.Or(people(m.Header, "To"), v.To)
	if !body {
		return v, nil
	}
	msg, err := mailparse.Parse(bytes.NewReader(data), mailparse.DefaultLimits)
	if err != nil {
		v.Unreadable = unreadable
	}
	if msg != nil {
		v.Text = msg.Text
		for _, a := range msg.Attachments {
			v.Attachments = append(v.Attachments, a.Filename)
		}
	}
	return v, nil
}

// people is an address header as people read it: names and addresses,
// encoded words decoded.
func people(h netmail.Header, key string) string {
	list, err := h.AddressList(key)
	if err != nil {
		return h.Get(key)
	}
	var out []string
	for _, a := range list {
		if a.Name != "" {
			out = append(out, a.Name+" <"+a.Address+">")
		} else {
			out = append(out, a.Address)
		}
	}
	return strings.Join(out, ", ")
}
