// Package redisstore is a [store.Backend] on Redis, for services that run
// many replicas: every replica sees every reservation, and a cap holds
// across all of them. It works with any [redis.UniversalClient] — a single
// node, Sentinel (a failover client) or Cluster — and passes the
// conformance suite in [github.com/comply-go/comply/store/storetest].
//
// # One round trip per decision
//
// Reserve is one EVALSHA of a Lua script (falling back to EVAL the first
// time a server has not seen it), which, atomically on the server: expires
// overdue pending entries, answers a known transaction id as a duplicate,
// checks the currency and the retention horizon, checks every cap and
// either refuses or inserts the entry, and prunes a bounded number of
// entries older than the retention. Commit and Void are one script each;
// Aggregate is one script that returns the entries of the widest window
// queried, summed in Go with exact decimals.
//
// # Keys and Cluster
//
// Every key of a subject carries the subject as its hash tag,
// "<Prefix>{<subject>}:tx|e|m|p|v|c|cp" (braces and backslashes inside
// the subject are escaped), so all of a subject's keys land in one Cluster
// slot and subjects spread evenly over the slots. A subject costs seven
// keys: a hash of its transaction ids, a sorted set of its live (pending or
// committed) entries by time, a hash of its currency, horizon and
// per-class running totals (balances), a sorted set of pending expiries,
// one of voided ids, and a hash and a sorted set of calendar-period totals.
// Options.Prefix isolates deployments or test runs that share a server.
//
// # Cost of a decision
//
// Day and Month caps are answered from per-period totals: the first
// reservation that checks a period (say, March 2026 in Asia/Seoul) sums it
// once from the entries; from then on every insert, void and expiry keeps
// that period's totals exact, so a calendar check costs the same for a
// customer with ten entries or ten thousand. The totals outlive pruning,
// as in memstore. A rolling cap of length W is linear in the customer's
// entries within W either side of the new one, and so is an Aggregate in
// the entries of its widest window.
//
// # Amounts
//
// Lua numbers are doubles, exact for integers below 2^53. An amount is
// kept as two integers: whole units and nanos (10^-9). So every amount and
// cap with at most 9 fractional digits and fewer than 10^15 whole units
// ([MaxUnits]) is represented exactly; any other is refused with an error
// wrapping [ErrUnrepresentable] and [store.ErrInvalidRequest], never
// rounded. The script sums units and nanos separately; if a window's total
// could pass 2^52 units it refuses to decide, with an error wrapping
// [ErrUnrepresentable] and [store.ErrInvalidRequest].
//
// # Pending entries expire
//
// A reservation is pending until Commit or Void. A pending entry counts
// toward every cap, and expires Options.PendingTTL after it was reserved
// (default [DefaultPendingTTL]), measured by the Redis server's clock
// (TIME inside the scripts), so replicas with skewed clocks agree. An
// expired entry gives its room back like a voided one: a retry of its id is
// a [store.Duplicate] in state [store.Voided], and Commit returns an error
// wrapping both [ErrExpired] and [store.ErrVoided]. Commit within the TTL.
//
// # Retention and idle subjects
//
// As in memstore, entries and ids are kept for Options.Retention measured
// back from the subject's newest event time (pruned in bounded steps once
// the horizon moved by a 64th of it; a pending entry is kept until it is
// settled or expires); a reservation or window that
// would need older entries fails with [store.ErrOutOfRange]. A calendar
// period is first summed from the retained entries, and Aggregate sums
// calendar windows from them, so month windows need a retention of at
// least 31 days (the default is 35). Every write also sets
// the subject's keys to expire after Options.IdleExpiry of wall-clock
// inactivity (default: Retention + PendingTTL; the expiry is refreshed at
// most every IdleExpiry/16, so keys may go that much sooner), so idle
// customers cost
// nothing; a Balance is an all-time total, so a host that uses balance caps
// should set IdleExpiry negative (never expire).
//
// # Durability: a risk to configure away
//
// A limit is only as durable as Redis. A Redis without persistence (the
// default of many images: appendonly no) loses every reservation on a
// restart, and a replica promoted by Sentinel or Cluster failover loses the
// writes not yet replicated to it: afterwards a customer could be admitted
// up to a cap again, exceeding a legal limit. To avoid it:
//
//   - appendonly yes with appendfsync always (no acknowledged reservation is
//     lost, at a cost in write latency) or everysec (up to one second of
//     reservations lost on a power failure or kernel crash; a process crash
//     alone loses nothing);
//   - with replicas, min-replicas-to-write 1 and min-replicas-max-lag, and
//     a host that issues WAIT 1 <ms> after Commit for settlements that must
//     survive a failover;
//   - never maxmemory-policy allkeys-* (eviction drops reservations): use
//     noeviction and size memory by the capacity model in BENCHMARKS.md.
//
// # Failures
//
// Network and server errors are returned wrapped (the engine turns them
// into comply.ErrStore or Options.OnStoreError); a canceled context returns
// the context's error. Give the client ContextTimeoutEnabled so that the
// caller's deadline, not the client's ReadTimeout, bounds a call to a Redis
// that stopped answering (TestStoreFailure checks both a stopped and a
// frozen server). A script that ran when the connection broke may or
// may not have reserved: a retry with the same transaction id is safe,
// since it answers [store.Duplicate] if the first attempt got through.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/redis/go-redis/v9"
	"github.com/shopspring/decimal"
)

