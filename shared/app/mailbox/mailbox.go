// Package mailbox assembles the secure mailbox on the intake (shared/app):
// the inbox, held mail for the Business Unit, and the reading of a whole
// e-mail for intake (an upload, the parse command, a released message).
// Only what takes mail imports it.
package mailbox

import (
	"maps"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/admit"
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/inbox"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mailform"
	"github.com/cspr-intake/cspr-intake/shared/store"
)

// Mailbox is the inbox and its held mail.
type Mailbox struct {
	// Intake is the app's intake that also reads a whole e-mail (an
	// upload, a released message); the app's own is left as it was.
	Intake *intake.Service
	Inbox  *inbox.Service
	// Held is held mail for the Business Unit: the store lists it, the
	// inbox reads, releases and dismisses it.
	Held Held
}

// Held is the mailbox's ledger with the inbox's actions on it.
type Held struct {
	store.Ledger
	*inbox.Service
}

// New builds the mailbox on an app: a copy of its intake that reads whole
// e-mails too, the inbox on that, and held mail.
func New(a *app.App) *Mailbox {
	cfg, ad := a.Config, a.Adapters
	in := *a.Intake
	readers := in.Readers
	if readers == nil {
		readers = intake.DefaultReaders()
	}
	readers = maps.Clone(readers)
	readers[formdoc.Email] = mailform.ReadEmail
	in.Readers = readers
	box := &inbox.Service{
		Intake: &in, Store: ad.Store, Blobs: ad.Blobs, Mail: ad.Mail, Rules: cfg.Rules(),
		Partnership: cfg.Partnership, Mailbox: cfg.Mailbox, Prefix: cfg.ReferencePrefix, SecureDomains: cfg.SecureDomains,
		BusinessUnit: cfg.Addresses([]string{deadlines.BusinessUnit}), Location: config.London, Now: ad.Now, Log: ad.Log,
		Acks: admit.NewRate(inbox.AckRate, time.Hour),
	}
	return &Mailbox{Intake: &in, Inbox: box, Held: Held{Ledger: ad.Store, Service: box}}
}
