package aml

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayering checks that package aml imports from this module only
// payment and rule, and never the clock or the environment.
func TestLayering(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/comply-go/comply/"
	allowed := map[string]bool{module + "payment": true, module + "rule": true}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) && !allowed[p] {
				t.Errorf("%s imports %s: aml may import only payment and rule from this module", f, p)
			}
			if p == "os" || p == "net" || p == "net/http" {
				t.Errorf("%s imports %s: aml is pure", f, p)
			}
		}
	}
}
