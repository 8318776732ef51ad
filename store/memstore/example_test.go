package memstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/shopspring/decimal"
)

func ExampleNew() {
	s, err := memstore.New(nil) // nil: a retention of 35 days
	if err != nil {
		panic(err)
	}
	defer s.Close()

	kst := time.FixedZone("KST", 9*60*60)
	const carrierBilling = 1 // the class the host assigns to carrier-billing payments
	monthly := store.Cap{
		ID:        "kr.carrier_billing.monthly_cap",
		Window:    store.Window{Kind: store.Month, Location: kst},
		Classes:   1 << carrierBilling,
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1_000_000)),
	}
	reserve := func(id string, amount int64) {
		res, err := s.Reserve(context.Background(), &store.Request{
			Subject:  "kr/customer-42",
			TxID:     id,
			Time:     time.Date(2026, 3, 10, 12, 0, 0, 0, kst),
			Class:    carrierBilling,
			Amount:   decimal.NewFromInt(amount),
			Currency: "KRW",
			Caps:     []store.Cap{monthly},
		})
		if err != nil {
			panic(err)
		}
		fmt.Print(id, ": ", res.Status)
		for _, v := range res.Violations {
			fmt.Printf(" (%s already at %s KRW)", v.ID, v.Amount)
		}
		fmt.Println()
	}

	reserve("tx-1", 600_000)
	reserve("tx-2", 500_000)
	if err := s.Void(context.Background(), "kr/customer-42", "tx-1"); err != nil {
		panic(err)
	}
	reserve("tx-2", 500_000) // judged afresh after the void
	reserve("tx-2", 500_000) // a retry
	// Output:
	// tx-1: reserved
	// tx-2: refused (kr.carrier_billing.monthly_cap already at 600000 KRW)
	// tx-2: reserved
	// tx-2: duplicate
}
