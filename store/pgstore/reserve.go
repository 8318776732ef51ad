package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// usage is what a cap already counts, without the new entry.
type usage struct {
	sum decimal.Decimal
	n   int64
}

// subjectRow is a subject's row; ok is false for an unknown subject.
type subjectRow struct {
	ok             bool
	currency       string
	newest, oldest int64
	cut            int64 // minInt64 when never pruned
}

const noCut = -1 << 63

func scanSubject(row pgx.Row) (subjectRow, error) {
	var (
		r                   subjectRow
		newest, oldest, cut *time.Time
	)
	switch err := row.Scan(&r.currency, &newest, &oldest, &cut); {
	case errors.Is(err, pgx.ErrNoRows):
		return subjectRow{cut: noCut}, nil
	case err != nil:
		return r, err
	}
	r.ok, r.newest, r.oldest, r.cut = true, newest.UnixMicro(), oldest.UnixMicro(), noCut
	if cut != nil {
		r.cut = cut.UnixMicro()
	}
	return r, nil
}

// Reserve implements [store.Backend.Reserve] in one transaction under the
// subject's advisory lock (see the package documentation). The error wraps
// [store.ErrInvalidRequest], [store.ErrCurrencyMismatch],
// [store.ErrOutOfRange], [store.ErrClosed], the context's error or the
// database's; then nothing was recorded.
func (s *Store) Reserve(ctx context.Context, req *store.Request) (store.Result, error) {
	const op = "reserve"
	if s.closed.Load() {
		return store.Result{}, errClosed(op)
	}
	if err := ctxErr(ctx, op); err != nil {
		return store.Result{}, err
	}
	t, err := s.validateRequest(req)
	if err != nil {
		return store.Result{}, err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		if s.closed.Load() {
			return store.Result{}, errClosed(op)
		}
		return store.Result{}, wrap(op, ctx, err)
	}
	defer conn.Release() // a connection left in a transaction is destroyed, rolling it back
	res, committed, err := s.check(ctx, conn, req, t)
	if c := conn.Conn(); !committed && !c.IsClosed() && c.PgConn().TxStatus() != 'I' {
		if _, rerr := conn.Exec(ctx, "ROLLBACK"); rerr != nil && err == nil {
			err = wrap(op, ctx, rerr)
		}
	}
	if err != nil {
		return store.Result{}, err
	}
	return res, nil
}

