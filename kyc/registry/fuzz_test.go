package registry_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/rule"
)

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/good/kr_efin.csv", "testdata/good/us_msb.tsv", "testdata/bad/broken.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), strings.HasSuffix(p, ".tsv"))
	}
	f.Add("# id: x\n# name: n\n# as_of: 2026-01-01\nnumber,name\n\"a\"\"b\",\"Co., Ltd.\"\n", false)
	f.Add("\uFEFF# id: x\n# name: n\n# as_of: 2026-01-01\nname\tnumber\t\tstatus\n", true)
	f.Fuzz(func(t *testing.T, data string, tsv bool) {
		name := "f.csv"
		if tsv {
			name = "f.tsv"
		}
		r, err := registry.Parse(name, strings.NewReader(data))
		if err != nil {
			list := rule.AsList(err)
			if len(list) == 0 {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			for _, e := range list {
				if e.Pos.File != name || e.Pos.Line < 1 || !errors.Is(e, registry.ErrSyntax) && !errors.Is(e, registry.ErrDuplicate) {
					t.Fatalf("error without file:line or sentinel: %#v", e)
				}
			}
			return
		}
		if r.ID() == "" || r.AsOf().IsZero() {
			t.Fatalf("register without id or date: %q %s", r.ID(), r.AsOf())
		}
	})
}
