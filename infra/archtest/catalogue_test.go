package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
)

// TestEventTypesSpeltOnce: the event catalogue (shared/deadlines) is the
// only place an event type or a role is spelt in the program: everything else names
// its constant, so a type is renamed, or found, in one place. Test data
// (storetest's events) may spell them.
func TestEventTypesSpeltOnce(t *testing.T) {
	types := map[string]string{} // spelling → what it is
	for _, s := range deadlines.Catalogue {
		types[s.Type] = "event type"
	}
	for _, r := range []string{deadlines.BusinessUnit, deadlines.SSP, deadlines.LocalAuthority, deadlines.Chair, deadlines.LDChair, deadlines.Referrer} {
		types[r] = "role"
	}
	root := "../.."
	for _, dir := range []string{"shared", "functions", "infra"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			switch {
			case d.IsDir() && (rel == "shared/deadlines" || rel == "shared/store/storetest" || d.Name() == "testdata"):
				return filepath.SkipDir
			case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if v, err := strconv.Unquote(lit.Value); err == nil && types[v] != "" && !(rel == "shared/casefile/casefile.go" && v == deadlines.Received) {
						t.Errorf("%s spells the %s %q: name shared/deadlines' constant", rel, types[v], v)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
