package redisstore_test

import (
	"context"
	"fmt"
	"os"
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
		runCallers(b, callers, hook, client, func(ctx context.Context, i int) error {
			tx := krTx(fmt.Sprintf("%s-%d", seq, i), fmt.Sprint("c", i%10_000), at.Add(time.Duration(i)*time.Millisecond))
			tx.Amount = payment.MustParseMoney(fmt.Sprintf("%d KRW", 1000+i%977))
			d, err := eng.Evaluate(ctx, tx)
			if err == nil && d.Reserved {
				err = d.Commit(ctx)
			}
			return err
		})
	})
}