// check runs the first batch (begin, lock, reads), decides, and for an
// admitted entry runs the second (writes, commit); committed reports
// whether the second batch was sent, after which the transaction is over
// (committed, or rolled back by a failure).
func (s *Store) check(ctx context.Context, conn *pgxpool.Conn, req *store.Request, t int64) (store.Result, bool, error) {
	const op = "reserve"
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(s.q.lock, req.Subject)
	b.Queue(s.q.subject, req.Subject)
	b.Queue(s.q.dup, req.Subject, req.TxID)
	counted := make([]int, 0, len(req.Caps)) // indexes of the caps that count req.Class
	for i := range req.Caps {
		c := &req.Caps[i]
		if !c.Counts(req.Class) {
			continue
		}
		counted = append(counted, i)
		switch c.Window.Kind {
		case store.Rolling:
			w := c.Window.Duration.Microseconds()
			b.Queue(s.q.rolling, req.Subject, ts(t-w+1), ts(t+w-1), int64(c.Classes), ts(t), w-1)
		case store.Day, store.Month:
			from, to := period(&c.Window, t)
			b.Queue(s.q.period, req.Subject, ts(from), ts(to), int64(c.Classes))
		default: // store.Balance; validated
			b.Queue(s.q.balance, req.Subject, int64(c.Classes), int64(c.Debits))
		}
	}
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	fail := func(err error) (store.Result, bool, error) { return store.Result{}, false, wrap(op, ctx, err) }
	if _, err := br.Exec(); err != nil { // BEGIN
		return fail(err)
	}
	if _, err := br.Exec(); err != nil { // lock
		return fail(err)
	}
	sub, err := scanSubject(br.QueryRow())
	if err != nil {
		return fail(err)
	}
	var state int16
	switch err := br.QueryRow().Scan(&state); {
	case err == nil:
		// Read the remaining results so the batch completes, then report.
		if err := drain(br, len(counted)); err != nil {
			return fail(err)
		}
		return store.Result{Status: store.Duplicate, State: store.EntryState(state)}, false, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return fail(err)
	}
	usages := make([]usage, len(counted))
	for k := range counted {
		var sum string
		err = br.QueryRow().Scan(&sum, &usages[k].n)
		if err == nil {
			usages[k].sum, err = decimal.NewFromString(sum)
		}
		if err != nil {
			return fail(err)
		}
	}
	if err := br.Close(); err != nil {
		return fail(err)
	}
	if sub.ok && req.Currency != sub.currency {
		return store.Result{}, false, fmt.Errorf("pgstore: reserve: %w: request in %q, subject holds %q",
			store.ErrCurrencyMismatch, req.Currency, sub.currency)
	}
	if err := outOfRange(req, t, sub.cut, counted); err != nil {
		return store.Result{}, false, err
	}
	refuse, reach := false, false
	for k, i := range counted {
		c := &req.Caps[i]
		if hits(c, usages[k].sum.Add(req.Amount), usages[k].n+1) {
			if c.Observe {
				reach = true
			} else {
				refuse = true
			}
		}
	}
	report := func(observed bool) []store.Usage {
		var out []store.Usage
		for k, i := range counted {
			c := &req.Caps[i]
			if c.Observe == observed && hits(c, usages[k].sum.Add(req.Amount), usages[k].n+1) {
				out = append(out, store.Usage{Cap: i, ID: c.ID, Amount: usages[k].sum, Count: usages[k].n})
			}
		}
		return out
	}
	if refuse {
		return store.Result{Status: store.Refused, Violations: report(false)}, false, nil
	}
	res := store.Result{Status: store.Reserved}
	if reach {
		res.Reached = report(true)
	}
	if err := s.record(ctx, conn, req, t, sub); err != nil {
		return store.Result{}, true, wrap(op, ctx, err)
	}
	return res, true, nil
}

// record runs the second batch: the insert, the subject row and pruning
// when due, and the commit.
func (s *Store) record(ctx context.Context, conn *pgxpool.Conn, req *store.Request, t int64, sub subjectRow) error {
	amount := req.Amount.String()
	b := &pgx.Batch{}
	b.Queue(s.q.insert, req.Subject, req.TxID, ts(t), int16(req.Class), amount, req.Counterparty, s.ttl)
	newest, oldest := t, t
	if sub.ok {
		newest, oldest = max(sub.newest, t), min(sub.oldest, t)
	}
	// The subject's newest and oldest times only steer pruning, so they
	// are written when they move by more than a 64th of the retention (or
	// the oldest moves back): a stale newest prunes a little later, never
	// wrongly.
	if !sub.ok || newest > sub.newest+s.retention/64 || oldest < sub.oldest {
		b.Queue(s.q.upsertSubject, req.Subject, req.Currency, ts(t))
	}
	if horizon := newest - s.retention; oldest < horizon-s.retention/16 {
		b.Queue(s.q.prune, req.Subject, ts(horizon))
		b.Queue(s.q.setCut, req.Subject, ts(horizon))
	}
	b.Queue("COMMIT")
	return conn.SendBatch(ctx, b).Close()
}

