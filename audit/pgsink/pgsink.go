// Package pgsink stores an audit log (package audit) in PostgreSQL,
// through github.com/jackc/pgx/v5 (pgxpool), so that several processes or
// hosts append to one hash chain.
//
// # Schema
//
// [New] creates (unless Options.DisableMigrate) two tables in
// Options.Schema with [Sink.Migrate], which is idempotent and safe to run
// from many processes at once:
//
//   - TABLE (default audit_log): one row per record: seq (bigint, primary
//     key), prev and hash (text), line (text: the record's line exactly as
//     audit wrote it, not jsonb, which would reorder its keys and break the
//     hash), and recorded_at (the server's time);
//   - TABLE_head: one row holding the seq and hash of the last record.
//
// # One chain across processes
//
// Append runs one transaction: it locks the head row (SELECT … FOR
// UPDATE), builds the record on that head, inserts it and moves the head.
// Appends from every process that shares the table are therefore
// serialised on the head row, and the chain stays linear; the primary key
// on seq refuses any fork. A record is stored when Append returns nil and
// not at all when it returns an error (the transaction rolls back).
// Durability is PostgreSQL's (fsync and synchronous_commit on, the
// defaults).
//
// # Verifying
//
// [Sink.Export] writes the log as JSON lines in seq order, with the head
// read in the same snapshot, for [audit.Verify]:
//
//	var buf bytes.Buffer
//	head, err := sink.Export(ctx, &buf)
//	res, err := audit.Verify(&buf, &audit.VerifyOptions{Head: &head})
//
// Someone who can write the tables can rewrite the chain and the head
// row together; keep a copy of the head elsewhere too (see package audit).
package pgsink

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"

	"github.com/comply-go/comply/audit"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configures New. Pool or DSN is required; the zero value of every
// other field is its default.
type Options struct {
	// Pool is the connection pool to use. The Sink does not close it.
	// Default: a pool opened from DSN, closed by Close.
	Pool *pgxpool.Pool
	// DSN is the PostgreSQL connection string, used when Pool is nil.
	DSN string
	// Schema holds the tables. Default: "comply".
	Schema string
	// Table is the name of the log table; the head table is Table_head.
	// Lower-case letters, digits and underscores, starting with a letter.
	// Default: "audit_log".
	Table string
	// DisableMigrate makes New skip Sink.Migrate. Default: false.
	DisableMigrate bool
}

// ErrInvalidOptions is wrapped by New for bad options.
const ErrInvalidOptions = sentinel("pgsink: invalid options")

type sentinel string

func (e sentinel) Error() string { return string(e) }

var ident = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// Sink is an audit.Sink on PostgreSQL. A Sink is safe for concurrent use
// by multiple goroutines, and several Sinks (in one process or many) may
// append to the same table.
type Sink struct {
	pool    *pgxpool.Pool
	ownPool bool
	schema  string
	log     string // quoted schema.table
	head    string // quoted schema.table_head

	mu     sync.Mutex
	closed bool
}

