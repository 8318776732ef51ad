package kyc_test

import (
	"fmt"
	"time"

	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// A basic-tier customer cashing out 10,000,000 KRW reaches the Korean
// one-off CDD threshold and must complete real-name verification first.
func ExampleChecker_Check() {
	checker, err := kyc.CompilePolicy(kyc.KRPolicy())
	if err != nil {
		panic(err)
	}
	tx := &payment.Transaction{
		ID:        "tx-42",
		Time:      time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC),
		Country:   "KR",
		Channel:   payment.Prepaid,
		Direction: payment.CashOut,
		Amount:    payment.MustParseMoney("10000000 KRW"),
		Customer: payment.Customer{
			Party:    payment.Party{ID: "c-7"},
			Tier:     payment.TierBasic,
			Verified: []payment.Check{payment.CheckPhone},
		},
	}
	findings, err := checker.Check(tx)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f.Rule, f.Action, f.Requires)
		fmt.Println(f.Citation)
	}
	// Output:
	// kr.aml.cdd.one_off_krw step_up [tier:full verification:real_name]
	// 특정금융거래정보의 보고 및 이용 등에 관한 법률 제5조의2제1항제1호; 시행령 제10조의3제1항제3호나목; 시행령 부칙 <제31554호>
}

// CompilePolicy reports every invalid field at once, with a stable code.
func ExampleCompilePolicy_errors() {
	p := kyc.KRPolicy()
	p.CDD[1].Amount = p.CDD[1].Amount.Neg()
	p.CDD[2].Citation = rule.Citation{}
	_, err := kyc.CompilePolicy(p)
	fmt.Println(err)
	// Output:
	// ERROR: kyc_policy_error: cdd[1].amount: negative threshold -10000000
	// ERROR: kyc_policy_error: cdd[2].citation: a citation naming the law is required
}
