package memstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// model is a brute-force reference of the store contract: it keeps every
// entry and recomputes every window from scratch.
type model struct {
	entries []modelEntry
}

type modelEntry struct {
	id     string
	at     time.Time
	amount int64
	class  uint8
	cp     string
	state  store.EntryState
}

func (m *model) find(id string) *modelEntry {
	for i := range m.entries {
		if m.entries[i].id == id {
			return &m.entries[i]
		}
	}
	return nil
}

func counts(mask uint64, e *modelEntry) bool {
	return e.state != store.Voided && mask&(1<<e.class) != 0
}

func samePeriod(kind store.WindowKind, loc *time.Location, a, b time.Time) bool {
	if loc == nil {
		loc = time.UTC
	}
	ya, ma, da := a.In(loc).Date()
	yb, mb, db := b.In(loc).Date()
	return ya == yb && ma == mb && (kind == store.Month || da == db)
}

// usage returns the largest amount and count c counts for a new entry at t.
func (m *model) usage(c *store.Cap, t time.Time) (sum, n int64) {
	switch c.Window.Kind {
	case store.Rolling:
		w := c.Window.Duration
		ends := []time.Time{t}
		for i := range m.entries {
			if e := &m.entries[i]; counts(c.Classes, e) && e.at.After(t) && e.at.Before(t.Add(w)) {
				ends = append(ends, e.at)
			}
		}
		for _, s := range ends {
			var ws, wn int64
			for i := range m.entries {
				if e := &m.entries[i]; counts(c.Classes, e) && e.at.After(s.Add(-w)) && !e.at.After(s) {
					ws += e.amount
					wn++
				}
			}
			sum, n = max(sum, ws), max(n, wn)
		}
	case store.Day, store.Month:
		for i := range m.entries {
			if e := &m.entries[i]; counts(c.Classes, e) && samePeriod(c.Window.Kind, c.Window.Location, e.at, t) {
				sum += e.amount
				n++
			}
		}
	case store.Balance:
		for i := range m.entries {
			e := &m.entries[i]
			if counts(c.Classes, e) {
				sum += e.amount
				n++
			}
			if e.state == store.Committed && c.Debits&(1<<e.class) != 0 {
				sum -= e.amount
			}
		}
	}
	return sum, n
}

func (m *model) reserve(r *store.Request) store.Result {
	if e := m.find(r.TxID); e != nil {
		return store.Result{Status: store.Duplicate, State: e.state}
	}
	amt := r.Amount.IntPart()
	var res store.Result
	for i := range r.Caps {
		c := &r.Caps[i]
		if !c.Counts(r.Class) {
			continue
		}
		sum, n := m.usage(c, r.Time)
		total, cnt := sum+amt, n+1
		limit := c.MaxAmount.Decimal.IntPart()
		strict := c.Exclusive == c.Observe
		hit := c.MaxAmount.Valid && (strict && total > limit || !strict && total >= limit) ||
			c.LimitCount && (strict && cnt > c.MaxCount || !strict && cnt >= c.MaxCount)
		if !hit {
			continue
		}
		u := store.Usage{Cap: i, ID: c.ID, Amount: decimal.NewFromInt(sum), Count: n}
		if c.Observe {
			res.Reached = append(res.Reached, u)
		} else {
			res.Violations = append(res.Violations, u)
		}
	}
	if len(res.Violations) > 0 {
		return store.Result{Status: store.Refused, Violations: res.Violations}
	}
	m.entries = append(m.entries, modelEntry{id: r.TxID, at: r.Time, amount: amt, class: r.Class, cp: r.Counterparty, state: store.Pending})
	res.Status = store.Reserved
	return res
}

