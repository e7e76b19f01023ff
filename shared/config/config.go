// Package config is one partnership's settings, read once at start-up into
// a typed struct with defaults and validated with clear messages. The
// embedded default is Darlington's, so the local runner needs no file.
//
// AWS resource names are not here: each function reads them from the
// environment template.yaml sets, in its own main.
package config

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	_ "time/tzdata" // Europe/London must not depend on the host's zoneinfo

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

//go:embed darlington.json
var defaultJSON []byte

// Config is one partnership's settings. Every field has a default.
type Config struct {
	// Partnership is the name shown on pages and e-mails.
	Partnership string `json:"partnership"`
	// ReferencePrefix starts every case reference: DSP gives DSP-2026-0001.
	ReferencePrefix string `json:"referencePrefix"`
	// Mailbox is the secure address referrals are sent to.
	Mailbox string `json:"mailbox"`
	// BaseURL is the public address of the web form and case pages, for
	// links in e-mails.
	BaseURL string `json:"baseURL"`
	// MaxInputBytes is the largest raw input (an e-mail with attachments,
	// an upload) accepted. SES's own limit is 40 MiB.
	MaxInputBytes int64 `json:"maxInputBytes"`
	// RuleSet names the statutory deadlines followed: darlington or nel.
	RuleSet string `json:"ruleSet"`
	// Roles gives each role's e-mail addresses for reminders: business-unit,
	// ssp, local-authority, chair, ld-chair. A role left out is sent to
	// the mailbox, so nothing goes unheard before the roles are set.
	Roles map[string][]string `json:"roles"`
	// ClosureDays are extra days the partnership does not work (ISO dates).
	ClosureDays []string `json:"closureDays"`
	// BankHolidaysFile is a newer gov.uk bank-holidays.json to use instead
	// of the embedded table; relative to the settings file.
	BankHolidaysFile string `json:"bankHolidaysFile"`
	// SecureDomains are the sender domains whose mail is read: each with
	// its subdomains ("gov.uk" takes darlington.gov.uk). Mail from any other
	// domain is held for the Business Unit.
	SecureDomains []string `json:"secureDomains"`
	// SignIn says how the partnership's workspace signs people in: with
	// an OpenID Connect provider (Cognito in AWS, or the council's Entra
	// ID) when Issuer is set, else (locally) a one-time link logged at
	// start-up for LocalRole.
	SignIn SignIn `json:"signIn"`

	dir string // folder of the settings file, for relative paths
}

// SignIn is the workspace's sign-in settings.
type SignIn struct {
	Issuer       string `json:"issuer"`       // the OIDC issuer URL; "" for local links
	ClientID     string `json:"clientId"`     // the workspace's client at the issuer
	ClientSecret string `json:"clientSecret"` // its secret (in AWS from the environment, not a file)
	GroupsClaim  string `json:"groupsClaim"`  // the ID token claim listing the user's groups = roles
	LocalRole    string `json:"localRole"`    // the role of the local sign-in link
}

// WorkspaceRoles are the roles that may sign in to the workspace.
var WorkspaceRoles = []string{deadlines.BusinessUnit, deadlines.SSP, deadlines.Chair, deadlines.LDChair}

// Settings documents each setting for -help and the README.
var Settings = []struct{ Name, Default, Description string }{
	{"partnership", "Darlington Safeguarding Partnership", "the partnership's name, shown on pages and e-mails"},
	{"referencePrefix", "DSP", "2 to 8 capital letters that start every case reference (DSP-2026-0001)"},
	{"mailbox", "DSP@darlington.gov.uk", "the secure mailbox referrals are sent to"},
	{"baseURL", "http://127.0.0.1:8080", "public address of the web pages, for links in e-mails"},
	{"maxInputBytes", "41943040 (40 MiB)", "largest raw input accepted, from 1 KiB to 100 MiB"},
	{"ruleSet", "darlington", "statutory deadlines followed: darlington or nel"},
	{"roles", "every role to the mailbox", "e-mail addresses per role: business-unit, ssp, local-authority, chair, ld-chair"},
	{"closureDays", "none", "extra non-working days, as ISO dates (2026-12-29)"},
	{"bankHolidaysFile", "the embedded gov.uk table", "a newer gov.uk bank-holidays.json, relative to the settings file"},
	{"secureDomains", "gov.uk, nhs.net, nhs.uk, police.uk, cjsm.net, sch.uk", "sender domains (with their subdomains) whose mail is read; other mail is held for the Business Unit"},
	{"signIn", "local one-time links, role business-unit", "workspace sign-in: issuer, clientId, clientSecret of an OpenID Connect provider (Cognito, Entra ID); groupsClaim, the ID token claim of the user's groups = roles (cognito:groups); localRole, the role of the local link"},
}

