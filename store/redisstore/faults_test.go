package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/internal/tcpproxy"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/redis/go-redis/v9"
)

func newProxy(t *testing.T, target string) *tcpproxy.Proxy {
	t.Helper()
	p, err := tcpproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// fellBack reports whether d is the OnStoreError fallback decision.
func fellBack(d *comply.Decision) bool {
	for _, f := range d.Findings {
		if f.Code == rule.CodeStoreError {
			return true
		}
	}
	return false
}

func krTx(id, customer string, at time.Time) *payment.Transaction {
	return &payment.Transaction{
		ID: id, Time: at, Country: "KR",
		Channel: payment.CarrierBilling, Direction: payment.Payment,
		Amount:   payment.MustParseMoney("10000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: customer}, Tier: payment.TierFull},
	}
}

// krRetention covers the KR pack's longest rolling window plus a day.
const krRetention = 400 * 24 * time.Hour

func settle(t *testing.T, baseline int) int {
	t.Helper()
	var n int
	for range 100 {
		runtime.GC()
		if n = runtime.NumGoroutine(); n <= baseline {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// TestStoreFailure stops Redis mid-run (a proxy in front of it refuses or
// freezes): every Evaluate returns within its context deadline, with an
// error wrapping comply.ErrStore (or the context's error), or the
// OnStoreError fallback decision; no goroutine is left behind; and once
// the server is back, work resumes.
func TestStoreFailure(t *testing.T) {
	addr := os.Getenv("COMPLY_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("COMPLY_TEST_REDIS_ADDR not set")
	}
	singleClient(t) // fails if the server does not answer
	for _, tc := range []struct {
		name     string
		mode     tcpproxy.State
		fallback rule.Action
	}{
		{"down", tcpproxy.Down, rule.ActionUnspecified},
		{"down with fallback", tcpproxy.Down, rule.Review},
		{"hang", tcpproxy.Hang, rule.ActionUnspecified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProxy(t, addr)
			client := redis.NewClient(&redis.Options{
				Addr:                  p.Addr(),
				ContextTimeoutEnabled: true, // honour the caller's deadline on reads and writes
				MaxRetries:            -1,
			})
			st := newStore(t, client, &redisstore.Options{Retention: krRetention})
			eng, err := comply.New(&comply.Options{
				Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st, OnStoreError: tc.fallback,
			})
			if err != nil {
				t.Fatal(err)
			}
			seoul, _ := time.LoadLocation("Asia/Seoul")
			at := time.Now().In(seoul).Add(-time.Hour)
			var seq atomic.Int64
			evaluate := func(customer string) (*comply.Decision, time.Duration, error) {
				const deadline = 500 * time.Millisecond
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				start := time.Now()
				n := seq.Add(1)
				tx := krTx(fmt.Sprintf("tx-%d", n), customer, at)
				tx.Amount = payment.MustParseMoney(fmt.Sprintf("%d KRW", 1234+n%97))
				d, err := eng.Evaluate(ctx, tx)
				return d, time.Since(start) - deadline, err
			}
			// Warm up, then take the goroutine baseline with the pool open.
			for i := range 4 {
				if d, _, err := evaluate(fmt.Sprint("c", i)); err != nil || fellBack(d) {
					t.Fatalf("before the fault: %v, %v", d, err)
				}
			}
			baseline := settle(t, 0)

			var wg sync.WaitGroup
			var failures, lateness atomic.Int64
			stop := make(chan struct{})
			errs := make(chan error, 64)
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						d, late, err := evaluate(fmt.Sprint("c", w))
						if late > 100*time.Millisecond {
							lateness.Add(1)
							errs <- fmt.Errorf("Evaluate returned %v after its deadline: %v", late, err)
							return
						}
						switch {
						case err == nil && fellBack(d):
							if tc.fallback == rule.ActionUnspecified || d.Action < tc.fallback {
								errs <- fmt.Errorf("fallback decision %v without a fallback configured", d.Action)
								return
							}
							failures.Add(1)
						case err == nil: // a decision made with the store
						case err != nil && (errors.Is(err, comply.ErrStore) || errors.Is(err, context.DeadlineExceeded)):
							failures.Add(1)
						default:
							errs <- fmt.Errorf("during the fault: decision %v, error %v", d, err)
							return
						}
					}
				}()
			}
			time.Sleep(100 * time.Millisecond)
			p.Set(tc.mode)
			time.Sleep(1200 * time.Millisecond)
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if failures.Load() == 0 {
				t.Fatal("no Evaluate failed while the server was away: the fault was not exercised")
			}
			p.Set(tcpproxy.Up)
			if n := settle(t, baseline); n > baseline {
				buf := make([]byte, 1<<20)
				t.Fatalf("%d goroutines after the fault, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
			}
			// Work resumes once the server is back.
			var d *comply.Decision
			for range 50 {
				if d, _, err = evaluate("c-after"); err == nil {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err != nil || fellBack(d) {
				t.Fatalf("after the restart: %v, %v", d, err)
			}
			if err := d.Commit(context.Background()); err != nil {
				t.Fatalf("Commit after the restart: %v", err)
			}
			t.Logf("%d evaluations failed during the fault, all within their deadline", failures.Load())
		})
	}
}
