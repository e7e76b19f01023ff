// Package webform assembles the public web form on the app (shared/app),
// once, for its Lambda function and the local runner alike: the caller
// gives what depends on where it is served; the partnership's settings,
// the adapters and the clock come from the app. (One assembly package per
// web handler, beside shared/app/webapi and shared/app/webworkspace, so
// that each function links only its own pages.)
package webform

import (
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/web/form"
)

// New is the web form: h gives its BasePath and SubmitsPerMinute. It files
// with the app's intake, which reads no e-mail.
func New(a *app.App, h form.Handler) *form.Handler {
	cfg, ad := a.Config, a.Adapters
	h.Intake, h.Drafts, h.Mail, h.Now, h.Log = a.Intake, ad.Store, ad.Mail, ad.Now, ad.Log
	h.Partnership, h.Mailbox, h.SecureDomains = cfg.Partnership, cfg.Mailbox, cfg.SecureDomains
	h.RuleTitle = cfg.Rules().TaskTitle
	return form.New(h)
}