// drain reads n more results of br.
func drain(br pgx.BatchResults, n int) error {
	for range n {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return br.Close()
}

// hits reports whether totals including the new entry break an enforced
// cap or reach an observed one: an enforced cap breaks above its bound (at
// or above when Exclusive); an observed cap is reached at or above its
// threshold (above when Exclusive).
func hits(c *store.Cap, total decimal.Decimal, n int64) bool {
	strict := c.Exclusive == c.Observe // hit only when strictly above
	if c.MaxAmount.Valid {
		cmp := total.Cmp(c.MaxAmount.Decimal)
		if cmp > 0 || !strict && cmp == 0 {
			return true
		}
	}
	if c.LimitCount {
		return n > c.MaxCount || !strict && n == c.MaxCount
	}
	return false
}

// outOfRange refuses a request that needs entries before the subject's
// pruning horizon.
func outOfRange(req *store.Request, t, cut int64, counted []int) error {
	if cut == noCut {
		return nil
	}
	if t < cut {
		return fmt.Errorf("pgstore: reserve: %w: time %v: entries before %v are pruned", store.ErrOutOfRange, ts(t), ts(cut))
	}
	for _, i := range counted {
		c := &req.Caps[i]
		switch c.Window.Kind {
		case store.Rolling:
			if t-c.Window.Duration.Microseconds()+1 < cut {
				return fmt.Errorf("pgstore: reserve: cap %d %q: %w: rolling window %v before %v reaches pruned entries",
					i, c.ID, store.ErrOutOfRange, c.Window.Duration, ts(t))
			}
		case store.Day, store.Month:
			if from, _ := period(&c.Window, t); from < cut {
				return fmt.Errorf("pgstore: reserve: cap %d %q: %w: the %v of %v began before the pruning horizon %v",
					i, c.ID, store.ErrOutOfRange, c.Window.Kind, ts(t), ts(cut))
			}
		}
	}
	return nil
}

// Commit implements [store.Backend.Commit] in one round trip under the
// subject's lock.
func (s *Store) Commit(ctx context.Context, subject, txID string) error {
	return s.settle(ctx, subject, txID, stateCommitted)
}

// Void implements [store.Backend.Void] in one round trip under the
// subject's lock.
func (s *Store) Void(ctx context.Context, subject, txID string) error {
	return s.settle(ctx, subject, txID, stateVoided)
}

func (s *Store) settle(ctx context.Context, subject, txID string, to int16) error {
	op := "commit"
	if to == stateVoided {
		op = "void"
	}
	if s.closed.Load() {
		return errClosed(op)
	}
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	if subject == "" || txID == "" {
		return invalid(op, "empty subject or transaction id")
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(s.q.lock, subject)
	b.Queue(s.q.settle, subject, txID, to)
	b.Queue("COMMIT")
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		if s.closed.Load() {
			return errClosed(op)
		}
		return wrap(op, ctx, err)
	}
	defer conn.Release()
	br := conn.SendBatch(ctx, b)
	var (
		state   *int16
		expired bool
	)
	_, err = br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	if err == nil {
		err = br.QueryRow().Scan(&state, &expired)
		if errors.Is(err, pgx.ErrNoRows) {
			err = nil
		}
	}
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return wrap(op, ctx, err)
	}
	switch {
	case state == nil:
		return fmt.Errorf("pgstore: %s %q: %w", op, txID, store.ErrNotFound)
	case expired && to == stateCommitted:
		return fmt.Errorf("pgstore: %s %q: %w: %w", op, txID, ErrExpired, store.ErrVoided)
	case expired: // voiding an expired entry: it already gave its room back
		return nil
	case *state == to, *state == statePending:
		return nil
	case *state == stateVoided:
		return fmt.Errorf("pgstore: %s %q: %w", op, txID, store.ErrVoided)
	default:
		return fmt.Errorf("pgstore: %s %q: %w", op, txID, store.ErrCommitted)
	}
}

