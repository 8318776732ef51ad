package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/shopspring/decimal"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func monthCap(limit string) store.Cap {
	return store.Cap{ID: "month", Window: store.Window{Kind: store.Month}, Classes: 1 << 1,
		MaxAmount: decimal.NewNullDecimal(decimal.RequireFromString(limit))}
}

func req(sub, id, amount string, caps ...store.Cap) *store.Request {
	return &store.Request{Subject: sub, TxID: id, Time: t0, Class: 1, Amount: decimal.RequireFromString(amount), Currency: "KRW", Caps: caps}
}

func TestNewOptions(t *testing.T) {
	c := singleClient(t)
	tests := []struct {
		name string
		o    *redisstore.Options
		ok   bool
	}{
		{"nil", nil, true},
		{"zero", &redisstore.Options{}, true},
		{"all set", &redisstore.Options{Prefix: "x:", Retention: time.Hour, PendingTTL: time.Minute, IdleExpiry: -1}, true},
		{"brace in prefix", &redisstore.Options{Prefix: "a{b"}, false},
		{"negative retention", &redisstore.Options{Retention: -time.Hour}, false},
		{"retention too long", &redisstore.Options{Retention: redisstore.MaxRetention + time.Hour}, false},
		{"negative pending ttl", &redisstore.Options{PendingTTL: -time.Second}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := redisstore.New(c, tc.o)
			if (err == nil) != tc.ok {
				t.Fatalf("New(%+v) = %v, want ok=%v", tc.o, err, tc.ok)
			}
			if err != nil && !errors.Is(err, store.ErrInvalidRequest) {
				t.Errorf("New(%+v) = %v, want one wrapping ErrInvalidRequest", tc.o, err)
			}
		})
	}
	if _, err := redisstore.New(nil, nil); !errors.Is(err, store.ErrInvalidRequest) {
		t.Errorf("New(nil client) = %v, want ErrInvalidRequest", err)
	}
}

// TestPendingExpiry: a pending entry gives its room back after PendingTTL
// (server time); its id is then a duplicate in state voided, Commit fails
// with ErrExpired and store.ErrVoided, and a committed entry never expires.
func TestPendingExpiry(t *testing.T) {
	s := newStore(t, singleClient(t), &redisstore.Options{PendingTTL: 300 * time.Millisecond})
	ctx := context.Background()
	sub := "expiry"
	caps := []store.Cap{monthCap("1000")}
	for _, id := range []string{"kept", "lapses"} {
		if res, err := s.Reserve(ctx, req(sub, id, "500", caps...)); err != nil || res.Status != store.Reserved {
			t.Fatalf("Reserve(%s) = %v, %v", id, res, err)
		}
	}
	if err := s.Commit(ctx, sub, "kept"); err != nil {
		t.Fatal(err)
	}
	if res, _ := s.Reserve(ctx, req(sub, "more", "1", caps...)); res.Status != store.Refused {
		t.Fatalf("before expiry: %v, want refused (the pending entry counts)", res.Status)
	}
	time.Sleep(500 * time.Millisecond)
	res, err := s.Reserve(ctx, req(sub, "lapses", "500", caps...))
	if err != nil || res.Status != store.Duplicate || res.State != store.Voided {
		t.Errorf("retry of the expired id = %+v, %v; want a duplicate in state voided", res, err)
	}
	err = s.Commit(ctx, sub, "lapses")
	if !errors.Is(err, redisstore.ErrExpired) || !errors.Is(err, store.ErrVoided) {
		t.Errorf("Commit(expired) = %v, want ErrExpired and ErrVoided", err)
	}
	if err := s.Void(ctx, sub, "lapses"); err != nil {
		t.Errorf("Void(expired) = %v, want nil (voiding a voided entry)", err)
	}
	if res, err := s.Reserve(ctx, req(sub, "room", "500", caps...)); err != nil || res.Status != store.Reserved {
		t.Errorf("after expiry: %+v, %v; want the room given back", res, err)
	}
	if res, _ := s.Reserve(ctx, req(sub, "full", "1", caps...)); res.Status != store.Refused {
		t.Errorf("the committed entry expired: %v", res.Status)
	}
	got, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: sub, At: t0, Queries: []store.Query{{Window: store.Window{Kind: store.Month}, Classes: 1 << 1}}})
	if err != nil || !got[0].Sum.Equal(decimal.NewFromInt(1000)) || got[0].Count != 2 {
		t.Errorf("Aggregate = %+v, %v; want 1000 in 2 entries", got, err)
	}
}

