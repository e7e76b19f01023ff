package testenv

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Chromium returns the path of a headless-capable Chromium (Debian's
// chromium, installed by ./scripts/test). Without one the test is skipped,
// or fails when the emulators are required.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if Required() {
		t.Fatal("Chromium not found: run ./scripts/test, or apt-get install chromium")
	}
	t.Skip("Chromium not found: apt-get install chromium (./scripts/test does)")
	return ""
}

// Axe returns the source of axe-core (npm axe-core, installed into .tools/
// by ./scripts/test), to inject into pages.
func Axe(t testing.TB) string {
	t.Helper()
	path, err := axePath()
	if err == nil {
		var data []byte
		if data, err = os.ReadFile(path); err == nil {
			return string(data)
		}
	}
	if Required() {
		t.Fatalf("axe-core not found (%v): run ./scripts/test, or npm install --prefix .tools axe-core@4.14.1", err)
	}
	t.Skipf("axe-core not found: npm install --prefix .tools axe-core@4.14.1 (./scripts/test does)")
	return ""
}

func axePath() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, ".tools", "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New(p + " is missing")
	}
	return p, nil
}
