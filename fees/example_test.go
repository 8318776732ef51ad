package fees_test

import (
	"fmt"
	"time"

	"github.com/comply-go/comply/fees"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

// The worked example: a 100,000 KRW carrier-billing cash-out paid out at
// 80,000 KRW against a phone bill due 30 days later.
func ExampleCompute() {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	payout := payment.MustParseMoney("80000 KRW")
	tx := &payment.Transaction{
		ID: "tx-1", Time: time.Date(2026, 10, 1, 10, 0, 0, 0, seoul), Country: "KR",
		Channel: payment.EWallet, Direction: payment.CashOut, Funding: payment.CarrierBilling,
		Amount:   payment.MustParseMoney("100000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "c-1"}},
		Payout:   &payout,
		Advance:  &payment.Advance{Due: payment.Date{Year: 2026, Month: 10, Day: 31}},
	}
	c, _, err := fees.Compute(tx, seoul, 4)
	if err != nil {
		panic(err)
	}
	fmt.Println("fee:", c.Fee, "share:", c.FeeShare.String()+"%", "days:", c.Days)
	fmt.Println(c.Formula())
	fmt.Println("above 20% a year:", c.RateAbove(decimal.NewFromInt(20)))
	// Output:
	// fee: 20000 share: 20% days: 30
	// 20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)
	// above 20% a year: true
}

func ExampleChecker_Check() {
	chk, err := fees.Compile(fees.Policy{Ceilings: []fees.Ceiling{{
		ID: "acme.fee_share_cap", Measure: fees.FeeShare, Percent: decimal.NewFromInt(5), Action: rule.Review,
		Citation: rule.Citation{Law: "Acme terms of service (illustrative)"},
	}}}, nil)
	if err != nil {
		panic(err)
	}
	fee := payment.MustParseMoney("6 USD")
	tx := &payment.Transaction{
		ID: "tx-2", Time: time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC), Country: "US",
		Channel: payment.EWallet, Direction: payment.Transfer,
		Amount:   payment.MustParseMoney("100 USD"),
		Customer: payment.Customer{Party: payment.Party{ID: "c-1"}},
		Fee:      &fee,
	}
	fs, _ := chk.Check(tx)
	for _, f := range fs {
		fmt.Println(f.Rule, f.Action, f.Message)
	}
	// Output:
	// acme.fee_share_cap review fee 6 USD is 6.0000% of the amount, above the ceiling of 5%
}
