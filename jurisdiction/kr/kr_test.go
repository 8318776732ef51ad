package kr_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/packtest"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestLoad(t *testing.T) {
	p, err := jurisdiction.Load(kr.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != kr.Version || p.Code != "KR" || p.Currency != "KRW" {
		t.Errorf("pack %s %s %s", p.Code, p.Version, p.Currency)
	}
	if _, err := jurisdiction.Compile(p); err != nil {
		t.Fatal(err)
	}
	// kyc.yaml is kyc.KRPolicy as data.
	want := kyc.KRPolicy()
	want.Jurisdiction, want.Currency, want.TimeZone = "", "", ""
	if diff := cmp.Diff(want, *p.KYC, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("kyc.yaml differs from kyc.KRPolicy (-go +yaml):\n%s", diff)
	}
	// Citations are checked by packtest.Run for every pack.
}

// TestPack runs the pack's own cases, tests.yaml.
func TestPack(t *testing.T) { packtest.Run(t, kr.FS(), ".") }