// London is the partnership's time zone: working days and deadlines are
// days in England. One zone, loaded once (workdays'); never a fallback.
var London = workdays.London

// Default returns Darlington's settings.
func Default() Config {
	c, err := Parse(nil)
	if err != nil {
		panic(err) // the embedded default is checked by tests
	}
	return c
}

// Load reads settings from a JSON file over the defaults; "" means the
// defaults alone.
func Load(path string) (Config, error) {
	if path == "" {
		return Parse(nil)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	c.dir = filepath.Dir(path)
	return c, nil
}

// Parse reads settings from JSON over the defaults and validates them.
// Unknown settings are an error, so a misspelt one is not silently ignored.
func Parse(data []byte) (Config, error) {
	var c Config
	if err := json.Unmarshal(defaultJSON, &c); err != nil {
		return Config{}, err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return Config{}, fmt.Errorf("reading settings: %w", err)
		}
	}
	return c, c.Validate()
}

var knownRoles = map[string]bool{
	deadlines.BusinessUnit: true, deadlines.SSP: true, deadlines.LocalAuthority: true,
	deadlines.Chair: true, deadlines.LDChair: true,
}

// Addresses returns the addresses of roles, each once; a role without
// addresses goes to the mailbox. Referrer is not a configured role: its
// address is on the case.
func (c Config) Addresses(roles []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, role := range roles {
		addrs := c.Roles[role]
		if len(addrs) == 0 && role != deadlines.Referrer {
			addrs = []string{c.Mailbox}
		}
		for _, a := range addrs {
			if k := strings.ToLower(a); !seen[k] {
				seen[k] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// Deployment overlays the settings a deployment gives as its own
// parameters (template.yaml passes them to every function) and checks what
// a deployment must never run with: links to this machine, or reminders
// sent to the mailbox they would come back into. get reads the
// environment: CSPR_MAILBOX, CSPR_BASE_URL and CSPR_ROLE_<ROLE> (comma
// lists: CSPR_ROLE_BUSINESS_UNIT, _SSP, _LOCAL_AUTHORITY, _CHAIR,
// _LD_CHAIR); empty ones leave the setting as it is.
func (c Config) Deployment(get func(string) string) (Config, error) {
	if v := strings.TrimSpace(get("CSPR_MAILBOX")); v != "" {
		c.Mailbox = v
	}
	if v := strings.TrimSpace(get("CSPR_BASE_URL")); v != "" {
		c.BaseURL = v
	}
	roles := map[string][]string{}
	for r, addrs := range c.Roles {
		roles[r] = addrs
	}
	for _, role := range []string{deadlines.BusinessUnit, deadlines.SSP, deadlines.LocalAuthority, deadlines.Chair, deadlines.LDChair} {
		v := get("CSPR_ROLE_" + strings.ToUpper(strings.ReplaceAll(role, "-", "_")))
		var addrs []string
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				addrs = append(addrs, a)
			}
		}
		if len(addrs) > 0 {
			roles[role] = addrs
		}
	}
	c.Roles = roles
	if err := c.Validate(); err != nil {
		return c, err
	}
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if u, _ := url.Parse(c.BaseURL); u == nil || u.Scheme != "https" || Loopback(u.Hostname()) {
		bad("baseURL: %q is not the public https address of the form and workspace: set the PublicBaseUrl parameter (or FormDomainName)", c.BaseURL)
	}
	for _, role := range []string{deadlines.BusinessUnit, deadlines.SSP, deadlines.LocalAuthority, deadlines.Chair, deadlines.LDChair} {
		if len(c.Roles[role]) == 0 {
			bad("roles: %s has no address: its reminders would go to the mailbox and come back in as mail (set its parameter)", role)
		}
		for _, a := range c.Roles[role] {
			if strings.EqualFold(a, c.Mailbox) {
				bad("roles: %s is the mailbox %s: its reminders would come back in as mail", role, c.Mailbox)
			}
		}
	}
	return c, errors.Join(problems...)
}

// Loopback reports whether a host name is this machine's.
func Loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// CaseURL is the address of a case's page in the workspace, for links in
// e-mails.
func (c Config) CaseURL(ref string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/cases/" + url.PathEscape(ref)
}

// Rules returns the chosen rule set.
func (c Config) Rules() deadlines.RuleSet {
	rs, _ := deadlines.Lookup(c.RuleSet) // checked by Validate
	return rs
}

// Calendar builds the working-day calendar with the partnership's closure
// days and, if set, its bank holiday file.
func (c Config) Calendar(log *slog.Logger) (*workdays.Calendar, error) {
	opts := workdays.Options{Log: log}
	for _, s := range c.ClosureDays {
		d, err := civil.Parse(s)
		if err != nil {
			return nil, err
		}
		opts.Closures = append(opts.Closures, d)
	}
	if c.BankHolidaysFile != "" {
		path := c.BankHolidaysFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(c.dir, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("bankHolidaysFile: %w", err)
		}
		opts.Table = data
	}
	return workdays.New(opts)
}

var (
	prefixRE = regexp.MustCompile(`^[A-Z]{2,8}$`)
	domainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
)

// Validate checks every setting and names each one that is wrong.
func (c Config) Validate() error {
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(c.Partnership) == "" {
		bad("partnership: give the partnership's name")
	}
	if len(c.SecureDomains) == 0 {
		bad("secureDomains: list at least one sender domain, like gov.uk")
	}
	for _, d := range c.SecureDomains {
		if !domainRE.MatchString(strings.TrimPrefix(strings.ToLower(d), "*.")) {
			bad("secureDomains: %q is not a domain, like gov.uk or *.nhs.net", d)
		}
	}
	if !prefixRE.MatchString(c.ReferencePrefix) {
		bad("referencePrefix: %q must be 2 to 8 capital letters, like DSP", c.ReferencePrefix)
	}
	if a, err := mail.ParseAddress(c.Mailbox); err != nil || a.Name != "" {
		bad("mailbox: %q is not an e-mail address", c.Mailbox)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("baseURL: %q must be an http or https address", c.BaseURL)
	}
	if c.MaxInputBytes < 1<<10 || c.MaxInputBytes > 100<<20 {
		bad("maxInputBytes: %d must be from 1024 to 104857600", c.MaxInputBytes)
	}
	if _, err := deadlines.Lookup(c.RuleSet); err != nil {
		bad("ruleSet: %v", err)
	}
	for role, addrs := range c.Roles {
		if !knownRoles[role] {
			bad("roles: %q is not a role (business-unit, ssp, local-authority, chair, ld-chair)", role)
		}
		for _, a := range addrs {
			if p, err := mail.ParseAddress(a); err != nil || p.Name != "" {
				bad("roles: %s: %q is not an e-mail address", role, a)
			}
		}
	}
	for _, d := range c.ClosureDays {
		if _, err := civil.Parse(d); err != nil {
			bad("closureDays: %q is not a date like 2026-12-29", d)
		}
	}
	if !slices.Contains(WorkspaceRoles, c.SignIn.LocalRole) {
		bad("signIn.localRole: %q is not a workspace role (business-unit, ssp, chair, ld-chair)", c.SignIn.LocalRole)
	}
	if c.SignIn.Issuer != "" {
		if u, err := url.Parse(c.SignIn.Issuer); err != nil || (u.Scheme != "https" && u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
			bad("signIn.issuer: %q must be an https address", c.SignIn.Issuer)
		}
		if c.SignIn.ClientID == "" {
			bad("signIn.clientId: give the workspace's client id at %s", c.SignIn.Issuer)
		}
		if c.SignIn.GroupsClaim == "" {
			bad("signIn.groupsClaim: name the ID token claim with the user's groups")
		}
	}
	return errors.Join(problems...)
}
