package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// BenchmarkEvaluate measures whole decisions of comply.Engine with the KR
// pack (limits, KYC and the AML typologies, whose velocity facts are one
// Aggregate per decision) on redisstore, plus Decision.Commit, with 64
// concurrent callers over 10,000 customers: the cost per decision the
// capacity model uses. Metrics as in BenchmarkReserve.
func BenchmarkEvaluate(b *testing.B) {
	singleClient(b)
	hook := &roundTrips{}
	client := redis.NewClient(&redis.Options{Addr: os.Getenv("COMPLY_TEST_REDIS_ADDR"), PoolSize: 64, MinIdleConns: 64})
	client.AddHook(hook)
	b.Cleanup(func() { client.Close() })
	st := newStore(b, client, &redisstore.Options{Retention: krRetention})
	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	at := time.Now().In(seoul).Add(-time.Hour)
	seq := fmt.Sprint(time.Now().UnixNano())
	const callers = 64
	b.Run(fmt.Sprintf("kr/callers=%d", callers), func(b *testing.B) {
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
					i := next.Add(1) - 1
					if i >= int64(b.N) {
						return
					}
					tx := krTx(fmt.Sprintf("%s-%d", seq, i), fmt.Sprint("c", i%10_000), at.Add(time.Duration(i)*time.Millisecond))
					tx.Amount = payment.MustParseMoney(fmt.Sprintf("%d KRW", 1000+i%977))
					d, err := eng.Evaluate(ctx, tx)
					if err == nil && d.Reserved {
						err = d.Commit(ctx)
					}
					if err != nil {
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
	})
}
