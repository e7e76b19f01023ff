// Package webworkspace assembles the signed-in workspace on the app
// (shared/app) and its mailbox, once, for its Lambda function and the
// local runner alike (see shared/app/webform).
package webworkspace

import (
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/app/mailbox"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/web/workspace"
)

// New is the workspace: w gives its OIDC provider, BasePath, DeadLetters
// and ProviderLogout.
func New(a *app.App, m *mailbox.Mailbox, w workspace.Workspace) *workspace.Workspace {
	cfg, ad := a.Config, a.Adapters
	w.Cases, w.Raw, w.Events, w.Held, w.Sessions = ad.Store, a.Blobs, m.Intake, m.Held, ad.Store
	w.Mail, w.Now, w.Log = ad.Mail, ad.Now, ad.Log
	w.Partnership, w.Mailbox, w.CaseURL, w.Rules, w.Calendar = cfg.Partnership, cfg.Mailbox, cfg.CaseURL, cfg.Rules(), a.Calendar
	w.Partners = cfg.Addresses([]string{deadlines.SSP})
	return workspace.NewWorkspace(w)
}
