package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func limit(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    *memstore.Options
		wantErr bool
	}{
		{"nil", nil, false},
		{"zero", &memstore.Options{}, false},
		{"one hour", &memstore.Options{Retention: time.Hour}, false},
		{"max", &memstore.Options{Retention: memstore.MaxRetention}, false},
		{"negative", &memstore.Options{Retention: -time.Hour}, true},
		{"too long", &memstore.Options{Retention: memstore.MaxRetention + 1}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := memstore.New(tc.opts)
			if tc.wantErr {
				if !errors.Is(err, store.ErrInvalidRequest) || s != nil {
					t.Errorf("New() = %v, %v; want nil and an error wrapping ErrInvalidRequest", s, err)
				}
				return
			}
			if err != nil || s == nil {
				t.Fatalf("New() = %v, %v", s, err)
			}
		})
	}
}

func TestCloseTwice(t *testing.T) {
	s := newStore(t, nil)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); !errors.Is(err, store.ErrClosed) {
		t.Errorf("second Close() = %v, want ErrClosed", err)
	}
}

// TestPruning keeps two days of entries and checks that calendar totals
// and balances stay exact after their entries are pruned, and that what
// can no longer be checked exactly is an error.
func TestPruning(t *testing.T) {
	s := newStore(t, &memstore.Options{Retention: 48 * time.Hour})
	ctx := context.Background()
	const sub = "customer"
	month := store.Cap{ID: "month", Window: store.Window{Kind: store.Month}, Classes: 1 << 1, MaxAmount: limit("10000")}
	balance := store.Cap{ID: "balance", Window: store.Window{Kind: store.Balance}, Classes: 1 << 2, Debits: 1 << 3, MaxAmount: limit("400000")}
	day2 := store.Cap{ID: "48h", Window: store.Window{Kind: store.Rolling, Duration: 48 * time.Hour}, Classes: 1 << 1, MaxAmount: limit("2000")}
	caps := []store.Cap{month, balance, day2}
	reserve := func(id string, class uint8, at time.Time, amount string, caps ...store.Cap) (store.Result, error) {
		return s.Reserve(ctx, &store.Request{Subject: sub, TxID: id, Time: at, Class: class, Amount: dec(amount), Currency: "KRW", Caps: caps})
	}
	must := func(res store.Result, err error) store.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for d := 1; d <= 31; d++ {
		at := time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC)
		if res := must(reserve(fmt.Sprintf("pay-%d", d), 1, at, "300", caps...)); res.Status != store.Reserved {
			t.Fatalf("day %d: %+v", d, res)
		}
		if res := must(reserve(fmt.Sprintf("top-up-%d", d), 2, at, "10000", caps...)); res.Status != store.Reserved {
			t.Fatalf("day %d: %+v", d, res)
		}
	}
	last := time.Date(2026, 3, 31, 13, 0, 0, 0, time.UTC)
	got := must(reserve("pay-over", 1, last, "701", caps...))
	want := store.Result{Status: store.Refused, Violations: []store.Usage{{Cap: 0, ID: "month", Amount: dec("9300"), Count: 31}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("month cap after pruning (-want +got):\n%s", diff)
	}
	got = must(reserve("top-up-over", 2, last, "90001", caps...))
	want = store.Result{Status: store.Refused, Violations: []store.Usage{{Cap: 1, ID: "balance", Amount: dec("310000"), Count: 31}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("balance cap after pruning (-want +got):\n%s", diff)
	}
	if res := must(reserve("pay-last", 1, last, "400", caps...)); res.Status != store.Reserved {
		t.Errorf("pay-last = %+v, want reserved", res)
	}

	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"reserve before the horizon", second(reserve("old", 1, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), "1")), store.ErrOutOfRange},
		{"retry of a pruned id", second(reserve("pay-1", 1, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), "300", caps...)), store.ErrOutOfRange},
		{"rolling longer than the retention", second(reserve("x", 1, last, "1", store.Cap{ID: "49h",
			Window: store.Window{Kind: store.Rolling, Duration: 49 * time.Hour}, Classes: 1 << 1})), store.ErrInvalidRequest},
		{"void of a pruned id", s.Void(ctx, sub, "pay-1"), store.ErrNotFound},
		{"month aggregate reaching pruned entries", second(s.Aggregate(ctx, &store.AggregateRequest{Subject: sub, At: last,
			Queries: []store.Query{{Window: store.Window{Kind: store.Month}, Classes: 1 << 1}}})), store.ErrOutOfRange},
		{"month cap in a new calendar", second(reserve("seoul-march", 1, time.Date(2026, 3, 31, 14, 0, 0, 0, time.UTC), "1",
			store.Cap{ID: "seoul", Window: store.Window{Kind: store.Month, Location: seoul(t)}, Classes: 1 << 1, MaxAmount: limit("10")})), store.ErrOutOfRange},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want an error wrapping %q", tc.name, tc.err, tc.want)
		} else if msg := tc.err.Error(); !strings.HasPrefix(msg, "memstore: ") || strings.Count(msg, "memstore:") != 1 {
			t.Errorf("%s: message %q, want one prefix \"memstore: \"", tc.name, msg)
		}
	}
	// April in Seoul started after the horizon: a new calendar is complete.
	april := store.Cap{ID: "seoul", Window: store.Window{Kind: store.Month, Location: seoul(t)}, Classes: 1 << 1, MaxAmount: limit("10")}
	if res := must(reserve("seoul-april", 1, time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC), "10", april)); res.Status != store.Reserved {
		t.Errorf("seoul-april = %+v, want reserved", res)
	}
	if res := must(reserve("seoul-april-2", 1, time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC), "1", april)); res.Status != store.Refused {
		t.Errorf("seoul-april-2 = %+v, want refused", res)
	}
	// What is retained still aggregates.
	aggs, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: sub, At: last.Add(3 * time.Hour), Queries: []store.Query{
		{Window: store.Window{Kind: store.Rolling, Duration: 48 * time.Hour}, Classes: 1 << 1},
		{Window: store.Window{Kind: store.Balance}, Classes: 1 << 2, Debits: 1 << 3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !aggs[0].Sum.Equal(dec("1010")) || aggs[0].Count != 4 || !aggs[1].Sum.Equal(dec("310000")) || aggs[1].Count != 31 {
		t.Errorf("aggregates = %+v, want 1010 in 3 entries and a balance of 310000 in 31 credits", aggs)
	}
}

func second[T any](_ T, err error) error { return err }

func seoul(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAmounts(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	day := store.Window{Kind: store.Day}
	type step struct {
		amount  string
		caps    []store.Cap
		want    store.Status
		wantErr error
	}
	tests := []struct {
		name  string
		steps []step
		sum   string
	}{
		{"beyond int64 sums", []step{
			{"9000000000000000000", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("20000000000000000000")}}, store.Reserved, nil},
			{"9000000000000000000", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("20000000000000000000")}}, store.Reserved, nil},
			{"2000000000000000001", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("20000000000000000000")}}, store.Refused, nil},
			{"2000000000000000000", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("20000000000000000000")}}, store.Reserved, nil},
		}, "20000000000000000000"},
		{"limits with many digits", []step{
			{"999", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("999.99999999999999999999999999")}}, store.Reserved, nil},
			{"1", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("999.99999999999999999999999999")}}, store.Refused, nil},
			{"1", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("1000.000000000000000000000001"), Exclusive: true}}, store.Reserved, nil},
			{"1", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("1e40")}}, store.Reserved, nil},
		}, "1001"},
		{"precision raised on demand", []step{
			{"10", nil, store.Reserved, nil},
			{"0.5", nil, store.Reserved, nil},
			{"0.000000000000000001", nil, store.Reserved, nil},
			{"100.000000000000000000000000", nil, store.Reserved, nil},
			{"0.0000000000000000001", nil, 0, store.ErrInvalidRequest},
			{"10", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("120.500000000000000001")}}, store.Reserved, nil},
			{"0.000000000000000001", []store.Cap{{ID: "c", Window: day, Classes: 2, MaxAmount: limit("120.500000000000000001")}}, store.Refused, nil},
			{"1000000000000", nil, store.Reserved, nil},
		}, "1000000000120.500000000000000001"},
		{"unrepresentable", []step{
			{"1e31", nil, 0, store.ErrInvalidRequest},
			{"123456789012345678901234567890123", nil, 0, store.ErrInvalidRequest},
			{"3e29", nil, store.Reserved, nil},
			{"0.1", nil, 0, store.ErrInvalidRequest}, // 3e29 at scale 1 is 3e30 units, above 2^100
			{"12345678901234567890.5", nil, 0, store.ErrInvalidRequest},
			{"12345678901234567890", nil, store.Reserved, nil},
		}, "300000000012345678901234567890"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, nil)
			for i, st := range tc.steps {
				res, err := s.Reserve(ctx, &store.Request{Subject: "s", TxID: fmt.Sprint(i), Time: at, Class: 1,
					Amount: dec(st.amount), Currency: "EUR", Caps: st.caps})
				if st.wantErr != nil {
					if !errors.Is(err, st.wantErr) {
						t.Fatalf("step %d (%s): %v, want %q", i, st.amount, err, st.wantErr)
					}
					continue
				}
				if err != nil || res.Status != st.want {
					t.Fatalf("step %d (%s) = %+v, %v; want %v", i, st.amount, res, err, st.want)
				}
			}
			aggs, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "s", At: at, Queries: []store.Query{{Window: day, Classes: 2}}})
			if err != nil {
				t.Fatal(err)
			}
			if !aggs[0].Sum.Equal(dec(tc.sum)) {
				t.Errorf("sum = %v, want %s", aggs[0].Sum, tc.sum)
			}
		})
	}
}