// aggregate answers q as of at, leaving out the entry except.
func (m *model) aggregate(q *store.Query, at time.Time, except string) store.Aggregate {
	var a store.Aggregate
	if q.Window.Kind == store.Balance {
		var sum int64
		for i := range m.entries {
			e := &m.entries[i]
			if e.id == except {
				continue
			}
			if counts(q.Classes, e) {
				sum += e.amount
				a.Count++
			}
			if e.state == store.Committed && q.Debits&(1<<e.class) != 0 {
				sum -= e.amount
			}
		}
		a.Sum = decimal.NewFromInt(sum)
		return a
	}
	var sum, squares int64
	var last *modelEntry
	cps := map[string]bool{}
	for i := range m.entries {
		e := &m.entries[i]
		in := false
		if q.Window.Kind == store.Rolling {
			in = !e.at.After(at) && e.at.After(at.Add(-q.Window.Duration))
		} else {
			in = !e.at.After(at) && samePeriod(q.Window.Kind, q.Window.Location, e.at, at)
		}
		if !in || !counts(q.Classes, e) || e.id == except {
			continue
		}
		sum += e.amount
		squares += e.amount * e.amount
		a.Count++
		if e.cp != "" {
			cps[e.cp] = true
		}
		if last == nil || !e.at.Before(last.at) {
			last = e
		}
	}
	if last == nil {
		return store.Aggregate{}
	}
	a.Sum, a.SumSquares, a.Distinct = decimal.NewFromInt(sum), decimal.NewFromInt(squares), int64(len(cps))
	a.Last, a.LastAmount = last.at.UTC(), decimal.NewFromInt(last.amount)
	return a
}

// TestAgainstModel runs random reservations, commits and voids, with
// out-of-order times, against both the store and the brute-force model.
func TestAgainstModel(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed) })
		t.Run(fmt.Sprint("pruned-", seed), func(t *testing.T) { runModelPruned(t, seed) })
	}
}

// FuzzAgainstModel is TestAgainstModel with fuzzed seeds.
func FuzzAgainstModel(f *testing.F) {
	f.Add(uint64(0))
	f.Add(uint64(1 << 40))
	f.Fuzz(func(t *testing.T, seed uint64) {
		runModel(t, seed)
		runModelPruned(t, seed)
	})
}

func runModel(t *testing.T, seed uint64) { runModelWith(t, seed, false) }

// runModelPruned runs with a 3-day retention over 8 days, times mostly in
// order (up to 12 hours late), and only caps and queries that stay within
// the retention (rolling up to a day, days, balances), so that pruning
// happens under every answer and must never change one.
func runModelPruned(t *testing.T, seed uint64) { runModelWith(t, seed, true) }

