package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// Differential plays a random sequence of steps calls, seeded by seed, on
// got and on ref (typically a fresh memstore, the reference implementation
// of the contract) and fails at the first answer that differs: a Reserve
// result, an error's store sentinel, or an Aggregate (of a Balance only Sum
// and Count are compared). The calls mix every window kind, amount and
// count bounds, Exclusive, an observed threshold and a balance, over two
// subjects unique to the call, with times at whole seconds straddling a
// month end and Seoul midnights, retried and settled ids, and the odd
// currency mismatch. Use it from a fuzz target:
//
//	f.Fuzz(func(t *testing.T, seed uint64) { storetest.Differential(t, mine, ref(t), seed, 150) })
func Differential(t *testing.T, got, ref store.Backend, seed uint64, steps int) {
	t.Helper()
	seoul := loadLocation(t, "Asia/Seoul")
	amt := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }
	caps := []store.Cap{
		{ID: "24h", Window: rolling(24 * time.Hour), Classes: bit(1) | bit(5), MaxAmount: amt("5000")},
		{ID: "1h-count", Window: rolling(time.Hour), Classes: bit(1), MaxCount: 4, LimitCount: true},
		{ID: "day-seoul", Window: dayIn(seoul), Classes: bit(1) | bit(5), MaxAmount: amt("7000.5")},
		{ID: "month", Window: monthIn(nil), Classes: bit(1), MaxAmount: amt("20000"), Exclusive: true},
		{ID: "balance", Window: store.Window{Kind: store.Balance}, Classes: bit(2), Debits: bit(3), MaxAmount: amt("3000")},
		{ID: "ctr", Window: dayIn(nil), Classes: bit(1), MaxAmount: amt("2000"), Observe: true},
	}
	queries := []store.Query{
		{Window: rolling(24 * time.Hour), Classes: bit(1) | bit(5)},
		{Window: rolling(90 * time.Minute), Classes: bit(1)},
		{Window: dayIn(seoul), Classes: bit(1) | bit(5)},
		{Window: monthIn(nil), Classes: ^uint64(0)},
		{Window: store.Window{Kind: store.Balance}, Classes: bit(2), Debits: bit(3)},
	}
	kind := func(err error) string {
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
	r := rand.New(rand.NewPCG(seed, 11))
	ctx := context.Background()
	base := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
	prefix := fmt.Sprintf("storetest/differential/%d-%d/", time.Now().UnixNano(), seed)
	subject := func() string { return prefix + string(rune('a'+r.IntN(2))) }
	id := func() string { return fmt.Sprintf("tx-%d", r.IntN(steps/2+1)) }
	at := func() time.Time { return base.Add(time.Duration(r.IntN(5*24*3600)) * time.Second) }
	var known [][2]string
	stats := map[string]int{}
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
			res, gerr := got.Reserve(ctx, req)
			stats[res.Status.String()+kind(gerr)]++
			if len(res.Reached) > 0 {
				stats["reached"]++
			}
			if res.Status == store.Reserved {
				known = append(known, [2]string{req.Subject, req.TxID})
			}
			if kind(werr) != kind(gerr) {
				t.Fatalf("seed %d step %d: Reserve(%s %s %v class %d) error = %v, reference %v", seed, step, req.Subject, req.TxID, req.Amount, req.Class, gerr, werr)
			}
			if diff := cmp.Diff(want, res, opts...); diff != "" {
				t.Fatalf("seed %d step %d: Reserve(%s %s %v class %d at %v) mismatch (-reference +backend):\n%s",
					seed, step, req.Subject, req.TxID, req.Amount, req.Class, req.Time, diff)
			}
		case op < 8:
			sub, tx := subject(), id()
			if len(known) > 0 && r.IntN(4) != 0 {
				k := known[r.IntN(len(known))]
				sub, tx = k[0], k[1]
			}
			var werr, gerr error
			if op == 6 {
				werr, gerr = ref.Commit(ctx, sub, tx), got.Commit(ctx, sub, tx)
			} else {
				werr, gerr = ref.Void(ctx, sub, tx), got.Void(ctx, sub, tx)
			}
			if kind(werr) != kind(gerr) {
				t.Fatalf("seed %d step %d: settle(%d) %s %s = %v, reference %v", seed, step, op, sub, tx, gerr, werr)
			}
		default:
			req := &store.AggregateRequest{Subject: subject(), At: at(), Queries: queries}
			if r.IntN(2) == 0 {
				req.Except = id()
			}
			want, werr := ref.Aggregate(ctx, req)
			res, gerr := got.Aggregate(ctx, req)
			if kind(werr) != kind(gerr) {
				t.Fatalf("seed %d step %d: Aggregate error = %v, reference %v", seed, step, gerr, werr)
			}
			for i, q := range queries {
				if q.Window.Kind == store.Balance && i < len(want) && i < len(res) {
					want[i] = store.Aggregate{Sum: want[i].Sum, Count: want[i].Count}
					res[i] = store.Aggregate{Sum: res[i].Sum, Count: res[i].Count}
				}
			}
			if diff := cmp.Diff(want, res, opts...); diff != "" {
				t.Fatalf("seed %d step %d: Aggregate(%s at %v except %q) mismatch (-reference +backend):\n%s", seed, step, req.Subject, req.At, req.Except, diff)
			}
		}
	}
}
