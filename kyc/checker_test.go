package kyc_test

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

var seoul = time.FixedZone("KST", 9*3600)

func krChecker(t testing.TB) *kyc.Checker {
	t.Helper()
	c, err := kyc.CompilePolicy(kyc.KRPolicy())
	if err != nil {
		t.Fatalf("CompilePolicy(KRPolicy()): %v", err)
	}
	return c
}

type txOpt func(*payment.Transaction)

func newTx(amount string, ch payment.Channel, dir payment.Direction, opts ...txOpt) *payment.Transaction {
	tx := &payment.Transaction{
		ID:        "tx-1",
		Time:      time.Date(2026, 10, 1, 12, 0, 0, 0, seoul),
		Country:   "KR",
		Channel:   ch,
		Direction: dir,
		Amount:    payment.MustParseMoney(amount),
		Customer: payment.Customer{
			Party:    payment.Party{ID: "c-1", Name: "홍길동", Country: "KR"},
			Tier:     payment.TierBasic,
			Verified: []payment.Check{payment.CheckPhone},
		},
	}
	for _, o := range opts {
		o(tx)
	}
	return tx
}

func tier(t payment.Tier, checks ...payment.Check) txOpt {
	return func(tx *payment.Transaction) { tx.Customer.Tier = t; tx.Customer.Verified = checks }
}

func at(y int, m time.Month, d int) txOpt {
	return func(tx *payment.Transaction) { tx.Time = time.Date(y, m, d, 10, 0, 0, 0, seoul) }
}

type got struct {
	Rule     rule.ID
	Action   rule.Action
	Requires []string
}

func summarize(fs []rule.Finding) []got {
	var out []got
	for _, f := range fs {
		out = append(out, got{f.Rule, f.Action, f.Requires})
	}
	return out
}

