// Package store defines the backend interface behind comply's exact limits:
// one atomic check-and-reserve ([Backend.Reserve]) that checks every
// applicable cap and either records the amount or refuses naming the caps it
// would break; two-phase settlement ([Backend.Commit], [Backend.Void]);
// idempotency by transaction id; and aggregate reads for monitoring rules
// ([Backend.Aggregate]).
//
// Package store is a leaf: it imports nothing else from this module. The
// embedded default is [github.com/comply-go/comply/store/memstore]; every
// backend runs the conformance suite in
// [github.com/comply-go/comply/store/storetest].
//
// # Semantics every backend must keep
//
// Entries. Each reservation records one entry for a Subject (a customer
// within one jurisdiction pack): its transaction id, time, class, amount,
// currency and counterparty, in state pending. Commit moves it to committed;
// Void to voided. Voided entries count nowhere; a voided id stays known, so
// a late retry cannot bring it back.
//
// Classes. An entry's Class is a small integer in [0, 64) that the caller
// assigns (comply uses channel × direction). A cap counts the entries whose
// class bit is set in [Cap.Classes].
//
// Windows. A rolling window of length W ending at s holds the entries with
// time in (s−W, s]. A calendar day or month holds the entries whose time
// falls in that day or month in [Window.Location]. A balance is the sum of
// every credit entry (pending or committed, classes in Classes) minus every
// committed debit entry (classes in [Cap.Debits]), whatever their time.
//
// Exactness under out-of-order time. A reservation at time t must not push
// any window that contains t over its cap, including windows that end after
// t and already hold later-dated entries: for a rolling window the check is
// that for every s in [t, t+W) the entries in (s−W, s] plus the new amount
// stay within the cap. For calendar windows it is the whole period that
// contains t.
//
// Atomicity. Reserve checks every cap and records the entry in one atomic
// step with respect to every other call on the same Subject; concurrent
// reservations never admit more than a serial run would.
//
// Idempotency. A Reserve whose TxID is already known for the Subject
// changes nothing and returns [Duplicate] with the entry's state, whatever
// the rest of the request says (a retry must carry the original time). A
// refused reservation records nothing, so a retry of it is judged afresh.
//
// Bounds. Enforced caps refuse when the total including the new entry is
// above MaxAmount (or MaxCount), or at or above it when Exclusive. Observed
// caps are reached when the total is at or above the threshold, or above it
// when Exclusive. A cap with both an amount and a count bound trips when
// either does.
//
// Retention. A backend keeps entries for a retention period counted back
// from the newest time it has seen for the subject; idempotency holds within
// it. A request or query that would need entries older than that fails with
// [ErrOutOfRange]: a backend never answers with an under-count. A rolling
// window longer than the retention is an [ErrInvalidRequest].
//
// Resolution and zones. Times are kept at microsecond resolution at least;
// callers must not rely on anything finer. A time zone is identified by its
// name ([time.Location.String]).
//
// Validation. Every cap in a request is validated, including those that do
// not count its class; a negative bound is an [ErrInvalidRequest].
package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// Backend is implemented by every store. All methods are safe for
// concurrent use.
type Backend interface {
	// Reserve checks every cap in req that counts req.Class and, if all
	// hold, records req as a pending entry. It returns [Reserved],
	// [Refused] with the violated caps, or [Duplicate] when req.TxID is
	// already known for req.Subject. The error is non-nil only when the
	// store could not decide (invalid request, I/O failure, closed store,
	// canceled context); then nothing was recorded.
	Reserve(ctx context.Context, req *Request) (Result, error)

	// Commit marks a pending entry committed. Committing a committed entry
	// is a no-op. It returns an error wrapping [ErrNotFound] for an unknown
	// id and [ErrVoided] for a voided one.
	Commit(ctx context.Context, subject, txID string) error

	// Void marks an entry voided and gives its room back to every window.
	// Voiding a voided entry is a no-op. It returns an error wrapping
	// [ErrNotFound] for an unknown id and [ErrCommitted] for a committed
	// one (a settled payment is undone by a new, opposite transaction).
	Void(ctx context.Context, subject, txID string) error

	// Aggregate answers each query in req for req.Subject as of req.At,
	// leaving out the entry with id req.Except if set. Answers are in the
	// order of req.Queries.
	Aggregate(ctx context.Context, req *AggregateRequest) ([]Aggregate, error)
}

// WindowKind is the shape of a window.
type WindowKind uint8

// The window kinds.
const (
	WindowUnspecified WindowKind = iota
	// Rolling is (s−Duration, s].
	Rolling
	// Day is the calendar day in Location.
	Day
	// Month is the calendar month in Location.
	Month
	// Balance is the running balance: credits minus committed debits.
	Balance
)

var windowNames = [...]string{"unspecified", "rolling", "day", "month", "balance"}

// String returns the kind's name.
func (k WindowKind) String() string {
	if int(k) < len(windowNames) {
		return windowNames[k]
	}
	return "window(?)"
}

// Window is a period over which entries are summed.
type Window struct {
	Kind WindowKind
	// Duration is the length of a Rolling window; it must be positive.
	Duration time.Duration
	// Location is the time zone of Day and Month windows. Default: UTC.
	Location *time.Location
}

