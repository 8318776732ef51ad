package comply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
)

// BenchmarkEvaluate measures one whole decision with the KR limits on
// memstore: validation, applicable rows, the per-transaction checks and the
// atomic reservation, then Commit. Transactions rotate over channels that
// hit the monthly carrier-billing cap, the prepaid balance caps and the
// daily cash CTR threshold, with amounts small enough to stay allowed.
//
// The limits sub-benchmarks run the KR limit table alone (the target of the
// foundation: at most 3 µs and 10 allocations per decision on one core); the
// full ones add the KR KYC policy and every built-in AML typology, whose
// velocity facts are read from the store. (One customer making every
// transaction of the run is not a realistic history for the full pack: its
// 365-day windows would hold the whole run; see BENCHMARKS.md.)
func BenchmarkEvaluate(b *testing.B) {
	for _, bc := range []struct {
		pack      string
		customers int
	}{{"limits", 1}, {"limits", 100_000}, {"full", 10_000}, {"full", 100_000}} {
		b.Run(fmt.Sprintf("%s/customers=%d", bc.pack, bc.customers), func(b *testing.B) {
			customers := bc.customers
			pack := kr.Pack()
			if bc.pack == "limits" {
				pack = krLimitsOnly()
			}
			eng, err := comply.New(&comply.Options{
				Packs: []*jurisdiction.Pack{pack},
				Store: newMemstore(b),
			})
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]string, customers)
			for i := range ids {
				ids[i] = fmt.Sprintf("cust-%06d", i)
			}
			kinds := []struct {
				ch  payment.Channel
				dir payment.Direction
			}{
				{payment.CarrierBilling, payment.Payment},
				{payment.Prepaid, payment.CashIn},
				{payment.Prepaid, payment.Payment},
				{payment.Cash, payment.CashIn},
			}
			txs := make([]payment.Transaction, 4096)
			for i := range txs {
				k := kinds[i%len(kinds)]
				txs[i] = payment.Transaction{
					Country: "KR", Channel: k.ch, Direction: k.dir,
					Amount:   payment.MustParseMoney("1 KRW"),
					Customer: payment.Customer{Tier: payment.TierFull, Verified: []payment.Check{payment.CheckPhone, payment.CheckRealName}},
				}
			}
			idbuf := make([]string, b.N)
			for i := range idbuf {
				idbuf[i] = fmt.Sprintf("b%09d", i)
			}
			start := time.Date(2026, 11, 1, 0, 0, 0, 0, seoul)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tx := &txs[i%len(txs)]
				tx.ID = idbuf[i]
				tx.Customer.ID = ids[i%customers]
				tx.Time = start.Add(time.Duration(i) * time.Second)
				d, err := eng.Evaluate(ctx, tx)
				if err != nil {
					b.Fatal(err)
				}
				if !d.Allowed() {
					b.Fatalf("%s: %s %v", tx.ID, d.Action, d.Findings)
				}
				if err := d.Commit(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
