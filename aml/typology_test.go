package aml

import (
	"context"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// builtinProgram compiles the built-in typologies once for the tests.
func builtinProgram(t testing.TB) *Program {
	t.Helper()
	p, err := Compile(Builtin(), nil)
	if err != nil {
		t.Fatalf("Compile(Builtin()): %v", err)
	}
	return p
}

func TestBuiltinCompiles(t *testing.T) {
	rules := Builtin()
	if len(rules) < 12 {
		t.Errorf("Builtin() has %d rules, want at least 12", len(rules))
	}
	for _, r := range rules {
		if r.Citation.Law == "" || r.Citation.Confidence == "" || r.Citation.URL == "" {
			t.Errorf("%s: citation incomplete: %+v", r.ID, r.Citation)
		}
		if len(r.Values) == 0 {
			t.Errorf("%s: no deciding values", r.ID)
		}
		if len(r.Tags) == 0 {
			t.Errorf("%s: no tags", r.ID)
		}
	}
	p := builtinProgram(t)
	if got := len(p.Rules()); got != len(rules) {
		t.Errorf("compiled %d rules, want %d", got, len(rules))
	}
	// Builtin returns copies.
	rules[0].Tags[0] = "changed"
	if Builtin()[0].Tags[0] == "changed" {
		t.Error("Builtin() shares its slices with callers")
	}
}

// Keys of the fake fact source (FactQuery.String()).
const (
	cashInDay = "cash_in/day"
	cashIn24h = "cash_in/24h"
	cashIn7d  = "cash_in/7d"
	cbMonth   = "carrier_billing.payment/month"
	cb24h     = "carrier_billing.payment/24h"
	xfer24h   = "transfer/24h"
	all1h     = "all/1h"
	all30d    = "all/30d"
	all180d   = "all/180d"
	all365d   = "all/365d"
	xfer30d   = "transfer/30d"
	cashIn30d = "cash_in/30d"
)

type typologyCase struct {
	name  string
	tx    []func(*payment.Transaction)
	facts map[string]Fact
	in    func(*Input)
	want  []string
}

func TestTypologies(t *testing.T) {
	p := builtinProgram(t)
	cashOut := dir(payment.CashOut)
	transfer := dir(payment.Transfer)
	cbFunded := func(tx *payment.Transaction) { tx.Funding = payment.CarrierBilling }
	country := func(c string) func(*payment.Transaction) {
		return func(tx *payment.Transaction) { tx.Country = c }
	}
	cpty := func(c string) func(*payment.Transaction) {
		return func(tx *payment.Transaction) { tx.Counterparty = &payment.Party{ID: "p-1", Country: c} }
	}
	goods := func(g payment.Goods, mcc string) func(*payment.Transaction) {
		return func(tx *payment.Transaction) { tx.Merchant = &payment.Merchant{ID: "m-1", Goods: g, Category: mcc} }
	}
	crypto := func(w payment.WalletKind, tr *payment.TravelRule, proven bool) func(*payment.Transaction) {
		return func(tx *payment.Transaction) {
			tx.Channel = payment.Crypto
			tx.Crypto = &payment.CryptoDetails{Network: "ethereum", Asset: "USDT", Address: "0xabc", Wallet: w, TravelRule: tr, OwnershipProven: proven}
		}
	}
	eur := func(s string) func(*payment.Transaction) {
		return func(tx *payment.Transaction) { tx.Amount = payment.MustParseMoney(s + " EUR") }
	}
	device := func(firstSeen, simChanged time.Duration) func(*payment.Transaction) {
		return func(tx *payment.Transaction) {
			d := &payment.Device{ID: "d-1"}
			if firstSeen > 0 {
				d.FirstSeen = t0.Add(-firstSeen)
			}
			if simChanged > 0 {
				d.SIMChanged = t0.Add(-simChanged)
			}
			tx.Device = d
		}
	}
	payeeSeen := func(ago time.Duration, max string) func(*Input) {
		return func(in *Input) {
			in.CounterpartyFirstSeen = t0.Add(-ago)
			if max != "" {
				in.MaxAmount = dec(max)
			}
		}
	}
	complete := &payment.TravelRule{OriginatorName: "Kim", OriginatorAccount: "a1", BeneficiaryName: "Lee", BeneficiaryAccount: "b1"}
	// five amounts of 1 and five of 19999: mean 10000, stddev 9999.
	spread := Fact{Count: 10, Sum: dec("100000"), SumSquares: dec("1999800010")}
	flat := Fact{Count: 10, Sum: dec("100000"), SumSquares: dec("1000000000")}

	tests := []typologyCase{
		{name: "quiet cash-in", want: nil},

		// structuring just under the reporting threshold (10,000,000)
		{name: "structuring/fires at the threshold", tx: fns(amount("4000000")),
			facts: map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}}, want: ids("aml.structuring.daily_threshold")},
		{name: "structuring/0.000001 above", tx: fns(amount("4000000.000001")),
			facts: map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}}, want: ids("aml.structuring.daily_threshold")},
		{name: "structuring/0.000001 below", tx: fns(amount("3999999.999999")),
			facts: map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}}},
		{name: "structuring/piece 0.000001 below the threshold", tx: fns(amount("9999999.999999")),
			facts: map[string]Fact{cashInDay: {Count: 1, Sum: dec("1")}}, want: ids("aml.structuring.daily_threshold")},
		{name: "structuring/piece at the threshold is not split", tx: fns(amount("10000000")),
			facts: map[string]Fact{cashInDay: {Count: 1, Sum: dec("1")}}},
		{name: "structuring/single piece", tx: fns(amount("9999999"))},
		{name: "structuring/earlier pieces already reached it", tx: fns(amount("100")),
			facts: map[string]Fact{cashInDay: {Count: 2, Sum: dec("10000000")}}},
		{name: "structuring/cash-out does not count", tx: fns(amount("4000000"), cashOut),
			facts: map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}}},

		// rapid cash-out after cash-in (90 % within 30 minutes)
		{name: "rapid cash-out/fires", tx: fns(cashOut, amount("95000")),
			facts: map[string]Fact{cashIn24h: {Count: 1, Sum: dec("100000"), Last: t0.Add(-10 * time.Minute), LastAmount: dec("100000")}},
			want:  ids("aml.pass_through.rapid_cash_out")},
		{name: "rapid cash-out/share exactly 90%", tx: fns(cashOut, amount("90000")),
			facts: map[string]Fact{cashIn24h: {Count: 1, Sum: dec("100000"), Last: t0.Add(-30 * time.Minute), LastAmount: dec("100000")}},
			want:  ids("aml.pass_through.rapid_cash_out")},
		{name: "rapid cash-out/0.000001 below 90%", tx: fns(cashOut, amount("89999.999999")),
			facts: map[string]Fact{cashIn24h: {Count: 1, Sum: dec("100000"), Last: t0.Add(-10 * time.Minute), LastAmount: dec("100000")}}},
		{name: "rapid cash-out/after 31 minutes", tx: fns(cashOut, amount("100000")),
			facts: map[string]Fact{cashIn24h: {Count: 1, Sum: dec("100000"), Last: t0.Add(-31 * time.Minute), LastAmount: dec("100000")}}},
		{name: "rapid cash-out/no cash-in", tx: fns(cashOut, amount("100000"))},

		// 소액결제 현금화
		{name: "carrier billing/KR cash-out funded by carrier billing", tx: fns(cashOut, cbFunded),
			want: ids("kr.aml.carrier_billing.cash_out")},
		{name: "carrier billing/elsewhere reviewed", tx: fns(cashOut, cbFunded, country("US")),
			want: ids("aml.carrier_billing.cash_out")},
		{name: "carrier billing/funded by bank transfer", tx: fns(cashOut, func(tx *payment.Transaction) { tx.Funding = payment.BankTransfer })},
		{name: "carrier billing/payment funded by carrier billing", tx: fns(dir(payment.Payment), cbFunded)},
		{name: "carrier billing/gift cards near the monthly cap",
			tx:    fns(channel(payment.CarrierBilling), dir(payment.Payment), amount("100000"), goods(payment.GoodsGiftCard, "")),
			facts: map[string]Fact{cbMonth: {Count: 7, Sum: dec("700000")}}, want: ids("aml.carrier_billing.cash_equivalent_near_cap")},
		{name: "carrier billing/gift cards 0.000001 below 80% of cap",
			tx:    fns(channel(payment.CarrierBilling), dir(payment.Payment), amount("99999.999999"), goods(payment.GoodsGiftCard, "")),
			facts: map[string]Fact{cbMonth: {Count: 7, Sum: dec("700000")}}},
		{name: "carrier billing/cash-like merchant category",
			tx:    fns(channel(payment.CarrierBilling), dir(payment.Payment), amount("100000"), goods(payment.GoodsGeneral, "6540")),
			facts: map[string]Fact{cbMonth: {Count: 7, Sum: dec("700000")}}, want: ids("aml.carrier_billing.cash_equivalent_near_cap")},
		{name: "carrier billing/ordinary goods near the cap",
			tx:    fns(channel(payment.CarrierBilling), dir(payment.Payment), amount("100000"), goods(payment.GoodsGeneral, "5411")),
			facts: map[string]Fact{cbMonth: {Count: 7, Sum: dec("700000")}}},
		{name: "carrier billing/resale at 60% of face", tx: fns(cashOut, channel(payment.BankTransfer), amount("60000")),
			facts: map[string]Fact{cb24h: {Count: 2, Sum: dec("100000")}}, want: ids("aml.carrier_billing.resale")},
		{name: "carrier billing/resale at 50% of face", tx: fns(transfer, amount("50000")),
			facts: map[string]Fact{cb24h: {Count: 2, Sum: dec("100000")}}, want: ids("aml.carrier_billing.resale")},
		{name: "carrier billing/payout 0.000001 below 50%", tx: fns(cashOut, amount("49999.999999")),
			facts: map[string]Fact{cb24h: {Count: 2, Sum: dec("100000")}}},
		{name: "carrier billing/no carrier-billed purchases", tx: fns(cashOut, amount("60000"))},

		// fan-in and fan-out
		{name: "fan-in/5 senders in 24h", tx: fns(cashOut),
			facts: map[string]Fact{cashIn24h: {Count: 5, Distinct: 5, Sum: dec("50000"), LastAmount: dec("1"), Last: t0.Add(-5 * time.Hour)}}, want: ids("aml.mule.fan_in")},
		{name: "fan-in/10 senders in 7 days", tx: fns(transfer),
			facts: map[string]Fact{cashIn7d: {Count: 10, Distinct: 10, Sum: dec("50000")}}, want: ids("aml.mule.fan_in")},
		{name: "fan-in/4 senders", tx: fns(cashOut),
			facts: map[string]Fact{cashIn24h: {Count: 4, Distinct: 4, Sum: dec("50000"), LastAmount: dec("1"), Last: t0.Add(-5 * time.Hour)}}},
		{name: "fan-in/payments are not mule activity", tx: fns(dir(payment.Payment)),
			facts: map[string]Fact{cashIn24h: {Count: 9, Distinct: 9}}},
		{name: "fan-out/5 receivers in 24h", tx: fns(transfer),
			facts: map[string]Fact{xfer24h: {Count: 5, Distinct: 5}}, want: ids("aml.mule.fan_out")},
		{name: "fan-out/4 receivers", tx: fns(transfer),
			facts: map[string]Fact{xfer24h: {Count: 5, Distinct: 4}}},

		// dormancy
		{name: "dormant/large cash-out after 200 idle days", tx: fns(cashOut, amount("1000000")),
			facts: map[string]Fact{all365d: {Count: 3, Sum: dec("30000"), Last: t0.Add(-200 * 24 * time.Hour)}}, want: ids("aml.dormant.reactivation")},
		{name: "dormant/0.000001 below the amount", tx: fns(cashOut, amount("999999.999999")),
			facts: map[string]Fact{all365d: {Count: 3, Sum: dec("30000"), Last: t0.Add(-200 * 24 * time.Hour)}}},
		{name: "dormant/active in the last 180 days", tx: fns(cashOut, amount("1000000")),
			facts: map[string]Fact{all365d: {Count: 3}, all180d: {Count: 1}}},
		{name: "dormant/new account is not dormant", tx: fns(cashOut, amount("1000000"))},

		// geography
		{name: "geo/counterparty in DPRK", tx: fns(transfer, cpty("KP")), want: ids("aml.geo.fatf_call_for_action")},
		{name: "geo/customer in Iran", tx: fns(func(tx *payment.Transaction) { tx.Customer.Country = "IR" }), want: ids("aml.geo.fatf_call_for_action")},
		{name: "geo/counterparty in Vietnam", tx: fns(transfer, cpty("VN")), want: ids("aml.geo.fatf_increased_monitoring")},
		{name: "geo/counterparty in Japan", tx: fns(transfer, cpty("JP"))},

		// round amounts
		{name: "round/fourth round amount in an hour", tx: fns(amount("50000")),
			facts: map[string]Fact{all1h: {Count: 3, Sum: dec("150000"), LastAmount: dec("50000")}}, want: ids("aml.round_amount.burst")},
		{name: "round/not round", tx: fns(amount("50001")),
			facts: map[string]Fact{all1h: {Count: 3, Sum: dec("150000"), LastAmount: dec("50000")}}},
		{name: "round/third only", tx: fns(amount("50000")),
			facts: map[string]Fact{all1h: {Count: 2, Sum: dec("100000"), LastAmount: dec("50000")}}},
		{name: "round/earlier amounts not round", tx: fns(amount("50000")),
			facts: map[string]Fact{all1h: {Count: 3, Sum: dec("155000"), LastAmount: dec("55000")}}},

		// crypto
		{name: "travel rule/missing at the threshold", tx: fns(cashOut, amount("1000000"), crypto(payment.WalletHosted, nil, false)),
			want: ids("aml.crypto.travel_rule_missing")},
		{name: "travel rule/0.000001 below", tx: fns(cashOut, amount("999999.999999"), crypto(payment.WalletHosted, nil, false))},
		{name: "travel rule/incomplete", tx: fns(cashOut, amount("2000000"), crypto(payment.WalletHosted, &payment.TravelRule{OriginatorName: "Kim"}, false)),
			want: ids("aml.crypto.travel_rule_missing")},
		{name: "travel rule/complete", tx: fns(cashOut, amount("2000000"), crypto(payment.WalletHosted, complete, false))},
		{name: "self-hosted/EU 0.000001 above 1000 EUR", tx: fns(country("DE"), cashOut, eur("1000.000001"), crypto(payment.WalletSelfHosted, nil, false)),
			want: ids("eu.aml.crypto.self_hosted_unproven")},
		{name: "self-hosted/EU at 1000 EUR", tx: fns(country("DE"), cashOut, eur("1000"), crypto(payment.WalletSelfHosted, nil, false))},
		{name: "self-hosted/ownership proven", tx: fns(country("DE"), cashOut, eur("5000"), crypto(payment.WalletSelfHosted, nil, true))},
		{name: "self-hosted/outside the EU", tx: fns(cashOut, amount("5000"), crypto(payment.WalletSelfHosted, nil, false))},
		{name: "self-hosted/before the TFR applied", tx: fns(country("DE"), cashOut, eur("5000"), crypto(payment.WalletSelfHosted, nil, false),
			func(tx *payment.Transaction) { tx.Time = time.Date(2024, 12, 29, 12, 0, 0, 0, time.UTC) })},

		// account takeover
		{name: "ato/new device, new payee, 90% of the limit", tx: fns(transfer, amount("900000"), device(time.Hour, 0), cpty("KR")),
			in: payeeSeen(0, "1000000"), want: ids("aml.ato.new_device_new_payee")},
		{name: "ato/0.000001 below 90% of the limit", tx: fns(transfer, amount("899999.999999"), device(time.Hour, 0), cpty("KR")),
			in: payeeSeen(0, "1000000")},
		{name: "ato/SIM swap, new payee, large amount", tx: fns(cashOut, amount("500000"), device(0, 2*time.Hour), cpty("KR")),
			in: payeeSeen(time.Minute, ""), want: ids("aml.ato.new_device_new_payee")},
		{name: "ato/old device", tx: fns(transfer, amount("900000"), device(73*time.Hour, 0), cpty("KR")),
			in: payeeSeen(0, "1000000")},
		{name: "ato/known payee", tx: fns(transfer, amount("900000"), device(time.Hour, 0), cpty("KR")),
			in: payeeSeen(10*24*time.Hour, "1000000")},
		{name: "ato/no device information", tx: fns(transfer, amount("900000"), cpty("KR")),
			in: payeeSeen(0, "1000000")},

		// load anomaly against the customer's own earlier loads (cash_in)
		{name: "anomaly/load at z-score 4 exactly", tx: fns(amount("49996")),
			facts: map[string]Fact{cashIn30d: spread}, want: ids("aml.anomaly.amount_zscore")},
		{name: "anomaly/load 0.000001 below z 4", tx: fns(amount("49995.999999")),
			facts: map[string]Fact{cashIn30d: spread}},
		{name: "anomaly/constant load history, 0.000001 above 3x mean", tx: fns(amount("30000.000001")),
			facts: map[string]Fact{cashIn30d: flat}, want: ids("aml.anomaly.amount_zscore")},
		{name: "anomaly/constant load history, 3x mean", tx: fns(amount("30000")),
			facts: map[string]Fact{cashIn30d: flat}},
		{name: "anomaly/five earlier loads is enough", tx: fns(amount("30000.000001")),
			facts: map[string]Fact{cashIn30d: {Count: 5, Sum: dec("50000"), SumSquares: dec("500000000")}}, want: ids("aml.anomaly.amount_zscore")},
		{name: "anomaly/four earlier loads is too little", tx: fns(amount("1000000")),
			facts: map[string]Fact{cashIn30d: {Count: 4, Sum: dec("40000"), SumSquares: dec("400000000")}}},
		{name: "anomaly/large load after small loads", tx: fns(amount("100000")),
			facts: map[string]Fact{cashIn30d: {Count: 6, Sum: dec("30000"), SumSquares: dec("150000000")}}, want: ids("aml.anomaly.amount_zscore")},
		{name: "anomaly/large payment after small payments", tx: fns(dir(payment.Payment), amount("100000")),
			facts: map[string]Fact{all30d: spread}},
		{name: "anomaly/large payment after small loads", tx: fns(dir(payment.Payment), amount("100000")),
			facts: map[string]Fact{all30d: spread, cashIn30d: spread}},
		{name: "anomaly/large transfer after small loads", tx: fns(transfer, amount("100000")),
			facts: map[string]Fact{all30d: spread, cashIn30d: spread}},
		{name: "anomaly/load after small payments, no load history", tx: fns(amount("100000")),
			facts: map[string]Fact{all30d: spread}},
		{name: "anomaly/load in line with larger earlier loads", tx: fns(amount("100000")),
			facts: map[string]Fact{all30d: spread, cashIn30d: {Count: 5, Sum: dec("500000"), SumSquares: dec("50000000000")}}},

		// advance fee: a further deposit to a payee first paid 24h..30d ago, nothing back since
		{name: "advance fee/second deposit 3 days after the first, nothing back", tx: fns(transfer, amount("300000"), cpty("KR")),
			in:    payeeSeen(3*24*time.Hour, ""),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000"), Last: t0.Add(-3 * 24 * time.Hour)}}, want: ids("aml.scam.advance_fee_no_payout")},
		{name: "advance fee/exactly 24h after", tx: fns(transfer, amount("300000"), cpty("KR")),
			in:    payeeSeen(24*time.Hour, ""),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000")}}, want: ids("aml.scam.advance_fee_no_payout")},
		{name: "advance fee/a cash-in before the payee was first paid does not count", tx: fns(transfer, amount("300000"), cpty("KR")),
			in: payeeSeen(3*24*time.Hour, ""),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000")},
				cashIn30d: {Count: 1, Sum: dec("1000000"), Last: t0.Add(-4 * 24 * time.Hour)}}, want: ids("aml.scam.advance_fee_no_payout")},
		{name: "advance fee/a payout came back", tx: fns(transfer, amount("300000"), cpty("KR")),
			in: payeeSeen(3*24*time.Hour, ""),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000")},
				cashIn30d: {Count: 1, Sum: dec("550000"), Last: t0.Add(-2 * 24 * time.Hour)}}},
		{name: "advance fee/a second before 24h", tx: fns(transfer, amount("300000"), cpty("KR")),
			in:    payeeSeen(24*time.Hour-time.Second, ""),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000")}}},
		{name: "advance fee/payee first paid 31 days ago", tx: fns(transfer, amount("300000"), cpty("KR")),
			in:    payeeSeen(31*24*time.Hour, ""),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000")}}},
		{name: "advance fee/first payment to the payee", tx: fns(transfer, amount("300000"), cpty("KR")),
			in: payeeSeen(0, "")},
		{name: "advance fee/unknown payee history", tx: fns(transfer, amount("300000"), cpty("KR")),
			facts: map[string]Fact{xfer30d: {Count: 1, Sum: dec("500000")}}},

		// guaranteed payout above the amount paid in
		{name: "guaranteed/promised 400% back", tx: fns(transfer, amount("100000"), cpty("KR"), promised("500000")),
			want: ids("aml.scam.guaranteed_payout")},
		{name: "guaranteed/0.000001 above the amount", tx: fns(transfer, amount("100000"), cpty("KR"), promised("100000.000001")),
			want: ids("aml.scam.guaranteed_payout")},
		{name: "guaranteed/promised exactly the amount", tx: fns(transfer, amount("100000"), cpty("KR"), promised("100000"))},
		{name: "guaranteed/no promise", tx: fns(transfer, amount("100000"), cpty("KR"))},
		{name: "guaranteed/a cash-in is not a deposit to a scheme", tx: fns(amount("100000"), promised("500000"))},

		// test deposits to a new payee, then the real amount
		{name: "test deposits/two tries of 1,000 then 500,000", tx: fns(transfer, amount("500000"), cpty("KR")),
			in:    payeeSeen(2*time.Hour, ""),
			facts: map[string]Fact{xfer24h: {Count: 2, Distinct: 1, Sum: dec("2000"), Last: t0.Add(-time.Hour), LastAmount: dec("1000")}}, want: ids("aml.scam.test_deposits_new_payee")},
		{name: "test deposits/average exactly 10% of this", tx: fns(transfer, amount("20000"), cpty("KR")),
			in:    payeeSeen(2*time.Hour, ""),
			facts: map[string]Fact{xfer24h: {Count: 2, Distinct: 1, Sum: dec("4000"), Last: t0.Add(-time.Hour), LastAmount: dec("2000")}}, want: ids("aml.scam.test_deposits_new_payee")},
		{name: "test deposits/average 0.000001 above 10%", tx: fns(transfer, amount("20000"), cpty("KR")),
			in:    payeeSeen(2*time.Hour, ""),
			facts: map[string]Fact{xfer24h: {Count: 2, Distinct: 1, Sum: dec("4000.000002"), Last: t0.Add(-time.Hour), LastAmount: dec("2000")}}},
		{name: "test deposits/only one earlier try", tx: fns(transfer, amount("500000"), cpty("KR")),
			in:    payeeSeen(2*time.Hour, ""),
			facts: map[string]Fact{xfer24h: {Count: 1, Distinct: 1, Sum: dec("1000"), Last: t0.Add(-time.Hour), LastAmount: dec("1000")}}},
		{name: "test deposits/earlier transfers before the payee appeared", tx: fns(transfer, amount("500000"), cpty("KR")),
			in:    payeeSeen(2*time.Hour, ""),
			facts: map[string]Fact{xfer24h: {Count: 2, Distinct: 2, Sum: dec("2000"), Last: t0.Add(-3 * time.Hour), LastAmount: dec("1000")}}},
		{name: "test deposits/payee known for two days", tx: fns(transfer, amount("500000"), cpty("KR")),
			in:    payeeSeen(48*time.Hour, ""),
			facts: map[string]Fact{xfer24h: {Count: 2, Distinct: 1, Sum: dec("2000"), Last: t0.Add(-time.Hour), LastAmount: dec("1000")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := newTx(tc.tx...)
			mustValid(t, tx)
			in := &Input{Tx: tx, Facts: &facts{m: tc.facts}, Location: seoul}
			if tc.in != nil {
				tc.in(in)
			}
			fs, err := p.Evaluate(context.Background(), in)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if diff := cmp.Diff(tc.want, ruleIDs(fs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("fired rules mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func promised(s string) func(*payment.Transaction) {
	return func(tx *payment.Transaction) {
		m := payment.MustParseMoney(s + " KRW")
		tx.PromisedPayout = &m
	}
}

func fns(f ...func(*payment.Transaction)) []func(*payment.Transaction) { return f }
func ids(s ...string) []string                                         { return s }

func TestFindingExplains(t *testing.T) {
	p := builtinProgram(t)
	tx := newTx(amount("4000000"))
	in := &Input{Tx: tx, Location: seoul, Facts: &facts{m: map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}}}}
	fs, err := p.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := []rule.Finding{{
		Rule:    "aml.structuring.daily_threshold",
		Version: "1",
		Action:  rule.Review,
		Message: "cash-ins today 6000000 plus this 4000000 KRW reach the reporting threshold 10000000 in 2 pieces, each below it",
		Values: []rule.Value{
			{Name: "day_total", Value: "10000000"},
			{Name: "pieces", Value: "2"},
			{Name: "threshold", Value: "10000000"},
		},
	}}
	if diff := cmp.Diff(want, fs, cmpopts.IgnoreFields(rule.Finding{}, "Citation")); diff != "" {
		t.Errorf("Evaluate() mismatch (-want +got):\n%s", diff)
	}
	if fs[0].Citation.Law == "" {
		t.Error("finding without citation")
	}
}

func TestFindingAnomalyValues(t *testing.T) {
	p := builtinProgram(t)
	tx := newTx(amount("60000"))
	in := &Input{Tx: tx, Location: seoul, Facts: &facts{m: map[string]Fact{cashIn30d: {Count: 10, Sum: dec("100000"), SumSquares: dec("1999800010")}}}}
	fs, err := p.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("got %v", ruleIDs(fs))
	}
	want := []rule.Value{
		{Name: "mean_30d", Value: "10000"},
		{Name: "stddev_30d", Value: "9999"},
		{Name: "z_score", Value: "5"},
		{Name: "history_count", Value: "10"},
	}
	if diff := cmp.Diff(want, fs[0].Values); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestFindingScamValues(t *testing.T) {
	p := builtinProgram(t)
	tx := newTx(dir(payment.Transfer), amount("100000"), promised("500000"))
	fs, err := p.Evaluate(context.Background(), &Input{Tx: tx, Location: seoul, Facts: &facts{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Rule != "aml.scam.guaranteed_payout" {
		t.Fatalf("got %v", ruleIDs(fs))
	}
	want := []rule.Value{
		{Name: "paid_in", Value: "100000"},
		{Name: "promised_payout", Value: "500000"},
		{Name: "promised_return_percent", Value: "400"},
	}
	if diff := cmp.Diff(want, fs[0].Values); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
	if got, wantMsg := fs[0].Message, "100000 KRW paid in against a promised payout of 500000 (400% return)"; got != wantMsg {
		t.Errorf("message = %q, want %q", got, wantMsg)
	}
}
