package aml_test

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/payment"
	"github.com/shopspring/decimal"
)

var kst = time.FixedZone("KST", 9*3600)

func ExampleCompile() {
	rules, err := aml.ParseRules("night.yaml", []byte(`
rules:
  - id: acme.night_cash_out
    version: "1"
    expr: |
      tx.direction == "cash_out" && tx.local_hour < 6
        && tx.amount >= decimal("500000")
    action: review
    message: "night cash-out of {{tx.amount}} {{tx.currency}} at {{tx.local_hour}}h"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	prog, err := aml.Compile(rules, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	tx := &payment.Transaction{
		ID: "t1", Time: time.Date(2026, 11, 24, 3, 10, 0, 0, kst), Country: "KR",
		Channel: payment.EWallet, Direction: payment.CashOut,
		Amount:   payment.MustParseMoney("500000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "c1"}},
	}
	findings, err := prog.Evaluate(context.Background(), &aml.Input{Tx: tx, Location: kst})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Action, f.Rule, f.Message)
	}
	// Output:
	// review acme.night_cash_out night cash-out of 500000 KRW at 3h
}

func ExampleCompile_errors() {
	rules, err := aml.ParseRules("rules.yaml", []byte(`rules:
  - id: acme.large
    version: "1"
    expr: |
      tx.direction == "cash_out"
        && tx.amout >= 1000000.50
    action: review
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = aml.Compile(rules, nil)
	fmt.Println(err)
	// Output:
	// ERROR: rules.yaml:6:24: aml_type_error: double literal 1000000.5 is not allowed: money is exact; write decimal("1000000.5")
	//  |         && tx.amout >= 1000000.50
	//  | .......................^
}

func ExampleProgram_Evaluate() {
	prog := aml.MustCompile(aml.Builtin(), nil) // once, at start-up

	// The engine answers every velocity query of the program in one call.
	facts := aml.FactSourceFunc(func(_ context.Context, qs []aml.FactQuery) ([]aml.Fact, error) {
		out := make([]aml.Fact, len(qs))
		for i, q := range qs {
			if q.String() == "cash_in/day" { // cash-ins earlier today
				out[i] = aml.Fact{Count: 2, Sum: decimal.RequireFromString("7000000")}
			}
		}
		return out, nil
	})
	tx := &payment.Transaction{
		ID: "t3", Time: time.Date(2026, 11, 24, 15, 0, 0, 0, kst), Country: "KR",
		Channel: payment.EWallet, Direction: payment.CashIn,
		Amount:   payment.MustParseMoney("3000000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "c1"}},
	}
	findings, err := prog.Evaluate(context.Background(), &aml.Input{Tx: tx, Facts: facts, Location: kst})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%s %s v%s\n%s\n", f.Action, f.Rule, f.Version, f.Message)
		for _, v := range f.Values {
			fmt.Printf("  %s = %s\n", v.Name, v.Value)
		}
		fmt.Println(" ", f.Citation)
	}
	// Output:
	// review aml.structuring.daily_threshold v1
	// cash-ins today 7000000 plus this 3000000 KRW reach the reporting threshold 10000000 in 3 pieces, each below it
	//   day_total = 10000000
	//   pieces = 3
	//   threshold = 10000000
	//   FFIEC BSA/AML Examination Manual, Appendix F "Currency is deposited or withdrawn in amounts just below identification or reporting thresholds"
}