// New returns a sink on the table opts names, migrating it unless
// opts.DisableMigrate. It returns an error wrapping ErrInvalidOptions for
// bad options, or the connection or migration error.
func New(ctx context.Context, opts *Options) (*Sink, error) {
	if opts == nil {
		return nil, fmt.Errorf("%w: nil options", ErrInvalidOptions)
	}
	o := *opts
	if o.Schema == "" {
		o.Schema = "comply"
	}
	if o.Table == "" {
		o.Table = "audit_log"
	}
	if !ident.MatchString(o.Schema) || !ident.MatchString(o.Table) {
		return nil, fmt.Errorf("%w: schema %q and table %q must be lower-case identifiers", ErrInvalidOptions, o.Schema, o.Table)
	}
	s := &Sink{
		pool:   o.Pool,
		schema: pgx.Identifier{o.Schema}.Sanitize(),
		log:    pgx.Identifier{o.Schema, o.Table}.Sanitize(),
		head:   pgx.Identifier{o.Schema, o.Table + "_head"}.Sanitize(),
	}
	if s.pool == nil {
		if o.DSN == "" {
			return nil, fmt.Errorf("%w: Pool or DSN is required", ErrInvalidOptions)
		}
		p, err := pgxpool.New(ctx, o.DSN)
		if err != nil {
			return nil, fmt.Errorf("pgsink: %w", err)
		}
		s.pool, s.ownPool = p, true
	}
	if !o.DisableMigrate {
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Migrate creates the schema, the tables and the head row if they do not
// exist. It takes an advisory lock, so concurrent migrations wait for each
// other.
func (s *Sink) Migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		stmts := []string{
			`SELECT pg_advisory_xact_lock(hashtextextended('comply.audit.pgsink.migrate', 0))`,
			`CREATE SCHEMA IF NOT EXISTS ` + s.schema,
			`CREATE TABLE IF NOT EXISTS ` + s.log + ` (
				seq bigint PRIMARY KEY CHECK (seq > 0),
				prev text NOT NULL,
				hash text NOT NULL,
				line text NOT NULL,
				recorded_at timestamptz NOT NULL DEFAULT now())`,
			`CREATE TABLE IF NOT EXISTS ` + s.head + ` (
				id boolean PRIMARY KEY DEFAULT true CHECK (id),
				seq bigint NOT NULL,
				hash text NOT NULL)`,
			`INSERT INTO ` + s.head + ` (id, seq, hash) VALUES (true, 0, '') ON CONFLICT (id) DO NOTHING`,
		}
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("pgsink: migrate: %w", err)
			}
		}
		return nil
	})
}

// Append implements audit.Sink: it locks the head row, calls next with the
// head, stores the entry and moves the head, in one transaction.
func (s *Sink) Append(ctx context.Context, next func(audit.Head) (audit.Entry, error)) error {
	if s.isClosed() {
		return audit.ErrClosed
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var h audit.Head
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM `+s.head+` WHERE id FOR UPDATE`).Scan(&h.Seq, &h.Hash); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("pgsink: the head row of %s is missing", s.log)
			}
			return fmt.Errorf("pgsink: %w", err)
		}
		e, err := next(h)
		if err != nil {
			return err
		}
		if e.Seq != h.Seq+1 {
			return fmt.Errorf("pgsink: entry %d does not follow head %d", e.Seq, h.Seq)
		}
		prev := h.Hash
		if h.Seq == 0 {
			prev = audit.Genesis
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO `+s.log+` (seq, prev, hash, line) VALUES ($1, $2, $3, $4)`, int64(e.Seq), prev, e.Hash, string(e.Line))
		b.Queue(`UPDATE `+s.head+` SET seq = $1, hash = $2 WHERE id`, int64(e.Seq), e.Hash)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("pgsink: %w", err)
		}
		return nil
	})
}

// Head returns the head row: the seq and hash of the last record.
func (s *Sink) Head(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	if err := s.pool.QueryRow(ctx, `SELECT seq, hash FROM `+s.head+` WHERE id`).Scan(&h.Seq, &h.Hash); err != nil {
		return audit.Head{}, fmt.Errorf("pgsink: %w", err)
	}
	return h, nil
}

// Export writes the log to w as JSON lines in seq order, and returns the
// head row read in the same snapshot, for audit.Verify. It reads the
// lines as stored: it checks nothing itself.
func (s *Sink) Export(ctx context.Context, w io.Writer) (audit.Head, error) {
	var h audit.Head
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM `+s.head+` WHERE id`).Scan(&h.Seq, &h.Hash); err != nil {
			return fmt.Errorf("pgsink: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT line FROM `+s.log+` ORDER BY seq`)
		if err != nil {
			return fmt.Errorf("pgsink: %w", err)
		}
		defer rows.Close()
		bw := bufio.NewWriter(w)
		var line []byte
		for rows.Next() {
			if err := rows.Scan(&line); err != nil {
				return fmt.Errorf("pgsink: %w", err)
			}
			bw.Write(line)
			if err := bw.WriteByte('\n'); err != nil {
				return fmt.Errorf("pgsink: %w", err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("pgsink: %w", err)
		}
		return bw.Flush()
	})
	return h, err
}

func (s *Sink) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close closes the pool if New opened it. Appends after Close return
// audit.ErrClosed.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.ownPool {
		s.pool.Close()
	}
	return nil
}
