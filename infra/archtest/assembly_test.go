package archtest

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestOneAssembly: the web handlers are built in shared/app's assembly
// packages only (app/webform, app/webapi, app/webworkspace), never again
// in a function's wiring or the local runner, so a setting reaches every
// place a handler runs. Tests may build their own.
func TestOneAssembly(t *testing.T) {
	builders := map[string]string{ // package → its constructor
		module + "shared/web/form":      "form.New(",
		module + "shared/web/api":       "api.New(",
		module + "shared/web/workspace": "workspace.NewWorkspace(",
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{.Dir}} {{join .GoFiles \",\"}} {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		pkg, dir, files := f[0], f[1], strings.Split(f[2], ",")
		if strings.HasPrefix(pkg, module+"shared/app/") || strings.HasPrefix(pkg, module+"shared/web") {
			continue
		}
		for _, imp := range f[3:] {
			call, ok := builders[imp]
			if !ok {
				continue
			}
			for _, file := range files {
				if src := mustRead(t, dir+"/"+file); regexp.MustCompile(`\b` + regexp.QuoteMeta(call)).MatchString(src) {
					t.Errorf("%s/%s builds a web handler (%s…): build it in shared/app", strings.TrimPrefix(pkg, module), file, call)
				}
			}
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