func TestTimeRange(t *testing.T) {
	s := newStore(t, nil)
	for _, at := range []time.Time{time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)} {
		_, err := s.Reserve(context.Background(), &store.Request{Subject: "s", TxID: "a", Time: at, Class: 1, Amount: dec("1"), Currency: "EUR"})
		if !errors.Is(err, store.ErrOutOfRange) {
			t.Errorf("Reserve at %v: %v, want ErrOutOfRange", at, err)
		}
	}
}

// TestLocationsByName checks that a reloaded zone shares its calendar and
// that two fixed zones with one name but different offsets do not.
func TestLocationsByName(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)
	sub := "seoul"
	reserve := func(id string, loc *time.Location, amount string, hour int) store.Status {
		t.Helper()
		res, err := s.Reserve(ctx, &store.Request{Subject: sub, TxID: id, Time: at.Add(time.Duration(hour) * time.Hour), Class: 1,
			Amount: dec(amount), Currency: "EUR",
			Caps: []store.Cap{{ID: "day", Window: store.Window{Kind: store.Day, Location: loc}, Classes: 2, MaxAmount: limit("100")}}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Status
	}
	if got := reserve("a", seoul(t), "60", 0); got != store.Reserved {
		t.Fatalf("a = %v", got)
	}
	if got := reserve("b", seoul(t), "41", 0); got != store.Refused {
		t.Errorf("b in a reloaded Seoul = %v, want refused", got)
	}
	sub = "fixed"
	east, west := time.FixedZone("X", 2*3600), time.FixedZone("X", -2*3600)
	// 23:00 UTC is March 11 at +2 and March 10 at −2; 03:00 UTC the next
	// day is March 11 in both.
	if got := reserve("c", east, "60", 0); got != store.Reserved {
		t.Fatalf("c = %v", got)
	}
	if got := reserve("d", west, "60", 4); got != store.Reserved {
		t.Errorf("d in zone X−2 = %v, want reserved (its March 11 holds nothing yet)", got)
	}
	if got := reserve("e", east, "60", 4); got != store.Refused {
		t.Errorf("e in zone X+2 = %v, want refused", got)
	}
}

func TestSumSquaresBeyond128Bits(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		amounts     []string
		sum, square string
	}{
		{"int64 amounts", []string{"9000000000000000000", "9000000000000000000", "9000000000000000000", "9000000000000000000", "9000000000000000000"},
			"45000000000000000000", "405000000000000000000000000000000000000"},
		{"wide amounts", []string{"10000000000000000000000000", "2"}, "10000000000000000000000002", "100000000000000000000000000000000000000000000000004"},
		{"fractional", []string{"0.5", "1.25"}, "1.75", "1.8125"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, nil)
			for i, a := range tc.amounts {
				if _, err := s.Reserve(ctx, &store.Request{Subject: "s", TxID: fmt.Sprint(i), Time: at, Class: 1, Amount: dec(a), Currency: "EUR"}); err != nil {
					t.Fatal(err)
				}
			}
			aggs, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "s", At: at, Queries: []store.Query{{Window: store.Window{Kind: store.Day}, Classes: 2}}})
			if err != nil {
				t.Fatal(err)
			}
			if !aggs[0].Sum.Equal(dec(tc.sum)) || !aggs[0].SumSquares.Equal(dec(tc.square)) {
				t.Errorf("sum %v, squares %v; want %s and %s", aggs[0].Sum, aggs[0].SumSquares, tc.sum, tc.square)
			}
		})
	}
}
