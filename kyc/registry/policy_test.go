package registry_test

import (
	"testing"
	"time"

	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
)

var policy = &registry.Policy{Registers: []registry.RegisterRule{
	{Rule: "t.efin_unregistered", Register: "kr.fsc.efin", Action: rule.Block, Citation: rule.Citation{Law: "전자금융거래법", Article: "제28조"}},
	{Rule: "t.vasp_unreported", Register: "kr.fiu.vasp", Action: rule.Review, Citation: rule.Citation{Law: "특정금융정보법", Article: "제7조"}},
}}

func claimTx(dir payment.Direction, name string, c *payment.ProviderClaim) *payment.Transaction {
	tx := &payment.Transaction{
		ID: "tx-1", Time: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Country: "KR",
		Channel: payment.EWallet, Direction: dir, Amount: payment.MustParseMoney("50000 KRW"),
		Customer:     payment.Customer{Party: payment.Party{ID: "c-1"}},
		Counterparty: &payment.Party{ID: "p-1", Name: name, Provider: c},
	}
	if err := tx.Validate(); err != nil {
		panic(err)
	}
	return tx
}

func TestPolicyCheck(t *testing.T) {
	set := loadGood(t)
	efin := func(number, name string) *payment.ProviderClaim {
		return &payment.ProviderClaim{Register: "kr.fsc.efin", Number: number, Name: name}
	}
	tests := []struct {
		name   string
		tx     *payment.Transaction
		want   rule.ID
		action rule.Action
	}{
		{"registered number", claimTx(payment.CashOut, "", efin("2026-0001", "")), "", 0},
		{"registered number and name in another form", claimTx(payment.CashOut, "(주) 에이페이", efin("20260001", "")), "", 0},
		{"registered name only", claimTx(payment.Transfer, "에이페이", efin("", "")), "", 0},
		{"unknown number", claimTx(payment.CashOut, "", efin("2026-0777", "")), "t.efin_unregistered", rule.Block},
		{"number of another provider", claimTx(payment.CashOut, "", efin("2026-0001", "비머니")), "t.efin_unregistered", rule.Block},
		{"revoked number", claimTx(payment.CashOut, "", efin("2019-0099", "")), "t.efin_unregistered", rule.Block},
		{"revoked name", claimTx(payment.Transfer, "씨캐시", efin("", "")), "t.efin_unregistered", rule.Block},
		{"unknown name", claimTx(payment.Transfer, "Fast Cash Partners", efin("", "")), "t.efin_unregistered", rule.Block},
		{"register the host did not load", claimTx(payment.CashOut, "코인마켓", &payment.ProviderClaim{Register: "kr.fiu.vasp"}), registry.RuleNotLoaded, rule.Review},
		{"register the pack does not name", claimTx(payment.CashOut, "x", &payment.ProviderClaim{Register: "zz.other"}), "", 0},
		{"a payment is not checked", claimTx(payment.Payment, "", efin("2026-0777", "")), "", 0},
		{"no claim", claimTx(payment.CashOut, "Anyone", nil), "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := policy.Check(tc.tx, set)
			switch {
			case tc.want == "" && len(fs) != 0:
				t.Errorf("Check() = %+v, want no finding", fs)
			case tc.want != "" && (len(fs) != 1 || fs[0].Rule != tc.want || fs[0].Action != tc.action):
				t.Errorf("Check() = %+v, want one %s finding with action %s", fs, tc.want, tc.action)
			}
		})
	}
	// Without any register loaded, a claim is still never passed.
	if fs := policy.Check(claimTx(payment.CashOut, "", efin("2026-0001", "")), nil); len(fs) != 1 || fs[0].Rule != registry.RuleNotLoaded {
		t.Errorf("Check() with no registers = %+v", fs)
	}
}

func TestPolicyFindingNamesTheRegister(t *testing.T) {
	fs := policy.Check(claimTx(payment.CashOut, "Fast Cash Co., Ltd.", &payment.ProviderClaim{Register: "kr.fsc.efin"}), loadGood(t))
	if len(fs) != 1 {
		t.Fatalf("Check() = %+v", fs)
	}
	want := rule.Finding{
		Rule: "t.efin_unregistered", Action: rule.Block, Citation: rule.Citation{Law: "전자금융거래법", Article: "제28조"},
		Message: `the counterparty claims to be on 전자금융업자 등록 현황 (illustrative) (kr.fsc.efin, as of 2026-11-01) but name "Fast Cash Co., Ltd." is not on it`,
		Values: []rule.Value{
			{Name: "register", Value: "kr.fsc.efin"},
			{Name: "register_name", Value: "전자금융업자 등록 현황 (illustrative)"},
			{Name: "register_as_of", Value: "2026-11-01"},
			{Name: "claimed_number", Value: ""},
			{Name: "claimed_name", Value: "Fast Cash Co., Ltd."},
			{Name: "name_key", Value: "fastcash"},
			{Name: "reason", Value: `name "Fast Cash Co., Ltd." is not on it`},
		},
	}
	if diff := cmp.Diff(want, fs[0]); diff != "" {
		t.Errorf("finding mismatch (-want +got):\n%s", diff)
	}
}

func TestPolicyValidate(t *testing.T) {
	p := &registry.Policy{Registers: []registry.RegisterRule{
		{Register: "a", Action: rule.Allow},
		{Rule: "r", Register: "a", Action: rule.Block, Citation: rule.Citation{Law: "x"}},
	}}
	var got []string
	for _, e := range rule.AsList(p.Validate()) {
		got = append(got, e.Msg)
	}
	want := []string{
		"registers[0].rule: required",
		"registers[0].action: want review, step_up or block, not allow",
		"registers[0].citation: every register rule must name its legal source (law)",
		"registers[1].register: a given twice",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
	}
	if err := policy.Validate(); err != nil {
		t.Errorf("valid policy: %v", err)
	}
}
