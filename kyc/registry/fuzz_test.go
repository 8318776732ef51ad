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

// FuzzNormalizeName checks that normalization is idempotent on its own
// output's spacing and case, and never panics.
func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"에이페이 주식회사", "(주)비머니", "Sample Wallet Co., Ltd.", "ＡＣＭＥ　ＧｍｂＨ", "S.A.", "ｻﾝﾌﾟﾙ", "\xff\xfe", "주식회사"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := registry.NormalizeName(s)
		if strings.ContainsAny(k, " \t.,()") {
			t.Fatalf("NormalizeName(%q) = %q keeps spacing or punctuation", s, k)
		}
		if k2 := registry.NormalizeName(strings.ToUpper(s)); k2 != k && isASCII(s) {
			t.Fatalf("NormalizeName is case-sensitive on ASCII: %q → %q, upper → %q", s, k, k2)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