// Aggregate implements [store.Backend.Aggregate] in one round trip. An
// unknown subject has zero aggregates. The error wraps
// [store.ErrInvalidRequest], [store.ErrOutOfRange], [store.ErrClosed], the
// context's error or the database's.
func (s *Store) Aggregate(ctx context.Context, req *store.AggregateRequest) ([]store.Aggregate, error) {
	const op = "aggregate"
	if s.closed.Load() {
		return nil, errClosed(op)
	}
	if err := ctxErr(ctx, op); err != nil {
		return nil, err
	}
	if req == nil || req.Subject == "" || req.At.IsZero() {
		return nil, invalid(op, "missing subject or time")
	}
	at, ok := micros(req.At)
	if !ok {
		return nil, fmt.Errorf("pgstore: aggregate: %w: %v", store.ErrOutOfRange, req.At)
	}
	for i := range req.Queries {
		if err := s.validateWindow(&req.Queries[i].Window); err != nil {
			return nil, fmt.Errorf("pgstore: aggregate: query %d: %w", i, err)
		}
	}
	out := make([]store.Aggregate, len(req.Queries))
	if len(req.Queries) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	b.Queue(s.q.subject, req.Subject)
	froms := make([]int64, len(req.Queries))
	for i := range req.Queries {
		q := &req.Queries[i]
		switch q.Window.Kind {
		case store.Balance:
			b.Queue(s.q.balance, req.Subject, int64(q.Classes), int64(q.Debits))
			b.Queue(s.q.aggEntry, req.Subject, req.Except)
			continue
		case store.Rolling:
			froms[i] = at - q.Window.Duration.Microseconds() + 1
		default:
			froms[i], _ = period(&q.Window, at)
		}
		b.Queue(s.q.aggWindow, req.Subject, ts(froms[i]), ts(at), int64(q.Classes), req.Except)
	}
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	fail := func(err error) ([]store.Aggregate, error) {
		if s.closed.Load() {
			return nil, errClosed(op)
		}
		return nil, wrap(op, ctx, err)
	}
	sub, err := scanSubject(br.QueryRow())
	if err != nil {
		return fail(err)
	}
	for i := range req.Queries {
		q := &req.Queries[i]
		if q.Window.Kind == store.Balance {
			out[i], err = balanceAggregate(br, q)
		} else {
			out[i], err = windowAggregate(br)
		}
		if err != nil {
			return fail(err)
		}
		if q.Window.Kind != store.Balance && froms[i] < sub.cut {
			return nil, fmt.Errorf("pgstore: aggregate: query %d: %w: %v window of %v reaches pruned entries",
				i, store.ErrOutOfRange, q.Window.Kind, req.At)
		}
	}
	if err := br.Close(); err != nil {
		return fail(err)
	}
	return out, nil
}

func windowAggregate(br pgx.BatchResults) (store.Aggregate, error) {
	var (
		a             store.Aggregate
		sum, squares  string
		last          *time.Time
		lastAmount    *string
		count, unique int64
	)
	if err := br.QueryRow().Scan(&sum, &squares, &count, &unique, &last, &lastAmount); err != nil {
		return a, err
	}
	if count == 0 {
		return a, nil
	}
	var err1, err2, err3 error
	a.Sum, err1 = decimal.NewFromString(sum)
	a.SumSquares, err2 = decimal.NewFromString(squares)
	a.Count, a.Distinct = count, unique
	if last != nil {
		a.Last = last.UTC()
	}
	if lastAmount != nil {
		a.LastAmount, err3 = decimal.NewFromString(*lastAmount)
	}
	return a, errors.Join(err1, err2, err3)
}

func balanceAggregate(br pgx.BatchResults, q *store.Query) (store.Aggregate, error) {
	var (
		a          store.Aggregate
		sum        string
		class, st  int16
		exceptAmt  string
		haveExcept = true
	)
	if err := br.QueryRow().Scan(&sum, &a.Count); err != nil {
		return a, err
	}
	var err error
	if a.Sum, err = decimal.NewFromString(sum); err != nil {
		return a, err
	}
	switch err := br.QueryRow().Scan(&class, &st, &exceptAmt); {
	case errors.Is(err, pgx.ErrNoRows):
		haveExcept = false
	case err != nil:
		return a, err
	}
	if haveExcept {
		amt, err := decimal.NewFromString(exceptAmt)
		if err != nil {
			return a, err
		}
		bit := uint64(1) << class
		if st != stateVoided && q.Classes&bit != 0 {
			a.Sum = a.Sum.Sub(amt)
			a.Count--
		}
		if st == stateCommitted && q.Debits&bit != 0 {
			a.Sum = a.Sum.Add(amt)
		}
	}
	return a, nil
}
