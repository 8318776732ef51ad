package peers_test

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply/bench/peers"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/store/memstore"
)

// The three peers judge the same transaction, each on its own store: a
// cash-out of value bought with carrier billing, which Korean law forbids.
func Example() {
	ctx := context.Background()
	tx := &payment.Transaction{
		ID: "tx-1", Time: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), Country: "KR",
		Channel: payment.EWallet, Direction: payment.CashOut, Funding: payment.CarrierBilling,
		Amount:   payment.MustParseMoney("90000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "c-1", Country: "KR"}, Tier: payment.TierBasic},
	}
	makers := []struct {
		name string
		make func(st *memstore.Store) (peers.Evaluator, error)
	}{
		{"comply", func(st *memstore.Store) (peers.Evaluator, error) { return peers.NewComply(st) }},
		{"handwritten", func(st *memstore.Store) (peers.Evaluator, error) { return peers.NewHandwritten(st) }},
		{"opa", func(st *memstore.Store) (peers.Evaluator, error) { return peers.NewOPA(ctx, st) }},
	}
	for _, m := range makers {
		st, err := peers.NewMemstore()
		if err != nil {
			panic(err)
		}
		ev, err := m.make(st)
		if err != nil {
			panic(err)
		}
		o, err := ev.Evaluate(ctx, tx)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-11s %s\n", m.name, o)
	}
	// Output:
	// comply      block [kr.carrier_billing.cashout_ban] reports []
	// handwritten block [kr.carrier_billing.cashout_ban] reports []
	// opa         block [kr.carrier_billing.cashout_ban] reports []
}
