package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/redis/go-redis/v9"
	"github.com/shopspring/decimal"
)

// roundTrips is a go-redis hook that counts the commands and pipelines
// sent: one each is one network round trip.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// benchCaps are a KR-like set: a daily and a monthly amount cap in Seoul
// time and a 24-hour count cap.
func benchCaps() []store.Cap {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	day := store.Cap{ID: "day", Window: store.Window{Kind: store.Day, Location: seoul}, Classes: 1 << 1,
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1_000_000_000))}
	month := store.Cap{ID: "month", Window: store.Window{Kind: store.Month, Location: seoul}, Classes: 1 << 1,
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1_000_000_000))}
	count := store.Cap{ID: "24h", Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1 << 1,
		MaxCount: 1_000_000, LimitCount: true}
	return []store.Cap{day, month, count}
}

// BenchmarkReserve measures Reserve through single-node Redis on loopback
// with 1, 8 and 64 concurrent callers over 10,000 customers, against a
// baseline of bare PINGs at the same concurrency in the same run. Metrics:
// decisions/s (pings/s for the baseline), round-trips/op, counted by a
// go-redis hook, and redis-cpu-µs/op, the CPU time of the Redis server
// process (INFO cpu; other clients of the server add to it). The
// reserve+commit variant adds the Commit a payment service sends once the
// money moved.
func BenchmarkReserve(b *testing.B) {
	singleClient(b) // skips, or fails if the server does not answer
	addr := os.Getenv("COMPLY_TEST_REDIS_ADDR")
	caps := benchCaps()
	t0 := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
	amount := decimal.NewFromInt(1234)
	for _, callers := range []int{1, 8, 64} {
		// One client per sub-benchmark, its pool as large as the callers.
		hook := &roundTrips{}
		client := redis.NewClient(&redis.Options{Addr: addr, PoolSize: max(callers, 10), MinIdleConns: callers})
		client.AddHook(hook)
		b.Cleanup(func() { client.Close() })
		s := newStore(b, client, nil)
		run := func(b *testing.B, op func(ctx context.Context, i int) error) {
			for i := range callers * 2 { // warm the pool and load the script
				if err := op(context.Background(), -1-i); err != nil {
					b.Fatal(err)
				}
			}
			runCallers(b, callers, hook, client, op)
		}
		for _, commit := range []bool{false, true} {
			name := "reserve"
			if commit {
				name = "reserve+commit"
			}
			b.Run(fmt.Sprintf("%s/callers=%d", name, callers), func(b *testing.B) {
				seq := strconv.FormatInt(time.Now().UnixNano(), 36)
				run(b, func(ctx context.Context, i int) error {
					sub, id := "bench/c"+strconv.Itoa((i+20)%10_000), seq+"-"+strconv.Itoa(i)
					res, err := s.Reserve(ctx, &store.Request{
						Subject: sub, TxID: id, Time: t0.Add(time.Duration(i) * time.Millisecond),
						Class: 1, Amount: amount, Currency: "KRW", Caps: caps,
					})
					if err == nil && res.Status != store.Reserved {
						err = fmt.Errorf("reserve #%d: %v", i, res.Status)
					}
					if err == nil && commit {
						err = s.Commit(ctx, sub, id)
					}
					return err
				})
			})
		}
		b.Run(fmt.Sprintf("baseline=ping/callers=%d", callers), func(b *testing.B) {
			run(b, func(ctx context.Context, _ int) error { return client.Ping(ctx).Err() })
		})
	}
}

// runCallers runs op(ctx, i) for i in [0, b.N) from callers goroutines and
// reports decisions/s, round-trips/op (counted by hook) and
// redis-cpu-µs/op (the server's CPU per op, INFO cpu).
func runCallers(b *testing.B, callers int, hook *roundTrips, client redis.UniversalClient, op func(ctx context.Context, i int) error) {
	ctx := context.Background()
	hook.n.Store(0)
	usec0 := serverUsec(b, client)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	b.ResetTimer()
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(ctx, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "decisions/s")
	b.ReportMetric(float64(hook.n.Load())/float64(b.N), "round-trips/op")
	b.ReportMetric(float64(serverUsec(b, client)-usec0)/float64(b.N), "redis-cpu-µs/op")
}

// serverUsec is the CPU time the Redis server process used so far (INFO
// cpu: user + system), in µs.
func serverUsec(b *testing.B, c redis.UniversalClient) int64 {
	info, err := c.Info(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		name, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (name == "used_cpu_user" || name == "used_cpu_sys") {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return int64(total * 1e6)
}
