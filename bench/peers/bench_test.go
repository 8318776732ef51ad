package peers

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// benchStream is the stream, made once per test binary.
var benchStream = sync.OnceValues(func() ([]payment.Transaction, error) { return Stream(StreamSize) })

// cycleShift moves each later pass over the stream this far ahead, beyond
// every window the pack reads, so that a pass is judged as the first one
// was, with new transaction ids.
const cycleShift = 400 * 24 * time.Hour

// cycle returns a copy of the stream for pass k (k ≥ 1): ids suffixed and
// times moved k·cycleShift ahead.
func cycle(txs []payment.Transaction, k int) []payment.Transaction {
	out := make([]payment.Transaction, len(txs))
	for i := range txs {
		out[i] = txs[i]
		out[i].ID = fmt.Sprintf("%s#%d", txs[i].ID, k)
		out[i].Time = txs[i].Time.Add(time.Duration(k) * cycleShift)
		if cp := txs[i].Counterparty; cp != nil && !cp.FirstSeen.IsZero() {
			c := *cp
			c.FirstSeen = c.FirstSeen.Add(time.Duration(k) * cycleShift)
			out[i].Counterparty = &c
		}
		if d := txs[i].Device; d != nil {
			c := *d
			if !c.FirstSeen.IsZero() {
				c.FirstSeen = c.FirstSeen.Add(time.Duration(k) * cycleShift)
			}
			if !c.SIMChanged.IsZero() {
				c.SIMChanged = c.SIMChanged.Add(time.Duration(k) * cycleShift)
			}
			out[i].Device = &c
		}
	}
	return out
}

