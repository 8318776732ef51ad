package comply_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/all"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/jurisdiction/us"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// benchKinds rotate over channels that hit the monthly carrier-billing cap,
// the prepaid balance caps and the daily cash CTR threshold.
var benchKinds = []struct {
	ch  payment.Channel
	dir payment.Direction
}{
	{payment.CarrierBilling, payment.Payment},
	{payment.Prepaid, payment.CashIn},
	{payment.Prepaid, payment.Payment},
	{payment.Cash, payment.CashIn},
}

type benchFeed struct {
	txs   []payment.Transaction
	ids   []string
	custs []string
	start time.Time
}

func newBenchFeed(n, customers int) *benchFeed {
	f := &benchFeed{txs: make([]payment.Transaction, 4096), ids: make([]string, n), custs: make([]string, customers),
		start: time.Date(2026, 11, 1, 0, 0, 0, 0, seoul)}
	for i := range f.custs {
		f.custs[i] = fmt.Sprintf("cust-%06d", i)
	}
	for i := range f.ids {
		f.ids[i] = fmt.Sprintf("b%09d", i)
	}
	for i := range f.txs {
		k := benchKinds[i%len(benchKinds)]
		f.txs[i] = payment.Transaction{
			Country: "KR", Channel: k.ch, Direction: k.dir,
			Amount:   payment.MustParseMoney("1 KRW"),
			Customer: payment.Customer{Tier: payment.TierFull, Verified: []payment.Check{payment.CheckPhone, payment.CheckRealName}},
		}
	}
	return f
}

func (f *benchFeed) tx(i int) *payment.Transaction {
	tx := &f.txs[i%len(f.txs)]
	tx.ID = f.ids[i]
	tx.Customer.ID = f.custs[i%len(f.custs)]
	tx.Time = f.start.Add(time.Duration(i) * time.Second)
	return tx
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkEvaluate measures one whole decision on memstore: validation,
// applicable rows, the per-transaction checks, the one atomic reservation,
// then Commit.
//
//   - limits: the KR limit table alone (the foundation's target: at most
//     3 µs and 10 allocations per decision on one core).
//   - handwritten: the same limits written by hand straight against the
//     store, the baseline the engine's overhead is measured against.
//   - full: the whole KR pack, adding the KYC policy and every built-in AML
//     typology, whose velocity facts are read from the store. One customer
//     making every transaction of the run is not a realistic history for
//     it (its 365-day windows would hold the whole run), so it starts at
//     10,000 customers.
//
// The customers=100000 runs report the heap per active customer after the
// run (B/customer), which is mostly memstore state.
func BenchmarkEvaluate(b *testing.B) {
	for _, bc := range []struct {
		mode      string
		customers int
	}{{"limits", 1}, {"limits", 100_000}, {"handwritten", 1}, {"handwritten", 100_000}, {"full", 10_000}, {"full", 100_000}} {
		b.Run(fmt.Sprintf("%s/customers=%d", bc.mode, bc.customers), func(b *testing.B) {
			feed := newBenchFeed(b.N, bc.customers)
			ctx := context.Background()
			st := newMemstore(b)
			before := heapInUse()
			var run func(i int)
			if bc.mode == "handwritten" {
				run = handwritten(b, st, feed)
			} else {
				pack := kr.Pack()
				if bc.mode == "limits" {
					pack = krLimitsOnly()
				}
				eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{pack}, Store: st})
				if err != nil {
					b.Fatal(err)
				}
				run = func(i int) {
					tx := feed.tx(i)
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
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run(i)
			}
			b.StopTimer()
			if bc.customers == 100_000 && b.N >= bc.customers {
				after := heapInUse()
				runtime.KeepAlive(feed)
				runtime.KeepAlive(st)
				b.ReportMetric((float64(after)-float64(before))/float64(bc.customers), "B/customer")
			}
		})
	}
}

