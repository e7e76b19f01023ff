package workspace

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/web"
)

// Identity is who is signed in to the workspace.
type Identity struct {
	Subject string `json:"sub"`   // the provider's id of the person
	Name    string `json:"name"`  // for pages and the timeline
	Email   string `json:"email"` //
	Role    string `json:"role"`  // business-unit, ssp, chair, ld-chair
}

// Workspace roles, strongest first: a person in several groups gets the
// first.
const (
	RoleBusinessUnit = deadlines.BusinessUnit
	RoleChair        = deadlines.Chair
	RoleSSP          = deadlines.SSP
	RoleLDChair      = deadlines.LDChair
)

var roleOrder = []string{RoleBusinessUnit, RoleChair, RoleSSP, RoleLDChair}

// roleOf picks the workspace role from a person's groups; "" for none.
func roleOf(groups []string) string {
	for _, r := range roleOrder {
		if slices.Contains(groups, r) {
			return r
		}
	}
	return ""
}

// Session limits: 30 minutes idle, 8 hours at most; sign-in links and
// provider round trips are short-lived.
const (
	sessionIdle   = 30 * time.Minute
	sessionMax    = 8 * time.Hour
	linkLife      = 15 * time.Minute
	roundTripLife = 10 * time.Minute
	sessionCookie = "cspr_ws"
	stateCookie   = "cspr_ws_state"
)

// session is a signed-in person's server-side record; the cookie holds
// only a random token, the store its hash.
type wsSession struct {
	Identity Identity  `json:"identity"`
	Started  time.Time `json:"started"`
	token    string
}

// keep is the key of a workspace record in the drafts store (the same
// short-lived records, with the same expiry): a kind and a token's hash.
func keep(kind, token string) string {
	sum := sha256.Sum256([]byte(token))
	return "ws-" + kind + "-" + hex.EncodeToString(sum[:])
}

func putJSON(ctx context.Context, d Sessions, key string, v any, until time.Time) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return d.PutDraft(ctx, store.Draft{Key: key, Body: body, ExpiresAt: until})
}

func getJSON(ctx context.Context, d Sessions, key string, now time.Time, v any) (bool, error) {
	rec, err := d.GetDraft(ctx, key, now)
	if errs.Code(err) == errs.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return json.Unmarshal(rec.Body, v) == nil, nil
}

// IssueLink makes a one-time sign-in link for role, valid 15 minutes:
// the local runner logs one at start-up (there is no identity provider
// on a developer's machine, and no password is kept anywhere). It returns
// the link's path, "/signin?token=…", for the caller to put after the
// address people reach the workspace at.
func (w *Workspace) IssueLink(ctx context.Context, role, name string) (string, error) {
	if !slices.Contains(roleOrder, role) {
		return "", errs.E(errs.Invalid, "%q is not a workspace role", role)
	}
	token, err := web.RandomToken()
	if err != nil {
		return "", err
	}
	id := Identity{Subject: "local-" + role, Name: name, Role: role}
	if err := putJSON(ctx, w.Sessions, keep("link", token), id, w.Now().Add(linkLife)); err != nil {
		return "", fmt.Errorf("web: keep sign-in link: %w", err)
	}
	return w.at("/signin?token=" + token), nil
}

// OIDC signs people in with an OpenID Connect provider: authorization
// code with PKCE, the ID token verified against the issuer's keys
// (go-oidc), the role read from the groups claim.
//
// The provider is discovered, and its app client read, at the first
// sign-in, not at start: an officer already signed in never waits on it
// (a cold start in AWS would spend tens of milliseconds on each), and a
// provider that cannot be reached stops only sign-ins, which try it again.
type OIDC struct {
	issuer, redirect, groups string
	client                   func(context.Context) (OIDCClient, error)
	now                      func() time.Time

	mu    sync.Mutex
	ready *oidcReady // nil until discovered
}

// OIDCClient is the workspace's app client at the provider.
type OIDCClient struct{ ID, Secret string }

type oidcReady struct {
	verifier *oidc.IDTokenVerifier
	config   oauth2.Config
}

