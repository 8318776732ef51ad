// Package pgstore is a [store.Backend] on PostgreSQL, through
// github.com/jackc/pgx/v5 (pgxpool): several processes or hosts that share
// one database share exact limits. It imports only
// [github.com/comply-go/comply/store] from this module and passes the
// conformance suite in [github.com/comply-go/comply/store/storetest].
//
// # Schema
//
// [New] creates (unless Options.DisableMigrate) the tables it needs in
// Options.Schema with [Store.Migrate], which is idempotent: running it again,
// from any number of processes at once, changes nothing. The tables are
//
//   - entries: one row per reservation (subject, transaction id, time as
//     timestamptz, class, amount as NUMERIC, state, counterparty), keyed by
//     (subject, tx_id) and indexed by (subject, t);
//   - subjects: one row per subject (currency, newest and oldest times,
//     pruning horizon), written when the subject first reserves and then
//     only when its times move by more than a 64th of the retention;
//   - archived: per subject and class, the pending and committed totals
//     of the entries pruning deleted, which balances add to the retained
//     entries (written only when pruning).
//
// Amounts are NUMERIC, never floats, and every sum is computed exactly,
// either by PostgreSQL or in Go with shopspring/decimal. Times are kept at
// microsecond resolution (timestamptz): a request's time is truncated to the
// microsecond.
//
// # Atomic check-and-reserve
//
// Reserve runs one transaction that takes a transaction-scoped advisory lock
// on the subject (pg_advisory_xact_lock(hashtextextended(subject, 0))),
// reads one total per cap, computed by PostgreSQL in NUMERIC (for a rolling
// cap the largest amount and the largest count over every window that
// contains the new entry, the windows ending at the new entry and at each
// later-dated one, by a RANGE window function over the entries within W of
// it; for a calendar cap the period's total; for a balance the retained and
// archived totals), compares them with the caps in Go with decimals, as
// memstore does, and records the entry. Commit and Void take the same lock. Calls on one subject are
// therefore serialized across every process that uses the database; calls on
// different subjects run in parallel (two subjects whose hashes collide
// merely share a lock).
//
// Reserve costs two round trips: one pipelined batch (begin, lock, reads)
// and one batch that records the entry and commits (or a rollback). Commit
// and Void cost one, Aggregate one. A decision writes one entries row
// (about 110 bytes, 320 with its two indexes) and a commit rewrites it in
// place; the subject's row is rewritten only when its times move by more
// than a 64th of the retention.
//
// # Pending entries
//
// A pending entry expires Options.PendingTTL (default 15 minutes, as in
// the Redis store) after it was reserved, by the PostgreSQL server's clock,
// so the reservation of a host that died before settling gives its room
// back. An expired entry counts nowhere, a retry of its id is a
// [store.Duplicate] in state [store.Voided], and Commit returns an error
// wrapping [ErrExpired] and [store.ErrVoided].
//
// # Retention
//
// Entries are kept for Options.Retention measured back from each subject's
// newest entry and pruned in steps (when the oldest retained entry is a
// sixteenth of the retention older than that); the pending and committed
// totals of pruned entries are kept per class for balances. A subject
// remembers its pruning horizon; a request that would need entries before
// it fails with [store.ErrOutOfRange], as in memstore, except that calendar
// totals are not kept apart from the entries, so a calendar period that
// began before the horizon is also out of range. Commit and Void of a
// pruned entry return [store.ErrNotFound].
//
// # Failures
//
// When PostgreSQL cannot be reached or a context ends, every call returns
// an error (wrapping the context's error when it ended) and a reservation
// is either wholly recorded or not at all: a Reserve refused, invalid or
// failed before its commit rolls back. Like any networked store, a
// connection lost while the commit itself is in flight leaves the caller
// not knowing whether it was recorded; a retry with the same TxID tells
// ([store.Duplicate] if it was), and an entry nobody settles gives its room
// back when its PendingTTL runs out. Durability is PostgreSQL's: run it with
// fsync and synchronous_commit on (the defaults), and a synchronous
// standby if a failover must not lose acknowledged reservations.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// DefaultRetention is the retention used when Options.Retention is zero:
// longer than any calendar month.
const DefaultRetention = 35 * 24 * time.Hour

// MaxRetention is the longest retention accepted by [New].
const MaxRetention = 50 * 365 * 24 * time.Hour

// DefaultSchema is the schema used when Options.Schema is empty.
const DefaultSchema = "comply"

// DefaultPendingTTL is how long a pending entry counts when
// Options.PendingTTL is zero, as in the Redis store.
const DefaultPendingTTL = 15 * time.Minute

type sentinel string

func (s sentinel) Error() string { return string(s) }