// handwritten is the KR limit table written by hand against the store: the
// caps of each channel and direction built once, one Reserve and one
// Commit per transaction, no validation, no findings.
func handwritten(b *testing.B, st store.Backend, feed *benchFeed) func(int) {
	month := store.Window{Kind: store.Month, Location: seoul}
	day := store.Window{Kind: store.Day, Location: seoul}
	bit := func(ch payment.Channel, dir payment.Direction) uint64 { return 1 << limits.Class(ch, dir) }
	amt := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	prepaidDebits := bit(payment.Prepaid, payment.CashOut) | bit(payment.Prepaid, payment.Payment) | bit(payment.Prepaid, payment.Transfer)
	caps := map[uint8][]store.Cap{
		limits.Class(payment.CarrierBilling, payment.Payment): {{ID: "cb", Window: month, Classes: bit(payment.CarrierBilling, payment.Payment), MaxAmount: amt("1000000")}},
		limits.Class(payment.Prepaid, payment.CashIn):         {{ID: "named", Window: store.Window{Kind: store.Balance}, Classes: bit(payment.Prepaid, payment.CashIn), Debits: prepaidDebits, MaxAmount: amt("2000000")}},
		limits.Class(payment.Prepaid, payment.Payment):        {{ID: "named", Window: store.Window{Kind: store.Balance}, Classes: bit(payment.Prepaid, payment.CashIn), Debits: prepaidDebits, MaxAmount: amt("2000000")}},
		limits.Class(payment.Cash, payment.CashIn):            {{ID: "ctr", Window: day, Classes: bit(payment.Cash, payment.CashIn), MaxAmount: amt("10000000"), Observe: true}},
	}
	ctx := context.Background()
	var req store.Request
	return func(i int) {
		tx := feed.tx(i)
		class := limits.Class(tx.Channel, tx.Direction)
		req = store.Request{Subject: "KR/" + tx.Customer.ID, TxID: tx.ID, Time: tx.Time, Class: class,
			Amount: tx.Amount.Amount, Currency: "KRW", Caps: caps[class]}
		res, err := st.Reserve(ctx, &req)
		if err != nil || res.Status != store.Reserved {
			b.Fatalf("%s: %v %v", tx.ID, res.Status, err)
		}
		if err := st.Commit(ctx, req.Subject, tx.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompilePacks compiles every built-in pack once, as comply.New
// does (target: under 200 ms for all of them).
func BenchmarkCompilePacks(b *testing.B) {
	packs := all.Packs()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := comply.New(&comply.Options{Packs: packs, Store: newMemstore(b)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(packs)), "packs")
}

// BenchmarkEvaluateCrossBorder judges a KR customer's transfer to a US
// counterparty by both packs (two reservations, both AML programs), against
// the same transfer judged by KR alone.
func BenchmarkEvaluateCrossBorder(b *testing.B) {
	for _, cross := range []bool{false, true} {
		name := "domestic"
		if cross {
			name = "KR+US"
		}
		b.Run(name, func(b *testing.B) {
			eng, err := comply.New(&comply.Options{
				Packs: []*jurisdiction.Pack{kr.Pack(), us.Pack()},
				Store: newMemstore(b),
				FX:    fixedFX{"KRWUSD": "0.00072", "USDKRW": "1390"},
				Now:   func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) },
			})
			if err != nil {
				b.Fatal(err)
			}
			feed := newBenchFeed(b.N, 10_000)
			cp := &payment.Party{ID: "p-1", Country: "KR"}
			if cross {
				cp.Country = "US"
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tx := *feed.tx(i)
				tx.Channel, tx.Direction, tx.Counterparty = payment.EWallet, payment.Transfer, cp
				tx.Amount = payment.MustParseMoney("13000 KRW")
				d, err := eng.Evaluate(ctx, &tx)
				if err != nil {
					b.Fatal(err)
				}
				if d.Reserved {
					if err := d.Void(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
