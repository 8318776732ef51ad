package jurisdiction_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/rule"
)

func overlayFS(limitsYAML, extra string) fstest.MapFS {
	return fstest.MapFS{
		"acme/pack.yaml":   {Data: []byte("code: ACME\nversion: \"1\"\nextends: KR\n" + extra)},
		"acme/limits.yaml": {Data: []byte(limitsYAML)},
	}
}

const tighterCB = `limits:
  - id: kr.carrier_billing.monthly_cap
    description: ACME internal cap on carrier billing
    kind: month
    channels: [carrier_billing]
    directions: [payment]
    max_amount: "500000"
    citation: {law: ACME compliance policy, article: "4.2", confidence: primary}
  - id: acme.gift_card.daily
    kind: day
    channels: [gift_card]
    max_amount: "300000"
    citation: {law: ACME compliance policy, article: "4.3", confidence: primary}
`

func TestOverlay(t *testing.T) {
	tests := []struct {
		name    string
		limits  string
		extra   string
		wantErr rule.Code
	}{
		{name: "tighter cap and a new row", limits: tighterCB},
		{name: "a higher cap relaxes the base", limits: `limits:
  - id: kr.carrier_billing.monthly_cap
    kind: month
    channels: [carrier_billing]
    directions: [payment]
    max_amount: "1500000"
    citation: {law: ACME, confidence: primary}
`, wantErr: jurisdiction.CodeLoosen},
		{name: "relaxing on purpose", limits: `limits:
  - id: kr.carrier_billing.monthly_cap
    kind: month
    channels: [carrier_billing]
    directions: [payment]
    max_amount: "1500000"
    loosen: true
    citation: {law: ACME, confidence: primary}
`},
		{name: "fewer channels relaxes", limits: `limits:
  - id: kr.aml.ctr.cash_in
    kind: day
    channels: [cash]
    directions: [cash_in]
    max_amount: "5000000"
    report: {kind: CTR}
    tiers: [unverified]
    citation: {law: ACME, confidence: primary}
`, wantErr: jurisdiction.CodeLoosen},
		{name: "changing a param needs loosen", limits: "limits: []\n", extra: "params:\n  ctr_threshold: \"20000000\"\n", wantErr: jurisdiction.CodeLoosen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := jurisdiction.Load(overlayFS(tc.limits, tc.extra), "acme")
			if err != nil {
				t.Fatalf("Load overlay: %v", err)
			}
			p, err := jurisdiction.Overlay(kr.Pack(), o)
			if tc.wantErr != "" {
				if !errors.Is(err, &rule.Error{Code: tc.wantErr}) {
					t.Fatalf("Overlay error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Version != kr.Version+"+ACME 1" {
				t.Errorf("version %q", p.Version)
			}
			var cb *limits.Limit
			n := 0
			for i := range p.Limits {
				if p.Limits[i].ID == "kr.carrier_billing.monthly_cap" {
					cb, n = &p.Limits[i], n+1
				}
			}
			if n != 1 || cb.Citation.Law == "" {
				t.Fatalf("carrier-billing rows: %d", n)
			}
		})
	}
	if got := len(kr.Pack().Limits); got == 0 {
		t.Fatal("base pack changed")
	}
}
