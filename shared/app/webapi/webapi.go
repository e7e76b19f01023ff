// Package webapi assembles the JSON API and its held-mail endpoints on the
// app (shared/app) and its mailbox, once, for its Lambda function and the
// local runner alike (see shared/app/webform).
package webapi

import (
	"github.com/cspr-intake/cspr-intake/shared/app"
	"github.com/cspr-intake/cspr-intake/shared/app/mailbox"
	"github.com/cspr-intake/cspr-intake/shared/web/api"
)

// New is the API: h gives its MaxBody, Inputs and Authenticate. Uploads
// may be whole e-mails.
func New(a *app.App, m *mailbox.Mailbox, h api.Handler) *api.Handler {
	ad := a.Adapters
	h.Intake, h.Messages, h.Files, h.Now, h.Log = m.Intake, m.Held, ad.Store, ad.Now, ad.Log
	h.RuleTitle = a.Config.Rules().TaskTitle
	return api.New(h)
}
