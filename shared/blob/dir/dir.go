// Package dir keeps raw inputs as files under a folder (the local data
// folder). Files are written whole or not at all, readable by the owner only.
package dir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

// Store keeps blobs under Root.
type Store struct{ Root string }

// New returns a store under root, creating it if need be.
func New(root string) (*Store, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("dir: %w", err)
	}
	return &Store{Root: root}, nil
}

func (s *Store) path(key string) (string, error) {
	if key == "" || strings.Contains(key, "..") || strings.HasPrefix(key, "/") || strings.ContainsRune(key, 0) {
		return "", errs.E(errs.Invalid, "bad blob key")
	}
	return filepath.Join(s.Root, filepath.FromSlash(key)), nil
}

// Put writes data at key. If key exists already it is left as it is: keys
// name content, so it holds the same bytes.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("dir: write %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("dir: sync %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	return nil
}

// Get returns the blob at key. errs.NotFound if there is none.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(errs.NotFound, "no blob %s", key)
	}
	if err != nil {
		return nil, fmt.Errorf("dir: %w", err)
	}
	return data, nil
}
