// Package smtpd is the local stand-in for SES's inbound mail: a real SMTP
// server (emersion/go-smtp) that accepts mail for the partnership's
// mailbox only and hands each message, whole and as received, to the
// inbox. A message the inbox cannot take now (storage failing) is refused
// with a temporary error (451), so the sending server tries again later;
// nothing is accepted and then lost.
package smtpd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
)

// Receiver takes a message: the inbox.
type Receiver interface {
	Receive(ctx context.Context, d inbox.Delivery) (inbox.Report, error)
}

// Server is the SMTP inbox.
type Server struct {
	Mailbox  string // the only recipient accepted
	Inbox    Receiver
	MaxBytes int64         // the largest message accepted
	Inputs   *admit.Budget // bytes of messages read at once, shared with the web; nil for no bound
	Log      *slog.Logger
	Now      func() time.Time

	once sync.Once
	srv  *smtp.Server
}

func (s *Server) server() *smtp.Server {
	s.once.Do(func() {
		srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
		srv.Domain = "localhost"
		srv.MaxMessageBytes = s.MaxBytes
		srv.MaxRecipients = 50
		srv.ReadTimeout = 2 * time.Minute
		srv.WriteTimeout = 2 * time.Minute
		srv.ErrorLog = slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn)
		s.srv = srv
	})
	return s.srv
}

// Serve accepts mail on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.server().Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for sessions under way.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.server().Shutdown(ctx)
}

type session struct {
	s    *Server
	from string
	size int64 // as the client declared it (SIZE), 0 if not
	to   bool  // the mailbox is a recipient
}

func (ss *session) Reset()        { ss.from, ss.to, ss.size = "", false, 0 }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, opts *smtp.MailOptions) error {
	ss.from = from
	if opts != nil {
		ss.size = opts.Size
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.EqualFold(strings.TrimSpace(to), ss.s.Mailbox) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here: send referrals to " + ss.s.Mailbox}
	}
	ss.to = true
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, held, err := ss.s.Inputs.Read(r, ss.size)
	defer ss.s.Inputs.Release(held)
	if errors.Is(err, admit.ErrBusy) {
		_, _ = io.Copy(io.Discard, r) // the rest of the message, so the session goes on
		ss.s.Log.Warn("too much mail being read at once: the sender will retry")
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Too much mail at once; try again later"}
	}
	if err != nil {
		return err // too large, or the connection broke: go-smtp answers
	}
	if !ss.to {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "No valid recipients"}
	}
	now := time.Now
	if ss.s.Now != nil {
		now = ss.s.Now
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := ss.s.Inbox.Receive(ctx, inbox.Delivery{Data: data, ReceivedAt: now()})
	if err != nil {
		ss.s.Log.Warn("message not taken; the sender will retry", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	ss.s.Log.Info("message received", "message", rep.Key, "outcome", rep.Outcome, "refs", strings.Join(rep.Refs, ","))
	return nil
}
