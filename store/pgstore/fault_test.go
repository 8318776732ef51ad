package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/internal/pgtest"
	"github.com/comply-go/comply/internal/tcpproxy"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store/pgstore"
)

// viaProxy starts a proxy in front of the server of a URL DSN and returns
// the proxy and the DSN rewritten to connect through it.
func viaProxy(t *testing.T, dsn string) (*tcpproxy.Proxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Fatalf("the fault test needs a URL DSN (postgres://host:port/db): %q", dsn)
	}
	upstream := u.Host
	if u.Port() == "" {
		upstream = net.JoinHostPort(u.Hostname(), "5432")
	}
	px, err := tcpproxy.New(upstream)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	u.Host = px.Addr()
	q := u.Query()
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	return px, u.String()
}

var txSeq atomic.Int64

func krTx(customer string) *payment.Transaction {
	return &payment.Transaction{
		ID:        fmt.Sprintf("fault-%d-%d", time.Now().UnixNano(), txSeq.Add(1)),
		Time:      time.Now().Add(-time.Second),
		Country:   "KR",
		Channel:   payment.Card,
		Direction: payment.Payment,
		Amount:    payment.MustParseMoney("1000 KRW"),
		Customer:  payment.Customer{Party: payment.Party{ID: customer}, Tier: payment.TierFull},
	}
}

// quietGoroutines returns the number of goroutines once goroutines still
// ending (the connections closed above) have ended: the least of samples
// over half a second.
func quietGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(10 * time.Millisecond)
		n = min(n, runtime.NumGoroutine())
	}
	return n
}

func settleGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, baseline %d: leak\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestFaults cuts PostgreSQL away mid-run (through a proxy) and checks that
// comply.Engine.Evaluate returns an error wrapping comply.ErrStore within
// the context's deadline while the server hangs, answers with the
// configured OnStoreError decision while it refuses connections, leaks no
// goroutine, and resumes once the server is back.
func TestFaults(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	// Create the schema directly, so the store through the proxy needs no
	// migration.
	open(t, &pgstore.Options{DSN: d, Schema: schema}).Close()

	baseline := quietGoroutines()
	px, viaDSN := viaProxy(t, d)

	ctx := context.Background()
	st, err := pgstore.New(ctx, &pgstore.Options{DSN: viaDSN, Schema: schema, Retention: 400 * 24 * time.Hour, DisableMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	packs := []*jurisdiction.Pack{kr.Pack()}
	strict, err := comply.New(&comply.Options{Packs: packs, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	fallback, err := comply.New(&comply.Options{Packs: packs, Store: st, OnStoreError: rule.Review})
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 1500 * time.Millisecond
	const slack = time.Second // scheduling under -race on a loaded 2-CPU machine
	eval := func(e *comply.Engine, customer string) (*comply.Decision, time.Duration, error) {
		c, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		start := time.Now()
		dec, err := e.Evaluate(c, krTx(customer))
		return dec, time.Since(start), err
	}
	// Work runs: 8 callers evaluate and commit.
	work := func(phase string) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					dec, _, err := eval(strict, fmt.Sprintf("cust-%d", w))
					if err == nil && dec.Action != rule.Allow {
						err = fmt.Errorf("action %s: %+v", dec.Action, dec.Findings)
					}
					if err == nil {
						err = dec.Commit(ctx)
					}
					if err != nil {
						errs[w] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		for w, err := range errs {
			if err != nil {
				t.Fatalf("%s: caller %d: %v", phase, w, err)
			}
		}
	}
	work("before the cut")

	// The server hangs: every Evaluate fails with ErrStore (wrapping the
	// deadline) within the deadline, never hangs, never panics.
	px.Set(tcpproxy.Hang)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec, took, err := eval(strict, fmt.Sprintf("cust-%d", w))
			switch {
			case err == nil:
				t.Errorf("hang: Evaluate = %s, want an error", dec.Action)
			case !errors.Is(err, comply.ErrStore) && !errors.Is(err, context.DeadlineExceeded):
				t.Errorf("hang: Evaluate error %v, want ErrStore or the deadline", err)
			}
			if took > timeout+slack {
				t.Errorf("hang: Evaluate took %v, deadline %v", took, timeout)
			}
			if w == 0 {
				t.Logf("hang: Evaluate returned after %v: %v", took.Round(time.Millisecond), err)
			}
		}()
	}
	wg.Wait()

	// The server refuses connections: ErrStore at once, or the fallback.
	px.Set(tcpproxy.Down)
	for w := range 4 {
		dec, took, err := eval(strict, fmt.Sprintf("cust-%d", w))
		if !errors.Is(err, comply.ErrStore) || dec != nil {
			t.Errorf("reset: Evaluate = %v, %v; want ErrStore", dec, err)
		}
		if took > timeout+slack {
			t.Errorf("reset: Evaluate took %v, deadline %v", took, timeout)
		}
		if w == 0 {
			t.Logf("reset: Evaluate returned after %v: %v", took.Round(time.Millisecond), err)
		}
		dec, _, err = eval(fallback, fmt.Sprintf("cust-%d", w))
		if err != nil || dec.Action != rule.Review || dec.Reserved || dec.Findings[0].Code != rule.CodeStoreError {
			t.Errorf("reset with OnStoreError=review: %+v, %v", dec, err)
		}
	}

	// Back up: work resumes (the pool replaces its broken connections).
	px.Set(tcpproxy.Up)
	resumed := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, _, err := eval(strict, "probe"); err == nil {
			resumed = true
			break
		}
	}
	if !resumed {
		t.Fatal("Evaluate still fails 15s after the server came back")
	}
	work("after the restore")

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	px.Close()
	settleGoroutines(t, baseline)
}
