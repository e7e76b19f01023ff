// Package archtest holds the import graph to the architecture
// (docs/architecture.md): the domain imports nothing else of the project,
// driven adapters only the domain and their ports, use cases only the
// domain, the ports and each other. Functions, the local runner and the
// assembly may import anything.
package archtest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cspr-intake/cspr-intake/"

// layers names every package under shared/ by its layer; a package that is
// in none fails the test, so a new package is placed on purpose.
var layers = map[string][]string{
	"domain": {"errs", "civil", "referral", "casefile", "workdays", "deadlines", "config",
		"formdoc", "mailparse", "mailform", "admit", "symbolfont"}, // pure: no I/O, no adapter
	"port":     {"store", "mail", "schedule", "blob", "deadletter"},
	"adapter":  {"store/bolt", "store/dynamo", "store/storetest", "blob/dir", "blob/s3blob", "mail/ses", "mail/outbox", "schedule/eventbridge", "schedule/local", "deadletter/sqs", "secret"},
	"usecase":  {"intake", "inbox", "reminder"},
	"assembly": {"app", "app/mailbox", "app/webform", "app/webapi", "app/webworkspace"},
	"driver":   {"web", "web/form", "web/api", "web/workspace", "sesmail", "smtpd", "apigw", "tablestream"}, // what calls the use cases: pages, API, mail
	"test":     {"testenv", "web/webtest"},
}

// may says which layers a layer may import.
var may = map[string][]string{
	"domain":  {"domain"},
	"port":    {"domain"},
	"adapter": {"domain", "port", "test"},
	"usecase": {"domain", "port", "usecase"},
}

func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"shared/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	layerOf := map[string]string{}
	for layer, pkgs := range layers {
		for _, p := range pkgs {
			layerOf[module+"shared/"+p] = layer
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		layer, ok := layerOf[pkg]
		if !ok {
			t.Errorf("%s is in no layer: add it to layers, where it belongs", strings.TrimPrefix(pkg, module))
			continue
		}
		allowed, checked := may[layer]
		if !checked {
			continue
		}
		for _, imp := range imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if l := layerOf[imp]; !slices.Contains(allowed, l) {
				t.Errorf("%s (%s) imports %s (%s)", strings.TrimPrefix(pkg, module), layer, strings.TrimPrefix(imp, module), l)
			}
		}
	}
}