// BenchmarkPeers judges the stream with comply, the hand-written Go and
// OPA, each on its own fresh memstore, one decision per op (evaluation and
// the store's commit or void). Run it with -benchtime=100000x so that each
// judges exactly the whole stream once; a longer run goes over it again,
// moved ahead in time. The handwritten and opa runs report their ratio to
// the mean of the comply runs (comply/handwritten and opa/comply), in
// wall time and in process CPU time (cpu-ns/op, cpu:…), which a machine
// shared with other work disturbs less.
func BenchmarkPeers(b *testing.B) {
	txs, err := benchStream()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// With -count n, every comply run comes before the first handwritten
	// one: the ratios are to the mean of the comply runs so far.
	var complyNs, complyCPU, complyRuns float64
	for _, p := range peerList {
		b.Run(p.name, func(b *testing.B) {
			ev, err := p.make(ctx)
			if err != nil {
				b.Fatal(err)
			}
			cur := txs
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				j := i % len(txs)
				if j == 0 && i > 0 {
					b.StopTimer()
					cur = cycle(txs, i/len(txs))
					b.StartTimer()
				}
				if _, err := ev.Evaluate(ctx, &cur[j]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			cpu := float64(cpuTime()-cpu0) / float64(b.N) // includes the few cycle copies
			b.ReportMetric(cpu, "cpu-ns/op")
			switch p.name {
			case "comply":
				if b.N > 1 { // not the one-op probe the testing package runs first
					complyNs, complyCPU, complyRuns = complyNs+ns, complyCPU+cpu, complyRuns+1
				}
			case "handwritten":
				if complyRuns > 0 {
					b.ReportMetric(complyNs/complyRuns/ns, "comply/handwritten")
					b.ReportMetric(complyCPU/complyRuns/cpu, "cpu:comply/handwritten")
				}
			case "opa":
				if complyRuns > 0 {
					b.ReportMetric(ns/(complyNs/complyRuns), "opa/comply")
					b.ReportMetric(cpu/(complyCPU/complyRuns), "cpu:opa/comply")
				}
			}
		})
	}
}

// historyTx returns the i-th transaction of a customer's history or of the
// measured run: card payments, e-wallet top-ups and transfers to one of 20
// payees, e-wallet cash-outs, in rotation.
func historyTx(id, cust string, at time.Time, i int) payment.Transaction {
	tx := payment.Transaction{
		ID: id, Time: at, Country: "KR",
		Amount:   payment.Money{Amount: decimal.NewFromInt(int64(5_000 + (i*7919)%40_000)), Currency: "KRW"},
		Customer: payment.Customer{Party: payment.Party{ID: cust, Country: "KR"}, Tier: payment.TierFull},
	}
	switch i % 4 {
	case 0:
		tx.Channel, tx.Direction = payment.Card, payment.Payment
	case 1:
		tx.Channel, tx.Direction = payment.EWallet, payment.CashIn
	case 2:
		tx.Channel, tx.Direction = payment.EWallet, payment.Transfer
		tx.Counterparty = &payment.Party{ID: fmt.Sprintf("payee-%02d", i%20), Country: "KR"}
	case 3:
		tx.Channel, tx.Direction = payment.EWallet, payment.CashOut
	}
	return tx
}

// seed records n committed entries for each customer, spread evenly over
// the 30 days before end, straight into the store with the engine's
// subject and classes.
func seed(b *testing.B, st store.Backend, custs []string, n int, end time.Time) {
	ctx := context.Background()
	step := 30 * 24 * time.Hour / time.Duration(n+1)
	for _, c := range custs {
		for i := 0; i < n; i++ {
			tx := historyTx(fmt.Sprintf("%s-h%d", c, i), c, end.Add(-time.Duration(n-i)*step), i)
			req := store.Request{Subject: "KR/" + c, TxID: tx.ID, Time: tx.Time, Class: classOf(&tx),
				Amount: tx.Amount.Amount, Currency: "KRW"}
			if tx.Counterparty != nil {
				req.Counterparty = tx.Counterparty.ID
			}
			if _, err := st.Reserve(ctx, &req); err != nil {
				b.Fatal(err)
			}
			if err := st.Commit(ctx, req.Subject, req.TxID); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func classOf(tx *payment.Transaction) uint8 {
	return uint8(int(tx.Channel)*payment.NumDirections + int(tx.Direction))
}

// refusedTx returns the i-th measured transaction: alternately a
// carrier-billed payment of 2,000,000 KRW (above the monthly cap) and a
// prepaid top-up of 3,000,000 KRW (above the named balance cap). The store
// refuses both and records nothing, so the customer's history stays as
// seeded however many decisions run, while each decision still goes the
// whole way: validation, KYC, the reservation's cap checks, every
// monitoring rule the channel and direction admit, over one Aggregate of
// every velocity fact.
func refusedTx(id, cust string, at time.Time, i int) payment.Transaction {
	tx := payment.Transaction{
		ID: id, Time: at, Country: "KR",
		Channel: payment.CarrierBilling, Direction: payment.Payment,
		Amount:   payment.Money{Amount: decimal.NewFromInt(2_000_000), Currency: "KRW"},
		Customer: payment.Customer{Party: payment.Party{ID: cust, Country: "KR"}, Tier: payment.TierFull},
	}
	if i%2 == 1 {
		tx.Channel, tx.Direction = payment.Prepaid, payment.CashIn
		tx.Amount.Amount = decimal.NewFromInt(3_000_000)
	}
	return tx
}

// measure runs b.N decisions through comply for customers picked by pick,
// with refusedTx, so that no decision adds to the seeded history.
func measure(b *testing.B, eng *comply.Engine, start time.Time, pick func(i int) string) {
	ctx := context.Background()
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = fmt.Sprintf("m%09d", i)
	}
	var tx payment.Transaction
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		tx = refusedTx(ids[i], pick(i), start.Add(time.Duration(i)*time.Millisecond), i)
		d, err := eng.Evaluate(ctx, &tx)
		if err != nil {
			b.Fatal(err)
		}
		if d.Reserved || d.Action != rule.Block {
			b.Fatalf("%s: %s, reserved %v: the measured transactions must be refused", tx.ID, d.Action, d.Reserved)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

func newEngine(b *testing.B, st store.Backend) *comply.Engine {
	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

// BenchmarkHistory is one decision through comply (full KR pack, memstore)
// for a customer with 10, 1,000 or 100,000 committed transactions in the
// last 30 days (card payments, top-ups, transfers to 20 payees, cash-outs).
// The measured transactions are refused by the store (see refusedTx), so
// the history stays as seeded. Target: prior=100000 within 1.5× of
// prior=10.
func BenchmarkHistory(b *testing.B) {
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{10, 1000, 100_000} {
		b.Run(fmt.Sprintf("prior=%d", n), func(b *testing.B) {
			st, err := NewMemstore()
			if err != nil {
				b.Fatal(err)
			}
			seed(b, st, []string{"c-hist"}, n, end)
			measure(b, newEngine(b, st), end, func(int) string { return "c-hist" })
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkCustomers is one decision through comply for a customer drawn
// from 10,000 or 1,000,000, each with 2 committed transactions, and the
// heap each customer takes in the memstore (B/customer, measured after
// seeding).
func BenchmarkCustomers(b *testing.B) {
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			custs := make([]string, n)
			for i := range custs {
				custs[i] = fmt.Sprintf("c%07d", i)
			}
			before := heapInUse()
			st, err := NewMemstore()
			if err != nil {
				b.Fatal(err)
			}
			seed(b, st, custs, 2, end)
			after := heapInUse()
			perCustomer := (float64(after) - float64(before)) / float64(n)
			eng := newEngine(b, st)
			measure(b, eng, end, func(i int) string { return custs[(i*7919)%n] })
			b.ReportMetric(perCustomer, "B/customer")
			runtime.KeepAlive(st)
		})
	}
}