// NewOIDC is the sign-in with the issuer; client reads the workspace's app
// client when it is first needed. redirect is the workspace's
// /signin/callback address as the provider knows it; "" takes it from
// each request's host (https), which the provider checks against the
// addresses it was given, so a forged Host only fails the sign-in.
func NewOIDC(issuer string, client func(context.Context) (OIDCClient, error), redirect, groupsClaim string) *OIDC {
	return &OIDC{issuer: issuer, client: client, redirect: redirect, groups: groupsClaim}
}

// connect is the provider, discovered the first time it is asked for.
func (o *OIDC) connect(ctx context.Context) (*oidcReady, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ready != nil {
		return o.ready, nil
	}
	client, err := o.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: sign-in client: %w", err)
	}
	if client.ID == "" {
		return nil, errors.New("web: sign-in client has no id")
	}
	p, err := oidc.NewProvider(ctx, o.issuer)
	if err != nil {
		return nil, fmt.Errorf("web: sign-in provider %s: %w", o.issuer, err)
	}
	var doc struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := p.Claims(&doc); err != nil || doc.JWKS == "" {
		return nil, fmt.Errorf("web: sign-in provider %s names no keys (jwks_uri): %v", o.issuer, err)
	}
	// The keys are fetched again as they rotate, beyond this request.
	keys := oidc.NewRemoteKeySet(context.WithoutCancel(ctx), doc.JWKS)
	o.ready = o.parts(keys, p.Endpoint(), client)
	return o.ready, nil
}

// newOIDC is the provider from its parts, ready: the issuer the tokens
// must name, its keys, its endpoints; now is the clock tokens are checked
// against (nil: the time).
func newOIDC(issuer string, keys oidc.KeySet, endpoint oauth2.Endpoint, clientID, secret, redirect, groupsClaim string, now func() time.Time) *OIDC {
	o := &OIDC{issuer: issuer, redirect: redirect, groups: groupsClaim, now: now}
	o.ready = o.parts(keys, endpoint, OIDCClient{ID: clientID, Secret: secret})
	return o
}

func (o *OIDC) parts(keys oidc.KeySet, endpoint oauth2.Endpoint, client OIDCClient) *oidcReady {
	scopes := []string{oidc.ScopeOpenID, "email", "profile"}
	if o.groups == "groups" {
		scopes = append(scopes, "groups") // providers that send groups only when asked
	}
	return &oidcReady{
		verifier: oidc.NewVerifier(o.issuer, keys, &oidc.Config{ClientID: client.ID, Now: o.now}),
		config:   oauth2.Config{ClientID: client.ID, ClientSecret: client.Secret, Endpoint: endpoint, RedirectURL: o.redirect, Scopes: scopes},
	}
}

// Verify checks a raw ID token — signature by the issuer's keys, issuer,
// audience, expiry, and nonce — and reads the person from it. Any failure
// is errs.Invalid with a message safe to show.
func (o *OIDC) Verify(ctx context.Context, raw, nonce string) (Identity, error) {
	ready, err := o.connect(ctx)
	if err != nil {
		return Identity{}, errs.Wrap(errs.Busy, err, "The sign-in service cannot be reached")
	}
	tok, err := ready.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, errs.Wrap(errs.Invalid, err, "The sign-in could not be checked")
	}
	if tok.Nonce != nonce {
		return Identity{}, errs.E(errs.Invalid, "The sign-in could not be checked")
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return Identity{}, errs.Wrap(errs.Invalid, err, "The sign-in could not be checked")
	}
	var groups []string
	switch g := claims[o.groups].(type) {
	case []any:
		for _, v := range g {
			if s, ok := v.(string); ok {
				groups = append(groups, s)
			}
		}
	case string:
		groups = []string{g}
	}
	str := func(k string) string { s, _ := claims[k].(string); return s }
	name := str("name")
	if name == "" {
		name = str("email")
	}
	return Identity{Subject: tok.Subject, Name: name, Email: str("email"), Role: roleOf(groups)}, nil
}

// oauth is the client's configuration for one request.
func (w *Workspace) oauth(r *http.Request) (*oauth2.Config, error) {
	ready, err := w.OIDC.connect(r.Context())
	if err != nil {
		return nil, err
	}
	c := ready.config
	if c.RedirectURL == "" {
		c.RedirectURL = "https://" + r.Host + w.at("/signin/callback")
	}
	return &c, nil
}

