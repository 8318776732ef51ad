package aml

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestHostFunctions(t *testing.T) {
	mules := map[string]bool{"110-22-333": true}
	opts := &Options{Functions: []Function{
		{Name: "is_mule_account", Params: []Type{TypeString}, Result: TypeBool,
			Impl: func(a []any) (any, error) { return mules[a[0].(string)], nil }},
		{Name: "fx_to_usd", Params: []Type{TypeDecimal, TypeString}, Result: TypeDecimal,
			Impl: func(a []any) (any, error) {
				if a[1].(string) != "KRW" {
					return nil, errors.New("no rate")
				}
				return a[0].(decimal.Decimal).Div(decimal.NewFromInt(1400)).Round(2), nil
			}},
		{Name: "window_of", Params: []Type{TypeTimestamp, TypeDuration, TypeStringList, TypeInt, TypeBool}, Result: TypeStringList,
			Impl: func(a []any) (any, error) {
				return []string{a[0].(time.Time).UTC().Format(time.DateOnly), a[1].(time.Duration).String(), a[2].([]string)[0]}, nil
			}},
		{Name: "bad_result", Result: TypeInt, Impl: func([]any) (any, error) { return "x", nil }},
		{Name: "boom", Result: TypeBool, Impl: func([]any) (any, error) { panic("boom") }},
	}}
	rules := []Rule{
		{ID: "t.mule", Version: "1", Expr: `is_mule_account(counterparty.account)`, Action: rule.Block},
		{ID: "t.fx", Version: "1", Expr: `fx_to_usd(tx.amount, tx.currency) >= decimal("1000")`, Action: rule.Review},
		{ID: "t.list", Version: "1", Expr: `window_of(tx.time, duration("1h"), ["a"], 1, true) == ["2026-11-24", "1h0m0s", "a"]`, Action: rule.Review},
		{ID: "t.bad", Version: "1", Expr: `bad_result() > 1`, Action: rule.Review},
		{ID: "t.boom", Version: "1", Expr: `boom()`, Action: rule.Review},
	}
	p, err := Compile(rules, opts)
	if err != nil {
		t.Fatal(err)
	}
	tx := newTx(amount("1400000"), func(tx *payment.Transaction) { tx.Counterparty = &payment.Party{ID: "p", Account: "110-22-333"} })
	fs, err := p.Evaluate(context.Background(), &Input{Tx: tx})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"t.mule", "t.fx", "t.list",
		"t.bad!rule t.bad failed at run time: bad_result returned string, want int",
		"t.boom!rule t.boom failed at run time: internal error: boom"}
	if diff := cmp.Diff(want, ruleIDs(fs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []Function{
		{Name: "Bad", Result: TypeBool, Impl: func([]any) (any, error) { return true, nil }},
		{Name: "x", Result: TypeUnspecified, Impl: func([]any) (any, error) { return true, nil }},
		{Name: "y", Result: TypeBool},
		{Name: "size", Params: []Type{TypeString}, Result: TypeInt, Impl: func([]any) (any, error) { return int64(1), nil }},
	} {
		if _, err := Compile(nil, &Options{Functions: []Function{bad}}); !errors.Is(err, &rule.Error{Code: CodeOptions}) {
			t.Errorf("Compile with function %q = %v, want %s", bad.Name, err, CodeOptions)
		}
	}
}
