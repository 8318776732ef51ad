// Package memstore is comply's embedded, in-memory [store.Backend]: exact,
// atomic per subject, safe for concurrent use, and fast enough to sit on
// the synchronous path of every payment. It owns nothing but its own
// process memory: entries are lost when the process exits, so a host that
// runs several replicas or must survive restarts uses a shared backend
// instead. It imports only [github.com/comply-go/comply/store] from this
// module (plus shopspring/decimal and the standard library) and passes the
// conformance suite in [github.com/comply-go/comply/store/storetest].
//
// # Exactness
//
// Every rule of the [store] contract is kept exactly, never approximated:
//
//   - Rolling windows are (s−W, s] at nanosecond resolution. A reservation
//     at t is checked against every window that contains t: the window
//     ending at t and the windows ending at each later-dated entry e with
//     t < e < t+W (the only ends at which a window's total can grow). So an
//     out-of-order reservation is refused only if it really would push some
//     window over its cap, and never admitted if it would.
//   - Day and Month windows hold the entries whose local date (in the
//     Window's Location, nil meaning UTC) falls in the period containing t.
//     Their totals are kept per subject, calendar, period and class, so the
//     check is O(1) and stays exact after old entries are pruned. A
//     Location is recognized by pointer or else by name and offset, so a
//     reloaded zone shares the totals of the first one.
//   - A Balance is the sum of the credit entries (pending or committed,
//     classes in Classes) minus the committed debit entries (classes in
//     Debits), over all time, kept as running per-class totals that pruning
//     never touches. Only a request whose class is a credit is checked
//     against a balance cap. A balance's count is its number of credit
//     entries.
//   - Amounts are held as integers at a per-subject decimal scale (raised
//     when an amount with more fractional digits arrives) and summed in
//     128 bits, so there is no rounding and no allocation on the hot path.
//     An amount that cannot be represented (more than 18 fractional digits,
//     or 2^100 units or more at the subject's scale, about 1.2e30) is an
//     invalid request, never rounded.
//
// # Limits and thresholds
//
// An enforced cap (Observe false) refuses when the total including the new
// entry is above MaxAmount (or MaxCount), or, when Exclusive, at or above
// it. An observed cap (Observe true) never refuses; it is reported in
// Result.Reached when the total including the new entry is at least the
// threshold, or, when Exclusive, more than it ("reports at 10,000 or more"
// versus "more than 10,000"). A cap with both an amount and a count bound
// is broken (or reached) when either is. For a rolling window the total
// that matters is that of the fullest window the new entry falls in;
// [store.Usage] reports, without the new entry, the largest amount and the
// largest count over those windows (they may come from different windows).
//
// # Retention and its horizon
//
// Entries and their transaction ids are kept for Options.Retention,
// measured back from each subject's newest entry, and pruned in amortized
// steps as newer entries arrive. A subject remembers its pruning horizon:
// entries dated before it may be gone. A request that would need one of
// them is refused with an error wrapping [store.ErrOutOfRange] instead of
// being under-counted: a reservation dated before the horizon (its id may
// have been forgotten), a rolling window reaching before it, or a calendar
// period whose totals were not tracked since its start. Calendar totals and
// balances are kept across pruning, so with the default retention of 35
// days every reservation near the newest one can be checked. Commit and
// Void of a pruned entry return [store.ErrNotFound]; settle pending entries
// within the retention. A retry must carry the original transaction's time.
// The horizon follows event times only (the store reads no clock), so a
// reservation dated far in the future moves its subject's horizon with it:
// hosts should refuse event times far from their own clock before they
// reach the store.
//
// # Aggregates
//
// Rolling and calendar aggregates are computed from the retained entries
// ([store.ErrOutOfRange] if the window reaches before the horizon); Last is
// returned in UTC. A Balance aggregate reports the balance in Sum and the
// number of credit entries in Count; its other fields are zero.
//
// # Memory
//
// A customer with one entry costs about 590 bytes, and each retained entry
// about 185 bytes more, counting its transaction id and its share of the
// per-day totals. From 32 entries on, a subject also keeps its class
// tracks and counterparty index, which bring a retained entry to about
// 290 bytes (BenchmarkMemoryPerCustomer; BenchmarkCustomers reports the
// KR workload). Counterparty names are interned per subject and forgotten
// once their entries are pruned. Subjects are never dropped, since a
// balance is an all-time total.
//
// # Performance
//
// Reserve takes a shard's read lock and the subject's mutex, and allocates
// nothing on the admitted path beyond the amortized growth of the
// subject's slices. The cost of a decision does not grow with the
// customer's history (BenchmarkHistory). A subject with fewer than 32
// entries scans them; from 32 on it keeps:
//
//   - Each class the subject has used keeps prefix sums over its entries
//     in time order (amount in 128 bits, squared amount in 256, count), so
//     the totals of any window are two binary searches per class: O(k log
//     n) for k classes. The searches gallop back from the newest entry, so
//     short windows touch recent memory only.
//   - Calendar and balance caps are O(1) (per-period and per-class totals).
//     A rolling cap for a reservation dated at or after the subject's
//     newest entry (the usual case) only needs the window ending at it. An
//     earlier-dated reservation is also checked against the window ending
//     at each later entry, and shifts the later prefix sums: linear in the
//     entries after it.
//   - Commit is O(1). Void is linear in the entries of its class dated
//     after it, so voiding a recent entry is cheap.
//   - Aggregate answers Sum, SumSquares, Count, Last and LastAmount in
//     O(k log n). Day and Month windows are summed over the exact spans of
//     instants whose local date is in the period, one per UTC offset in
//     force (found with [time.Time.ZoneBounds]), so a daylight-saving change
//     costs a span, not a scan.
//   - Distinct, for a window reaching the subject's newest entry (At at or
//     after it, as the engine asks), is one binary search in a sorted index, per class
//     mask, of each counterparty's latest counted entry, built
//     on the first query with that mask and kept current by every write
//     (a write moves one counterparty's time in it, shifting up to c
//     values for c counterparties). For a window ending before the newest
//     entry it takes a binary search per counterparty of the subject:
//     linear in the subject's distinct counterparties, not in its entries.
//     Leaving out an entry (Except) may scan that counterparty's entries
//     in the window until another counted one is found.
//   - Pruning is amortized: entries go in batches of a sixteenth of the
//     retention.
package memstore

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/comply-go/comply/store"
)