// roundTrip is what the workspace keeps while the browser is at the
// provider: the PKCE verifier, the nonce and where to go back to.
type roundTrip struct {
	Verifier string `json:"verifier"`
	Nonce    string `json:"nonce"`
	Next     string `json:"next"`
}

func (w *Workspace) session(r *http.Request) (wsSession, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) < 20 || len(c.Value) > 100 {
		return wsSession{}, false, nil
	}
	var s wsSession
	ok, err := getJSON(r.Context(), w.Sessions, keep("session", c.Value), w.Now(), &s)
	if !ok || err != nil || w.Now().After(s.Started.Add(sessionMax)) {
		return wsSession{}, false, err
	}
	s.token = c.Value
	return s, true, nil
}

func (w *Workspace) keepSession(ctx context.Context, s wsSession) error {
	until := w.Now().Add(sessionIdle)
	if end := s.Started.Add(sessionMax); end.Before(until) {
		until = end
	}
	return putJSON(ctx, w.Sessions, keep("session", s.token), s, until)
}

// startSession signs a person in: a new token, its record, the cookie.
func (w *Workspace) startSession(rw http.ResponseWriter, r *http.Request, id Identity, next string) {
	token, err := web.RandomToken()
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	s := wsSession{Identity: id, Started: w.Now(), token: token}
	if err := w.keepSession(r.Context(), s); err != nil {
		w.fail(rw, r, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: token, Path: w.at("/"), HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	w.Log.Info("signed in", "subject", id.Subject, "role", id.Role)
	http.Redirect(rw, r, w.at(safeNext(next)), http.StatusSeeOther)
}

// safeNext keeps a return address on this site: a path, never another
// host ("//evil.example", "https://…", "/\evil.example").
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/cases"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/cases"
	}
	return next
}

