package jurisdiction_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/rule"
)

var update = flag.Bool("update", false, "update golden files")

// TestLoadErrorsGolden loads every broken pack under testdata/broken and
// compares its positioned errors with the golden file beside it.
func TestLoadErrorsGolden(t *testing.T) {
	dirs, err := os.ReadDir("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		t.Run(d.Name(), func(t *testing.T) {
			_, err := jurisdiction.Load(os.DirFS("testdata/broken"), d.Name())
			if err == nil {
				t.Fatal("Load succeeded on a broken pack")
			}
			list := rule.AsList(err)
			if len(list) == 0 {
				t.Fatalf("error is not positioned: %v", err)
			}
			for _, e := range list {
				if !e.Pos.IsValid() || e.Code == "" {
					t.Errorf("error without position or code: %v", e)
				}
			}
			got := err.Error() + "\n"
			golden := filepath.Join("testdata/broken", d.Name()+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s (-update to accept):\n--- want\n%s--- got\n%s", golden, want, got)
			}
		})
	}
	if n < 8 {
		t.Fatalf("only %d broken packs", n)
	}
}

func FuzzLoadPack(f *testing.F) {
	for _, s := range []string{
		"code: KR\nname: x\ncurrency: KRW\ntime_zone: Asia/Seoul\nversion: \"1\"\n",
		"code: [\n",
		"params:\n  ctr_threshold: 1.5\n",
		"builtin_rules: {exclude: [x]}\n",
	} {
		f.Add(s, "limits:\n  - id: a\n    kind: month\n    max_amount: \"1\"\n    citation: {law: x}\n", "cdd: []\n")
	}
	f.Add("code: KR\nname: x\ncurrency: KRW\ntime_zone: Asia/Seoul\nversion: \"1\"\nbuiltin_rules: none\n", "limits: [{id: a, kind: rolling, window: 24h, max_count: 3, limit_count: true, citation: {law: x}}]", "tiers: [{tier: full, name: x}]")
	f.Fuzz(func(t *testing.T, pack, lim, kycYAML string) {
		fsys := fstestFS(map[string]string{"p/pack.yaml": pack, "p/limits.yaml": lim, "p/kyc.yaml": kycYAML})
		p, err := jurisdiction.Load(fsys, "p")
		if err != nil {
			for _, e := range rule.AsList(err) {
				if e.Code == "" || !e.Pos.IsValid() {
					t.Fatalf("error without code or position: %#v", e)
				}
			}
			if len(rule.AsList(err)) == 0 {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if p == nil || strings.TrimSpace(p.Code) == "" {
			t.Fatalf("loaded a pack without code: %+v", p)
		}
	})
}