// DefaultRetention is the retention used when Options.Retention is zero:
// longer than any calendar month, so that every monthly window that
// contains a recent reservation is complete.
const DefaultRetention = 35 * 24 * time.Hour

// MaxRetention is the longest retention accepted by [New].
const MaxRetention = 50 * 365 * 24 * time.Hour

const numShards = 64

// Options configures a [Store]. A nil *Options means the defaults; the zero
// value of every field is its default.
type Options struct {
	// Retention is how long entries and their transaction ids are kept,
	// measured back from each subject's newest entry. It bounds the
	// longest rolling window a cap or query may use and the idempotency
	// horizon. It must not be negative or above [MaxRetention].
	// Default: 35 days ([DefaultRetention]).
	Retention time.Duration
}

// Store is an in-memory [store.Backend]. It also implements
// [store.Pinger] and [io.Closer]. A Store is safe for concurrent use by
// multiple goroutines; every call on one subject is atomic with respect to
// every other call on that subject. Make one with [New]: the zero Store is
// closed.
type Store struct {
	retention int64
	seed      maphash.Seed
	closed    atomic.Bool
	shards    [numShards]shard
}

type shard struct {
	mu sync.RWMutex
	m  map[string]*subject // nil once the store is closed
	_  [32]byte            // keep shards on separate cache lines
}

// New returns an empty Store configured by opts (nil means defaults). It
// returns an error wrapping [store.ErrInvalidRequest] if opts is invalid.
func New(opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Retention < 0:
		return nil, fmt.Errorf("memstore: %w: negative Retention %v", store.ErrInvalidRequest, o.Retention)
	case o.Retention > MaxRetention:
		return nil, fmt.Errorf("memstore: %w: Retention %v above %v", store.ErrInvalidRequest, o.Retention, MaxRetention)
	case o.Retention == 0:
		o.Retention = DefaultRetention
	}
	s := &Store{retention: int64(o.Retention), seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].m = make(map[string]*subject)
	}
	return s, nil
}

