package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/comply-go/comply/internal/pgtest"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

func TestNewInvalidOptions(t *testing.T) {
	// None of these reaches a server.
	tests := []struct {
		name string
		opts *pgstore.Options
	}{
		{"nil", nil},
		{"empty DSN", &pgstore.Options{}},
		{"bad DSN", &pgstore.Options{DSN: "postgres://%zz"}},
		{"negative retention", &pgstore.Options{DSN: "postgres://localhost/x", Retention: -time.Hour}},
		{"retention too long", &pgstore.Options{DSN: "postgres://localhost/x", Retention: pgstore.MaxRetention + time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := pgstore.New(t.Context(), tc.opts)
			if !errors.Is(err, store.ErrInvalidRequest) || s != nil {
				t.Errorf("New() = %v, %v; want an error wrapping ErrInvalidRequest", s, err)
			}
		})
	}
}

// tables lists the schema's tables, indexes and columns.
func tables(t *testing.T, dsn, schema string) []string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, err := conn.Query(t.Context(), `
		SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = $1
		UNION ALL SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrateIdempotent(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	// Four stores migrate the same new schema at once.
	var wg sync.WaitGroup
	stores := make([]*pgstore.Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = pgstore.New(t.Context(), &pgstore.Options{DSN: d, Schema: schema})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent New #%d: %v", i, err)
		}
		defer stores[i].Close()
	}
	before := tables(t, d, schema)
	if len(before) < 15 {
		t.Fatalf("schema after migration: %q", before)
	}
	s := stores[0]
	t0 := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	req := &store.Request{Subject: "m", TxID: "a", Time: t0, Class: 1, Amount: decimal.NewFromInt(5), Currency: "KRW"}
	if res, err := s.Reserve(t.Context(), req); err != nil || res.Status != store.Reserved {
		t.Fatalf("Reserve = %+v, %v", res, err)
	}
	// Migrating again changes nothing and keeps the data.
	for range 2 {
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	if after := tables(t, d, schema); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("schema changed by a second migration:\n%q\n%q", before, after)
	}
	if res, err := s.Reserve(t.Context(), req); err != nil || res.Status != store.Duplicate || res.State != store.Pending {
		t.Errorf("Reserve after migrating again = %+v, %v; want a duplicate of the pending entry", res, err)
	}
	// A store opened later, without migrating, sees the same entry.
	again := open(t, &pgstore.Options{DSN: d, Schema: schema, DisableMigrate: true})
	if res, err := again.Reserve(t.Context(), req); err != nil || res.Status != store.Duplicate {
		t.Errorf("Reserve from a new store = %+v, %v; want a duplicate", res, err)
	}
	if err := stores[1].Close(); err != nil {
		t.Fatal(err)
	}
	if err := stores[1].Migrate(t.Context()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Migrate after Close = %v, want ErrClosed", err)
	}
}

// TestRetention checks pruning: entries older than the retention before the
// subject's newest are deleted, requests that would need them fail with
// ErrOutOfRange, and balances survive.
func TestRetention(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	const retention = 48 * time.Hour
	s := open(t, &pgstore.Options{DSN: d, Schema: schema, Retention: retention})
	ctx := t.Context()
	t0 := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	day := store.Cap{ID: "day", Window: store.Window{Kind: store.Day}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	roll := func(w time.Duration) store.Cap {
		return store.Cap{ID: "roll", Window: store.Window{Kind: store.Rolling, Duration: w}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	}
	balance := store.Cap{ID: "bal", Window: store.Window{Kind: store.Balance}, Classes: 1 << 2, Debits: 1 << 3, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	reserve := func(id string, at time.Time, class uint8, amount int64, caps ...store.Cap) (store.Result, error) {
		return s.Reserve(ctx, &store.Request{Subject: "r", TxID: id, Time: at, Class: class, Amount: decimal.NewFromInt(amount), Currency: "KRW", Caps: caps})
	}
	must := func(res store.Result, err error) store.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	must(reserve("old", t0, 1, 100, day))
	must(reserve("credit", t0, 2, 700, balance))
	if err := s.Commit(ctx, "r", "credit"); err != nil {
		t.Fatal(err)
	}
	if _, err := reserve("y", t0, 1, 1, roll(retention+time.Hour)); !errors.Is(err, store.ErrInvalidRequest) {
		t.Errorf("rolling window over the retention: %v, want ErrInvalidRequest", err)
	}
	// 60h later: the newest moves, entries before t0+12h are pruned.
	late := t0.Add(60 * time.Hour)
	must(reserve("new", late, 1, 100, day, roll(24*time.Hour)))
	count := func() (n int64) {
		conn, err := pgx.Connect(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema}.Sanitize()+".entries").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Errorf("%d entries after pruning, want 1", n)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"reserve before the horizon", func() error { _, err := reserve("old", t0, 1, 100); return err }()},
		{"rolling window reaching before it", func() error {
			_, err := reserve("z", late.Add(-40*time.Hour), 1, 1, roll(24*time.Hour))
			return err
		}()},
		{"aggregate reaching before it", func() error {
			_, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "r", At: t0.Add(13 * time.Hour),
				Queries: []store.Query{{Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1 << 1}}})
			return err
		}()},
		{"day that began before it", func() error {
			// The horizon is midnight UTC, 09:00 in Seoul.
			seoulDay := day
			seoulDay.Window.Location = time.FixedZone("KST", 9*3600)
			_, err := reserve("w", t0.Add(13*time.Hour), 1, 1, seoulDay)
			return err
		}()},
	} {
		if !errors.Is(tc.err, store.ErrOutOfRange) {
			t.Errorf("%s: %v, want ErrOutOfRange", tc.name, tc.err)
		}
	}
	// The balance still counts the pruned committed credit.
	if res := must(reserve("credit2", late, 2, 301, balance)); res.Status != store.Refused || !res.Violations[0].Amount.Equal(decimal.NewFromInt(700)) {
		t.Errorf("credit after pruning = %+v, want refused at a balance of 700", res)
	}
	if res := must(reserve("credit3", late, 2, 300, balance)); res.Status != store.Reserved {
		t.Errorf("credit to exactly the cap after pruning = %+v", res)
	}
	// Within the retention everything works.
	agg, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "r", At: late,
		Queries: []store.Query{{Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1 << 1}}})
	if err != nil || agg[0].Count != 1 || !agg[0].Sum.Equal(decimal.NewFromInt(100)) {
		t.Errorf("Aggregate within the retention = %+v, %v", agg, err)
	}
}

// TestSurvivesReopen checks that what one store recorded is seen by a new
// store on the same schema, as after a process restart.
func TestSurvivesReopen(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	ctx := context.Background()
	t0 := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	caps := []store.Cap{{ID: "day", Window: store.Window{Kind: store.Day}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}}
	req := func(id string, amount int64) *store.Request {
		return &store.Request{Subject: "s", TxID: id, Time: t0, Class: 1, Amount: decimal.NewFromInt(amount), Currency: "KRW", Caps: caps}
	}
	a := open(t, &pgstore.Options{DSN: d, Schema: schema})
	if res, err := a.Reserve(ctx, req("a", 600)); err != nil || res.Status != store.Reserved {
		t.Fatalf("Reserve = %+v, %v", res, err)
	}
	if err := a.Commit(ctx, "s", "a"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b := open(t, &pgstore.Options{DSN: d, Schema: schema})
	if res, err := b.Reserve(ctx, req("a", 600)); err != nil || res.Status != store.Duplicate || res.State != store.Committed {
		t.Errorf("retry after reopen = %+v, %v; want a duplicate of a committed entry", res, err)
	}
	if res, err := b.Reserve(ctx, req("b", 401)); err != nil || res.Status != store.Refused {
		t.Errorf("over the cap after reopen = %+v, %v; want refused", res, err)
	}
}

// TestPendingTTL checks that a pending entry expires after PendingTTL by
// the server's clock: it stops counting, a retry sees it voided and Commit
// fails with ErrExpired; committed entries and fresh pending ones still
// count.
func TestPendingTTL(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	const ttl = time.Second
	s := open(t, &pgstore.Options{DSN: d, Schema: schema, PendingTTL: ttl})
	never := open(t, &pgstore.Options{DSN: d, Schema: schema, PendingTTL: -1, DisableMigrate: true})
	ctx := t.Context()
	t0 := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	dayCap := store.Cap{ID: "day", Window: store.Window{Kind: store.Day}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	balCap := store.Cap{ID: "bal", Window: store.Window{Kind: store.Balance}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	rollCap := store.Cap{ID: "24h", Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: 1 << 1, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	reserve := func(st *pgstore.Store, id string, amount int64) store.Result {
		t.Helper()
		res, err := st.Reserve(ctx, &store.Request{Subject: "ttl", TxID: id, Time: t0, Class: 1, Amount: decimal.NewFromInt(amount),
			Currency: "KRW", Caps: []store.Cap{dayCap, balCap, rollCap}})
		if err != nil {
			t.Fatalf("Reserve(%s): %v", id, err)
		}
		return res
	}
	total := func() decimal.Decimal {
		t.Helper()
		agg, err := s.Aggregate(ctx, &store.AggregateRequest{Subject: "ttl", At: t0, Queries: []store.Query{
			{Window: store.Window{Kind: store.Day}, Classes: 1 << 1},
			{Window: store.Window{Kind: store.Balance}, Classes: 1 << 1},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if !agg[0].Sum.Equal(agg[1].Sum) {
			t.Errorf("day total %v, balance %v: want equal", agg[0].Sum, agg[1].Sum)
		}
		return agg[0].Sum
	}
	if r := reserve(s, "committed", 300); r.Status != store.Reserved {
		t.Fatalf("committed: %+v", r)
	}
	if err := s.Commit(ctx, "ttl", "committed"); err != nil {
		t.Fatal(err)
	}
	reserve(s, "expires", 300)
	reserve(s, "voided-later", 100)
	reserve(never, "kept", 200) // never expires
	if r := reserve(s, "full", 101); r.Status != store.Refused {
		t.Fatalf("before expiry, 101 more = %+v, want refused", r)
	}
	time.Sleep(ttl + 300*time.Millisecond)
	if got := total(); !got.Equal(decimal.NewFromInt(500)) {
		t.Errorf("after expiry the total is %v, want 500 (committed 300 + kept 200)", got)
	}
	if r := reserve(s, "expires", 300); r.Status != store.Duplicate || r.State != store.Voided {
		t.Errorf("retry of an expired entry = %+v, want a duplicate in state voided", r)
	}
	err := s.Commit(ctx, "ttl", "expires")
	if !errors.Is(err, pgstore.ErrExpired) || !errors.Is(err, store.ErrVoided) {
		t.Errorf("Commit(expired) = %v, want ErrExpired and ErrVoided", err)
	}
	if err := s.Void(ctx, "ttl", "voided-later"); err != nil {
		t.Errorf("Void(expired) = %v, want nil", err)
	}
	if err := s.Commit(ctx, "ttl", "expires"); !errors.Is(err, store.ErrVoided) {
		t.Errorf("Commit(expired, materialized) = %v, want ErrVoided", err)
	}
	if r := reserve(s, "room", 500); r.Status != store.Reserved {
		t.Errorf("reserving the expired room = %+v, want reserved", r)
	}
	if r := reserve(s, "over", 1); r.Status != store.Refused {
		t.Errorf("1 more = %+v, want refused", r)
	}
	if err := never.Commit(ctx, "ttl", "kept"); err != nil {
		t.Errorf("Commit(kept) = %v", err)
	}
}

// TestSkippedMidnight checks calendar days where a clock change skips
// midnight (Santiago, 2026-09-06 00:00 does not exist): the day starts at
// the change, and the evening before stays in the day before, as in
// memstore.
func TestSkippedMidnight(t *testing.T) {
	d := pgtest.DSN(t)
	s := open(t, &pgstore.Options{DSN: d, Schema: pgtest.Schema(t, d, "pgstore_test_")})
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := memstore.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	day := store.Cap{ID: "day", Window: store.Window{Kind: store.Day, Location: santiago}, Classes: 1 << 1,
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	evening := time.Date(2026, 9, 5, 23, 30, 0, 0, santiago) // -04
	morning := time.Date(2026, 9, 6, 1, 30, 0, 0, santiago)  // -03
	for _, b := range []store.Backend{s, ref} {
		name := fmt.Sprintf("%T", b)
		for _, step := range []struct {
			id   string
			at   time.Time
			want store.Status
		}{
			{"evening", evening, store.Reserved},
			{"morning", morning, store.Reserved}, // 800 + 800 would break a day that held both
		} {
			res, err := b.Reserve(t.Context(), &store.Request{Subject: "santiago", TxID: step.id, Time: step.at, Class: 1,
				Amount: decimal.NewFromInt(800), Currency: "CLP", Caps: []store.Cap{day}})
			if err != nil || res.Status != step.want {
				t.Errorf("%s: Reserve(%s) = %+v, %v; want %v", name, step.id, res, err, step.want)
			}
		}
		agg, err := b.Aggregate(t.Context(), &store.AggregateRequest{Subject: "santiago", At: morning,
			Queries: []store.Query{{Window: day.Window, Classes: 1 << 1}}})
		if err != nil || agg[0].Count != 1 {
			t.Errorf("%s: Aggregate(day of %v) = %+v, %v; want the morning entry alone", name, morning, agg, err)
		}
	}
}
