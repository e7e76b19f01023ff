package dir

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/errs"
)

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "raw/abc", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "raw/abc", []byte("hello")); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	got, err := s.Get(ctx, "raw/abc")
	if err != nil || string(got) != "hello" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	info, err := os.Stat(filepath.Join(s.Root, "raw", "abc"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v; want 0600", info.Mode(), err)
	}
	if _, err := s.Get(ctx, "raw/none"); errs.Code(err) != errs.NotFound {
		t.Errorf("Get(none) = %v", err)
	}
	for _, bad := range []string{"", "../x", "/etc/passwd", "a/../../b"} {
		if err := s.Put(ctx, bad, nil); errs.Code(err) != errs.Invalid {
			t.Errorf("Put(%q) = %v, want invalid", bad, err)
		}
	}
}
