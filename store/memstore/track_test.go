package memstore

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

func TestTrackLower(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{300, 513, 2000}
	for n := range 70 {
		sizes = append(sizes, n)
	}
	checked := 0
	for _, n := range sizes {
		ts := make([]int64, n)
		for i := range ts {
			ts[i] = int64(rng.IntN(40 + n))
		}
		slices.Sort(ts)
		tr := &track{ts: ts}
		for q := int64(-2); q < int64(43+n); q++ {
			want := sort.Search(n, func(i int) bool { return ts[i] >= q })
			if got := tr.lower(q); got != want {
				t.Fatalf("lower(%d) over %d times = %d, want %d", q, n, got, want)
			}
			checked++
		}
	}
	if checked < 2045 { // the 2,000-point track alone asks 2,045
		t.Fatalf("only %d searches checked", checked)
	}
}

func TestSquare(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		v := i128{hi: int64(rng.Uint64() >> (64 - rng.IntN(63))), lo: rng.Uint64()}
		if rng.IntN(4) == 0 {
			v.hi = 0
		}
		b := v.big()
		want := new(big.Int).Mul(b, b)
		if got := square(v).big(); got.Cmp(want) != 0 {
			t.Fatalf("square(%v) = %v, want %v", b, got, want)
		}
	}
	// Wrapping differences of prefix sums stay exact.
	a, c := square(i128{hi: 1 << 35, lo: 12345}), square(i128{lo: 1<<64 - 1})
	if got := a.add(c).sub(a); got != c {
		t.Errorf("(a+c)-a = %v, want %v", got, c)
	}
}