func runModelWith(t *testing.T, seed uint64, pruned bool) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	amountCap := func(id string, w store.Window, classes uint64, limit int64) store.Cap {
		return store.Cap{ID: id, Window: w, Classes: classes, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(limit))}
	}
	caps := []store.Cap{
		amountCap("rolling-6h", store.Window{Kind: store.Rolling, Duration: 6 * time.Hour}, 0b0110, 3000),
		amountCap("rolling-24h", store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, 0b0010, 8000),
		{ID: "count-2h", Window: store.Window{Kind: store.Rolling, Duration: 2 * time.Hour}, Classes: 0b0110, MaxCount: 4, LimitCount: true, Exclusive: true},
		amountCap("day-seoul", store.Window{Kind: store.Day, Location: seoul}, 0b0110, 5000),
		amountCap("month-ny", store.Window{Kind: store.Month, Location: ny}, 0b0010, 60000),
		amountCap("balance", store.Window{Kind: store.Balance}, 0b1000, 4000),
		amountCap("observe-day", store.Window{Kind: store.Day}, 0b0010, 2500),
		amountCap("observe-1h-more-than", store.Window{Kind: store.Rolling, Duration: time.Hour}, 0b0110, 1500),
	}
	caps[5].Debits = 0b0100
	queries := []store.Query{
		{Window: store.Window{Kind: store.Rolling, Duration: time.Hour}, Classes: 0b0110},
		{Window: store.Window{Kind: store.Rolling, Duration: 6 * time.Hour}, Classes: 0b0010},
		{Window: store.Window{Kind: store.Rolling, Duration: 3 * 24 * time.Hour}, Classes: 0b1110},
		{Window: store.Window{Kind: store.Rolling, Duration: 30 * 24 * time.Hour}, Classes: 0b1111},
		{Window: store.Window{Kind: store.Day, Location: seoul}, Classes: 0b0110},
		{Window: store.Window{Kind: store.Day, Location: ny}, Classes: 0b1010},
		{Window: store.Window{Kind: store.Day}, Classes: 0b0100},
		{Window: store.Window{Kind: store.Month, Location: ny}, Classes: 0b0010},
		{Window: store.Window{Kind: store.Month, Location: seoul}, Classes: 0b1110},
		{Window: store.Window{Kind: store.Balance}, Classes: 0b1000, Debits: 0b0100},
	}
	caps[6].Observe = true
	caps[7].Observe, caps[7].Exclusive = true, true

	rng := rand.New(rand.NewPCG(seed, 7))
	var opts *memstore.Options
	if pruned {
		opts = &memstore.Options{Retention: 3 * 24 * time.Hour}
		keep := func(w store.Window) bool {
			return w.Kind != store.Month && (w.Kind != store.Rolling || w.Duration <= 24*time.Hour)
		}
		caps = slices.DeleteFunc(caps, func(c store.Cap) bool { return !keep(c.Window) })
		queries = slices.DeleteFunc(queries, func(q store.Query) bool { return !keep(q.Window) })
	}
	s := newStore(t, opts)
	m := &model{}
	ctx := context.Background()
	// Odd seeds run across New York's switch to daylight saving time
	// (2026-03-08) and a month boundary.
	base := time.Date(2026, 1, 28, 0, 0, 0, 0, time.UTC)
	if seed%2 == 1 {
		base = time.Date(2026, 2, 25, 0, 0, 0, 0, time.UTC)
	}
	cps := []string{"", "m1", "m2", "m3", "m4"}
	// pick returns a known id: with pruning, one dated at most 36 hours
	// before the operation (well within the retention), if any.
	pick := func(ids []string, i int) string {
		if pruned {
			var recent []string
			for _, id := range ids {
				if m.find(id).at.After(base.Add(time.Duration(i)*20*time.Minute - 36*time.Hour)) {
					recent = append(recent, id)
				}
			}
			if len(recent) > 0 {
				ids = recent
			}
		}
		return ids[rng.IntN(len(ids))]
	}
	// when returns the time of the i-th operation.
	when := func(i int) time.Time {
		if pruned {
			return base.Add(time.Duration(i)*20*time.Minute - time.Duration(rng.IntN(12*60))*time.Minute)
		}
		return base.Add(time.Duration(rng.IntN(10*24*60)) * time.Minute)
	}
	var ids []string
	var refused, reached int
	defer func() {
		if !t.Failed() && (refused == 0 || reached == 0) {
			t.Errorf("%d refused and %d with caps reached: the caps are not exercised", refused, reached)
		}
	}()
	for i := range 600 {
		switch op := rng.IntN(10); {
		case op < 7 || len(ids) == 0:
			id := fmt.Sprintf("tx-%d", i)
			if len(ids) > 0 && rng.IntN(10) == 0 {
				id = pick(ids, i) // retry
			}
			r := &store.Request{
				Subject: "s", TxID: id, Currency: "KRW", Class: uint8(1 + rng.IntN(3)),
				Time:   when(i),
				Amount: decimal.NewFromInt(int64(1 + rng.IntN(1500))), Caps: caps, Counterparty: cps[rng.IntN(len(cps))],
			}
			got, err := s.Reserve(ctx, r)
			if err != nil {
				t.Fatalf("op %d: Reserve: %v", i, err)
			}
			want := m.reserve(r)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("op %d: Reserve(%s class %d %v at %v) mismatch (-model +store):\n%s",
					i, r.TxID, r.Class, r.Amount, r.Time, diff)
			}
			if got.Status == store.Reserved {
				ids = append(ids, id)
			}
			if got.Status == store.Refused {
				refused++
			}
			if len(got.Reached) > 0 {
				reached++
			}
		case op == 7 && rng.IntN(2) == 0:
			at := when(i)
			if !pruned && rng.IntN(4) == 0 && len(m.entries) > 0 {
				at = m.entries[rng.IntN(len(m.entries))].at // on an entry's time
			}
			except := ""
			if rng.IntN(2) == 0 {
				except = pick(ids, i)
			}
			got, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "s", At: at, Except: except, Queries: queries})
			if err != nil {
				t.Fatalf("op %d: Aggregate: %v", i, err)
			}
			for q := range queries {
				if diff := cmp.Diff(m.aggregate(&queries[q], at, except), got[q]); diff != "" {
					t.Fatalf("op %d: Aggregate query %d at %v except %q mismatch (-model +store):\n%s", i, q, at, except, diff)
				}
			}
		default:
			id := pick(ids, i)
			e := m.find(id)
			var err error
			if op < 9 {
				err = s.Commit(ctx, "s", id)
				if err == nil && e.state == store.Pending {
					e.state = store.Committed
				}
			} else {
				err = s.Void(ctx, "s", id)
				if err == nil && e.state == store.Pending {
					e.state = store.Voided
				}
			}
			wantErr := e.state == store.Voided && op < 9 || e.state == store.Committed && op == 9
			if (err != nil) != wantErr {
				t.Fatalf("op %d: settle %s (state %v, op %d): %v", i, id, e.state, op, err)
			}
		}
	}
}
