package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// BenchmarkMemory measures what Redis holds per customer and per entry:
// it reserves entries (committing three in four) for 1,000 customers with
// the benchmark's day, month and 24-hour caps, one entry every 23 hours so
// that each entry also opens a new tracked day, then sums MEMORY USAGE
// over their keys. Metrics: bytes/customer (the seven keys with one entry)
// and bytes/entry (each further entry, with its day's totals).
func BenchmarkMemory(b *testing.B) {
	c := singleClient(b)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
	amount := decimal.RequireFromString("12345")
	caps := benchCaps()
	const customers = 1000
	usage := func(s interface{ Keys(string) []string }, prefix string, entries int) float64 {
		var total int64
		for i := range customers {
			for _, k := range s.Keys(prefix + strconv.Itoa(i)) {
				n, err := c.MemoryUsage(ctx, k).Result()
				if err != nil && err.Error() != "redis: nil" {
					b.Fatal(err)
				}
				total += n
			}
		}
		return float64(total) / customers
	}
	fill := func(entries int) (float64, string) {
		s := newStore(b, c, nil)
		prefix := "mem/" + strconv.Itoa(entries) + "/"
		for i := range customers {
			sub := prefix + strconv.Itoa(i)
			for e := range entries {
				id := fmt.Sprintf("tx-%08d-%03d", i, e)
				res, err := s.Reserve(ctx, &store.Request{Subject: sub, TxID: id, Time: t0.Add(time.Duration(e) * 23 * time.Hour),
					Class: 1, Amount: amount, Currency: "KRW", Counterparty: "merchant-" + strconv.Itoa(e%7), Caps: caps})
				if err != nil || res.Status != store.Reserved {
					b.Fatal(res, err)
				}
				if e%4 != 3 {
					if err := s.Commit(ctx, sub, id); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		return usage(s, prefix, entries), prefix
	}
	for range b.N {
		one, _ := fill(1)
		many, _ := fill(21)
		b.ReportMetric(one, "bytes/customer")
		b.ReportMetric((many-one)/20, "bytes/entry")
	}
}

// BenchmarkReserveHot measures one Reserve for a customer who already has
// prior entries within the last 20 hours, with the benchmark's day, month
// and 24-hour caps: what a hot customer costs. The 24-hour rolling cap scans
// every entry in the window (the prior ones plus the b.N reserved so far:
// run with -benchtime well below prior). redis-cpu-µs/op is the Redis
// server's CPU time per Reserve (INFO cpu).
func BenchmarkReserveHot(b *testing.B) {
	c := singleClient(b)
	ctx := context.Background()
	caps := benchCaps()
	t0 := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	amount := decimal.RequireFromString("1000")
	for _, prior := range []int{10, 1000, 10000} {
		b.Run("prior="+strconv.Itoa(prior), func(b *testing.B) {
			s := newStore(b, c, nil)
			sub := "hot"
			step := 20 * time.Hour / time.Duration(prior)
			for i := range prior { // seeded without caps: no window to check
				if _, err := s.Reserve(ctx, &store.Request{Subject: sub, TxID: "seed-" + strconv.Itoa(i),
					Time: t0.Add(time.Duration(i) * step), Class: 1, Amount: amount, Currency: "KRW"}); err != nil {
					b.Fatal(err)
				}
			}
			at := t0.Add(20*time.Hour + time.Minute)
			usec0 := serverUsec(b, c)
			b.ResetTimer()
			for i := range b.N {
				res, err := s.Reserve(ctx, &store.Request{Subject: sub, TxID: "b-" + strconv.Itoa(i),
					Time: at.Add(time.Duration(i) * time.Microsecond), Class: 1, Amount: amount, Currency: "KRW", Caps: caps})
				if err != nil || res.Status != store.Reserved {
					b.Fatal(res, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(serverUsec(b, c)-usec0)/float64(b.N), "redis-cpu-µs/op")
		})
	}
}
