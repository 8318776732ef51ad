package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/payment"
)

type sentinel string

func (e sentinel) Error() string { return string(e) }

// Sentinel errors.
const (
	// ErrInvalidRecord is wrapped by Append when the transaction or the
	// decision cannot be recorded (nil, invalid, or not about each other).
	// Nothing is written.
	ErrInvalidRecord sentinel = "audit: invalid record"
	// ErrInvalidOptions is wrapped by New and OpenFile for bad options,
	// such as a missing or short key.
	ErrInvalidOptions sentinel = "audit: invalid options"
	// ErrLocked is wrapped by OpenFile when another FileSink, in this
	// process or another, has the file open.
	ErrLocked sentinel = "audit: the log is open in another writer"
	// ErrClosed is returned by Append after Close.
	ErrClosed sentinel = "audit: closed"
	// ErrMalformed is wrapped by ParseRecord for a line that is not a
	// record.
	ErrMalformed sentinel = "audit: malformed record"
)

// MinKeyLen is the shortest HMAC key New accepts, in bytes.
const MinKeyLen = 16

// Head is the position of the last record of a log: its Seq and Hash. The
// zero Head is the head of an empty log. Kept apart from the log (the head
// file of a FileSink, a row in PostgreSQL, a value published elsewhere),
// it lets Verify notice records cut off the end.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// IsZero reports whether h is the head of an empty log.
func (h Head) IsZero() bool { return h == Head{} }

// prev returns the Prev of the record after h.
func (h Head) prev() string {
	if h.Seq == 0 {
		return Genesis
	}
	return h.Hash
}

// Entry is one record ready to be stored: its Line (the canonical encoding
// with its hash, no newline) and the Head the log has once it is stored.
type Entry struct {
	Head
	Line []byte
}

// Sink stores the lines of one log. It is where a backend plugs in: the
// file sink of this package, PostgreSQL in audit/pgsink.
//
// Append must, as one atomic step with respect to every other writer of
// the same log (in this process or another), read the current head, call
// next with it, and store the entry next returns so that the log's head
// becomes entry.Head. When next returns an error, Append stores nothing
// and returns that error. Close releases the sink's resources.
type Sink interface {
	Append(ctx context.Context, next func(head Head) (Entry, error)) error
	Close() error
}

// Options configures New. The zero Options is not enough: set Key, or
// Plain to store personal data as given.
type Options struct {
	// Key is the host's secret HMAC-SHA256 key for personal data, at
	// least MinKeyLen bytes. Required unless Plain.
	Key []byte
	// KeyID names Key in every record, so that keys can rotate. Default: a
	// 16-hex-digit id derived from the key that does not reveal it.
	KeyID string
	// Plain stores personal data as given instead of as keyed hashes.
	// Default: false (hashed).
	Plain bool
	// Now stamps Record.Time. Default: time.Now.
	Now func() time.Time
}

// Log is an append-only, hash-chained decision log over a Sink. A Log is
// safe for concurrent use by multiple goroutines: appends are serialised,
// so the chain stays linear.
type Log struct {
	sink  Sink
	red   redactor
	keyID string
	pii   string
	now   func() time.Time

	mu     sync.Mutex
	closed bool
}

// New returns a log that appends to sink. It copies opts and never changes
// the caller's. It returns an error wrapping ErrInvalidOptions when opts is
// nil or has neither a key of at least MinKeyLen bytes nor Plain.
func New(sink Sink, opts *Options) (*Log, error) {
	if sink == nil {
		return nil, fmt.Errorf("%w: nil sink", ErrInvalidOptions)
	}
	if opts == nil {
		return nil, fmt.Errorf("%w: a key is required unless Plain is set", ErrInvalidOptions)
	}
	l := &Log{sink: sink, now: opts.Now}
	if l.now == nil {
		l.now = time.Now
	}
	switch {
	case opts.Plain && opts.Key != nil:
		return nil, fmt.Errorf("%w: Key and Plain are exclusive", ErrInvalidOptions)
	case opts.Plain:
		l.pii = PIIPlain
		if opts.KeyID != "" {
			return nil, fmt.Errorf("%w: KeyID without a Key", ErrInvalidOptions)
		}
	case len(opts.Key) < MinKeyLen:
		return nil, fmt.Errorf("%w: the key has %d bytes, fewer than %d", ErrInvalidOptions, len(opts.Key), MinKeyLen)
	default:
		l.pii = PIIHMAC
		l.red.key = append([]byte(nil), opts.Key...)
		l.keyID = opts.KeyID
		if l.keyID == "" {
			l.keyID = keyID(l.red.key)
		}
	}
	return l, nil
}

// Record builds the record of d, the decision on tx, without its place in
// the chain (Seq, Prev, Hash and Time are left zero). Append fills those in.
// It returns an error wrapping ErrInvalidRecord when tx or d is nil, tx
// does not validate, d has no valid action, or d is not about tx.
func (l *Log) Record(tx *payment.Transaction, d *comply.Decision) (*Record, error) {
	switch {
	case tx == nil:
		return nil, fmt.Errorf("%w: nil transaction", ErrInvalidRecord)
	case d == nil:
		return nil, fmt.Errorf("%w: nil decision", ErrInvalidRecord)
	case d.TxID != tx.ID:
		return nil, fmt.Errorf("%w: the decision is about transaction %q, not %q", ErrInvalidRecord, d.TxID, tx.ID)
	case !d.Action.Valid():
		return nil, fmt.Errorf("%w: transaction %q: action %s", ErrInvalidRecord, tx.ID, d.Action)
	}
	if err := tx.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRecord, err)
	}
	r := &Record{PII: l.pii, KeyID: l.keyID}
	l.red.fill(r, tx, d)
	return r, nil
}

// Append records d, the decision on tx, as the next record of the log, and
// returns it. On ErrInvalidRecord (bad input, see Log.Record) and ErrClosed
// nothing is recorded. On a sink's error the record is not stored, except
// that a FileSink whose line was written but whose fsync or head-file write
// then failed has the record in the file: Verify and the next OpenFile tell.
func (l *Log) Append(ctx context.Context, tx *payment.Transaction, d *comply.Decision) (*Record, error) {
	r, err := l.Record(tx, d)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	err = l.sink.Append(ctx, func(h Head) (Entry, error) {
		r.Seq = h.Seq + 1
		r.Prev = h.prev()
		r.Time = l.now().UTC()
		c, err := r.Canonical()
		if err != nil {
			return Entry{}, err
		}
		r.Hash, _ = sumHex(c)
		return Entry{Head: Head{Seq: r.Seq, Hash: r.Hash}, Line: line(c, r.Hash)}, nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Hook returns a comply.Hook that appends every decision the engine makes.
// When the decision cannot be recorded, the hook voids its reservation and
// returns an error instead of the decision: a decision that is not in the
// log was never made.
func (l *Log) Hook() comply.Hook {
	return func(next comply.EvaluateFunc) comply.EvaluateFunc {
		return func(ctx context.Context, tx *payment.Transaction) (*comply.Decision, error) {
			d, err := next(ctx, tx)
			if err != nil {
				return d, err
			}
			if _, aerr := l.Append(ctx, tx, d); aerr != nil {
				if d != nil && d.Reserved {
					if verr := d.Void(ctx); verr != nil {
						aerr = errors.Join(aerr, verr)
					}
				}
				return nil, fmt.Errorf("audit: decision on %s not recorded: %w", tx.ID, aerr)
			}
			return d, nil
		}
	}
}

// Close closes the sink. Appends after Close return ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return l.sink.Close()
}