var _ interface {
	store.Backend
	store.Pinger
} = (*Store)(nil)

func errClosed(op string) error { return fmt.Errorf("memstore: %s: %w", op, store.ErrClosed) }

func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: %s: %w", op, err)
	}
	return nil
}

// subject returns the state of name, creating it when create is set; nil
// (and no error) when it does not exist and create is false.
func (st *Store) subject(name string, create bool, op string) (*subject, error) {
	sh := &st.shards[maphash.String(st.seed, name)&(numShards-1)]
	sh.mu.RLock()
	s, m := sh.m[name], sh.m
	sh.mu.RUnlock()
	if m == nil {
		return nil, errClosed(op)
	}
	if s != nil || !create {
		return s, nil
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.m == nil {
		return nil, errClosed(op)
	}
	if s = sh.m[name]; s == nil {
		s = newSubject()
		sh.m[name] = s
	}
	return s, nil
}

// Reserve implements [store.Backend.Reserve]. The result is exact as
// described in the package documentation. The error wraps
// [store.ErrInvalidRequest], [store.ErrCurrencyMismatch],
// [store.ErrOutOfRange], [store.ErrClosed] or the context's error; then
// nothing was recorded.
func (st *Store) Reserve(ctx context.Context, req *store.Request) (store.Result, error) {
	if st.closed.Load() {
		return store.Result{}, errClosed("reserve")
	}
	if err := ctxErr(ctx, "reserve"); err != nil {
		return store.Result{}, err
	}
	t, err := st.validateRequest(req)
	if err != nil {
		return store.Result{}, err
	}
	s, err := st.subject(req.Subject, true, "reserve")
	if err != nil {
		return store.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctxErr(ctx, "reserve"); err != nil {
		return store.Result{}, err
	}
	return s.reserve(req, t, st.retention)
}

// Commit implements [store.Backend.Commit].
func (st *Store) Commit(ctx context.Context, subject, txID string) error {
	return st.settle(ctx, subject, txID, store.Committed)
}

// Void implements [store.Backend.Void].
func (st *Store) Void(ctx context.Context, subject, txID string) error {
	return st.settle(ctx, subject, txID, store.Voided)
}

func (st *Store) settle(ctx context.Context, subject, txID string, to store.EntryState) error {
	op := "commit"
	if to == store.Voided {
		op = "void"
	}
	if st.closed.Load() {
		return errClosed(op)
	}
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	if subject == "" || txID == "" {
		return fmt.Errorf("memstore: %s: %w: empty subject or transaction id", op, store.ErrInvalidRequest)
	}
	s, err := st.subject(subject, false, op)
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("memstore: %s %q: %w", op, txID, store.ErrNotFound)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	i := s.lookup(txID)
	if i < 0 {
		return fmt.Errorf("memstore: %s %q: %w", op, txID, store.ErrNotFound)
	}
	switch e := &s.entries[i]; {
	case e.state == to:
		return nil
	case e.state == store.Voided:
		return fmt.Errorf("memstore: %s %q: %w", op, txID, store.ErrVoided)
	case e.state == store.Committed:
		return fmt.Errorf("memstore: %s %q: %w", op, txID, store.ErrCommitted)
	case to == store.Committed:
		s.commit(e)
	default:
		s.void(i)
	}
	return nil
}

// Aggregate implements [store.Backend.Aggregate]. An unknown subject has
// zero aggregates. The error wraps [store.ErrInvalidRequest],
// [store.ErrOutOfRange], [store.ErrClosed] or the context's error.
func (st *Store) Aggregate(ctx context.Context, req *store.AggregateRequest) ([]store.Aggregate, error) {
	if st.closed.Load() {
		return nil, errClosed("aggregate")
	}
	if err := ctxErr(ctx, "aggregate"); err != nil {
		return nil, err
	}
	if req == nil || req.Subject == "" || req.At.IsZero() {
		return nil, fmt.Errorf("memstore: aggregate: %w: missing subject or time", store.ErrInvalidRequest)
	}
	at, ok := nanos(req.At)
	if !ok {
		return nil, fmt.Errorf("memstore: aggregate: %w: %v", store.ErrOutOfRange, req.At)
	}
	for i := range req.Queries {
		if err := st.validateWindow(&req.Queries[i].Window); err != nil {
			return nil, fmt.Errorf("memstore: aggregate: query %d: %w", i, err)
		}
	}
	s, err := st.subject(req.Subject, false, "aggregate")
	if err != nil {
		return nil, err
	}
	out := make([]store.Aggregate, len(req.Queries))
	if s == nil {
		return out, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctxErr(ctx, "aggregate"); err != nil {
		return nil, err
	}
	skip, skipPos := -1, -1
	if req.Except != "" {
		if skip = s.lookup(req.Except); skip >= 0 && s.tracked {
			skipPos = s.trackPos(skip)
		}
	}
	for i := range req.Queries {
		if out[i], err = s.aggregate(&req.Queries[i], at, skip, skipPos); err != nil {
			return nil, fmt.Errorf("memstore: aggregate: query %d: %w", i, err)
		}
	}
	return out, nil
}

// Ping implements [store.Pinger]: it reports whether the store is open.
func (st *Store) Ping(ctx context.Context) error {
	if st.closed.Load() {
		return errClosed("ping")
	}
	return ctxErr(ctx, "ping")
}

// Close releases the store's memory. Every later call, including Close,
// returns an error wrapping [store.ErrClosed]. Calls already running
// complete first.
func (st *Store) Close() error {
	if st.closed.Swap(true) {
		return errClosed("close")
	}
	for i := range st.shards {
		sh := &st.shards[i]
		sh.mu.Lock()
		sh.m = nil
		sh.mu.Unlock()
	}
	return nil
}

// Time range: ±2^62 ns around 1970 (years 1824 to 2116), so that a time
// plus or minus a window or the retention never overflows.
const maxSeconds = (1 << 62) / int64(time.Second)

func nanos(t time.Time) (int64, bool) {
	if sec := t.Unix(); sec < -maxSeconds || sec > maxSeconds {
		return 0, false
	}
	return t.UnixNano(), true
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("memstore: reserve: %w: "+format, append([]any{store.ErrInvalidRequest}, args...)...)
}

func (st *Store) validateRequest(req *store.Request) (int64, error) {
	switch {
	case req == nil:
		return 0, invalid("nil request")
	case req.Subject == "":
		return 0, invalid("empty Subject")
	case req.TxID == "":
		return 0, invalid("empty TxID")
	case req.Time.IsZero():
		return 0, invalid("zero Time")
	case req.Class >= 64:
		return 0, invalid("Class %d out of [0, 64)", req.Class)
	case req.Amount.Sign() <= 0:
		return 0, invalid("non-positive Amount %v", req.Amount)
	}
	t, ok := nanos(req.Time)
	if !ok {
		return 0, fmt.Errorf("memstore: reserve: %w: time %v", store.ErrOutOfRange, req.Time)
	}
	for i := range req.Caps {
		c := &req.Caps[i]
		if err := st.validateWindow(&c.Window); err != nil {
			return 0, fmt.Errorf("memstore: reserve: cap %d %q: %w", i, c.ID, err)
		}
		if c.MaxAmount.Valid && c.MaxAmount.Decimal.Sign() < 0 {
			return 0, invalid("cap %d %q: negative MaxAmount", i, c.ID)
		}
		if c.LimitCount && c.MaxCount < 0 {
			return 0, invalid("cap %d %q: negative MaxCount", i, c.ID)
		}
	}
	return t, nil
}

func (st *Store) validateWindow(w *store.Window) error {
	switch w.Kind {
	case store.Rolling:
		if w.Duration <= 0 {
			return fmt.Errorf("%w: bad window: rolling Duration %v not positive", store.ErrInvalidRequest, w.Duration)
		}
		if int64(w.Duration) > st.retention {
			return fmt.Errorf("%w: bad window: rolling Duration %v longer than the retention %v", store.ErrInvalidRequest, w.Duration, time.Duration(st.retention))
		}
	case store.Day, store.Month, store.Balance:
	default:
		return fmt.Errorf("%w: bad window: kind %v", store.ErrInvalidRequest, w.Kind)
	}
	return nil
}
