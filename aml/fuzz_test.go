package aml

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// fuzzInputs are valid transactions (with facts) that every compiled rule
// is evaluated against.
func fuzzInputs() []*Input {
	src := &facts{m: map[string]Fact{
		"all/24h":     {Count: 3, Sum: dec("30000.5"), SumSquares: dec("400000000"), Distinct: 2, Last: t0.Add(-time.Hour), LastAmount: dec("10000")},
		"cash_in/day": {Count: 1, Sum: dec("0.000001")},
		"all/30d":     {Count: 1, Sum: dec("5"), SumSquares: dec("25")},
	}}
	txs := []*payment.Transaction{
		newTx(),
		newTx(func(tx *payment.Transaction) {
			tx.Direction = payment.CashOut
			tx.Channel = payment.Crypto
			tx.Amount = payment.MustParseMoney("0.000000000000000001 USD")
			tx.Crypto = &payment.CryptoDetails{Address: "x", Wallet: payment.WalletSelfHosted, AssetAmount: "999999999999999999.999999999999999999",
				TravelRule: &payment.TravelRule{OriginatorName: "김"}}
			tx.Counterparty = &payment.Party{ID: "p", Country: "KP", BirthDate: payment.Date{Year: 1900, Month: 1, Day: 1}}
			tx.Device = &payment.Device{FirstSeen: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), SIMChanged: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
			tx.Merchant = &payment.Merchant{Goods: payment.GoodsGameCurrency, Category: "0000"}
			tx.Customer.Verified = []payment.Check{payment.CheckAge}
			tx.Customer.BirthDate = payment.Date{Year: 2026, Month: 11, Day: 24}
		}),
		newTx(func(tx *payment.Transaction) {
			tx.Amount = payment.MustParseMoney("999999999999999999.999999999999999999 KRW")
			tx.Time = time.Date(2199, 12, 31, 23, 59, 59, 0, time.UTC)
		}),
	}
	var out []*Input
	for i, tx := range txs {
		out = append(out, &Input{Tx: tx, Facts: src, Location: seoul, MaxAmount: dec("1000000"), CounterpartyFirstSeen: t0})
		if i == 0 {
			out = append(out, &Input{Tx: tx, Facts: src}) // UTC, nothing optional
		}
	}
	return out
}

// FuzzCompileRule compiles random expressions: compiling never panics,
// every error carries a code and a position, and a rule that compiles
// evaluates without panicking on valid transactions, its run-time errors
// becoming findings rather than errors of Evaluate.
func FuzzCompileRule(f *testing.F) {
	for _, s := range []string{
		`tx.amount > decimal("1000000")`,
		`1000000 <= tx.amount`,
		`decimal("0.1") + decimal("0.2") == decimal("0.3")`,
		`tx.amount / (tx.amount - tx.amount) > 0`,
		`tx.amount % 0 == decimal("0")`,
		`tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount * tx.amount > 1`,
		`decimal("-0.000000000000000001").sqrt() > 0`,
		`tx.amount.round(-100) > 1`,
		`int(tx.amount * decimal("1000000000000000000000")) > 1`,
		`tx == tx`,
		`dyn(tx).amount > 1`,
		`dyn(vel).sum_1h > 1`,
		`type(tx) == type(tx)`,
		`[tx.crypto][0].wallet == ""`,
		`has(tx.crypto.travel_rule_complete)`,
		`vel.carrier_billing.payment.stddev_month >= vel.mean_30d`,
		`(tx.time - vel.last_24h).getHours() > 1`,
		`tx.time - device.first_seen < duration("72h")`,
		`tx.time + duration("876000h") > device.sim_changed`,
		`customer.verified.all(c, c.size() > 1)`,
		`lists.eu.exists(c, lists.fatf_increased_monitoring.exists(d, c == d))`,
		`tx.id.matches("^(a+)+$")`,
		`string(tx.crypto.asset_amount) == "1"`,
		`customer.age > 1 && 1.0 > 0.5`,
		`tx.amount == 1`,
		`tx.amount > `,
		`"\xff" == tx.id`,
		`tx.local_hour / 0 == 1`,
		`9223372036854775807 + tx.local_hour > 0`,
		`decimal("99999999999999999999999999999999999999999999999999999999") * decimal("99999999999999999999999999999999999999999999999999") > 0`,
		`tx.amount > decimal(tx.id)`,
		`params.ato_window > duration("1s") && lists.mcc_cash_equivalent.size() > 0`,
		`{"a": tx.amount}["a"] > 1`,
		`[1, 2, 3].map(x, decimal(x) * tx.amount).exists(y, y > 100)`,
		`aml.Transaction{id: "x"}.id == "x"`,
		`timestamp("2026-01-01T00:00:00Z") < tx.time`,
	} {
		f.Add(s)
	}
	inputs := fuzzInputs()
	f.Fuzz(func(t *testing.T, expr string) {
		p, err := Compile([]Rule{{ID: "fuzz.rule", Version: "1", Expr: expr, Action: rule.Review,
			Message: "amount {{tx.amount}}", Values: []NamedExpr{{Name: "e", Expr: expr}}}}, nil)
		if err != nil {
			l := rule.AsList(err)
			if len(l) == 0 {
				t.Fatalf("Compile(%q) error is not a rule.ErrorList: %v", expr, err)
			}
			for _, e := range l {
				if e.Code == "" {
					t.Fatalf("Compile(%q): error without code: %#v", expr, e)
				}
				if e.Code != CodeSchema && e.Pos.Line < 1 { // a rule built in Go has no file position
					t.Fatalf("Compile(%q): error without line: %#v", expr, e)
				}
				_ = e.Error()
			}
			return
		}
		for _, in := range inputs {
			if err := in.Tx.Validate(); err != nil {
				t.Fatalf("fuzz input invalid: %v", err)
			}
			fs, err := p.Evaluate(context.Background(), in)
			if err != nil {
				t.Fatalf("Evaluate(%q) = %v", expr, err)
			}
			for _, f := range fs {
				if !f.Action.Valid() || f.Rule != "fuzz.rule" {
					t.Fatalf("Evaluate(%q): bad finding %+v", expr, f)
				}
			}
		}
	})
}

// FuzzParseRules feeds random YAML to ParseRules and Compile: no panics,
// and every error has a code and a position in the file.
func FuzzParseRules(f *testing.F) {
	for _, p := range []string{"testdata/positions.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("rules:\n  - id: a\n    version: 1\n    action: block\n    expr: |2\n        tx.amount > 1\n"))
	f.Add([]byte("rules:\n  - id: a\n    version: \"1\"\n    action: block\n    expr: \"\\u00e9 \\\" \\n tx.x\"\n"))
	f.Add([]byte("- {id: a, version: '1', action: review, expr: 'tx.amount > 1', message: '{{tx.amout}}'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := ParseRules("f.yaml", data)
		check := func(err error) {
			for _, e := range rule.AsList(err) {
				if e.Code == "" || e.Pos.File != "f.yaml" {
					t.Fatalf("error without code or file: %#v", e)
				}
				_ = e.Error()
			}
		}
		check(err)
		if len(rules) > 0 {
			_, err := Compile(rules, nil)
			check(err)
		}
	})
}
