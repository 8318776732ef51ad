package memstore_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// benchCaps are the caps of a typical Korean decision: a calendar-month and
// a calendar-day cap in Seoul time and a prepaid balance, plus optionally a
// rolling 24-hour cap.
func benchCaps(rolling bool) []store.Cap {
	kst := time.FixedZone("Asia/Seoul", 9*60*60)
	caps := []store.Cap{
		{ID: "month", Window: store.Window{Kind: store.Month, Location: kst}, Classes: 1<<1 | 1<<2, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1 << 50))},
		{ID: "day", Window: store.Window{Kind: store.Day, Location: kst}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1 << 50)), LimitCount: true, MaxCount: 1 << 40},
		{ID: "balance", Window: store.Window{Kind: store.Balance}, Classes: 1 << 1, Debits: 1 << 3, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1 << 50))},
	}
	if rolling {
		caps = append(caps, store.Cap{ID: "24h", Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1 << 50))})
	}
	return caps
}

// BenchmarkReserve measures one admitted reservation. Subjects receive one
// entry a minute (in order), so a subject holds up to 1,440 entries in a
// rolling 24-hour window.
func BenchmarkReserve(b *testing.B) {
	for _, bc := range []struct {
		name     string
		subjects int
		rolling  bool
	}{
		{"1subject", 1, false},
		{"100000subjects", 100_000, false},
		{"1subject/rolling24h", 1, true},
		{"100000subjects/rolling24h", 100_000, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newStore(b, nil)
			ctx := context.Background()
			caps := benchCaps(bc.rolling)
			base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			names := make([]string, bc.subjects)
			for i := range names {
				names[i] = "kr/customer-" + strconv.Itoa(i)
			}
			req := store.Request{Class: 1, Amount: decimal.NewFromInt(1000), Currency: "KRW", Caps: caps}
			reserve := func(i int, id string) {
				req.Subject = names[i%bc.subjects]
				req.TxID = id
				req.Time = base.Add(time.Duration(i/bc.subjects) * time.Minute)
				res, err := s.Reserve(ctx, &req)
				if err != nil || res.Status != store.Reserved {
					b.Fatalf("Reserve = %+v, %v", res, err)
				}
			}
			for i := range bc.subjects { // every subject exists before timing
				reserve(i, "warm-"+strconv.Itoa(i))
			}
			ids := make([]string, b.N)
			for i := range ids {
				ids[i] = "tx-" + strconv.Itoa(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				reserve(i+bc.subjects, ids[i])
			}
		})
	}
}

// BenchmarkReserveParallel measures reservations from GOMAXPROCS
// goroutines over 100,000 subjects.
func BenchmarkReserveParallel(b *testing.B) {
	s := newStore(b, nil)
	caps := benchCaps(false)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const subjects = 100_000
	names := make([]string, subjects)
	for i := range names {
		names[i] = "kr/customer-" + strconv.Itoa(i)
	}
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = "tx-" + strconv.Itoa(i)
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := store.Request{Class: 1, Amount: decimal.NewFromInt(1000), Currency: "KRW", Caps: caps}
		for pb.Next() {
			i := int(next.Add(1) - 1)
			req.Subject = names[i*7919%subjects]
			req.TxID = ids[i]
			req.Time = base.Add(time.Duration(i) * time.Second)
			if _, err := s.Reserve(context.Background(), &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMemoryPerCustomer loads 10,000 customers with a given number of
// entries each (one every 2 hours, through the month, day and balance caps)
// and reports the live heap per customer and per entry.
func BenchmarkMemoryPerCustomer(b *testing.B) {
	for _, entries := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("%dentries", entries), func(b *testing.B) {
			const customers = 10_000
			var perCustomer float64
			for range b.N {
				perCustomer = heapPerCustomer(b, customers, entries)
			}
			b.ReportMetric(perCustomer, "B/customer")
			b.ReportMetric(perCustomer/float64(entries), "B/entry")
		})
	}
}

func heapPerCustomer(b *testing.B, customers, entries int) float64 {
	caps := benchCaps(false)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// The store keeps the subject, id and counterparty strings alive, so
	// they count as its state.
	before := liveHeap()
	s := newStore(b, nil)
	for e := range entries {
		for c := range customers {
			_, err := s.Reserve(context.Background(), &store.Request{
				Subject: "kr/customer-" + strconv.Itoa(c), TxID: "tx-" + strconv.Itoa(c) + "-" + strconv.Itoa(e),
				Time: base.Add(time.Duration(e) * 2 * time.Hour), Class: 1,
				Amount: decimal.NewFromInt(1000), Currency: "KRW", Counterparty: "merchant-" + strconv.Itoa(e%5), Caps: caps,
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	after := liveHeap()
	runtime.KeepAlive(s)
	return float64(after-before) / float64(customers)
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
