package jurisdiction_test

import (
	"testing"
	"testing/fstest"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
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