func TestKRPolicy(t *testing.T) {
	c := krChecker(t)
	tests := []struct {
		name string
		tx   *payment.Transaction
		want []got
	}{
		{"small payment basic", newTx("12000 KRW", payment.CarrierBilling, payment.Payment), nil},
		{"one below one-off CDD", newTx("9999999 KRW", payment.Prepaid, payment.CashOut), nil},
		{"one-off CDD reached exactly", newTx("10000000 KRW", payment.Prepaid, payment.CashOut),
			[]got{{"kr.aml.cdd.one_off_krw", rule.StepUp, []string{"tier:full", "verification:real_name"}}}},
		{"one-off CDD with a fraction below", newTx("9999999.99 KRW", payment.Prepaid, payment.CashOut), nil},
		{"one-off CDD satisfied by full tier", newTx("10000000 KRW", payment.Prepaid, payment.CashOut,
			tier(payment.TierFull, payment.CheckPhone, payment.CheckRealName)), nil},
		{"full tier vouches for real name", newTx("10000000 KRW", payment.Prepaid, payment.CashOut,
			tier(payment.TierFull)), nil},
		{"unverified lists every missing check", newTx("10000000 KRW", payment.EWallet, payment.CashIn,
			tier(payment.TierUnverified)),
			[]got{{"kr.aml.cdd.one_off_krw", rule.StepUp, []string{"tier:full", "verification:phone", "verification:real_name"}}}},
		{"real name verified but tier basic", newTx("10000000 KRW", payment.EWallet, payment.CashIn,
			tier(payment.TierBasic, payment.CheckPhone, payment.CheckRealName)),
			[]got{{"kr.aml.cdd.one_off_krw", rule.StepUp, []string{"tier:full"}}}},
		{"before 2021-03-25 the 15M threshold", newTx("12000000 KRW", payment.Prepaid, payment.CashOut, at(2021, 3, 24)), nil},
		{"on 2021-03-25 the 10M threshold", newTx("12000000 KRW", payment.Prepaid, payment.CashOut, at(2021, 3, 25)),
			[]got{{"kr.aml.cdd.one_off_krw", rule.StepUp, []string{"tier:full", "verification:real_name"}}}},
		{"2019 threshold at 15M", newTx("15000000 KRW", payment.Prepaid, payment.CashOut, at(2020, 1, 1)),
			[]got{{"kr.aml.cdd.one_off_krw.2019", rule.StepUp, []string{"tier:full", "verification:real_name"}}}},
		{"VA below 1M", newTx("999999 KRW", payment.Crypto, payment.CashOut), nil},
		{"VA at 1M", newTx("1000000 KRW", payment.Crypto, payment.CashOut),
			[]got{{"kr.aml.cdd.vasp_one_off", rule.StepUp, []string{"tier:full", "verification:real_name"}}}},
		{"VA before 2021-03-25", newTx("1000000 KRW", payment.Crypto, payment.CashOut, at(2021, 3, 24)), nil},
		{"VA 10M is not the KRW one-off rule", newTx("10000000 KRW", payment.Crypto, payment.CashOut),
			[]got{{"kr.aml.cdd.vasp_one_off", rule.StepUp, []string{"tier:full", "verification:real_name"}}}},
		{"wire at 1M", newTx("1000000 KRW", payment.BankTransfer, payment.Transfer),
			[]got{{"kr.aml.cdd.wire", rule.StepUp, []string{"tier:full", "verification:real_name"}}}},
		{"bank cash-in is no wire", newTx("1000000 KRW", payment.BankTransfer, payment.CashIn), nil},
		{"wire at 10M fires both", newTx("10000000 KRW", payment.BankTransfer, payment.CashOut),
			[]got{
				{"kr.aml.cdd.wire", rule.StepUp, []string{"tier:full", "verification:real_name"}},
				{"kr.aml.cdd.one_off_krw", rule.StepUp, []string{"tier:full", "verification:real_name"}},
			}},
		{"PEP needs EDD", newTx("5000 KRW", payment.CarrierBilling, payment.Payment, tier(payment.TierFull), func(tx *payment.Transaction) { tx.Customer.PEP = true }),
			[]got{{"kr.aml.edd.pep", rule.StepUp, []string{"tier:enhanced", "verification:source_of_funds"}}}},
		{"PEP with EDD done", newTx("5000 KRW", payment.CarrierBilling, payment.Payment, tier(payment.TierEnhanced), func(tx *payment.Transaction) { tx.Customer.PEP = true }), nil},
		{"enhanced tier without source of funds recorded is vouched", newTx("20000000 KRW", payment.Prepaid, payment.CashOut,
			tier(payment.TierEnhanced, payment.CheckRealName), func(tx *payment.Transaction) { tx.Customer.Risk = payment.RiskHigh }), nil},
		{"high risk needs EDD", newTx("5000 KRW", payment.Prepaid, payment.Payment, tier(payment.TierFull, payment.CheckRealName),
			func(tx *payment.Transaction) { tx.Customer.Risk = payment.RiskHigh }),
			[]got{{"kr.aml.edd.high_risk", rule.StepUp, []string{"tier:enhanced", "verification:source_of_funds"}}}},
		{"high-risk counterparty country", newTx("5000 KRW", payment.EWallet, payment.Transfer, tier(payment.TierFull),
			func(tx *payment.Transaction) { tx.Counterparty = &payment.Party{ID: "p", Country: "IR"} }),
			[]got{{"kr.aml.edd.high_risk_country", rule.StepUp, []string{"tier:enhanced", "verification:source_of_funds"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := c.Check(tc.tx)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tc.want, summarize(fs)); diff != "" {
				t.Errorf("Check() mismatch (-want +got):\n%s", diff)
			}
			for _, f := range fs {
				if f.Citation.Law == "" || f.Message == "" || len(f.Values) == 0 {
					t.Errorf("finding %s lacks citation, message or values: %+v", f.Rule, f)
				}
			}
		})
	}
}

func TestCheckValues(t *testing.T) {
	c := krChecker(t)
	fs, err := c.Check(newTx("10000000 KRW", payment.Prepaid, payment.CashOut))
	if err != nil {
		t.Fatal(err)
	}
	want := []rule.Value{
		{Name: "amount", Value: "10000000 KRW"},
		{Name: "threshold", Value: ">= 10000000 KRW"},
		{Name: "customer.tier", Value: "basic"},
		{Name: "required.tier", Value: "full"},
	}
	if diff := cmp.Diff(want, fs[0].Values); diff != "" {
		t.Errorf("Values mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(fs[0].Message, "실명확인") {
		t.Errorf("message %q does not name the local tier", fs[0].Message)
	}
	if fs[0].Code != rule.CodeThreshold {
		t.Errorf("code = %q", fs[0].Code)
	}
}

func testPolicy() kyc.Policy {
	cite := rule.Citation{Law: "Test Act", Article: "s.1"}
	return kyc.Policy{
		Jurisdiction: "KR",
		TimeZone:     "Asia/Seoul",
		Currency:     "KRW",
		Tiers: []kyc.TierSpec{
			{Tier: payment.TierBasic, Name: "basic", Requires: []payment.Check{payment.CheckPhone}},
			{Tier: payment.TierFull, Name: "full", Requires: []payment.Check{payment.CheckRealName}},
		},
		CDD: []kyc.Threshold{{
			ID: "t.strict", Amount: decimal.New(100, 0), Operator: ">",
			Require: kyc.Requirement{Tier: payment.TierFull, Checks: []payment.Check{payment.CheckAddress}}, Citation: cite,
		}},
		Age: []kyc.AgeRule{{ID: "t.age", Scope: kyc.Scope{Channels: []payment.Channel{payment.GiftCard}}, MinAge: 19, Citation: cite}},
		Refusals: []kyc.Refusal{{ID: "t.refuse", Countries: []string{"KP"}, Citation: cite,
			Scope: kyc.Scope{From: payment.Date{Year: 2020, Month: 1, Day: 1}}}},
	}
}

func TestNeverQualifies(t *testing.T) {
	c, err := kyc.CompilePolicy(testPolicy())
	if err != nil {
		t.Fatal(err)
	}
	adult := func(tx *payment.Transaction) {
		tx.Customer.BirthDate = payment.Date{Year: 2000, Month: 1, Day: 1}
		tx.Customer.Verified = append(tx.Customer.Verified, payment.CheckAge)
	}
	minor := func(tx *payment.Transaction) {
		// Turns 19 on 2026-10-02, the day after the transaction.
		tx.Customer.BirthDate = payment.Date{Year: 2007, Month: 10, Day: 2}
		tx.Customer.Verified = append(tx.Customer.Verified, payment.CheckAge)
	}
	tests := []struct {
		name string
		tx   *payment.Transaction
		want []got
	}{
		{"adult on age channel", newTx("50 KRW", payment.GiftCard, payment.Payment, adult), nil},
		{"minor on age channel", newTx("50 KRW", payment.GiftCard, payment.Payment, minor), []got{{"t.age", rule.Block, nil}}},
		{"minor turns of age", newTx("50 KRW", payment.GiftCard, payment.Payment, minor, func(tx *payment.Transaction) {
			tx.Time = time.Date(2026, 10, 2, 0, 0, 0, 0, seoul)
		}), nil},
		{"age unverified", newTx("50 KRW", payment.GiftCard, payment.Payment), []got{{"t.age", rule.StepUp, []string{"verification:age"}}}},
		{"minor elsewhere", newTx("50 KRW", payment.Card, payment.Payment, minor), nil},
		{"refused customer country", newTx("50 KRW", payment.Card, payment.Payment, func(tx *payment.Transaction) { tx.Customer.Country = "KP" }),
			[]got{{"t.refuse", rule.Block, nil}}},
		{"refused counterparty country", newTx("50 KRW", payment.Card, payment.Transfer, func(tx *payment.Transaction) {
			tx.Counterparty = &payment.Party{ID: "x", Country: "KP"}
		}), []got{{"t.refuse", rule.Block, nil}}},
		{"refusal not yet in force", newTx("50 KRW", payment.Card, payment.Payment, at(2019, 12, 31), func(tx *payment.Transaction) { tx.Customer.Country = "KP" }), nil},
		{"strict operator at the amount", newTx("100 KRW", payment.Card, payment.Payment), nil},
		{"strict operator above", newTx("101 KRW", payment.Card, payment.Payment),
			[]got{{"t.strict", rule.StepUp, []string{"tier:full", "verification:real_name", "verification:address"}}}},
		{"full tier lacking the extra check", newTx("101 KRW", payment.Card, payment.Payment, tier(payment.TierFull)),
			[]got{{"t.strict", rule.StepUp, []string{"verification:address"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := c.Check(tc.tx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(fs)); diff != "" {
				t.Errorf("Check() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	c := krChecker(t)
	_, err := c.Check(newTx("10 USD", payment.Card, payment.Payment))
	if !errors.Is(err, kyc.ErrCurrency) || !errors.Is(err, payment.ErrCurrencyMismatch) {
		t.Errorf("Check(USD) error = %v, want ErrCurrency and ErrCurrencyMismatch", err)
	}
	if _, err := c.Check(nil); !errors.Is(err, kyc.ErrNilTransaction) {
		t.Errorf("Check(nil) error = %v", err)
	}
}

func TestCompilePolicyErrors(t *testing.T) {
	p := kyc.Policy{
		Jurisdiction: "ZZ",
		Currency:     "KRW",
		Tiers:        []kyc.TierSpec{{Tier: 9}},
		CDD: []kyc.Threshold{
			{ID: "", Amount: decimal.New(-1, 0), Operator: "=>", Require: kyc.Requirement{Tier: payment.TierFull}},
			{ID: "x", Amount: decimal.New(1, 0), Require: kyc.Requirement{}, Citation: rule.Citation{Law: "L"},
				Scope: kyc.Scope{From: payment.Date{Year: 2022, Month: 1, Day: 1}, Until: payment.Date{Year: 2021, Month: 1, Day: 1}}},
		},
		EDD:      []kyc.EDDTrigger{{ID: "e", Kind: "weather", Require: kyc.Requirement{Tier: payment.TierEnhanced}, Citation: rule.Citation{Law: "L"}}},
		Age:      []kyc.AgeRule{{ID: "a", MinAge: 0, Citation: rule.Citation{Law: "L"}}},
		Refusals: []kyc.Refusal{{ID: "r", Countries: []string{"kp"}, Citation: rule.Citation{Law: "L"}}},
	}
	_, err := kyc.CompilePolicy(p)
	var list rule.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("CompilePolicy error = %v, want a rule.ErrorList", err)
	}
	var fields []string
	for _, e := range list {
		if e.Code != kyc.CodePolicy {
			t.Errorf("code = %q", e.Code)
		}
		f, _, _ := strings.Cut(e.Msg, ":")
		fields = append(fields, f)
	}
	want := []string{"jurisdiction", "tiers[0].tier", "cdd[0].id", "cdd[0].citation", "cdd[0].amount", "cdd[0].operator",
		"cdd[1].until", "cdd[1].require", "edd[0].kind", "age[0].min_age", "refusals[0].countries[0]"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("error fields mismatch (-want +got):\n%s\n%v", diff, err)
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	p := kyc.KRPolicy()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back kyc.Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal: %v\n%s", err, b)
	}
	if _, err := kyc.CompilePolicy(back); err != nil {
		t.Fatalf("CompilePolicy(round trip): %v", err)
	}
	if diff := cmp.Diff(p, back, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestCheckFastPathAllocs(t *testing.T) {
	c := krChecker(t)
	tx := newTx("12000 KRW", payment.CarrierBilling, payment.Payment)
	allocs := testing.AllocsPerRun(100, func() {
		if fs, _ := c.Check(tx); fs != nil {
			t.Fatal("unexpected finding")
		}
	})
	if allocs != 0 {
		t.Errorf("Check fast path allocates %v times, want 0", allocs)
	}
}

func BenchmarkCheck(b *testing.B) {
	c := krChecker(b)
	b.Run("nothing_required", func(b *testing.B) {
		tx := newTx("12000 KRW", payment.CarrierBilling, payment.Payment)
		b.ReportAllocs()
		for b.Loop() {
			_, _ = c.Check(tx)
		}
	})
	b.Run("step_up", func(b *testing.B) {
		tx := newTx("10000000 KRW", payment.Prepaid, payment.CashOut)
		b.ReportAllocs()
		for b.Loop() {
			_, _ = c.Check(tx)
		}
	})
}

// TestLayering keeps kyc's imports inside its row of DESIGN.md: from this
// module only payment and rule.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/comply-go/comply"
	allowed := map[string]bool{mod + "/payment": true, mod + "/rule": true}
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasPrefix(p, mod+"/") || strings.HasPrefix(p, mod+"/kyc") {
			continue
		}
		if !allowed[p] {
			t.Errorf("kyc imports %s; it may import only payment and rule", p)
		}
	}
}

// TestEffectiveDayIsThePacksDay: 2021-03-24 16:00 UTC is already
// 2021-03-25 in Seoul, the day the 10,000,000 KRW CDD threshold took over
// from 15,000,000 KRW.
func TestEffectiveDayIsThePacksDay(t *testing.T) {
	c, err := kyc.CompilePolicy(kyc.KRPolicy())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Time
		want rule.ID
	}{
		{time.Date(2021, 3, 24, 14, 59, 59, 0, time.UTC), ""},
		{time.Date(2021, 3, 24, 15, 0, 0, 0, time.UTC), "kr.aml.cdd.one_off_krw"},
	} {
		tx := &payment.Transaction{ID: "z", Time: tc.at, Country: "KR", Channel: payment.EWallet, Direction: payment.Payment,
			Amount: payment.MustParseMoney("12000000 KRW"), Customer: payment.Customer{Party: payment.Party{ID: "c"}, Tier: payment.TierBasic}}
		fs, err := c.Check(tx)
		if err != nil {
			t.Fatal(err)
		}
		var got rule.ID
		for _, f := range fs {
			got = f.Rule
		}
		if got != tc.want {
			t.Errorf("at %s: rule %q, want %q (%+v)", tc.at, got, tc.want, fs)
		}
	}
}
