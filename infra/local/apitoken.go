package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/web"
	"github.com/cspr-intake/cspr-intake/shared/web/workspace"
)

// apiTokenFile is where the running system keeps the local API's token, in
// its data folder: other tools read it there, by this name.
const apiTokenFile = "api-token"

// writeAPIToken makes a new token for the local API and writes it to the
// data folder for the owner only, replacing the last one: a token lives as
// long as the run that wrote it.
func writeAPIToken(dataDir string) (string, error) {
	token, err := web.RandomToken()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dataDir, apiTokenFile)
	tmp, err := os.CreateTemp(dataDir, apiTokenFile+".*")
	if err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("api token: %w", err)
	}
	if _, err := tmp.WriteString(token + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("api token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	return token, nil
}

// readAPIToken reads the running system's token from its data folder.
func readAPIToken(dataDir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, apiTokenFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no %s in %s: start cspr-intake first (go run ./infra/local), or give its -data folder", apiTokenFile, dataDir)
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

// localCaller says who calls the local API: the holder of the token (the
// machine's operator, as the Business Unit; X-Officer names them for the
// record), or a person signed in to the workspace, by their role.
func localCaller(token string, ws *workspace.Workspace) web.Authenticator {
	return func(r *http.Request) (web.Caller, bool) {
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(bearer)), []byte(token)) != 1 {
				return web.Caller{}, false
			}
			officer := strings.Join(strings.Fields(r.Header.Get("X-Officer")), " ")
			if officer == "" || len(officer) > 100 {
				officer = "local operator"
			}
			return web.Caller{Actor: officer + " (api token)", Role: workspace.RoleBusinessUnit}, true
		}
		return ws.Caller(r)
	}
}

// runnerFile is where a running system says where it listens, in its data
// folder, for the CLI's commands (messages, release) to find it.
const runnerFile = "runner.json"

type runner struct {
	Web  string `json:"web"`
	SMTP string `json:"smtp"`
}

func writeRunner(dataDir string, r runner) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dataDir, runnerFile), data, 0o600); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	return nil
}

func removeRunner(dataDir string) { _ = os.Remove(filepath.Join(dataDir, runnerFile)) }

// runningAt is the web address of the system running on a data folder.
func runningAt(dataDir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, runnerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("cspr-intake is not running on %s (no %s there): start it (go run ./infra/local), or give -addr and -data", dataDir, runnerFile)
	}
	if err != nil {
		return "", err
	}
	var r runner
	if err := json.Unmarshal(data, &r); err != nil || r.Web == "" {
		return "", fmt.Errorf("%s in %s cannot be read: %v", runnerFile, dataDir, err)
	}
	return r.Web, nil
}