// Cap is one limit checked by Reserve.
type Cap struct {
	// ID names the cap in results, e.g. "kr.carrier_billing.monthly_cap".
	ID string
	// Window is the period the cap applies to.
	Window Window
	// Classes is the set of entry classes counted (credits, for a
	// Balance), as a bit mask: class c is counted when Classes&(1<<c) != 0.
	Classes uint64
	// Debits is, for a Balance window, the set of classes that reduce the
	// balance once committed. Ignored for other windows.
	Debits uint64
	// MaxAmount, when Valid, bounds the sum of counted amounts including
	// the new one. Its currency is the request's.
	MaxAmount decimal.NullDecimal
	// MaxCount, when LimitCount is set, bounds the number of counted
	// entries including the new one.
	MaxCount   int64
	LimitCount bool
	// Exclusive makes the bounds strict: the total must stay below
	// MaxAmount (and MaxCount) rather than reach at most it.
	Exclusive bool
	// Observe makes the cap a threshold rather than a limit: it never
	// refuses, and a Reserved result lists it in Result.Reached when the
	// total including the new entry reaches it (see Exclusive). Report
	// duties such as a daily cash CTR are observed caps.
	Observe bool
}

// Counts reports whether entries of class c count toward the cap.
func (c *Cap) Counts(class uint8) bool { return class < 64 && c.Classes&(1<<class) != 0 }

// Request is one reservation.
type Request struct {
	// Subject partitions entries: one customer within one pack. Required.
	Subject string
	// TxID is the idempotency key. Required.
	TxID string
	// Time is the transaction's event time. Required.
	Time time.Time
	// Class is the entry's class, in [0, 64).
	Class uint8
	// Amount is positive, in Currency.
	Amount decimal.Decimal
	// Currency is the ISO 4217 code of Amount and of every cap. A Subject
	// holds amounts in one currency only: a request in another currency is
	// refused with [ErrCurrencyMismatch].
	Currency string
	// Counterparty identifies the other party, for distinct counts. Optional.
	Counterparty string
	// Caps are the caps to check. Caps that do not count Class are not
	// checked. A backend must not keep or change the slice.
	Caps []Cap
}

// Status is the outcome of a reservation.
type Status uint8

// The outcomes.
const (
	StatusUnspecified Status = iota
	// Reserved: every cap held and the entry is recorded as pending.
	Reserved
	// Refused: at least one cap would be exceeded; nothing was recorded.
	Refused
	// Duplicate: the TxID was already known; nothing changed.
	Duplicate
)

var statusNames = [...]string{"unspecified", "reserved", "refused", "duplicate"}

// String returns the status name.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status(?)"
}

// EntryState is the state of a recorded entry.
type EntryState uint8

// The entry states.
const (
	StateUnknown EntryState = iota
	Pending
	Committed
	Voided
)

var stateNames = [...]string{"unknown", "pending", "committed", "voided"}

// String returns the state name.
func (s EntryState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state(?)"
}

// Usage is how much of a cap is used, as seen by one reservation.
type Usage struct {
	// Cap is the index of the cap in Request.Caps.
	Cap int
	// ID is the cap's ID.
	ID string
	// Amount and Count are the totals already counted, without the new
	// entry. For a rolling window they are the largest amount and the
	// largest count over the windows the new entry falls in (which may be
	// two different windows); for a balance, the balance and the number of
	// credits.
	Amount decimal.Decimal
	Count  int64
}

// Result is what Reserve decided.
type Result struct {
	Status Status
	// Violations lists, for Refused, every enforced cap the entry would
	// break.
	Violations []Usage
	// Reached lists, for Reserved, every observed cap whose total
	// including the new entry reaches its threshold.
	Reached []Usage
	// State is, for Duplicate, the state of the entry already recorded.
	State EntryState
}

// Query asks for one aggregate.
type Query struct {
	Window Window
	// Classes selects the entries counted, as in [Cap.Classes]; for a
	// Balance, the credits.
	Classes uint64
	// Debits selects, for a Balance, the classes that reduce it.
	Debits uint64
}

// AggregateRequest asks for several aggregates of one subject at one time.
type AggregateRequest struct {
	Subject string
	// At anchors the windows: rolling windows are (At−W, At], calendar
	// windows run from the start of the period containing At up to At.
	// Entries dated after At are not counted (except in a Balance).
	At time.Time
	// Except leaves out the entry with this transaction id, typically the
	// transaction being evaluated.
	Except  string
	Queries []Query
}

// Aggregate is the answer to one [Query]. Voided entries never count. For a
// Balance only Sum (the balance) and Count (the number of credits) are set.
type Aggregate struct {
	// Sum is the total amount (the balance, for a Balance window).
	Sum decimal.Decimal
	// SumSquares is the sum of the squared amounts, so that callers can
	// derive an exact mean and variance of the customer's amounts.
	SumSquares decimal.Decimal
	// Count is the number of entries.
	Count int64
	// Distinct is the number of distinct non-empty counterparties.
	Distinct int64
	// Last is the time of the latest counted entry; zero when none.
	Last time.Time
	// LastAmount is the amount of that entry.
	LastAmount decimal.Decimal
}

// Pinger is implemented by backends that can check their connection.
type Pinger interface {
	Ping(ctx context.Context) error
}

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Errors returned by backends, wrapped with %w and context.
const (
	// ErrNotFound: no entry with that transaction id.
	ErrNotFound sentinel = "store: entry not found"
	// ErrVoided: the entry was voided and cannot be committed.
	ErrVoided sentinel = "store: entry voided"
	// ErrCommitted: the entry was committed and cannot be voided.
	ErrCommitted sentinel = "store: entry committed"
	// ErrClosed: the store was closed.
	ErrClosed sentinel = "store: closed"
	// ErrCurrencyMismatch: a request's currency differs from the
	// subject's.
	ErrCurrencyMismatch sentinel = "store: currency mismatch"
	// ErrInvalidRequest: a request is malformed (empty ids, zero time,
	// non-positive amount, bad window, class out of range).
	ErrInvalidRequest sentinel = "store: invalid request"
	// ErrOutOfRange: the request's time is older than the backend keeps
	// entries for, so a window could not be checked exactly.
	ErrOutOfRange sentinel = "store: time out of retained range"
)
