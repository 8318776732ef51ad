package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/comply-go/comply/internal/pgtest"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// modelCaps mixes every window kind, count and amount bounds, Exclusive,
// an observed threshold and a balance.
func modelCaps(seoul *time.Location) []store.Cap {
	amt := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	return []store.Cap{
		{ID: "24h", Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1<<1 | 1<<5, MaxAmount: amt("5000")},
		{ID: "1h-count", Window: store.Window{Kind: store.Rolling, Duration: time.Hour}, Classes: 1 << 1, MaxCount: 4, LimitCount: true},
		{ID: "day-seoul", Window: store.Window{Kind: store.Day, Location: seoul}, Classes: 1<<1 | 1<<5, MaxAmount: amt("7000.5")},
		{ID: "month", Window: store.Window{Kind: store.Month}, Classes: 1 << 1, MaxAmount: amt("20000"), Exclusive: true},
		{ID: "balance", Window: store.Window{Kind: store.Balance}, Classes: 1 << 2, Debits: 1 << 3, MaxAmount: amt("3000")},
		{ID: "ctr", Window: store.Window{Kind: store.Day}, Classes: 1 << 1, MaxAmount: amt("2000"), Observe: true},
	}
}

func modelQueries(seoul *time.Location) []store.Query {
	return []store.Query{
		{Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1<<1 | 1<<5},
		{Window: store.Window{Kind: store.Rolling, Duration: 90 * time.Minute}, Classes: 1 << 1},
		{Window: store.Window{Kind: store.Day, Location: seoul}, Classes: 1<<1 | 1<<5},
		{Window: store.Window{Kind: store.Month}, Classes: ^uint64(0)},
		{Window: store.Window{Kind: store.Balance}, Classes: 1 << 2, Debits: 1 << 3},
	}
}

// errKind reduces an error to the store sentinel it wraps.
func errKind(err error) string {
	if err == nil {
		return ""
	}
	for _, s := range []error{store.ErrNotFound, store.ErrVoided, store.ErrCommitted, store.ErrCurrencyMismatch, store.ErrInvalidRequest, store.ErrOutOfRange} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other: " + err.Error()
}

// runModel plays a random sequence of calls, seeded by seed, on pgstore
// and memstore and fails at the first answer that differs: memstore is the
// reference implementation of the store contract.
func runModel(t *testing.T, pg *pgstore.Store, seed uint64, steps int) {
	t.Helper()
	ref, err := memstore.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	caps, queries := modelCaps(seoul), modelQueries(seoul)
	r := rand.New(rand.NewPCG(seed, 7))
	ctx := context.Background()
	// Times straddle a month end and Seoul midnights, at whole seconds
	// (pgstore keeps microseconds).
	base := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
	prefix := fmt.Sprintf("model-%d-%d/", time.Now().UnixNano(), seed)
	subject := func() string { return prefix + string(rune('a'+r.IntN(2))) }
	id := func() string { return fmt.Sprintf("tx-%d", r.IntN(steps/2+1)) }
	at := func() time.Time { return base.Add(time.Duration(r.IntN(5*24*3600)) * time.Second) }
	stats := map[string]int{}
	var known [][2]string // reserved (subject, id)
	defer func() { t.Logf("seed %d: %v", seed, stats) }()
	opts := []cmp.Option{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })}
	for step := range steps {
		switch op := r.IntN(10); {
		case op < 6:
			req := &store.Request{Subject: subject(), TxID: id(), Time: at(), Class: []uint8{1, 1, 1, 2, 3, 5}[r.IntN(6)],
				Amount: decimal.New(int64(1+r.IntN(150_000)), -2), Currency: "KRW", Caps: caps}
			if r.IntN(40) == 0 {
				req.Currency = "USD"
			}
			if r.IntN(3) == 0 {
				req.Counterparty = fmt.Sprintf("cp-%d", r.IntN(4))
			}
			want, werr := ref.Reserve(ctx, req)
			got, gerr := pg.Reserve(ctx, req)
			stats[got.Status.String()+errKind(gerr)]++
			if got.Status == store.Reserved {
				known = append(known, [2]string{req.Subject, req.TxID})
			}
			if len(got.Reached) > 0 {
				stats["reached"]++
			}
			if errKind(werr) != errKind(gerr) {
				t.Fatalf("seed %d step %d: Reserve(%s %s %v class %d) error = %v, memstore %v", seed, step, req.Subject, req.TxID, req.Amount, req.Class, gerr, werr)
			}
			if diff := cmp.Diff(want, got, opts...); diff != "" {
				t.Fatalf("seed %d step %d: Reserve(%s %s %v class %d at %v) mismatch (-memstore +pgstore):\n%s",
					seed, step, req.Subject, req.TxID, req.Amount, req.Class, req.Time, diff)
			}
		case op < 8:
			sub, tx := subject(), id()
			if len(known) > 0 && r.IntN(4) != 0 { // mostly ids that were reserved
				k := known[r.IntN(len(known))]
				sub, tx = k[0], k[1]
			}
			var werr, gerr error
			if op == 6 {
				werr, gerr = ref.Commit(ctx, sub, tx), pg.Commit(ctx, sub, tx)
			} else {
				werr, gerr = ref.Void(ctx, sub, tx), pg.Void(ctx, sub, tx)
			}
			stats[fmt.Sprintf("settle%d:%s", op, errKind(gerr))]++
			if errKind(werr) != errKind(gerr) {
				t.Fatalf("seed %d step %d: settle(%d) %s %s = %v, memstore %v", seed, step, op, sub, tx, gerr, werr)
			}
		default:
			req := &store.AggregateRequest{Subject: subject(), At: at(), Queries: queries}
			if r.IntN(2) == 0 {
				req.Except = id()
			}
			want, werr := ref.Aggregate(ctx, req)
			got, gerr := pg.Aggregate(ctx, req)
			stats["aggregate"+errKind(gerr)]++
			if errKind(werr) != errKind(gerr) {
				t.Fatalf("seed %d step %d: Aggregate error = %v, memstore %v", seed, step, gerr, werr)
			}
			// Only the Sum and Count of a balance are specified.
			for i, q := range queries {
				if q.Window.Kind == store.Balance && i < len(want) && i < len(got) {
					want[i] = store.Aggregate{Sum: want[i].Sum, Count: want[i].Count}
					got[i] = store.Aggregate{Sum: got[i].Sum, Count: got[i].Count}
				}
			}
			if diff := cmp.Diff(want, got, opts...); diff != "" {
				t.Fatalf("seed %d step %d: Aggregate(%s at %v except %q) mismatch (-memstore +pgstore):\n%s", seed, step, req.Subject, req.At, req.Except, diff)
			}
		}
	}
}

// TestAgainstMemstore plays random sequences on pgstore and the reference
// memstore and requires identical answers.
func TestAgainstMemstore(t *testing.T) {
	d := pgtest.DSN(t)
	pg := open(t, &pgstore.Options{DSN: d, Schema: pgtest.Schema(t, d, "pgstore_test_")})
	for seed := range uint64(8) {
		runModel(t, pg, seed, 400)
	}
}

// FuzzAgainstMemstore is TestAgainstMemstore with fuzzed seeds:
//
//	go test ./store/pgstore -run '^$' -fuzz FuzzAgainstMemstore -fuzztime 60s
func FuzzAgainstMemstore(f *testing.F) {
	d := pgtest.DSN(f)
	schema := pgtest.Schema(f, d, "pgstore_test_")
	pg := open(f, &pgstore.Options{DSN: d, Schema: schema})
	for _, s := range []uint64{100, 101, 102} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { runModel(t, pg, seed, 150) })
}