// ErrExpired is returned, together with [store.ErrVoided], by Commit of a
// pending entry whose PendingTTL ran out.
const ErrExpired sentinel = "pgstore: pending entry expired"

// Options configures a [Store]. A nil *Options is invalid because DSN is
// required; the zero value of every other field is its default.
type Options struct {
	// DSN is the PostgreSQL connection string (URL or key=value), as
	// accepted by pgxpool.ParseConfig, including pool settings such as
	// pool_max_conns. Required.
	DSN string
	// Schema is the schema that holds the tables. Default: "comply".
	Schema string
	// Retention is how long entries and their transaction ids are kept,
	// measured back from each subject's newest entry. It bounds the
	// longest rolling window and the idempotency horizon. It must not be
	// negative or above [MaxRetention]. Default: 35 days.
	Retention time.Duration
	// PendingTTL is how long a pending entry counts before it expires, by
	// the PostgreSQL server's clock (now()), so that the reservation of a
	// host that died before settling it gives its room back. An expired
	// entry counts nowhere, a retry of its id is a [store.Duplicate] in
	// state [store.Voided], and Commit returns an error wrapping
	// [ErrExpired] and [store.ErrVoided]: commit within the TTL. Negative:
	// never expire (a host that holds decisions for review longer than
	// any TTL). Default: 15 minutes ([DefaultPendingTTL]).
	PendingTTL time.Duration
	// DisableMigrate makes [New] skip [Store.Migrate]; the host then runs
	// it (or its own migration) before use. Default: false.
	DisableMigrate bool
	// ConfigurePool, if set, is called with the parsed pool configuration
	// before the pool is created, e.g. to set a tracer, TLS or a dialer.
	// Default: nil.
	ConfigurePool func(*pgxpool.Config)
}

// Store is a [store.Backend] on PostgreSQL. It also implements
// [store.Pinger] and [io.Closer]. A Store is safe for concurrent use by
// multiple goroutines and by several processes sharing one database. Make
// one with [New].
type Store struct {
	pool      *pgxpool.Pool
	retention int64  // microseconds
	ttl       *int64 // microseconds; nil: pending entries never expire
	closed    atomic.Bool
	q         queries
}

var _ interface {
	store.Backend
	store.Pinger
} = (*Store)(nil)

// New connects to PostgreSQL as opts says and, unless opts.DisableMigrate,
// migrates the schema. It returns an error wrapping
// [store.ErrInvalidRequest] if opts is invalid, or the connection or
// migration error. New does not keep opts.
func New(ctx context.Context, opts *Options) (*Store, error) {
	if opts == nil {
		return nil, fmt.Errorf("pgstore: %w: nil Options (DSN is required)", store.ErrInvalidRequest)
	}
	o := *opts
	switch {
	case o.DSN == "":
		return nil, fmt.Errorf("pgstore: %w: empty DSN", store.ErrInvalidRequest)
	case o.Retention < 0:
		return nil, fmt.Errorf("pgstore: %w: negative Retention %v", store.ErrInvalidRequest, o.Retention)
	case o.Retention > MaxRetention:
		return nil, fmt.Errorf("pgstore: %w: Retention %v above %v", store.ErrInvalidRequest, o.Retention, MaxRetention)
	case o.Retention == 0:
		o.Retention = DefaultRetention
	}
	if o.Schema == "" {
		o.Schema = DefaultSchema
	}
	cfg, err := pgxpool.ParseConfig(o.DSN)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w: DSN: %w", store.ErrInvalidRequest, err)
	}
	if o.ConfigurePool != nil {
		o.ConfigurePool(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	s := &Store{pool: pool, retention: o.Retention.Microseconds(), q: newQueries(pgx.Identifier{o.Schema}.Sanitize())}
	switch {
	case o.PendingTTL == 0:
		ttl := DefaultPendingTTL.Microseconds()
		s.ttl = &ttl
	case o.PendingTTL > 0:
		ttl := max(o.PendingTTL.Microseconds(), 1)
		s.ttl = &ttl
	}
	if !o.DisableMigrate {
		if err := s.Migrate(ctx); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return s, nil
}

// migrateLockKey serializes concurrent migrations across processes.
const migrateLockKey = 0x636f6d706c79 // "comply"

// Migrate creates the schema, tables and indexes the store needs if they do
// not exist. It is idempotent and safe to run from several processes at
// once.
func (s *Store) Migrate(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed("migrate")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLockKey)); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	for _, stmt := range s.q.migrate {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return nil
}

// Pool returns the store's connection pool, for monitoring and for queries
// of the host's own. Closing the store closes it.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping implements [store.Pinger]: it checks that PostgreSQL answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed("ping")
	}
	if err := s.pool.Ping(ctx); err != nil {
		return wrap("ping", ctx, err)
	}
	return nil
}

