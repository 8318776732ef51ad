package comply_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/fees"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
)

// An illustrative register: the entries are invented, not real
// registrations.
const illustrativeEfin = `## ILLUSTRATIVE: invented entries, not real registrations.
# id: kr.fsc.efin
# name: 전자금융업자 등록 현황 (illustrative)
# as_of: 2026-11-01
number,name,status
2026-0001,에이페이 주식회사,registered
2019-0099,씨캐시 유한회사,revoked
`

func illustrativeRegisters(t testing.TB) *registry.Set {
	t.Helper()
	r, err := registry.Parse("efin.csv", strings.NewReader(illustrativeEfin))
	if err != nil {
		t.Fatal(err)
	}
	set, err := registry.NewSet(r)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func krw(s string) *payment.Money { m := payment.MustParseMoney(s + " KRW"); return &m }

func TestFeeCeilingsAndRegisters(t *testing.T) {
	e, _ := newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Registers: illustrativeRegisters(t)})
	advance := func(cust, amount, payout, due string) *payment.Transaction {
		tx := mk(cust, payment.TierFull, payment.EWallet, payment.CashOut, amount+" KRW", time.Date(2026, 11, 4, 10, 0, 0, 0, seoul))
		tx.Payout = krw(payout)
		if due != "" {
			d, err := payment.ParseDate(due)
			if err != nil {
				t.Fatal(err)
			}
			tx.Advance = &payment.Advance{Due: d}
		}
		return tx
	}
	claim := func(cust, name, number string) *payment.Transaction {
		tx := mk(cust, payment.TierFull, payment.EWallet, payment.Transfer, "50000 KRW", time.Date(2026, 11, 4, 10, 0, 0, 0, seoul))
		tx.Counterparty = &payment.Party{ID: "p-" + cust, Name: name, Provider: &payment.ProviderClaim{Register: "kr.fsc.efin", Number: number}}
		return tx
	}
	tests := []struct {
		name   string
		tx     *payment.Transaction
		action rule.Action
		rules  []string
	}{
		{"worked example: 100,000 paid out at 80,000, due in 30 days", advance("f1", "100000", "80000", "2026-12-04"),
			rule.Block, []string{"kr.fees.advance.rate_cap", "kr.fees.advance.void_rate"}},
		{"fee-free payout", advance("f2", "100000", "100000", ""), rule.Allow, nil},
		{"fee-free advance", advance("f3", "100000", "100000", "2026-12-04"), rule.Allow, nil},
		{"registered provider, name in another form", claim("f4", "(주)에이페이", "2026 0001"), rule.Allow, nil},
		{"unregistered provider", claim("f5", "Fast Cash Co., Ltd.", ""), rule.Block, []string{"kr.providers.efin_unregistered"}},
		{"revoked provider", claim("f6", "", "2019-0099"), rule.Block, []string{"kr.providers.efin_unregistered"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustEval(t, e, tc.tx)
			if d.Action != tc.action || !cmp.Equal(tc.rules, ruleIDs(d)) {
				t.Errorf("Evaluate() = %s %v, want %s %v", d.Action, ruleIDs(d), tc.action, tc.rules)
			}
		})
	}

	// The finding shows the computed rate and how it was computed.
	d := mustEval(t, e, advance("f7", "100000", "80000", "2026-12-04"))
	var rate *rule.Finding
	for i := range d.Findings {
		if d.Findings[i].Rule == "kr.fees.advance.rate_cap" {
			rate = &d.Findings[i]
		}
	}
	if rate == nil {
		t.Fatalf("no rate finding in %v", ruleIDs(d))
	}
	vals := map[string]string{}
	for _, v := range rate.Values {
		vals[v.Name] = v.Value
	}
	for k, want := range map[string]string{
		"fee": "20000 KRW", "fee_share_percent": "20.0000", "principal": "80000 KRW", "days": "30",
		"annual_rate_percent": "304.1667", "ceiling_percent": "20",
		"formula": "20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)",
	} {
		if vals[k] != want {
			t.Errorf("value %s = %q, want %q", k, vals[k], want)
		}
	}
	if !strings.Contains(rate.Citation.Article, "제8조①") || rate.Citation.Confidence != "primary" {
		t.Errorf("citation = %+v", rate.Citation)
	}

	// A due day before the transaction's day in Seoul is invalid input.
	_, err := e.Evaluate(context.Background(), advance("f8", "100000", "80000", "2026-11-03"))
	if !errors.Is(err, comply.ErrInvalidTransaction) || !errors.Is(err, fees.ErrDueBeforeTransaction) {
		t.Errorf("Evaluate() = %v, want ErrInvalidTransaction wrapping fees.ErrDueBeforeTransaction", err)
	}
}

func TestRegisterNotLoadedIsReviewed(t *testing.T) {
	e, _ := newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}})
	tx := mk("nr1", payment.TierFull, payment.EWallet, payment.CashOut, "50000 KRW", time.Date(2026, 11, 4, 10, 0, 0, 0, seoul))
	tx.Counterparty = &payment.Party{ID: "p", Name: "에이페이", Provider: &payment.ProviderClaim{Register: "kr.fsc.efin"}}
	d := mustEval(t, e, tx)
	if d.Action != rule.Review || !cmp.Equal([]string{string(registry.RuleNotLoaded)}, ruleIDs(d)) {
		t.Errorf("Evaluate() = %s %v, want review [%s]", d.Action, ruleIDs(d), registry.RuleNotLoaded)
	}
}

// BenchmarkEvaluateCosts measures one decision of the KR pack's limit table
// plus its fee ceilings and provider registers, for a cash-out advance
// within the ceilings carrying a provider claim on a loaded register, beside
// the same cash-out without fee, payout, advance or claim (the baseline: the
// cost checks are then two nil tests). Every decision is voided so the
// customer's room never runs out; transactions rotate over 1,024 customers.
func BenchmarkEvaluateCosts(b *testing.B) {
	p := krLimitsOnly()
	full := kr.Pack()
	p.Fees, p.Providers = full.Fees, full.Providers
	e, _ := newEngine(b, &comply.Options{Packs: []*jurisdiction.Pack{p}, Registers: illustrativeRegisters(b)})
	at := time.Date(2026, 11, 4, 10, 0, 0, 0, seoul)
	plain := func(i int) *payment.Transaction {
		tx := mk("bench-costs-"+strconv.Itoa(i), payment.TierFull, payment.EWallet, payment.CashOut, "37100 KRW", at)
		return tx
	}
	costed := func(i int) *payment.Transaction {
		tx := plain(i)
		tx.Payout = krw("36500")
		tx.Advance = &payment.Advance{Due: payment.Date{Year: 2026, Month: 12, Day: 4}}
		tx.Counterparty = &payment.Party{ID: "p", Name: "(주) 에이페이", Provider: &payment.ProviderClaim{Register: "kr.fsc.efin", Number: "2026-0001"}}
		return tx
	}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		tx   func(int) *payment.Transaction
	}{{"baseline_no_costs", plain}, {"advance_and_claim", costed}} {
		b.Run(bc.name, func(b *testing.B) {
			txs := make([]*payment.Transaction, 1024)
			for i := range txs {
				txs[i] = bc.tx(i)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				tx := txs[i%len(txs)]
				tx.ID = "bc-" + strconv.FormatInt(seq.Add(1), 10)
				i++
				d, err := e.Evaluate(ctx, tx)
				if err != nil || d.Action != rule.Allow {
					b.Fatalf("Evaluate = %v, %v", d, err)
				}
				if err := d.Void(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
