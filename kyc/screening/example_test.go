package screening_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/comply-go/comply/kyc/screening"
	"github.com/comply-go/comply/payment"
)

const exampleSDN = `20157,"KIM, Jong Un","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 08 Jan 1984; nationality Korea, North; Gender Male."
2680,"HABBASH, George","individual","SDT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
`

// Screening a Hangul name against an OFAC extract: the match names the
// list, entity and matched name, and explains each token.
func Example() {
	entities, err := screening.LoadOFAC(strings.NewReader(exampleSDN), nil, nil)
	if err != nil {
		panic(err)
	}
	s, err := screening.NewScreener(screening.NewIndex(entities, nil), nil)
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"김정은", "Kim Jong-un", "George Bush"} {
		ms := s.Screen(screening.Query{Name: name})
		fmt.Printf("%s: %d match(es)\n", name, len(ms))
		for _, m := range ms {
			fmt.Printf("  %s:%s %q %.3f %s\n  %s\n", m.List, m.EntityID, m.MatchedName, m.Score, m.Decision, m.Explanation.String())
		}
	}
	// Output:
	// 김정은: 1 match(es)
	//   us_ofac_sdn:20157 "KIM, Jong Un" 0.919 possible
	//   gim~kim variant 0.95; jeongeun~jong+un compound 0.90; name 0.919
	// Kim Jong-un: 1 match(es)
	//   us_ofac_sdn:20157 "KIM, Jong Un" 1.000 confirmed
	//   kim~kim exact 1.00; jong~jong exact 1.00; un~un exact 1.00; name 1.000
	// George Bush: 0 match(es)
}

// A date of birth that agrees confirms a match; the findings of a
// transaction name the party, list, entity, matched name and score.
func ExampleScreener_Check() {
	entities, err := screening.LoadOFAC(strings.NewReader(exampleSDN), nil, nil)
	if err != nil {
		panic(err)
	}
	s, err := screening.NewScreener(screening.NewIndex(entities, nil), nil)
	if err != nil {
		panic(err)
	}
	tx := &payment.Transaction{
		ID:        "tx-1",
		Time:      time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC),
		Country:   "KR",
		Channel:   payment.BankTransfer,
		Direction: payment.Transfer,
		Amount:    payment.MustParseMoney("50000 KRW"),
		Customer:  payment.Customer{Party: payment.Party{ID: "c-1", Name: "홍길동", Country: "KR"}},
		Counterparty: &payment.Party{ID: "p-9", Name: "김정은", Country: "KP",
			BirthDate: payment.Date{Year: 1984, Month: time.January, Day: 8}},
	}
	for _, f := range s.Check(tx) {
		fmt.Println(f.Rule, f.Action, f.Citation.Law)
		for _, v := range f.Values[:6] {
			fmt.Printf("  %s=%s\n", v.Name, v.Value)
		}
	}
	// Output:
	// screening.sanctions block 31 CFR
	//   party=counterparty
	//   query=김정은
	//   list=us_ofac_sdn
	//   entity_id=20157
	//   matched_name=KIM, Jong Un
	//   score=1.000
}
