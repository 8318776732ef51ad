package comply_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/payment"
)

// A carrier-billing cash-out advance: 100,000 KRW billed on the phone bill
// due in 30 days, 80,000 KRW paid out now. The KR pack blocks it, both as a
// cash-out of carrier-billed value and for its effective annual rate.
func Example_feeTransparency() {
	// Registers come from files the host provides; this one is illustrative.
	reg, err := registry.Parse("efin.csv", strings.NewReader(
		"# id: kr.fsc.efin\n# name: illustrative register\n# as_of: 2026-11-01\nnumber,name\n2026-0001,에이페이 주식회사\n"))
	if err != nil {
		panic(err)
	}
	regs, _ := registry.NewSet(reg)
	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Registers: regs})
	if err != nil {
		panic(err)
	}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	payout := payment.MustParseMoney("80000 KRW")
	tx := &payment.Transaction{
		ID: "adv-1", Time: time.Date(2026, 11, 4, 10, 0, 0, 0, seoul), Country: "KR",
		Channel: payment.EWallet, Direction: payment.CashOut, Funding: payment.CarrierBilling,
		Amount:   payment.MustParseMoney("100000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "cust-1"}, Tier: payment.TierFull},
		Payout:   &payout,
		Advance:  &payment.Advance{Due: payment.Date{Year: 2026, Month: 12, Day: 4}},
	}
	d, err := eng.Evaluate(context.Background(), tx)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Action)
	for _, f := range d.Findings {
		if strings.HasPrefix(string(f.Rule), "kr.fees.") {
			fmt.Println(f.Rule, f.Citation.Article)
			fmt.Println(" ", f.Message)
		}
	}
	// Output:
	// block
	// kr.fees.advance.rate_cap 제8조① (statutory ceiling 27.9%), 제15조① (여신금융기관); 시행령 제5조②③⑤ (20%)
	//   effective annual rate 304.1667% (20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)) is above the ceiling of 20% a year
	// kr.fees.advance.void_rate 제8조의2①4; 시행령 제5조의2
	//   effective annual rate 304.1667% (20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)) is above the ceiling of 60% a year
}