// TestUnrepresentable: amounts and caps beyond 9 fractional digits or
// MaxUnits, and totals that could pass 2^52 units, are refused with
// ErrUnrepresentable and store.ErrInvalidRequest, and record nothing.
func TestUnrepresentable(t *testing.T) {
	s := newStore(t, singleClient(t), nil)
	ctx := context.Background()
	big := "999999999999999" // MaxUnits - 1
	tests := []struct {
		name string
		r    *store.Request
	}{
		{"ten fractional digits", req("u1", "a", "0.0000000001")},
		{"MaxUnits", req("u1", "a", "1000000000000000")},
		{"cap with ten fractional digits", req("u1", "a", "1", monthCap("0.0000000001"))},
		{"cap of MaxUnits", req("u1", "a", "1", monthCap("1000000000000000"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Reserve(ctx, tc.r)
			if !errors.Is(err, redisstore.ErrUnrepresentable) || !errors.Is(err, store.ErrInvalidRequest) {
				t.Fatalf("Reserve = %v, want ErrUnrepresentable and ErrInvalidRequest", err)
			}
		})
	}
	// Nine fractional digits and MaxUnits-1 are exact.
	for i, a := range []string{"0.000000001", big, big, big, big, big} {
		r := req("u2", string(rune('a'+i)), a)
		if res, err := s.Reserve(ctx, r); err != nil || res.Status != store.Reserved {
			t.Fatalf("Reserve(%s) = %v, %v", a, res, err)
		}
	}
	// Five such amounts pass 2^52 units: a month cap over them cannot be
	// checked exactly.
	_, err := s.Reserve(ctx, req("u2", "over", "1", monthCap(big)))
	if !errors.Is(err, redisstore.ErrUnrepresentable) || !errors.Is(err, store.ErrInvalidRequest) {
		t.Fatalf("Reserve over 2^52 units = %v, want ErrUnrepresentable", err)
	}
	got, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "u2", At: t0, Queries: []store.Query{{Window: store.Window{Kind: store.Day}, Classes: 1 << 1}}})
	if want := decimal.RequireFromString("4999999999999995.000000001"); err != nil || !got[0].Sum.Equal(want) {
		t.Errorf("Aggregate = %v, %v; want exactly %v", got, err, want)
	}
}

// TestKeysShareASlot: every key of a subject hashes to one Cluster slot,
// also for subjects with braces, and the keys expire when idle.
func TestKeysShareASlot(t *testing.T) {
	c := clusterClient(t)
	s := newStore(t, c, &redisstore.Options{IdleExpiry: time.Hour})
	ctx := context.Background()
	for _, sub := range []string{"KR/c1", "}{", "a}b{c", `x\y{`, "{KR/c1}"} {
		keys := s.Keys(sub)
		slot, err := c.ClusterKeySlot(ctx, keys[0]).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys[1:] {
			if got, _ := c.ClusterKeySlot(ctx, k).Result(); got != slot {
				t.Errorf("subject %q: key %q in slot %d, %q in %d", sub, keys[0], slot, k, got)
			}
		}
		if res, err := s.Reserve(ctx, req(sub, "a", "5", monthCap("10"))); err != nil || res.Status != store.Reserved {
			t.Fatalf("Reserve(%q) = %v, %v", sub, res, err)
		}
		if ttl, err := c.PTTL(ctx, keys[1]).Result(); err != nil || ttl <= 0 || ttl > time.Hour {
			t.Errorf("subject %q: PTTL = %v, %v; want at most the idle expiry", sub, ttl, err)
		}
	}
	if a, b := s.Keys("KR/c1"), s.Keys("{KR/c1}"); a[0] == b[0] {
		t.Errorf("subjects KR/c1 and {KR/c1} share key %q", a[0])
	}
}

// TestNoKeyWithoutExpiry: whatever a call creates — period totals on a
// refusal, the voided set on an expiry found by a duplicate or a commit —
// gets the idle expiry, so no key of an idle customer lives forever.
func TestNoKeyWithoutExpiry(t *testing.T) {
	c := singleClient(t)
	s := newStore(t, c, &redisstore.Options{PendingTTL: 100 * time.Millisecond, IdleExpiry: time.Hour})
	ctx := context.Background()
	check := func(sub, after string) {
		t.Helper()
		for _, k := range s.Keys(sub) {
			if ttl, err := c.PTTL(ctx, k).Result(); err != nil || ttl == -1 {
				t.Errorf("after %s: key %s has no expiry (PTTL %v, %v)", after, k, ttl, err)
			}
		}
	}
	if res, err := s.Reserve(ctx, req("refused-first", "a", "50", monthCap("10"))); err != nil || res.Status != store.Refused {
		t.Fatalf("Reserve = %v, %v", res, err)
	}
	check("refused-first", "a refusal")
	for _, then := range []string{"duplicate", "commit", "aggregate"} {
		sub := "expiring-" + then
		if _, err := s.Reserve(ctx, req(sub, "a", "5", monthCap("10"))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		switch then {
		case "duplicate":
			s.Reserve(ctx, req(sub, "a", "5"))
		case "commit":
			s.Commit(ctx, sub, "a")
		case "aggregate":
			s.Aggregate(ctx, &store.AggregateRequest{Subject: sub, At: t0, Queries: []store.Query{{Window: store.Window{Kind: store.Day}, Classes: 1 << 1}}})
		}
		check(sub, "an expiry found by a "+then)
	}
}
