// Package app assembles the intake from the partnership's settings and the
// outside systems it runs on — once, for the Lambda functions and the
// local runner alike. The mailbox is assembled on it by shared/app/mailbox
// and the reminders by shared/reminder's own New, so the web form's
// function links no mail reader and the reminder function no reader at all.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mail"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

// Blobs keeps raw inputs and reads them back.
type Blobs interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// Adapters are the outside systems: the store, the raw inputs, mail, the
// reminder schedules (nil: none), the clock (nil: the time) and the log.
// SettleLater: the store's stream settles each stored case
// (intake.Service.SettleLater), as the table's does in AWS.
type Adapters struct {
	Store       store.Store
	Blobs       Blobs
	Mail        mail.Sender
	Scheduler   intake.Scheduler
	SettleLater bool
	Now         func() time.Time
	Log         *slog.Logger
}

// App is the intake's use cases, built on one configuration and one
// working-day calendar.
type App struct {
	Config   config.Config
	Calendar *workdays.Calendar
	Blobs    Blobs
	Intake   *intake.Service
	// Adapters are kept for what is assembled on the app later: the
	// mailbox (shared/app/mailbox).
	Adapters Adapters
}

// New builds the intake on the adapters.
func New(cfg config.Config, cal *workdays.Calendar, ad Adapters) *App {
	now := ad.Now
	if now == nil {
		now = time.Now
	}
	rules := cfg.Rules()
	bu := cfg.Addresses([]string{deadlines.BusinessUnit})
	in := &intake.Service{
		Blobs: ad.Blobs, Store: ad.Store, Prefix: cfg.ReferencePrefix, Location: config.London, MaxBytes: cfg.MaxInputBytes, Log: ad.Log,
		Calendar: cal, Rules: rules, Scheduler: ad.Scheduler, SettleLater: ad.SettleLater, Now: now,
		Notices: ad.Mail, BusinessUnit: bu, LDChair: cfg.Addresses([]string{deadlines.LDChair}),
		Partnership: cfg.Partnership, Mailbox: cfg.Mailbox, CaseURL: cfg.CaseURL,
	}
	ad.Now = now
	return &App{Config: cfg, Calendar: cal, Blobs: ad.Blobs, Intake: in, Adapters: ad}
}
