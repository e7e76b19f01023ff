package workspace

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
)

type deadLetterRow struct{ Queue, Sent, What, Detail string }

type heldView struct {
	Key, From, Received, Reasons, Refs, Subject, ReplyTo, MessageID, Date, Text, Unreadable string
	Verdicts, Attachments                                                                   []string
}

type heldRow struct {
	Key, Received, From, Reasons, Refs string
	Attachments                        int
	Answered                           bool // the sender was told (not the form)
}

// held lists the mail held for the Business Unit.
func (w *Workspace) held(rw http.ResponseWriter, r *http.Request) {
	list, err := w.Held.ListMessages(r.Context(), casefile.OutcomeQuarantined)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.view(r, "Held mail", "held")
	v.Notice, v.HeldReasons = w.heldNotice(r), inbox.Reasons
	if w.DeadLetters != nil {
		letters, err := w.DeadLetters.List(r.Context())
		if err != nil {
			w.Log.Error("dead-letter queues not read", "err", err)
			v.DeadLetterError = true
		}
		for _, l := range letters {
			v.DeadLetters = append(v.DeadLetters, deadLetterRow{Queue: l.Queue, Sent: londonTime(l.SentAt), What: l.What, Detail: l.Detail})
		}
		v.ShowDeadLetters = true
	}
	for i := len(list) - 1; i >= 0; i-- {
		m := list[i]
		v.Held = append(v.Held, heldRow{Key: m.Key, Received: londonTime(m.ReceivedAt), From: m.From, Reasons: strings.Join(m.Reasons, ", "),
			Refs: strings.Join(m.Refs, ", "), Attachments: len(m.Attachments), Answered: inbox.SenderAnswered(m.Reasons)})
	}
	w.render(rw, http.StatusOK, "heldContent", v)
}

// heldNotice says what became of the message an action was taken on, from
// the message's own record — the query string names only which message —
// so no text of anyone's choosing reaches the banner.
func (w *Workspace) heldNotice(r *http.Request) string {
	q := r.URL.Query()
	key := cmp.Or(q.Get("released"), q.Get("stillheld"), q.Get("dismissed"))
	if key == "" {
		return ""
	}
	m, err := w.Held.GetMessage(r.Context(), key)
	switch {
	case err != nil:
		return ""
	case m.Outcome == casefile.OutcomeDismissed:
		return "The message was marked not a referral: it is kept and its sender was not answered."
	case m.ReleasedBy != "" && m.Outcome == casefile.OutcomeQuarantined:
		return "The message was read again and is still held (" + strings.Join(m.Reasons, ", ") + "): no case was opened."
	case m.ReleasedBy != "" && (m.Outcome == casefile.OutcomeCase || m.Outcome == casefile.OutcomeCorrection):
		return "The message was released: it was read and its sender answered."
	}
	return ""
}

// heldMessage shows one held message — its headers, the checks' verdicts,
// its attachments' names and its text, never its HTML — to decide on.
func (w *Workspace) heldMessage(rw http.ResponseWriter, r *http.Request) {
	h, err := w.Held.HeldMessage(r.Context(), r.PathValue("key"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	m := h.Message
	v := w.view(r, "Held message", "held")
	hv := &heldView{Key: m.Key, From: m.From, Received: londonTime(m.ReceivedAt), Reasons: strings.Join(m.Reasons, ", "),
		Refs: strings.Join(m.Refs, ", "), Subject: h.Subject, ReplyTo: h.ReplyTo, MessageID: m.MessageID, Text: h.Text, Unreadable: h.Unreadable}
	if !h.Date.IsZero() {
		hv.Date = londonTime(h.Date)
	}
	for _, k := range []string{"spf", "dkim", "dmarc", "spam", "virus"} {
		if verdict := m.Verdicts[k]; verdict != "" {
			hv.Verdicts = append(hv.Verdicts, strings.ToUpper(k)+" "+verdict)
		}
	}
	for _, a := range m.Attachments {
		hv.Attachments = append(hv.Attachments, fmt.Sprintf("%s (%s, %d bytes)", a.Name, a.ContentType, a.Bytes))
	}
	v.HeldMessage = hv
	w.render(rw, http.StatusOK, "heldMessageContent", v)
}

// dismiss marks a held message not a referral: kept, never answered.
func (w *Workspace) dismiss(rw http.ResponseWriter, r *http.Request) {
	if !w.checkCSRF(r) {
		w.message(rw, http.StatusForbidden, "Nothing was changed", "The form was out of date. Go back, reload the page and try again.")
		return
	}
	id, _ := who(r)
	if err := w.Held.Dismiss(r.Context(), r.PathValue("key"), actor(id)); err != nil {
		w.fail(rw, r, err)
		return
	}
	http.Redirect(rw, r, w.at("/cases/held?dismissed="+url.QueryEscape(r.PathValue("key"))), http.StatusSeeOther)
}

func (w *Workspace) release(rw http.ResponseWriter, r *http.Request) {
	if !w.checkCSRF(r) {
		w.message(rw, http.StatusForbidden, "Nothing was released", "The form was out of date. Go back, reload the page and try again.")
		return
	}
	id, _ := who(r)
	rep, err := w.Held.Release(r.Context(), r.PathValue("key"), actor(id))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if rep.Outcome == casefile.OutcomeQuarantined { // read, and held again: not the form, or a case it may not change
		http.Redirect(rw, r, w.at("/cases/held?stillheld="+url.QueryEscape(r.PathValue("key"))), http.StatusSeeOther)
		return
	}
	http.Redirect(rw, r, w.at("/cases/held?released="+url.QueryEscape(r.PathValue("key"))), http.StatusSeeOther)
}