// Close closes the pool's connections, waiting for calls in progress to
// return them. Every later call, including Close, returns an error
// wrapping [store.ErrClosed].
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return errClosed("close")
	}
	s.pool.Close()
	return nil
}

func errClosed(op string) error { return fmt.Errorf("pgstore: %s: %w", op, store.ErrClosed) }

// wrap annotates a database error; when ctx is done it also wraps the
// context's error, so callers can tell a deadline from a server failure.
func wrap(op string, ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("pgstore: %s: %w: %w", op, cerr, err)
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return nil
}

// Time range: ±2^62 ns around 1970 (years 1824 to 2116), so that a time
// plus or minus a window or the retention never overflows.
const maxSeconds = (1 << 62) / int64(time.Second)

func micros(t time.Time) (int64, bool) {
	if sec := t.Unix(); sec < -maxSeconds || sec > maxSeconds {
		return 0, false
	}
	return t.UnixMicro(), true
}

func ts(us int64) time.Time { return time.UnixMicro(us).UTC() }

// maxDigits bounds the digits before and after the point of an amount, far
// inside what NUMERIC holds.
const maxDigits = 1000

func invalid(op, format string, args ...any) error {
	return fmt.Errorf("pgstore: %s: %w: "+format, append([]any{op, store.ErrInvalidRequest}, args...)...)
}

func (s *Store) validateRequest(req *store.Request) (int64, error) {
	const op = "reserve"
	switch {
	case req == nil:
		return 0, invalid(op, "nil request")
	case req.Subject == "":
		return 0, invalid(op, "empty Subject")
	case req.TxID == "":
		return 0, invalid(op, "empty TxID")
	case req.Time.IsZero():
		return 0, invalid(op, "zero Time")
	case req.Class >= 64:
		return 0, invalid(op, "Class %d out of [0, 64)", req.Class)
	case req.Amount.Sign() <= 0:
		return 0, invalid(op, "non-positive Amount %v", req.Amount)
	case !representable(req.Amount):
		return 0, invalid(op, "Amount %v has more than %d digits before or after the point", req.Amount, maxDigits)
	}
	t, ok := micros(req.Time)
	if !ok {
		return 0, fmt.Errorf("pgstore: reserve: %w: time %v", store.ErrOutOfRange, req.Time)
	}
	for i := range req.Caps {
		c := &req.Caps[i]
		if err := s.validateWindow(&c.Window); err != nil {
			return 0, fmt.Errorf("pgstore: reserve: cap %d %q: %w", i, c.ID, err)
		}
		if c.MaxAmount.Valid && c.MaxAmount.Decimal.Sign() < 0 {
			return 0, invalid(op, "cap %d %q: negative MaxAmount", i, c.ID)
		}
		if c.LimitCount && c.MaxCount < 0 {
			return 0, invalid(op, "cap %d %q: negative MaxCount", i, c.ID)
		}
	}
	return t, nil
}

func representable(d decimal.Decimal) bool {
	exp := int64(d.Exponent())
	return exp >= -maxDigits && int64(d.NumDigits())+exp <= maxDigits
}

func (s *Store) validateWindow(w *store.Window) error {
	switch w.Kind {
	case store.Rolling:
		if w.Duration <= 0 {
			return fmt.Errorf("%w: bad window: rolling Duration %v not positive", store.ErrInvalidRequest, w.Duration)
		}
		if w.Duration.Microseconds() > s.retention {
			return fmt.Errorf("%w: bad window: rolling Duration %v longer than the retention %v",
				store.ErrInvalidRequest, w.Duration, time.Duration(s.retention)*time.Microsecond)
		}
	case store.Day, store.Month, store.Balance:
	default:
		return fmt.Errorf("%w: bad window: kind %v", store.ErrInvalidRequest, w.Kind)
	}
	return nil
}

// period returns the bounds [from, to), in microseconds, of the calendar
// day or month of w that contains t.
func period(w *store.Window, t int64) (from, to int64) {
	loc := w.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := time.UnixMicro(t).In(loc).Date()
	if w.Kind == store.Month {
		return midnight(y, m, 1, loc).UnixMicro(), midnight(y, m+1, 1, loc).UnixMicro()
	}
	return midnight(y, m, d, loc).UnixMicro(), midnight(y, m, d+1, loc).UnixMicro()
}

// midnight returns the first instant of the local date y-m-d (normalized)
// in loc. Where a clock change skips midnight (America/Santiago,
// America/Havana), time.Date may answer an instant of the day before; the
// day then starts at the change.
func midnight(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if ly, lm, ld := t.Date(); time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).Before(want) {
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
	}
	return t
}
