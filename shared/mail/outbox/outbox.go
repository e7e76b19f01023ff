// Package outbox is the local mail.Sender: every message is written as an
// RFC 5322 .eml file under a folder, where a person (or /outbox in the
// local runner) can read it.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/mail"
)

// Outbox writes messages to Dir.
type Outbox struct {
	Dir string
	Now func() time.Time
}

var _ mail.Sender = (*Outbox)(nil)

// New returns an outbox in dir, creating it.
func New(dir string) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return &Outbox{Dir: dir, Now: time.Now}, nil
}

// Send writes m as <time>-<message id>.eml. A message with the same
// Message-ID is written once: a marker under .sent/ says it was.
func (o *Outbox) Send(ctx context.Context, m mail.Message) error {
	data, err := mail.Render(m)
	if err != nil {
		return err
	}
	id := mail.SafeID(m.MessageID)
	marker := filepath.Join(o.Dir, ".sent", id)
	if id != "" {
		if _, err := os.Stat(marker); err == nil {
			return nil
		}
	}
	if id == "" {
		id = fmt.Sprintf("%d", o.Now().UnixNano())
	}
	name := o.Now().UTC().Format("20060102T150405.000000000Z") + "-" + id + ".eml"
	tmp := filepath.Join(o.Dir, ".tmp-"+name)
	if err := writeSynced(tmp, data); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(o.Dir, name)); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := syncDir(o.Dir); err != nil { // the rename, too
		return fmt.Errorf("outbox: %w", err)
	}
	if id != "" {
		// Written after the message: a crash in between sends it twice
		// rather than never.
		if err := os.MkdirAll(filepath.Dir(marker), 0o700); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		if err := os.WriteFile(marker, nil, 0o600); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
	}
	return nil
}

// List returns the names of the messages in the outbox, oldest first.
func (o *Outbox) List() ([]string, error) {
	entries, err := os.ReadDir(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Read returns the message named name, one of List's: errs.NotFound for
// any other name, a path included.
func (o *Outbox) Read(name string) ([]byte, error) {
	if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".eml") {
		return nil, errs.E(errs.NotFound, "no message %q in the outbox", name)
	}
	data, err := os.ReadFile(filepath.Join(o.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(errs.NotFound, "no message %q in the outbox", name)
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return data, nil
}

// writeSynced writes a new file and syncs it before it is renamed into
// place: a message the outbox says it sent survives a power cut.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
