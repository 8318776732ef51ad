package redisstore_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/shopspring/decimal"
)

// TestRetention: entries older than the retention (back from the newest)
// are pruned and their ids forgotten, a request that needs them fails with
// store.ErrOutOfRange, and a tracked calendar period keeps its totals
// after its entries are gone.
func TestRetention(t *testing.T) {
	c := singleClient(t)
	s := newStore(t, c, &redisstore.Options{Retention: 64 * time.Minute})
	ctx := context.Background()
	sub := "retention"
	day := store.Cap{ID: "day", Window: store.Window{Kind: store.Day}, Classes: 1 << 1,
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1_000_000))}
	start := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	const n = 300 // one a minute for five hours
	for i := range n {
		r := &store.Request{Subject: sub, TxID: "tx-" + strconv.Itoa(i), Time: start.Add(time.Duration(i) * time.Minute),
			Class: 1, Amount: decimal.NewFromInt(10), Currency: "KRW", Caps: []store.Cap{day}}
		if res, err := s.Reserve(ctx, r); err != nil || res.Status != store.Reserved {
			t.Fatalf("Reserve #%d = %v, %v", i, res, err)
		}
		if i%2 == 0 {
			if err := s.Commit(ctx, sub, r.TxID); err != nil {
				t.Fatal(err)
			}
		} else if i%3 == 0 {
			if err := s.Void(ctx, sub, r.TxID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Kept: the ids of the last 64 minutes (plus at most a pruning step of
	// one minute) and older entries still pending.
	var recent, pending int64
	for i := range n {
		switch {
		case i >= n-1-64:
			recent++
		case i%2 == 1 && i%3 != 0:
			pending++
		}
	}
	ids, err := c.HLen(ctx, s.Keys(sub)[0]).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ids < recent+pending || ids > recent+pending+2 {
		t.Errorf("%d transaction ids kept, want %d recent and %d older pending ones (+2 at most)", ids, recent, pending)
	}
	for _, tc := range []struct {
		id   string
		want error
	}{
		{"tx-0", store.ErrNotFound}, // committed, pruned
		{"tx-3", store.ErrNotFound}, // voided, pruned
		{"tx-1", nil},               // pending: kept until settled
	} {
		if err := s.Commit(ctx, sub, tc.id); !errors.Is(err, tc.want) && (err != nil || tc.want != nil) {
			t.Errorf("Commit(%s) = %v, want %v", tc.id, err, tc.want)
		}
	}
	old := &store.Request{Subject: sub, TxID: "old", Time: start, Class: 1, Amount: decimal.NewFromInt(1), Currency: "KRW"}
	if _, err := s.Reserve(ctx, old); !errors.Is(err, store.ErrOutOfRange) {
		t.Errorf("Reserve before the horizon = %v, want ErrOutOfRange", err)
	}
	// The day was tracked from the first entry: its total still counts
	// every live entry of the day, pruned or not.
	var want int64
	for i := range n {
		if i%2 == 0 || i%3 != 0 {
			want += 10
		}
	}
	over := &store.Request{Subject: sub, TxID: "over", Time: start.Add(n * time.Minute), Class: 1, Currency: "KRW",
		Amount: decimal.NewFromInt(1_000_000 - want + 1), Caps: []store.Cap{day}}
	res, err := s.Reserve(ctx, over)
	if err != nil || res.Status != store.Refused || !res.Violations[0].Amount.Equal(decimal.NewFromInt(want)) {
		t.Errorf("Reserve over the day cap = %+v, %v; want refused at a day total of %d", res, err, want)
	}
	_, err = s.Aggregate(ctx, &store.AggregateRequest{Subject: sub, At: start.Add(n * time.Minute),
		Queries: []store.Query{{Window: store.Window{Kind: store.Day}, Classes: 1 << 1}}})
	if !errors.Is(err, store.ErrOutOfRange) {
		t.Errorf("Aggregate of the day = %v, want ErrOutOfRange (its early entries are pruned)", err)
	}
}