// signIn takes a one-time link's token, or sends the browser to the
// identity provider.
func (w *Workspace) signIn(rw http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if token := r.URL.Query().Get("token"); token != "" {
		var id Identity
		ok, err := getJSON(r.Context(), w.Sessions, keep("link", token), w.Now(), &id)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		if !ok {
			w.message(rw, http.StatusUnauthorized, "This sign-in link cannot be used", "Sign-in links work once, for 15 minutes. Restart the local runner for a new one.")
			return
		}
		if err := w.Sessions.DeleteDraft(r.Context(), keep("link", token)); err != nil {
			w.fail(rw, r, err)
			return
		}
		w.startSession(rw, r, id, next)
		return
	}
	if w.OIDC == nil {
		w.message(rw, http.StatusUnauthorized, "Sign in", "Use the sign-in link the local runner wrote to its log when it started (the signinURL of its first lines).")
		return
	}
	oauth, err := w.oauth(r)
	if err != nil {
		w.signInUnavailable(rw, err)
		return
	}
	state, err1 := web.RandomToken()
	nonce, err2 := web.RandomToken()
	if err1 != nil || err2 != nil {
		w.fail(rw, r, fmt.Errorf("web: random: %v %v", err1, err2))
		return
	}
	rt := roundTrip{Verifier: oauth2.GenerateVerifier(), Nonce: nonce, Next: safeNext(next)}
	if err := putJSON(r.Context(), w.Sessions, keep("oidc", state), rt, w.Now().Add(roundTripLife)); err != nil {
		w.fail(rw, r, err)
		return
	}
	// The state is tied to this browser too: a callback carrying someone
	// else's state finds no cookie to match.
	http.SetCookie(rw, &http.Cookie{Name: stateCookie, Value: state, Path: w.at("/signin"), MaxAge: int(roundTripLife / time.Second),
		HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(rw, r, oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(rt.Verifier)), http.StatusFound)
}

// callback finishes a provider sign-in: state, code exchange with the
// PKCE verifier, ID token verified, a role required.
func (w *Workspace) callback(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := r.Cookie(stateCookie)
	if w.OIDC == nil || err != nil || q.Get("state") == "" || !hmac.Equal([]byte(c.Value), []byte(q.Get("state"))) {
		w.message(rw, http.StatusBadRequest, "The sign-in did not work", "It may have taken too long, or started in another browser. Try again.")
		return
	}
	var rt roundTrip
	ok, err := getJSON(r.Context(), w.Sessions, keep("oidc", c.Value), w.Now(), &rt)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	_ = w.Sessions.DeleteDraft(r.Context(), keep("oidc", c.Value)) // one use
	http.SetCookie(rw, &http.Cookie{Name: stateCookie, Value: "", Path: w.at("/signin"), MaxAge: -1, HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	if !ok || q.Get("code") == "" {
		w.message(rw, http.StatusBadRequest, "The sign-in did not work", "It may have taken too long, or started in another browser. Try again.")
		return
	}
	oauth, err := w.oauth(r)
	if err != nil {
		w.signInUnavailable(rw, err)
		return
	}
	tok, err := oauth.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(rt.Verifier))
	if err != nil {
		w.Log.Warn("sign-in code exchange failed", "err", err)
		w.message(rw, http.StatusBadGateway, "The sign-in did not work", "The sign-in service did not confirm who you are. Try again.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := w.OIDC.Verify(r.Context(), raw, rt.Nonce)
	if err != nil {
		w.Log.Warn("ID token refused", "err", err)
		w.message(rw, http.StatusUnauthorized, "The sign-in did not work", errs.Message(err)+". Try again.")
		return
	}
	if id.Role == "" {
		w.Log.Warn("signed in without a workspace role", "subject", id.Subject)
		w.message(rw, http.StatusForbidden, "You cannot use the workspace", "Your account is not in a workspace group (business-unit, ssp, chair, ld-chair). Ask the Business Unit.")
		return
	}
	w.startSession(rw, r, id, rt.Next)
}

// signInUnavailable answers a sign-in when the provider cannot be
// reached or its client read; the next sign-in tries again.
func (w *Workspace) signInUnavailable(rw http.ResponseWriter, err error) {
	w.Log.Error("sign-in provider unavailable", "err", err)
	w.message(rw, http.StatusServiceUnavailable, "Sign-in is not available just now", "The sign-in service cannot be reached. Try again in a few minutes; if it goes on, tell the Business Unit.")
}

func (w *Workspace) signOut(rw http.ResponseWriter, r *http.Request) {
	s, ok, _ := w.session(r)
	if ok && (r.ParseForm() != nil || !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(wsCSRF(s.token)))) {
		w.message(rw, http.StatusForbidden, "You are still signed in", "The sign-out form was out of date. Go back and try again.")
		return
	}
	if ok {
		_ = w.Sessions.DeleteDraft(r.Context(), keep("session", s.token))
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: w.at("/"), MaxAge: -1, HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	if ok && w.OIDC != nil && w.ProviderLogout != "" {
		if to, err := w.providerLogout(r); err == nil {
			http.Redirect(rw, r, to, http.StatusSeeOther)
			return
		} else {
			w.Log.Warn("provider sign-out not reached", "err", err)
		}
	}
	w.signedOut(rw, r)
}

// providerLogout is where the browser ends the provider's session: its
// logout endpoint, with the app client and the page to come back to
// (registered with the provider as a sign-out address).
func (w *Workspace) providerLogout(r *http.Request) (string, error) {
	oauth, err := w.oauth(r)
	if err != nil {
		return "", err
	}
	back := strings.TrimSuffix(oauth.RedirectURL, "/signin/callback") + "/signout/done"
	q := url.Values{"client_id": {oauth.ClientID}, "logout_uri": {back}}
	return w.ProviderLogout + "?" + q.Encode(), nil
}

// signedOut is where sign-out ends.
func (w *Workspace) signedOut(rw http.ResponseWriter, r *http.Request) {
	w.message(rw, http.StatusOK, "You are signed out", "Close the browser if others use this computer.")
}

// wsCSRF is the token every workspace form carries: an HMAC of the
// session's token.
func wsCSRF(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("workspace-csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (w *Workspace) checkCSRF(r *http.Request) bool {
	_, token := who(r)
	return r.ParseForm() == nil && hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(wsCSRF(token)))
}