// TestCalendarSpans checks, minute by minute over days around daylight
// saving changes (including zones that change at midnight), that the spans
// hold exactly the instants up to at whose local date is in at's period.
func TestCalendarSpans(t *testing.T) {
	for _, tc := range []struct {
		zone string
		from string
	}{
		{"America/New_York", "2026-03-07"},
		{"America/New_York", "2026-10-31"},
		{"America/Santiago", "2026-04-03"}, // back an hour at midnight
		{"America/Santiago", "2026-09-04"}, // forward an hour at midnight
		{"America/Havana", "2026-03-07"},
		{"Asia/Seoul", "2026-02-27"},
		{"Pacific/Apia", "2011-12-28"}, // skipped 2011-12-30
		{"Australia/Lord_Howe", "2026-04-03"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		start, err := time.ParseInLocation("2006-01-02", tc.from, loc)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []store.WindowKind{store.Day, store.Month} {
			for at := start; at.Before(start.Add(72 * time.Hour)); at = at.Add(17 * time.Minute) {
				spans := calendarSpans(kind, loc, at.UnixNano(), nil)
				ay, am, ad := at.In(loc).Date()
				for x := at.Add(-40 * 24 * time.Hour); !x.After(at); x = x.Add(10 * time.Minute) {
					y, m, d := x.In(loc).Date()
					want := y == ay && m == am && (kind == store.Month || d == ad)
					if got := inSpans(spans, x.UnixNano()); got != want {
						t.Fatalf("%s %v at %v: instant %v in spans %v = %v, want %v", tc.zone, kind, at, x.In(loc), spans, got, want)
					}
				}
				in := func(x int64) bool {
					y, m, d := time.Unix(0, x).In(loc).Date()
					return y == ay && m == am && (kind == store.Month || d == ad)
				}
				for _, sp := range spans { // exact edges
					if !in(sp.lo) || !in(sp.hi) || in(sp.lo-1) && !inSpans(spans, sp.lo-1) || sp.hi != at.UnixNano() && in(sp.hi+1) && !inSpans(spans, sp.hi+1) {
						t.Fatalf("%s %v at %v: span %v has inexact edges", tc.zone, kind, at, sp)
					}
				}
				if !inSpans(spans, at.UnixNano()) {
					t.Fatalf("%s: at %v not in its own day's spans", tc.zone, at)
				}
			}
		}
	}
}

// TestCounterpartyChurn keeps a subject paying a new counterparty every
// hour for 60 days with a 2-day retention: Distinct over the last day stays
// exact (including with one entry left out and after voids) and the
// subject's counterparty table follows the retained entries.
func TestCounterpartyChurn(t *testing.T) {
	st, err := New(&Options{Retention: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	q := []store.Query{{Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1 << 3}}
	for i := range 60 * 24 {
		at := base.Add(time.Duration(i) * time.Hour)
		id := fmt.Sprint("tx-", i)
		res, err := st.Reserve(ctx, &store.Request{Subject: "s", TxID: id, Time: at, Class: 3,
			Amount: decimal.NewFromInt(10), Currency: "EUR", Counterparty: fmt.Sprint("cp-", i%500)})
		if err != nil || res.Status != store.Reserved {
			t.Fatalf("Reserve %d: %+v, %v", i, res, err)
		}
		if i%7 == 3 {
			if err := st.Void(ctx, "s", id); err != nil {
				t.Fatal(err)
			}
		}
		// Entries i-23..i count, but for the voided ones; one left out.
		want := int64(0)
		for j := max(0, i-23); j <= i; j++ {
			if j%7 != 3 && j != i-1 {
				want++
			}
		}
		got, err := st.Aggregate(ctx, &store.AggregateRequest{Subject: "s", At: at, Except: fmt.Sprint("tx-", i-1), Queries: q})
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Distinct != want || got[0].Count != want {
			t.Fatalf("hour %d: Distinct %d, Count %d, want %d", i, got[0].Distinct, got[0].Count, want)
		}
	}
	s, _ := st.subject("s", false, "test")
	if n := len(s.cps); n > 200 {
		t.Errorf("%d counterparties remembered for %d retained entries", n, len(s.entries))
	}
}

// TestTrackedMatchesScan runs the same random operations on a subject that
// keeps class tracks from its first entry and on one that scans until it
// has trackMin entries, and requires identical answers throughout.
func TestTrackedMatchesScan(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 11))
		var stores [2]*Store
		for i := range stores {
			if stores[i], err = New(&Options{Retention: 5 * 24 * time.Hour}); err != nil {
				t.Fatal(err)
			}
		}
		sub, _ := stores[0].subject("s", true, "test")
		sub.track()
		ctx := t.Context()
		base := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
		caps := []store.Cap{
			{ID: "6h", Window: store.Window{Kind: store.Rolling, Duration: 6 * time.Hour}, Classes: 0b0110, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(4000))},
			{ID: "day", Window: store.Window{Kind: store.Day, Location: ny}, Classes: 0b0010, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(6000))},
		}
		queries := []store.Query{
			{Window: store.Window{Kind: store.Rolling, Duration: time.Hour}, Classes: 0b0110},
			{Window: store.Window{Kind: store.Rolling, Duration: 2 * 24 * time.Hour}, Classes: 0b1110},
			{Window: store.Window{Kind: store.Day, Location: ny}, Classes: 0b0110},
			{Window: store.Window{Kind: store.Balance}, Classes: 0b1000, Debits: 0b0100},
		}
		var ids []string
		for i := range 120 {
			at := base.Add(time.Duration(i)*30*time.Minute - time.Duration(rng.IntN(600))*time.Minute)
			var got [2]any
			switch op := rng.IntN(10); {
			case op < 6 || len(ids) == 0:
				id := fmt.Sprint("tx-", i)
				req := &store.Request{Subject: "s", TxID: id, Time: at, Class: uint8(1 + rng.IntN(3)), Currency: "EUR",
					Amount: decimal.New(int64(1+rng.IntN(2000)), -int32(rng.IntN(3))), Counterparty: fmt.Sprint("cp-", rng.IntN(6)), Caps: caps}
				for j, st := range stores {
					res, err := st.Reserve(ctx, req)
					got[j] = fmt.Sprint(res, err)
				}
				ids = append(ids, id)
			case op < 8:
				id := ids[len(ids)-1-rng.IntN(min(len(ids), 10))]
				for j, st := range stores {
					if op == 6 {
						got[j] = fmt.Sprint(st.Commit(ctx, "s", id))
					} else {
						got[j] = fmt.Sprint(st.Void(ctx, "s", id))
					}
				}
			default:
				except := ids[len(ids)-1-rng.IntN(min(len(ids), 10))]
				for j, st := range stores {
					aggs, err := st.Aggregate(ctx, &store.AggregateRequest{Subject: "s", At: at, Except: except, Queries: queries})
					got[j] = fmt.Sprint(aggs, err)
				}
			}
			if got[0] != got[1] {
				t.Fatalf("seed %d op %d: tracked %v, scanned %v", seed, i, got[0], got[1])
			}
		}
	}
}
