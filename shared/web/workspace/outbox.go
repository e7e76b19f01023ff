package workspace

import (
	"bytes"
	"cmp"
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

// outbox lists the mail sent, newest first: when, to whom, the subject.
func (w *Workspace) outbox(rw http.ResponseWriter, r *http.Request) {
	names, err := w.Outbox.List()
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Sent mail", "outbox")
	for _, name := range slices.Backward(names) {
		m, _ := w.sent(name)
		v.Sent = append(v.Sent, m.sentRow)
	}
	w.render(rw, http.StatusOK, "outboxContent", v)
}

// outboxMessage shows one message sent, decoded: its headers and its text.
func (w *Workspace) outboxMessage(rw http.ResponseWriter, r *http.Request) {
	m, err := w.sent(r.PathValue("name"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Sent mail", "outbox")
	v.SentMessage = &m
	w.render(rw, http.StatusOK, "outboxMessageContent", v)
}

// sent reads a message of the outbox; one that cannot be parsed is shown
// by its name, and says so.
func (w *Workspace) sent(name string) (sentView, error) {
	data, err := w.Outbox.Read(name)
	if err != nil {
		return sentView{}, err
	}
	v := sentView{sentRow: sentRow{Name: name}}
	msg, err := mailparse.Parse(bytes.NewReader(data), mailparse.DefaultLimits)
	if msg != nil {
		v.Subject, v.From, v.MessageID = msg.Subject, msg.From, msg.MessageID
		if !msg.Date.IsZero() {
			v.Sent = londonTime(msg.Date)
		}
		v.Text = msg.Text
		for _, a := range msg.Attachments {
			v.Attachments = append(v.Attachments, a.Filename)
		}
	}
	v.To = cmp.Or(headerTo(data), "(none)")
	if err != nil {
		v.Unreadable = "This message could not be read as an e-mail: open the file " + name + " in the data folder's outbox."
	}
	return v, nil
}

// headerTo is the message's recipients, as people read them.
func headerTo(data []byte) string {
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	list, err := m.Header.AddressList("To")
	if err != nil {
		return m.Header.Get("To")
	}
	var to []string
	for _, a := range list {
		if a.Name != "" {
			to = append(to, a.Name+" <"+a.Address+">")
		} else {
			to = append(to, a.Address)
		}
	}
	return strings.Join(to, ", ")
}