// Defaults and bounds of [Options].
const (
	// DefaultPrefix starts every key when Options.Prefix is empty.
	DefaultPrefix = "comply:"
	// DefaultRetention is the retention when Options.Retention is zero.
	DefaultRetention = 35 * 24 * time.Hour
	// MaxRetention is the longest retention accepted.
	MaxRetention = 50 * 365 * 24 * time.Hour
	// DefaultPendingTTL is how long a pending entry lives when
	// Options.PendingTTL is zero.
	DefaultPendingTTL = 15 * time.Minute
	// MaxUnits bounds the whole units of an amount or a cap: both must be
	// below it.
	MaxUnits = 1_000_000_000_000_000
)

// Errors of this package, besides those of package store.
var (
	// ErrExpired: Commit of a pending entry whose PendingTTL ran out. It
	// is returned together with store.ErrVoided.
	ErrExpired = errors.New("redisstore: pending entry expired")
	// ErrUnrepresentable: an amount or cap has more than 9 fractional
	// digits or too many units, or a total could pass 2^52 units. It is
	// returned together with store.ErrInvalidRequest.
	ErrUnrepresentable = errors.New("redisstore: amount not representable")
)

// Options configures [New]. A nil *Options means the defaults; the zero
// value of every field is its default.
type Options struct {
	// Prefix starts every key. It must not contain '{' or '}'.
	// Default: [DefaultPrefix].
	Prefix string
	// Retention is how long entries and ids are kept, back from each
	// subject's newest event time. It bounds the longest rolling window.
	// Default: [DefaultRetention].
	Retention time.Duration
	// PendingTTL is how long a pending entry counts before it expires,
	// by the server's clock. Default: [DefaultPendingTTL].
	PendingTTL time.Duration
	// IdleExpiry is how long a subject's keys live after its last write
	// (wall clock). Negative: never. Default: Retention + PendingTTL.
	IdleExpiry time.Duration
}

// Store is a Redis [store.Backend]. It also implements [store.Pinger] and
// [io.Closer]. It is safe for concurrent use; make one with [New].
type Store struct {
	c      redis.UniversalClient
	prefix string
	ret    int64 // µs
	ttl    int64 // ms
	idle   int64 // ms, 0 = never
	closed atomic.Bool
}

// New returns a Store on client, which the caller keeps owning (Close does
// not close it).
func New(client redis.UniversalClient, o *Options) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("redisstore: %w: nil client", store.ErrInvalidRequest)
	}
	var opt Options
	if o != nil {
		opt = *o
	}
	switch {
	case strings.ContainsAny(opt.Prefix, "{}"):
		return nil, fmt.Errorf("redisstore: %w: Prefix %q contains a brace", store.ErrInvalidRequest, opt.Prefix)
	case opt.Retention < 0 || opt.Retention > MaxRetention:
		return nil, fmt.Errorf("redisstore: %w: Retention %v outside [0, %v]", store.ErrInvalidRequest, opt.Retention, time.Duration(MaxRetention))
	case opt.PendingTTL < 0:
		return nil, fmt.Errorf("redisstore: %w: negative PendingTTL %v", store.ErrInvalidRequest, opt.PendingTTL)
	}
	if opt.Prefix == "" {
		opt.Prefix = DefaultPrefix
	}
	if opt.Retention == 0 {
		opt.Retention = DefaultRetention
	}
	if opt.PendingTTL == 0 {
		opt.PendingTTL = DefaultPendingTTL
	}
	if opt.IdleExpiry == 0 {
		opt.IdleExpiry = opt.Retention + opt.PendingTTL
	}
	s := &Store{
		c: client, prefix: opt.Prefix,
		ret: opt.Retention.Microseconds(),
		ttl: max(opt.PendingTTL.Milliseconds(), 1),
	}
	if opt.IdleExpiry > 0 {
		s.idle = max(opt.IdleExpiry.Milliseconds(), 1)
	}
	return s, nil
}

