package jurisdiction_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/rule"
)

// An overlay adds fee ceilings and register rules to the KR pack's; it
// cannot take one away, and an id given twice is refused.
func TestOverlayCosts(t *testing.T) {
	fsys := fstest.MapFS{
		"acme/pack.yaml": {Data: []byte("code: ACME\nversion: \"1\"\nextends: KR\n")},
		"acme/fees.yaml": {Data: []byte(`ceilings:
  - id: acme.fees.share_cap
    measure: fee_share
    percent: "5"
    action: review
    citation: {law: ACME pricing policy (illustrative), confidence: primary}
`)},
		"acme/providers.yaml": {Data: []byte(`registers:
  - rule: acme.providers.us_msb
    register: us.fincen.msb
    action: review
    citation: {law: ACME counterparty policy (illustrative), confidence: primary}
`)},
		"dup/pack.yaml": {Data: []byte("code: DUP\nversion: \"1\"\nextends: KR\n")},
		"dup/fees.yaml": {Data: []byte(`ceilings:
  - id: kr.fees.advance.rate_cap
    measure: annual_rate
    percent: "100"
    action: review
    citation: {law: an attempt to loosen, confidence: primary}
`)},
	}
	over, err := jurisdiction.Load(fsys, "acme")
	if err != nil {
		t.Fatal(err)
	}
	out, err := jurisdiction.Overlay(kr.Pack(), over)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range out.Fees.Ceilings {
		ids = append(ids, string(c.ID))
	}
	if len(ids) != 4 || ids[0] != "kr.fees.advance.rate_cap" || ids[3] != "acme.fees.share_cap" {
		t.Errorf("ceilings after overlay = %v", ids)
	}
	if n := len(out.Providers.Registers); n != 3 {
		t.Errorf("register rules after overlay = %d, want 3", n)
	}
	if n := len(kr.Pack().Fees.Ceilings); n != 3 {
		t.Errorf("the overlay changed the base pack: %d ceilings", n)
	}
	dup, err := jurisdiction.Load(fsys, "dup")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jurisdiction.Overlay(kr.Pack(), dup); err == nil {
		t.Error("an overlay redefining a KR ceiling was accepted")
	}
}

// FuzzLoadCosts loads a pack with fuzzed fees.yaml and providers.yaml:
// never a panic, and every error has a code and a position.
func FuzzLoadCosts(f *testing.F) {
	seed := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	f.Add(seed("kr/fees.yaml"), seed("kr/providers.yaml"))
	f.Add(seed("testdata/broken/bad_fees/fees.yaml"), seed("testdata/broken/bad_providers/providers.yaml"))
	f.Add("precision: 13\nceilings: [{id: a, measure: fee_share, percent: 1e3, action: block, citation: {law: x}}]", "registers: {}")
	f.Fuzz(func(t *testing.T, feesYAML, providersYAML string) {
		fsys := fstest.MapFS{
			"p/pack.yaml":      {Data: []byte("code: KR\nname: x\ncurrency: KRW\ntime_zone: Asia/Seoul\nversion: \"1\"\nbuiltin_rules: none\n")},
			"p/fees.yaml":      {Data: []byte(feesYAML)},
			"p/providers.yaml": {Data: []byte(providersYAML)},
		}
		if _, err := jurisdiction.Load(fsys, "p"); err != nil {
			list := rule.AsList(err)
			if len(list) == 0 {
				t.Fatalf("untyped error: %v", err)
			}
			for _, e := range list {
				if e.Code == "" || !e.Pos.IsValid() {
					t.Fatalf("error without code or position: %#v", e)
				}
			}
		}
	})
}
