package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/comply-go/comply/internal/pgtest"
	"io"
	"net"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store/pgstore"
)

// proxy is a TCP proxy in front of PostgreSQL that a test can cut: in
// state "hang" it forwards nothing (a server that stopped answering), in
// state "reset" it closes every connection (a server that went away).
type proxy struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	state    string // "up", "hang" or "reset"
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
}

func newProxy(t *testing.T, upstream string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, upstream: upstream, state: "up", conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		state := p.state
		if state != "reset" {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		switch state {
		case "reset":
			c.Close()
		case "hang": // accept, never answer
		default:
			up, err := net.Dial("tcp", p.upstream)
			if err != nil {
				p.drop(c)
				continue
			}
			p.track(up)
			p.wg.Add(2)
			go p.pipe(up, c)
			go p.pipe(c, up)
		}
	}
}

func (p *proxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns[c] = struct{}{}
	p.mu.Unlock()
}

func (p *proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// pipe copies src to dst until either fails, then closes both; stopped by
// a hang, it keeps both open (silent) until the proxy leaves that state.
func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, err := io.Copy(dst, src)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		for p.get() == "hang" {
			time.Sleep(10 * time.Millisecond)
		}
	}
	p.drop(dst)
	p.drop(src)
}

func (p *proxy) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// set changes the state. Cutting to "hang" freezes the open connections:
// they stay open and nothing more is forwarded until the state changes
// again, when they are closed; "reset" and "up" close them all.
func (p *proxy) set(state string) {
	p.mu.Lock()
	p.state = state
	conns := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	switch state {
	case "hang":
		// Stop forwarding: an expired read deadline on both sides makes
		// io.Copy stop without closing the client's socket, so the client
		// sees a silent server.
		for _, c := range conns {
			_ = c.SetReadDeadline(time.Unix(1, 0))
		}
	case "reset", "up":
		for _, c := range conns {
			p.drop(c)
		}
	}
}

func (p *proxy) close() {
	p.ln.Close()
	p.set("reset")
	p.wg.Wait()
}

// viaProxy rewrites a URL DSN to connect through addr.
func viaProxy(t *testing.T, dsn, addr string) (rewritten, upstream string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Fatalf("the fault test needs a URL DSN (postgres://host:port/db): %q", dsn)
	}
	upstream = u.Host
	if u.Port() == "" {
		upstream = net.JoinHostPort(u.Hostname(), "5432")
	}
	u.Host = addr
	q := u.Query()
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	return u.String(), upstream
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
	px := newProxy(t, "")
	viaDSN, upstream := viaProxy(t, d, px.addr())
	px.upstream = upstream

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
	px.set("hang")
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
	px.set("reset")
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
	px.set("up")
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
	px.close()
	settleGoroutines(t, baseline)
}