var subjectEscaper = strings.NewReplacer(`\`, `\\`, "{", `\(`, "}", `\)`)

// keys returns the subject's seven keys, in the scripts' order.
func (s *Store) keys(subject string) []string {
	base := s.prefix + "{" + subjectEscaper.Replace(subject) + "}:"
	return []string{base + "tx", base + "e", base + "m", base + "p", base + "v", base + "c", base + "cp"}
}

// Keys returns the Redis keys that hold subject's state (for operators:
// inspection, MEMORY USAGE, migration).
func (s *Store) Keys(subject string) []string { return s.keys(subject) }

func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return ctx.Err()
}

// Ping checks the connection to Redis.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	if err := s.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}

// Close marks the store closed: every later call fails with
// store.ErrClosed. It does not close the client.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}

// splitAmount returns d as whole units and nanos, or an error wrapping
// ErrUnrepresentable.
func splitAmount(d decimal.Decimal) (units, nanos int64, err error) {
	if d.Sign() < 0 {
		return 0, 0, fmt.Errorf("%w: %w: negative amount %v", store.ErrInvalidRequest, ErrUnrepresentable, d)
	}
	n := d.Shift(9)
	if !n.Equal(n.Truncate(0)) {
		return 0, 0, fmt.Errorf("%w: %w: %v has more than 9 fractional digits", store.ErrInvalidRequest, ErrUnrepresentable, d)
	}
	u := d.Truncate(0)
	if u.Cmp(decimal.NewFromInt(MaxUnits)) >= 0 {
		return 0, 0, fmt.Errorf("%w: %w: %v has %d or more units", store.ErrInvalidRequest, ErrUnrepresentable, d, int64(MaxUnits))
	}
	return u.IntPart(), d.Sub(u).Shift(9).IntPart(), nil
}

func amountOf(units, nanos int64) decimal.Decimal {
	return decimal.NewFromInt(units).Add(decimal.New(nanos, -9))
}

func maskString(m uint64) string {
	var b [64]byte
	for i := range b {
		b[i] = '0' + byte(m>>i&1)
	}
	return string(b[:])
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// period returns [start, end) of the calendar day or month of t in loc.
func period(k store.WindowKind, t time.Time, loc *time.Location) (time.Time, time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	if k == store.Month {
		start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return start, start.AddDate(0, 1, 0)
	}
	start := time.Date(y, m, d, 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 0, 1)
}

// micros bounds event times so that t ± retention stays below 2^53 µs.
const maxMicros = 1 << 52

func (s *Store) timeOf(t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, fmt.Errorf("%w: zero time", store.ErrInvalidRequest)
	}
	us := t.UnixMicro()
	if us > maxMicros-2*s.ret || us < -maxMicros+2*s.ret {
		return 0, fmt.Errorf("%w: time %v out of the supported range", store.ErrInvalidRequest, t)
	}
	return us, nil
}

func (s *Store) checkWindow(w store.Window) error {
	switch w.Kind {
	case store.Rolling:
		if w.Duration <= 0 {
			return fmt.Errorf("%w: bad window: rolling Duration %v", store.ErrInvalidRequest, w.Duration)
		}
		if w.Duration.Microseconds() > s.ret {
			return fmt.Errorf("%w: bad window: rolling Duration %v longer than the retention %v", store.ErrInvalidRequest, w.Duration, time.Duration(s.ret)*time.Microsecond)
		}
	case store.Day, store.Month, store.Balance:
	default:
		return fmt.Errorf("%w: bad window kind %v", store.ErrInvalidRequest, w.Kind)
	}
	return nil
}

// Reserve implements [store.Backend.Reserve] in one round trip.
func (s *Store) Reserve(ctx context.Context, req *store.Request) (store.Result, error) {
	if err := s.check(ctx); err != nil {
		return store.Result{}, fmt.Errorf("redisstore: reserve: %w", err)
	}
	args, err := s.reserveArgs(req)
	if err != nil {
		return store.Result{}, fmt.Errorf("redisstore: reserve: %w", err)
	}
	v, err := run(ctx, s.c, reserveScript, s.keys(req.Subject), args)
	if err != nil {
		return store.Result{}, fmt.Errorf("redisstore: reserve %s: %w", req.TxID, err)
	}
	return decodeReserve(v, req)
}

func (s *Store) reserveArgs(req *store.Request) ([]any, error) {
	switch {
	case req == nil:
		return nil, fmt.Errorf("%w: nil request", store.ErrInvalidRequest)
	case req.Subject == "":
		return nil, fmt.Errorf("%w: empty subject", store.ErrInvalidRequest)
	case req.TxID == "":
		return nil, fmt.Errorf("%w: empty transaction id", store.ErrInvalidRequest)
	case req.Class >= 64:
		return nil, fmt.Errorf("%w: class %d out of range", store.ErrInvalidRequest, req.Class)
	case req.Amount.Sign() <= 0:
		return nil, fmt.Errorf("%w: amount %v is not positive", store.ErrInvalidRequest, req.Amount)
	case req.Currency == "":
		return nil, fmt.Errorf("%w: empty currency", store.ErrInvalidRequest)
	}
	t, err := s.timeOf(req.Time)
	if err != nil {
		return nil, err
	}
	units, nanos, err := splitAmount(req.Amount)
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, 11+13*len(req.Caps))
	args = append(args, req.TxID, t, int(req.Class), units, nanos, req.Currency, req.Counterparty, s.ret, s.ttl, s.idle, 0)
	n := 0
	for i := range req.Caps {
		c := &req.Caps[i]
		if err := s.checkWindow(c.Window); err != nil {
			return nil, fmt.Errorf("cap %q: %w", c.ID, err)
		}
		var cu, cn int64
		if c.MaxAmount.Valid {
			if c.MaxAmount.Decimal.Sign() < 0 {
				return nil, fmt.Errorf("%w: cap %q: negative MaxAmount %v", store.ErrInvalidRequest, c.ID, c.MaxAmount.Decimal)
			}
			if cu, cn, err = splitAmount(c.MaxAmount.Decimal); err != nil {
				return nil, fmt.Errorf("cap %q: %w", c.ID, err)
			}
		}
		if c.LimitCount && c.MaxCount < 0 {
			return nil, fmt.Errorf("%w: cap %q: negative MaxCount %d", store.ErrInvalidRequest, c.ID, c.MaxCount)
		}
		if !c.Counts(req.Class) || (!c.MaxAmount.Valid && !c.LimitCount) {
			continue
		}
		var kind int
		var a, b int64
		switch c.Window.Kind {
		case store.Rolling:
			kind, a = 1, c.Window.Duration.Microseconds()
		case store.Day, store.Month:
			start, end := period(c.Window.Kind, req.Time, c.Window.Location)
			kind, a, b = 2, start.UnixMicro(), end.UnixMicro()
		case store.Balance:
			kind = 3
		}
		args = append(args, i, kind, a, b, maskString(c.Classes), maskString(c.Debits),
			flag(c.MaxAmount.Valid), cu, cn, flag(c.LimitCount), c.MaxCount, flag(c.Exclusive), flag(c.Observe))
		n++
	}
	args[10] = n
	return args, nil
}

// scriptErr is a {-1, code, detail} reply of a script.
type scriptErr struct{ code, detail string }

func (e *scriptErr) Error() string { return e.code + " " + e.detail }

// run runs a script (EVALSHA, or EVAL when the server lacks it) and turns a
// {-1, code, detail} reply into the matching error.
func run(ctx context.Context, c redis.Scripter, sc *redis.Script, keys []string, args []any) ([]any, error) {
	v, err := sc.Run(ctx, c, keys, args...).Slice()
	if err != nil {
		return nil, err
	}
	if len(v) > 0 {
		if code, ok := v[0].(int64); ok && code == -1 {
			e := &scriptErr{}
			if len(v) > 1 {
				e.code, _ = v[1].(string)
			}
			if len(v) > 2 {
				e.detail, _ = v[2].(string)
			}
			return nil, e.wrap()
		}
	}
	return v, nil
}

func decodeReserve(v []any, req *store.Request) (store.Result, error) {
	ints := make([]int64, len(v))
	for i, x := range v {
		switch x := x.(type) {
		case int64:
			ints[i] = x
		case string:
			if i != 1 || len(v) != 2 {
				return store.Result{}, fmt.Errorf("unexpected reply %v", v)
			}
		default:
			return store.Result{}, fmt.Errorf("unexpected reply %v", v)
		}
	}
	if len(v) == 0 {
		return store.Result{}, fmt.Errorf("empty reply")
	}
	var res store.Result
	switch ints[0] {
	case 1:
		res.Status = store.Reserved
	case 2:
		res.Status = store.Refused
	case 3:
		st, _ := v[1].(string)
		res.Status, res.State = store.Duplicate, states[st]
		if res.State == store.StateUnknown {
			return store.Result{}, fmt.Errorf("unexpected entry state %q", st)
		}
		return res, nil
	default:
		return store.Result{}, fmt.Errorf("unexpected reply %v", v)
	}
	var us []store.Usage
	for i := 1; i+3 < len(ints); i += 4 {
		idx := int(ints[i])
		if idx < 0 || idx >= len(req.Caps) {
			return store.Result{}, fmt.Errorf("unexpected cap index %d", idx)
		}
		us = append(us, store.Usage{Cap: idx, ID: req.Caps[idx].ID, Amount: amountOf(ints[i+1], ints[i+2]), Count: ints[i+3]})
	}
	if res.Status == store.Refused {
		res.Violations = us
	} else {
		res.Reached = us
	}
	return res, nil
}

var states = map[string]store.EntryState{"p": store.Pending, "c": store.Committed, "v": store.Voided, "x": store.Voided}

func (e *scriptErr) wrap() error {
	switch e.code {
	case "currency":
		return fmt.Errorf("%w: subject holds %s", store.ErrCurrencyMismatch, e.detail)
	case "range":
		return fmt.Errorf("%w: %s before the retained horizon", store.ErrOutOfRange, e.detail)
	case "overflow":
		return fmt.Errorf("%w: %w: a total of cap #%s could pass 2^52 units", store.ErrInvalidRequest, ErrUnrepresentable, e.detail)
	case "notfound":
		return store.ErrNotFound
	case "voided":
		return store.ErrVoided
	case "expired":
		return fmt.Errorf("%w: %w", ErrExpired, store.ErrVoided)
	case "committed":
		return store.ErrCommitted
	}
	return fmt.Errorf("unexpected script reply %s %s", e.code, e.detail)
}

// Commit implements [store.Backend.Commit]. Committing an entry whose
// PendingTTL ran out returns an error wrapping [ErrExpired] and
// [store.ErrVoided].
func (s *Store) Commit(ctx context.Context, subject, txID string) error {
	return s.settle(ctx, "commit", "c", subject, txID)
}

// Void implements [store.Backend.Void].
func (s *Store) Void(ctx context.Context, subject, txID string) error {
	return s.settle(ctx, "void", "v", subject, txID)
}

func (s *Store) settle(ctx context.Context, what, op, subject, txID string) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("redisstore: %s: %w", what, err)
	}
	if subject == "" || txID == "" {
		return fmt.Errorf("redisstore: %s: %w: empty subject or transaction id", what, store.ErrInvalidRequest)
	}
	if _, err := run(ctx, s.c, settleScript, s.keys(subject), []any{txID, op, s.idle}); err != nil {
		return fmt.Errorf("redisstore: %s %s: %w", what, txID, err)
	}
	return nil
}

type entry struct {
	at           int64 // µs
	class        int
	amount       decimal.Decimal
	id, cp       string
	units, nanos int64
}

func parseMember(m string) (entry, bool) {
	var e entry
	f := strings.SplitN(m, ",", 5)
	if len(f) != 5 {
		return e, false
	}
	c, err1 := strconv.Atoi(f[0])
	u, err2 := strconv.ParseInt(f[1], 10, 64)
	n, err3 := strconv.ParseInt(f[2], 10, 64)
	l, err4 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || l > len(f[4]) {
		return e, false
	}
	e.class, e.units, e.nanos, e.id, e.cp = c, u, n, f[4][:l], f[4][l:]
	e.amount = amountOf(u, n)
	return e, true
}

// Aggregate implements [store.Backend.Aggregate] in one round trip: the
// script returns the live entries of the widest window queried and the
// running totals, which are summed here with exact decimals.
func (s *Store) Aggregate(ctx context.Context, req *store.AggregateRequest) ([]store.Aggregate, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: aggregate: %w", err)
	}
	if req == nil || req.Subject == "" {
		return nil, fmt.Errorf("redisstore: aggregate: %w: empty subject", store.ErrInvalidRequest)
	}
	at, err := s.timeOf(req.At)
	if err != nil {
		return nil, fmt.Errorf("redisstore: aggregate: %w", err)
	}
	from := make([]int64, len(req.Queries))
	lo, hi := int64(maxMicros), int64(-maxMicros)
	for i, q := range req.Queries {
		if err := s.checkWindow(q.Window); err != nil {
			return nil, fmt.Errorf("redisstore: aggregate: %w", err)
		}
		switch q.Window.Kind {
		case store.Rolling:
			from[i] = at - q.Window.Duration.Microseconds() + 1
		case store.Day, store.Month:
			start, _ := period(q.Window.Kind, req.At, q.Window.Location)
			from[i] = start.UnixMicro()
		default:
			continue
		}
		lo, hi = min(lo, from[i]), at
	}
	if len(req.Queries) == 0 {
		return []store.Aggregate{}, nil
	}
	v, err := run(ctx, s.c, aggregateScript, s.keys(req.Subject), []any{lo, hi, req.Except, s.idle})
	if err != nil {
		return nil, fmt.Errorf("redisstore: aggregate: %w", err)
	}
	if len(v) != 4 {
		return nil, fmt.Errorf("redisstore: aggregate: unexpected reply %v", v)
	}
	hzs, _ := v[0].(string)
	raw, _ := v[1].([]any)
	metaRaw, _ := v[2].([]any)
	exceptRaw, _ := v[3].(string)
	var es []entry
	for i := 0; i+1 < len(raw); i += 2 {
		m, _ := raw[i].(string)
		sc, _ := raw[i+1].(string)
		e, ok := parseMember(m)
		at, err := strconv.ParseInt(sc, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("redisstore: aggregate: bad entry %q %q", m, sc)
		}
		e.at = at
		if req.Except != "" && e.id == req.Except {
			continue
		}
		es = append(es, e)
	}
	meta := map[string]int64{}
	for i := 0; i+1 < len(metaRaw); i += 2 {
		k, _ := metaRaw[i].(string)
		x, _ := metaRaw[i+1].(string)
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			meta[k] = n
		}
	}
	out := make([]store.Aggregate, len(req.Queries))
	for i, q := range req.Queries {
		if q.Window.Kind == store.Balance {
			out[i] = balance(q, meta, exceptRaw)
			continue
		}
		if hzs != "" {
			if hz, err := strconv.ParseInt(hzs, 10, 64); err == nil && from[i] < hz {
				return nil, fmt.Errorf("redisstore: aggregate: %w: window from %v", store.ErrOutOfRange, time.UnixMicro(from[i]).UTC())
			}
		}
		a := &out[i]
		seen := map[string]bool{}
		for _, e := range es {
			if e.at < from[i] || e.at > at || q.Classes&(1<<e.class) == 0 {
				continue
			}
			a.Sum = a.Sum.Add(e.amount)
			a.SumSquares = a.SumSquares.Add(e.amount.Mul(e.amount))
			a.Count++
			if e.cp != "" && !seen[e.cp] {
				seen[e.cp] = true
				a.Distinct++
			}
			if t := time.UnixMicro(e.at).UTC(); a.Count == 1 || !t.Before(a.Last) {
				a.Last, a.LastAmount = t, e.amount
			}
		}
	}
	return out, nil
}

// balance is a Balance aggregate from the running totals, less the entry
// except (its tx value) if it counts.
func balance(q store.Query, meta map[string]int64, except string) store.Aggregate {
	var a store.Aggregate
	for c := range 64 {
		p := strconv.Itoa(c)
		if q.Classes&(1<<c) != 0 {
			a.Sum = a.Sum.Add(amountOf(meta["l"+p+"h"], meta["l"+p+"l"]))
			a.Count += meta["l"+p+"n"]
		}
		if q.Debits&(1<<c) != 0 {
			a.Sum = a.Sum.Sub(amountOf(meta["c"+p+"h"], meta["c"+p+"l"]))
		}
	}
	if except == "" {
		return a
	}
	st := except[:1]
	_, m, ok := strings.Cut(except, "|")
	e, ok2 := parseMember(m)
	if !ok || !ok2 {
		return a
	}
	if (st == "p" || st == "c") && q.Classes&(1<<e.class) != 0 {
		a.Sum = a.Sum.Sub(e.amount)
		a.Count--
	}
	if st == "c" && q.Debits&(1<<e.class) != 0 {
		a.Sum = a.Sum.Add(e.amount)
	}
	return a
}
