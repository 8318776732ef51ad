package pgstore_test

import (
	"context"
	"fmt"
	"github.com/comply-go/comply/internal/pgtest"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// turns counts round trips on the wire: a write that follows a read (or
// opens the connection) starts one, however many packets it spans.
type turns struct{ n atomic.Int64 }

type countingConn struct {
	net.Conn
	t       *turns
	reading atomic.Bool // the last operation was a read
}

func (c *countingConn) Write(p []byte) (int, error) {
	if c.reading.Swap(false) {
		c.t.n.Add(1)
	}
	return c.Conn.Write(p)
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.reading.Store(true)
	return c.Conn.Read(p)
}

// countTurns makes the pool's connections count their round trips in t
// (the connection's startup included) and sets the pool size.
func countTurns(t *turns, maxConns int32) func(*pgxpool.Config) {
	return func(c *pgxpool.Config) {
		c.MaxConns = maxConns
		d := &net.Dialer{KeepAlive: 5 * time.Minute}
		c.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			cc := &countingConn{Conn: conn, t: t}
			cc.reading.Store(true)
			return cc, nil
		}
	}
}

// benchCaps are the caps of a typical KR card payment: a rolling 24 hours,
// the calendar day and month in Seoul, and an observed daily threshold.
func benchCaps() []store.Cap {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	amount := func(id string, w store.Window, limit string, observe bool) store.Cap {
		return store.Cap{ID: id, Window: w, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.RequireFromString(limit)), Observe: observe}
	}
	return []store.Cap{
		amount("24h", store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, "100000000", false),
		amount("day", store.Window{Kind: store.Day, Location: seoul}, "100000000", false),
		amount("month", store.Window{Kind: store.Month, Location: seoul}, "500000000", false),
		amount("ctr", store.Window{Kind: store.Day, Location: seoul}, "10000000", true),
	}
}

// runCallers runs n operations from callers goroutines; op gets the
// caller and its own sequence number.
func runCallers(b *testing.B, callers int, op func(caller, i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	b.ResetTimer()
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				if next.Add(1) > int64(b.N) {
					return
				}
				if err := op(c, k); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
}

// BenchmarkReserve measures Reserve through PostgreSQL on loopback at 1, 8
// and 64 concurrent callers, each reserving for its own rotating set of
// 100 customers against four caps (rolling 24h, day, month, observed day).
// It reports decisions/s and the round trips per decision counted on the
// wire. The baseline sub-benchmarks run a bare "SELECT 1" through the same
// pool, so the ratio to a round trip on this machine is in the same run.
// A decision is one Reserve; settling it (Commit) is one more round trip,
// measured by the "reserve+commit" sub-benchmarks.
func BenchmarkReserve(b *testing.B) {
	d := pgtest.DSN(b)
	schema := pgtest.Schema(b, d, "pgstore_test_")
	open(b, &pgstore.Options{DSN: d, Schema: schema}).Close() // migrate once
	caps := benchCaps()
	t0 := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, mode := range []string{"baseline=select1", "reserve", "reserve+commit"} {
		for _, callers := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("%s/callers=%d", mode, callers), func(b *testing.B) {
				var rt turns
				st := open(b, &pgstore.Options{DSN: d, Schema: schema, DisableMigrate: true,
					ConfigurePool: countTurns(&rt, int32(min(callers, 16)))})
				ctx := context.Background()
				run := time.Now().UnixNano()
				// Warm the pool: connect and prepare every statement.
				warm := &store.Request{Subject: fmt.Sprintf("warm-%d", run), TxID: "w", Time: t0, Class: 1,
					Amount: decimal.NewFromInt(1), Currency: "KRW", Caps: caps}
				for range min(callers, 16) {
					if _, err := st.Reserve(ctx, warm); err != nil {
						b.Fatal(err)
					}
				}
				rt.n.Store(0)
				pg0, pgOK := pgCPU(ctx, st.Pool())
				self0 := selfCPU()
				var op func(caller, i int) error
				switch mode {
				case "baseline=select1":
					op = func(int, int) error {
						var one int
						return st.Pool().QueryRow(ctx, "SELECT 1").Scan(&one)
					}
				default:
					commit := mode == "reserve+commit"
					op = func(caller, i int) error {
						req := &store.Request{
							Subject:  fmt.Sprintf("bench-%d-%d-%d", run, caller, i%100),
							TxID:     fmt.Sprintf("tx-%d", i),
							Time:     t0.Add(time.Duration(i) * time.Second),
							Class:    1,
							Amount:   decimal.NewFromInt(int64(1000 + i%5000)),
							Currency: "KRW",
							Caps:     caps,
						}
						res, err := st.Reserve(ctx, req)
						if err != nil {
							return err
						}
						if res.Status != store.Reserved {
							return fmt.Errorf("reserve %s: %v", req.TxID, res.Status)
						}
						if commit {
							return st.Commit(ctx, req.Subject, req.TxID)
						}
						return nil
					}
				}
				runCallers(b, callers, op)
				self1 := selfCPU()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
				b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
				b.ReportMetric(float64(self1-self0)/float64(time.Microsecond)/float64(b.N), "client-cpu-us/op")
				if pg1, ok := pgCPU(ctx, st.Pool()); ok && pgOK {
					// The server's CPU per decision (its other clients
					// included, if any run at the same time).
					b.ReportMetric(float64(pg1-pg0)/float64(time.Microsecond)/float64(b.N), "pg-cpu-us/op")
				}
			})
		}
	}
}

// BenchmarkReserveHeavySubject measures one caller reserving for a subject
// that records 10, 100 or 1,000 entries a day, so that its rolling 24h cap
// reads about that many entries and its day and month caps sum a day's and
// up to a month's worth, against the same four caps as BenchmarkReserve.
func BenchmarkReserveHeavySubject(b *testing.B) {
	d := pgtest.DSN(b)
	schema := pgtest.Schema(b, d, "pgstore_test_")
	st := open(b, &pgstore.Options{DSN: d, Schema: schema})
	caps := benchCaps()
	for i := range caps {
		caps[i].MaxAmount = decimal.NewNullDecimal(decimal.New(1, 15)) // never refuse
	}
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("entries-per-day=%d", n), func(b *testing.B) {
			sub := fmt.Sprintf("heavy-%d-%d", n, time.Now().UnixNano())
			step := 24 * time.Hour / time.Duration(n)
			reserve := func(id string, at time.Time, caps []store.Cap) error {
				res, err := st.Reserve(ctx, &store.Request{Subject: sub, TxID: id, Time: at, Class: 1,
					Amount: decimal.NewFromInt(1), Currency: "KRW", Caps: caps})
				if err == nil && res.Status != store.Reserved {
					err = fmt.Errorf("%s: %v", id, res.Status)
				}
				return err
			}
			for i := range n { // the day before the benchmark's first entry
				if err := reserve(fmt.Sprintf("fill-%d", i), t0.Add(time.Duration(i)*step), nil); err != nil {
					b.Fatal(err)
				}
			}
			pg0, pgOK := pgCPU(ctx, st.Pool())
			self0 := selfCPU()
			b.ResetTimer()
			for i := range b.N {
				if err := reserve(fmt.Sprintf("tx-%d", i), t0.Add(time.Duration(n+i)*step), caps); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(selfCPU()-self0)/float64(time.Microsecond)/float64(b.N), "client-cpu-us/op")
			if pg1, ok := pgCPU(ctx, st.Pool()); ok && pgOK {
				b.ReportMetric(float64(pg1-pg0)/float64(time.Microsecond)/float64(b.N), "pg-cpu-us/op")
			}
		})
	}
}
