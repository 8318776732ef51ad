package comply_test

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
)

func ExampleNew() {
	eng, err := comply.New(&comply.Options{
		Packs: []*jurisdiction.Pack{kr.Pack()},
		// Store: nil uses the embedded in-memory store.
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = eng
	fmt.Println("compiled")
	// Output: compiled
}

func ExampleEngine_Evaluate() {
	eng, _ := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}})
	seoul, _ := time.LoadLocation("Asia/Seoul")
	// A cash-out of an e-wallet balance that was topped up through the
	// phone bill: 소액결제 현금화, prohibited in Korea.
	tx := &payment.Transaction{
		ID:        "tx-1001",
		Time:      time.Date(2026, 11, 2, 10, 30, 0, 0, seoul),
		Country:   "KR",
		Channel:   payment.EWallet,
		Direction: payment.CashOut,
		Funding:   payment.CarrierBilling,
		Amount:    payment.MustParseMoney("90000 KRW"),
		Customer:  payment.Customer{Party: payment.Party{ID: "c04"}, Tier: payment.TierBasic},
	}
	d, err := eng.Evaluate(context.Background(), tx)
	if err != nil {
		fmt.Println("could not decide:", err) // fail closed
		return
	}
	fmt.Println(d.Action)
	for _, f := range d.Findings {
		fmt.Printf("%s (%s)\n", f.Rule, f.Citation)
	}
	// Output:
	// block
	// kr.carrier_billing.cashout_ban (정보통신망 이용촉진 및 정보보호 등에 관한 법률 (정보통신망법) 제72조 제1항 제4호 가목·나목)
}

func ExampleDecision_Commit() {
	eng, _ := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}})
	ctx := context.Background()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	pay := func(id, amount string) *comply.Decision {
		d, err := eng.Evaluate(ctx, &payment.Transaction{
			ID: id, Time: time.Date(2026, 11, 2, 10, 0, 0, 0, seoul), Country: "KR",
			Channel: payment.CarrierBilling, Direction: payment.Payment,
			Amount:   payment.MustParseMoney(amount),
			Customer: payment.Customer{Party: payment.Party{ID: "c01"}, Tier: payment.TierFull},
		})
		if err != nil {
			panic(err)
		}
		return d
	}
	d := pay("tx-1", "700000 KRW")
	fmt.Println("tx-1:", d.Action)
	// The money moved: keep the amount counted.
	_ = d.Commit(ctx)

	d = pay("tx-2", "400000 KRW")
	fmt.Println("tx-2:", d.Action, d.Findings[0].Rule)

	d = pay("tx-3", "300000 KRW")
	fmt.Println("tx-3:", d.Action)
	// The carrier declined the charge: give the room back.
	_ = d.Void(ctx)

	d = pay("tx-4", "300000 KRW")
	fmt.Println("tx-4:", d.Action)
	// Output:
	// tx-1: allow
	// tx-2: block kr.carrier_billing.monthly_cap
	// tx-3: allow
	// tx-4: allow
}
