package reminder

import (
	"log/slog"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// New builds the reminders from the partnership's settings, for the
// reminder function and the local runner alike. now nil is the time.
func New(cfg config.Config, cal *workdays.Calendar, st Store, m mail.Sender, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{
		Store: st, Mail: m, Calendar: cal, Rules: cfg.Rules(), Addresses: cfg.Addresses,
		From: cfg.Mailbox, Partnership: cfg.Partnership, BaseURL: cfg.BaseURL, Now: now, Log: log,
	}
}
