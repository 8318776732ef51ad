package aml

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// TestExactThresholds decides amounts 0.000001 below, at and 0.000001
// above every amount threshold of the built-in typologies. Rules that
// compare with >= fire at the threshold; rules that compare with > (the EU
// self-hosted rule, the anomaly's 3× mean) do not.
func TestExactThresholds(t *testing.T) {
	p := builtinProgram(t)
	type setup func(amt string) (*payment.Transaction, map[string]Fact, func(*Input))
	plain := func(mods ...func(*payment.Transaction)) func(map[string]Fact) setup {
		return func(f map[string]Fact) setup {
			return func(amt string) (*payment.Transaction, map[string]Fact, func(*Input)) {
				return newTx(append(mods, amount(amt))...), f, nil
			}
		}
	}
	crypto := func(w payment.WalletKind, country, cur string) setup {
		return func(amt string) (*payment.Transaction, map[string]Fact, func(*Input)) {
			tx := newTx(dir(payment.CashOut), func(tx *payment.Transaction) {
				tx.Country = country
				tx.Channel = payment.Crypto
				tx.Amount = payment.MustParseMoney(amt + " " + cur)
				tx.Crypto = &payment.CryptoDetails{Address: "a", Wallet: w}
			})
			return tx, nil, nil
		}
	}
	tests := []struct {
		rule      rule.ID
		threshold string // the amount at the threshold
		strict    bool   // fires only above it
		setup     setup
	}{
		{"aml.structuring.daily_threshold", "4000000", false, plain()(map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}})},
		{"aml.pass_through.rapid_cash_out", "90000", false, plain(dir(payment.CashOut))(map[string]Fact{
			cashIn24h: {Count: 1, Sum: dec("100000"), Last: t0.Add(-time.Minute), LastAmount: dec("100000")}})},
		{"aml.carrier_billing.cash_equivalent_near_cap", "100000", false, plain(channel(payment.CarrierBilling), dir(payment.Payment),
			func(tx *payment.Transaction) { tx.Merchant = &payment.Merchant{Goods: payment.GoodsGiftCard} })(map[string]Fact{cbMonth: {Count: 1, Sum: dec("700000")}})},
		{"aml.carrier_billing.resale", "50000", false, plain(dir(payment.CashOut))(map[string]Fact{cb24h: {Count: 1, Sum: dec("100000")}})},
		{"aml.dormant.reactivation", "1000000", false, plain(dir(payment.CashOut))(map[string]Fact{all365d: {Count: 1, Last: t0.Add(-190 * 24 * time.Hour)}})},
		{"aml.crypto.travel_rule_missing", "1000000", false, crypto(payment.WalletHosted, "KR", "KRW")},
		{"eu.aml.crypto.self_hosted_unproven", "1000", true, crypto(payment.WalletSelfHosted, "FR", "EUR")},
		{"aml.ato.new_device_new_payee", "900000", false, func(amt string) (*payment.Transaction, map[string]Fact, func(*Input)) {
			tx := newTx(dir(payment.Transfer), amount(amt), func(tx *payment.Transaction) {
				tx.Device = &payment.Device{FirstSeen: t0.Add(-time.Hour)}
			})
			return tx, nil, func(in *Input) { in.CounterpartyFirstSeen = t0; in.MaxAmount = dec("1000000") }
		}},
		{"aml.anomaly.amount_zscore", "49996", false, plain()(map[string]Fact{cashIn30d: {Count: 10, Sum: dec("100000"), SumSquares: dec("1999800010")}})},
		{"aml.anomaly.amount_zscore", "30000", true, plain()(map[string]Fact{cashIn30d: {Count: 10, Sum: dec("100000"), SumSquares: dec("1000000000")}})},
	}
	eps := dec("0.000001")
	for _, tc := range tests {
		at := dec(tc.threshold)
		for _, c := range []struct {
			amount string
			want   bool
		}{
			{at.Sub(eps).String(), false},
			{at.String(), !tc.strict},
			{at.Add(eps).String(), true},
		} {
			tx, f, mod := tc.setup(c.amount)
			mustValid(t, tx)
			in := &Input{Tx: tx, Facts: &facts{m: f}, Location: seoul}
			if mod != nil {
				mod(in)
			}
			fs, err := p.Evaluate(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(ruleIDs(fs), string(tc.rule)); got != c.want {
				t.Errorf("%s at %s: fired %v, want %v (findings %v)", tc.rule, c.amount, got, c.want, ruleIDs(fs))
			}
		}
	}
}
