package workspace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

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
	RoleBusinessUnit = "business-unit"
	RoleChair        = "chair"
	RoleSSP          = "ssp"
	RoleLDChair      = "ld-chair"
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
