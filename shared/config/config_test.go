package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	c := Default()
	if c.ReferencePrefix != "DSP" || c.Mailbox != "DSP@darlington.gov.uk" {
		t.Errorf("default = %+v", c)
	}
	if n := reflect.TypeOf(Config{}).NumField() - 1; len(Settings) != n { // dir is not a setting
		t.Errorf("Settings documents %d settings; keep it in step with Config", len(Settings))
	}
}

func TestParse(t *testing.T) {
	c, err := Parse([]byte(`{"partnership": "North East Lincolnshire Safeguarding Children Partnership", "referencePrefix": "NEL"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ReferencePrefix != "NEL" || c.Mailbox != "DSP@darlington.gov.uk" {
		t.Errorf("overlay = %+v", c)
	}
	for in, want := range map[string]string{
		`{"referencePrefix": "dsp"}`:                                    "referencePrefix",
		`{"mailbox": "not an address"}`:                                 "mailbox",
		`{"baseURL": "ftp://x"}`:                                        "baseURL",
		`{"secureDomains": ["gov uk"]}`:                                 "secureDomains",
		`{"secureDomains": []}`:                                         "secureDomains",
		`{"maxInputBytes": 1}`:                                          "maxInputBytes",
		`{"refrencePrefix": "DSP"}`:                                     "unknown field",
		`{"partnership": " "}`:                                          "partnership",
		`{"partnership": 3}`:                                            "cannot unmarshal",
		`{"signIn": {"localRole": "mayor"}}`:                            "signIn.localRole",
		`{"signIn": {"issuer": "http://idp.example", "clientId": "x"}}`: "signIn.issuer",
		`{"signIn": {"issuer": "https://idp.example"}}`:                 "signIn.clientId",
	} {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error naming %s", in, err, want)
		}
	}
}

func TestAddresses(t *testing.T) {
	c, err := Parse([]byte(`{"roles": {"ssp": ["la@example.gov.uk", "police@example.pnn.police.uk"], "chair": ["chair@example.gov.uk", "LA@example.gov.uk"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.Addresses([]string{"ssp", "chair", "business-unit"}), ",")
	if want := "la@example.gov.uk,police@example.pnn.police.uk,chair@example.gov.uk,DSP@darlington.gov.uk"; got != want {
		t.Errorf("Addresses = %s, want %s", got, want)
	}
	cal, err := c.Calendar(nil)
	if err != nil || cal == nil {
		t.Fatal(err)
	}
	if c.Rules().Name != "darlington" {
		t.Errorf("Rules = %s", c.Rules().Name)
	}
}

func TestDeployment(t *testing.T) {
	good := map[string]string{"CSPR_BASE_URL": "https://refer.darlington.gov.uk", "CSPR_ROLE_BUSINESS_UNIT": "bu@darlington.gov.uk",
		"CSPR_ROLE_SSP": "la@darlington.gov.uk, police@durham.police.uk, icb@nhs.net", "CSPR_ROLE_LOCAL_AUTHORITY": "la@darlington.gov.uk",
		"CSPR_ROLE_CHAIR": "chair@darlington.gov.uk", "CSPR_ROLE_LD_CHAIR": "ld@darlington.gov.uk", "CSPR_MAILBOX": "dsp@referrals.darlington.gov.uk"}
	get := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Default().Deployment(get(good))
	if err != nil || c.BaseURL != "https://refer.darlington.gov.uk" || len(c.Roles["ssp"]) != 3 || c.Mailbox != "dsp@referrals.darlington.gov.uk" {
		t.Fatalf("a good deployment: %+v %v", c, err)
	}
	for name, change := range map[string]func(m map[string]string){
		"local links":             func(m map[string]string) { m["CSPR_BASE_URL"] = "" },
		"plain http":              func(m map[string]string) { m["CSPR_BASE_URL"] = "http://refer.darlington.gov.uk" },
		"a role to the mailbox":   func(m map[string]string) { m["CSPR_ROLE_CHAIR"] = "DSP@referrals.darlington.gov.uk" },
		"a role with no address":  func(m map[string]string) { m["CSPR_ROLE_LD_CHAIR"] = "" },
		"an address that is none": func(m map[string]string) { m["CSPR_ROLE_SSP"] = "not an address" },
	} {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		change(m)
		if _, err := Default().Deployment(get(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
