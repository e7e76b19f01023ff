package smtpd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
)

// fakeInbox records deliveries; fail makes it refuse them.
type fakeInbox struct {
	mu   sync.Mutex
	got  [][]byte
	fail bool
}

func (f *fakeInbox) Receive(_ context.Context, d inbox.Delivery) (inbox.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return inbox.Report{}, errors.New("store down")
	}
	f.got = append(f.got, d.Data)
	return inbox.Report{Key: "k"}, nil
}

func TestServer(t *testing.T) {
	in := &fakeInbox{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inputs := admit.New(1 << 20)
	s := &Server{Mailbox: "DSP@darlington.gov.uk", Inbox: in, MaxBytes: 1 << 20, Inputs: inputs, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	addr := ln.Addr().String()
	msg := []byte("From: sam@darlington.gov.uk\r\nSubject: Referral\r\n\r\nForm attached.\r\n")

	if err := smtp.SendMail(addr, nil, "sam@darlington.gov.uk", []string{"dsp@DARLINGTON.gov.uk"}, msg); err != nil {
		t.Fatalf("mail for the mailbox (any case): %v", err)
	}
	in.mu.Lock()
	if len(in.got) != 1 || !strings.Contains(string(in.got[0]), "Form attached.") {
		t.Errorf("delivered %d messages", len(in.got))
	}
	in.mu.Unlock()
	if err := smtp.SendMail(addr, nil, "sam@darlington.gov.uk", []string{"someone@darlington.gov.uk"}, msg); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("mail for another address: %v, want 550", err)
	}
	big := append([]byte("Subject: big\r\n\r\n"), make([]byte, 2<<20)...)
	if err := smtp.SendMail(addr, nil, "sam@darlington.gov.uk", []string{"DSP@darlington.gov.uk"}, big); err == nil {
		t.Error("a message over the limit was taken")
	}
	// Too much being read at once (the web's share of the budget taken):
	// 451, and the sender retries.
	inputs.Take(1 << 20)
	if err := smtp.SendMail(addr, nil, "sam@darlington.gov.uk", []string{"DSP@darlington.gov.uk"}, msg); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("while busy: %v, want 451", err)
	}
	inputs.Release(1 << 20)
	if err := smtp.SendMail(addr, nil, "sam@darlington.gov.uk", []string{"DSP@darlington.gov.uk"}, msg); err != nil {
		t.Errorf("once the budget is free: %v", err)
	}
	in.mu.Lock()
	in.fail = true
	in.mu.Unlock()
	if err := smtp.SendMail(addr, nil, "sam@darlington.gov.uk", []string{"DSP@darlington.gov.uk"}, msg); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("when the inbox cannot keep it: %v, want 451 so the sender retries", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
