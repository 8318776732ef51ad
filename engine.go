package comply

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/kyc/screening"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/shopspring/decimal"
)

// FXSource converts amounts between currencies. The host supplies it; comply
// never fetches rates itself.
type FXSource interface {
	// Rate returns how many units of to one unit of from is worth at time
	// at. The rate must be positive.
	Rate(ctx context.Context, from, to payment.Currency, at time.Time) (decimal.Decimal, error)
}

// EvaluateFunc is the signature of [Engine.Evaluate], for hooks.
type EvaluateFunc func(ctx context.Context, tx *payment.Transaction) (*Decision, error)

// Hook wraps evaluation, for audit logging, metrics or tracing:
//
//	func(next comply.EvaluateFunc) comply.EvaluateFunc {
//		return func(ctx context.Context, tx *payment.Transaction) (*comply.Decision, error) {
//			d, err := next(ctx, tx)
//			// record d
//			return d, err
//		}
//	}
type Hook func(next EvaluateFunc) EvaluateFunc

// Options configures [New]. A nil *Options is not enough: Packs is required.
// New copies the struct and never changes the caller's.
type Options struct {
	// Packs are the jurisdiction packs to judge by, at most one per country
	// code. Required.
	Packs []*jurisdiction.Pack
	// Store holds the aggregates behind the limits. Use a shared backend
	// (Redis, PostgreSQL) when several replicas serve the same customers.
	// Default: a new embedded memstore.
	Store store.Backend
	// FX converts amounts into a pack's currency. Default: none, and a
	// transaction in another currency fails with ErrNoFXSource.
	FX FXSource
	// OnStoreError is the action of the decision when the store fails: one
	// of Review, StepUp or Block. Default: none, and Evaluate returns an
	// error wrapping ErrStore. Allow is refused: a store failure never
	// allows silently.
	OnStoreError rule.Action
	// Logger receives warnings, such as store failures answered with
	// OnStoreError. Default: a logger that discards everything.
	Logger *slog.Logger
	// Now stamps Decision.EvaluatedAt; it never judges a transaction.
	// Default: time.Now.
	Now func() time.Time
	// MaxFutureSkew is how far after Now a transaction's time may lie. A
	// time further ahead is refused as invalid (payment.ErrInvalidTime):
	// the store anchors its retention at the newest time it has seen, so
	// one wildly future-dated transaction would put a customer's older
	// entries out of range. Default: 24 hours.
	MaxFutureSkew time.Duration
	// Hooks wrap Evaluate, the first one outermost. Default: none.
	Hooks []Hook
	// Screener screens the customer's and the counterparty's names against
	// sanctions and PEP lists on every transaction. Default: none.
	Screener *screening.Screener
	// Registers are the registers of licensed providers that packs check
	// counterparties' provider claims against (see package
	// kyc/registry). Default: none, and every claim to a register a pack
	// names gets a Review finding (registry.RuleNotLoaded).
	Registers *registry.Set
}

// Engine evaluates transactions against compiled packs. It is immutable
// and safe for concurrent use by multiple goroutines.
type Engine struct {
	packs map[string]*pack
	store store.Backend
	fx    FXSource
	onErr rule.Action
	log   *slog.Logger
	now   func() time.Time
	eval  EvaluateFunc
	scr   *screening.Screener
	skew  time.Duration
	regs  *registry.Set
}

// pack is a compiled pack with its store plans.
type pack struct {
	*jurisdiction.Compiled
	refs []jurisdiction.Ref // shared, read-only
	caps []store.Cap        // one per limit row, by row index

	amlQueries   []aml.FactQuery // the AML program's fact queries
	storeQueries []store.Query   // the same, as store queries
	duty         []duty          // the pack's report duties, compiled

	mu    sync.RWMutex
	plans map[uint64]*plan // by bit set of applicable windowed rows

	// factBufs recycles the []aml.Fact answers of factSource (*[]aml.Fact):
	// the program reads them only during Evaluate.
	factBufs sync.Pool
}

// plan is the store caps of one set of windowed rows.
type plan struct {
	caps []store.Cap
	rows []*limits.Row
}

// New validates the options and compiles every pack once. Errors wrap
// [ErrInvalidOptions] or carry a [rule.ErrorList] naming each problem.
func New(opts *Options) (*Engine, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if len(o.Packs) == 0 {
		return nil, fmt.Errorf("%w: no packs", ErrInvalidOptions)
	}
	if o.OnStoreError != rule.ActionUnspecified && (o.OnStoreError == rule.Allow || !o.OnStoreError.Valid()) {
		return nil, fmt.Errorf("%w: OnStoreError must be review, step_up or block, not %s", ErrInvalidOptions, o.OnStoreError)
	}
	e := &Engine{
		packs: make(map[string]*pack, len(o.Packs)),
		store: o.Store,
		fx:    o.FX,
		onErr: o.OnStoreError,
		log:   o.Logger,
		now:   o.Now,
		scr:   o.Screener,
		skew:  o.MaxFutureSkew,
		regs:  o.Registers,
	}
	if e.skew < 0 {
		return nil, fmt.Errorf("%w: negative MaxFutureSkew", ErrInvalidOptions)
	}
	if e.skew == 0 {
		e.skew = 24 * time.Hour
	}
	var errs []error
	for _, p := range o.Packs {
		if p == nil {
			errs = append(errs, fmt.Errorf("%w: nil pack", ErrInvalidOptions))
			continue
		}
		if _, dup := e.packs[p.Code]; dup {
			errs = append(errs, fmt.Errorf("%w: two packs for %s", ErrInvalidOptions, p.Code))
			continue
		}
		c, err := jurisdiction.Compile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e.packs[p.Code] = newPack(c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if e.store == nil {
		ms, err := memstore.New(&memstore.Options{Retention: e.retention()})
		if err != nil {
			return nil, fmt.Errorf("%w: default store: %w", ErrInvalidOptions, err)
		}
		e.store = ms
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.eval = e.evaluate
	for i := len(o.Hooks) - 1; i >= 0; i-- {
		if o.Hooks[i] != nil {
			e.eval = o.Hooks[i](e.eval)
		}
	}
	return e, nil
}

func newPack(c *jurisdiction.Compiled) *pack {
	p := &pack{
		Compiled: c,
		refs:     []jurisdiction.Ref{c.Pack.Ref()},
		plans:    make(map[uint64]*plan),
	}
	rows := c.Limits.Rows()
	p.caps = make([]store.Cap, len(rows))
	for i, r := range rows {
		if !r.Kind.Windowed() {
			continue
		}
		cp := store.Cap{
			ID:         string(r.ID),
			Classes:    r.Classes,
			Debits:     r.Debits,
			MaxAmount:  r.MaxAmount,
			MaxCount:   r.MaxCount,
			LimitCount: r.LimitCount,
			Exclusive:  r.Exclusive,
			Observe:    r.Report != nil,
		}
		switch r.Kind {
		case limits.Rolling:
			cp.Window = store.Window{Kind: store.Rolling, Duration: r.Window}
		case limits.Day:
			cp.Window = store.Window{Kind: store.Day, Location: c.Location}
		case limits.Month:
			cp.Window = store.Window{Kind: store.Month, Location: c.Location}
		case limits.Balance:
			cp.Window = store.Window{Kind: store.Balance}
		}
		p.caps[i] = cp
	}
	for _, rd := range c.Pack.Reports {
		d := duty{ReportDuty: rd, on: rd.On}
		if d.on == rule.ActionUnspecified {
			d.on = rule.Review
		}
		if !rd.From.IsZero() {
			d.from = time.Date(rd.From.Year, rd.From.Month, rd.From.Day, 0, 0, 0, 0, c.Location)
		}
		if !rd.Until.IsZero() {
			d.until = time.Date(rd.Until.Year, rd.Until.Month, rd.Until.Day+1, 0, 0, 0, 0, c.Location)
		}
		p.duty = append(p.duty, d)
	}
	if c.AML != nil {
		p.amlQueries = c.AML.Queries()
		p.storeQueries = storeQueries(p.amlQueries, c.Location)
	}
	return p
}

// duty is a compiled report duty.
type duty struct {
	jurisdiction.ReportDuty
	on          rule.Action
	from, until time.Time // [from, until); zero is open
}

// duties appends the report duties that the monitoring findings fs raise
// for tx.
func (p *pack) duties(tx *payment.Transaction, amount decimal.Decimal, fs []rule.Finding, dst []rule.Report) []rule.Report {
	for i := range p.duty {
		d := &p.duty[i]
		if !d.raisedBy(fs) || (!d.from.IsZero() && tx.Time.Before(d.from)) || (!d.until.IsZero() && !tx.Time.Before(d.until)) {
			continue
		}
		r := rule.Report{Kind: d.Kind, Rule: d.ID, Aggregation: "raised by monitoring findings of action " + d.on.String() + " or stricter",
			Due: d.Due, Citation: d.Citation, Key: string(d.ID) + ":" + tx.ID, Total: amount.String() + " " + string(p.Pack.Currency)}
		if d.MinAmount.Valid {
			if amount.LessThan(d.MinAmount.Decimal) {
				continue
			}
			r.Threshold = ">= " + d.MinAmount.Decimal.String() + " " + string(p.Pack.Currency)
		}
		dst = append(dst, r)
	}
	return dst
}

// raisedBy reports whether findings fs raise the duty: a finding of action
// on or stricter, from one of the duty's rules when it names any.
func (d *duty) raisedBy(fs []rule.Finding) bool {
	for i := range fs {
		if fs[i].Action >= d.on && (len(d.Rules) == 0 || slices.Contains(d.Rules, fs[i].Rule)) {
			return true
		}
	}
	return false
}

// storeQueries maps AML fact queries to store queries over the classes of
// their channels and directions.
func storeQueries(qs []aml.FactQuery, loc *time.Location) []store.Query {
	out := make([]store.Query, len(qs))
	for i, q := range qs {
		var classes uint64
		for ch := 1; ch < payment.NumChannels; ch++ {
			for dir := 1; dir < payment.NumDirections; dir++ {
				if q.Matches(payment.Channel(ch), payment.Direction(dir)) {
					classes |= 1 << limits.Class(payment.Channel(ch), payment.Direction(dir))
				}
			}
		}
		out[i].Classes = classes
		switch q.Window.Kind {
		case aml.Rolling:
			out[i].Window = store.Window{Kind: store.Rolling, Duration: q.Window.Duration}
		case aml.CalendarDay:
			out[i].Window = store.Window{Kind: store.Day, Location: loc}
		case aml.CalendarMonth:
			out[i].Window = store.Window{Kind: store.Month, Location: loc}
		}
	}
	return out
}

// retention is how long the default memstore keeps entries: the longest
// rolling window any pack's limit rows or rules read, plus a day, and at
// least the memstore default.
func (e *Engine) retention() time.Duration {
	r := memstore.DefaultRetention
	for _, p := range e.packs {
		for _, c := range p.caps {
			if c.Window.Kind == store.Rolling && c.Window.Duration+24*time.Hour > r {
				r = c.Window.Duration + 24*time.Hour
			}
		}
		for _, q := range p.amlQueries {
			if q.Window.Kind == aml.Rolling && q.Window.Duration+24*time.Hour > r {
				r = q.Window.Duration + 24*time.Hour
			}
		}
	}
	return r
}

// planFor returns the store caps of the windowed rows among rows. Plans are
// built once per distinct set of rows and cached.
func (p *pack) planFor(rows []*limits.Row) *plan {
	var key uint64
	cacheable := true
	for _, r := range rows {
		if !r.Kind.Windowed() {
			continue
		}
		if r.Index >= 64 {
			cacheable = false
			break
		}
		key |= 1 << r.Index
	}
	if cacheable {
		p.mu.RLock()
		pl := p.plans[key]
		p.mu.RUnlock()
		if pl != nil {
			return pl
		}
	}
	pl := &plan{}
	for _, r := range rows {
		if r.Kind.Windowed() {
			pl.caps = append(pl.caps, p.caps[r.Index])
			pl.rows = append(pl.rows, r)
		}
	}
	if cacheable {
		p.mu.Lock()
		p.plans[key] = pl
		p.mu.Unlock()
	}
	return pl
}

// Evaluate judges tx and returns one decision.
//
// It returns:
//   - a Decision and nil: the decision, whatever its action. An Allow or
//     Review decision with Reserved set holds tx's amount in the store until
//     [Decision.Commit] or [Decision.Void].
//   - nil and an error wrapping [ErrInvalidTransaction] (and the
//     payment.ValidationError): tx is malformed; nothing was recorded.
//   - nil and [ErrNoPack], [ErrNoFXSource] or [ErrFX]: the engine cannot
//     judge tx; nothing was recorded.
//   - nil and [ErrStore] or the context's error: the engine could not decide;
//     fail closed.
//
// A retry with the same transaction id returns a decision with Duplicate
// set: the first reservation stands and nothing is counted twice.
func (e *Engine) Evaluate(ctx context.Context, tx *payment.Transaction) (*Decision, error) {
	return e.eval(ctx, tx)
}

func (e *Engine) evaluate(ctx context.Context, tx *payment.Transaction) (*Decision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := tx.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTransaction, err)
	}
	now := e.now()
	if limit := now.Add(e.skew); tx.Time.After(limit) {
		return nil, fmt.Errorf("%w: time: %w: %s is more than %s ahead of the clock", ErrInvalidTransaction, payment.ErrInvalidTime, tx.Time.Format(time.RFC3339), e.skew)
	}
	d := &Decision{TxID: tx.ID, engine: e}
	if err := e.pickPacks(d, tx); err != nil {
		return nil, err
	}

	// Screening runs once, whatever the packs.
	pep := tx.Customer.PEP
	if e.scr != nil {
		d.Findings = append(d.Findings, e.scr.Check(tx)...)
		// The lists may say the customer is a PEP: the KYC policy's EDD
		// trigger must see it.
		pep = pep || screenedPEP(d.Findings)
	}
	for i := 0; i < d.nlegs; i++ {
		if err := e.judge(ctx, d, &d.legs[i], tx, pep); err != nil {
			e.release(ctx, d)
			return nil, err
		}
	}
	d.Action = maxAction(d.Findings)
	if d.Action == rule.ActionUnspecified {
		d.Action = rule.Allow
	}
	if d.Action >= rule.StepUp {
		// A rule refused the transaction after a reservation was made: give
		// the room back, since no money will move.
		e.release(ctx, d)
	}
	d.EvaluatedAt = now
	return d, nil
}

// pickPacks sets the decision's legs: the pack of the transaction's
// country, then those of the customer's and the counterparty's countries
// when they differ and the engine has them (a cross-border transaction is
// judged by every pack that applies).
func (e *Engine) pickPacks(d *Decision, tx *payment.Transaction) error {
	p := e.packFor(tx.Country)
	if p == nil {
		return fmt.Errorf("%w for country %s", ErrNoPack, tx.Country)
	}
	d.legs[0].p = p
	d.nlegs = 1
	add := func(country string) {
		if country == "" {
			return
		}
		q := e.packFor(country)
		if q == nil {
			return
		}
		for i := 0; i < d.nlegs; i++ {
			if d.legs[i].p == q {
				return
			}
		}
		d.legs[d.nlegs].p = q
		d.nlegs++
	}
	add(tx.Customer.Country)
	if tx.Counterparty != nil {
		add(tx.Counterparty.Country)
	}
	if d.nlegs == 1 {
		d.Packs = p.refs // shared, read-only: no allocation
		return nil
	}
	for i := 0; i < d.nlegs; i++ {
		d.Packs = append(d.Packs, d.legs[i].p.refs...)
	}
	return nil
}

// judge runs one pack's KYC policy, limits (with the one atomic
// reservation) and monitoring rules, adding to the decision.
func (e *Engine) judge(ctx context.Context, d *Decision, lg *leg, tx *payment.Transaction, pep bool) error {
	p := lg.p
	amount, err := e.convert(ctx, tx, p)
	if err != nil {
		return err
	}
	lg.subject = p.Pack.Code + "/" + tx.Customer.ID

	// Rules other than the limit table see the transaction in the pack's
	// currency.
	ptx := tx
	if tx.Amount.Currency != p.Pack.Currency || pep != tx.Customer.PEP {
		c := *tx
		c.Amount = payment.Money{Amount: amount, Currency: p.Pack.Currency}
		c.Customer.PEP = pep
		ptx = &c
	}
	if p.KYC != nil {
		fs, err := p.KYC.Check(ptx)
		if err != nil {
			return fmt.Errorf("comply: kyc: %w", err)
		}
		d.Findings = append(d.Findings, fs...)
	}
	if err := e.checkCosts(d, p, tx); err != nil {
		return err
	}

	tbl := p.Limits
	var buf [16]*limits.Row
	rows := tbl.Applicable(tx, buf[:0])
	d.Findings = tbl.CheckTransaction(tx, amount, rows, d.Findings)
	d.Reports = tbl.TransactionReports(tx, amount, rows, d.Reports)

	if maxAction(d.Findings) < rule.StepUp {
		if err := e.reserve(ctx, d, lg, tx, amount, rows); err != nil {
			return err
		}
	}
	if p.AML == nil {
		return nil
	}
	lg.facts = factSource{e: e, p: p, subject: lg.subject, tx: tx}
	in := aml.Input{Tx: ptx, Facts: &lg.facts, Location: p.Location, MaxAmount: maxPerTransaction(rows)}
	if tx.Counterparty != nil {
		in.CounterpartyFirstSeen = tx.Counterparty.FirstSeen
	}
	fs, err := p.AML.Evaluate(ctx, &in)
	lg.facts.release()
	switch {
	case err == nil:
		d.Findings = append(d.Findings, fs...)
		d.Reports = p.duties(tx, amount, fs, d.Reports)
	case errors.Is(err, ErrStore) && ctx.Err() == nil && e.onErr != rule.ActionUnspecified:
		e.log.WarnContext(ctx, "comply: store failed reading facts; answering with the configured fallback",
			slog.String("tx", tx.ID), slog.String("action", e.onErr.String()), slog.Any("error", err))
		d.Findings = append(d.Findings, rule.Finding{
			Rule:    "comply.store_unavailable",
			Action:  e.onErr,
			Code:    rule.CodeStoreError,
			Message: "the store failed, so monitoring rules could not read their facts: " + err.Error(),
		})
	default:
		return fmt.Errorf("comply: aml: %w", err)
	}
	return nil
}

// release voids the reservations the decision no longer stands behind. A
// failure is logged: the entry stays pending, which over-counts (never
// under-counts) until the host or a sweeper voids it.
func (e *Engine) release(ctx context.Context, d *Decision) {
	for i := 0; i < d.nlegs; i++ {
		lg := &d.legs[i]
		if !lg.reserved || lg.duplicate {
			continue
		}
		if err := e.store.Void(ctx, lg.subject, d.TxID); err != nil {
			e.log.WarnContext(ctx, "comply: could not release a refused reservation", slog.String("tx", d.TxID), slog.Any("error", err))
			continue
		}
		lg.reserved = false
	}
	d.Reserved = false
	for i := 0; i < d.nlegs; i++ {
		d.Reserved = d.Reserved || d.legs[i].reserved
	}
}

// screenedPEP reports whether screening found the customer on a PEP list.
func screenedPEP(fs []rule.Finding) bool {
	for i := range fs {
		if fs[i].Rule != screening.RulePEP {
			continue
		}
		for _, v := range fs[i].Values {
			if v.Name == "party" && v.Value == "customer" {
				return true
			}
		}
	}
	return false
}

// euMembers are the EU member states, whose transactions the "EU" pack
// judges when no pack for the member state itself is given.
var euMembers = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true, "FI": true,
	"FR": true, "DE": true, "GR": true, "HU": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true,
	"MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true,
}

// packFor returns the pack for a country: its own, or the EU pack for an EU
// member state.
func (e *Engine) packFor(country string) *pack {
	if p := e.packs[country]; p != nil {
		return p
	}
	if euMembers[country] {
		return e.packs["EU"]
	}
	return nil
}

// maxPerTransaction returns the smallest per-transaction cap among rows, or
// zero when none applies.
func maxPerTransaction(rows []*limits.Row) decimal.Decimal {
	var m decimal.Decimal
	for _, r := range rows {
		if r.Kind == limits.PerTransaction && r.Report == nil && r.MaxAmount.Valid && (m.IsZero() || r.MaxAmount.Decimal.LessThan(m)) {
			m = r.MaxAmount.Decimal
		}
	}
	return m
}

// factSource answers the AML program's fact queries from the store, in one
// call, leaving out the transaction being evaluated.
type factSource struct {
	e       *Engine
	p       *pack
	subject string
	tx      *payment.Transaction
	buf     *[]aml.Fact // the answer's buffer, from p.factBufs; see release
}

// release gives the answer's buffer back to the pack, once the program has
// returned: nothing it returns refers to the facts.
func (f *factSource) release() {
	if f.buf != nil {
		f.p.factBufs.Put(f.buf)
		f.buf = nil
	}
}

// Facts implements aml.FactSource.
func (f *factSource) Facts(ctx context.Context, qs []aml.FactQuery) ([]aml.Fact, error) {
	sq := f.p.storeQueries
	if !sameQueries(qs, f.p.amlQueries) {
		sq = storeQueries(qs, f.p.Location)
	}
	aggs, err := f.e.store.Aggregate(ctx, &store.AggregateRequest{Subject: f.subject, At: f.tx.Time, Except: f.tx.ID, Queries: sq})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	if len(aggs) != len(qs) {
		return nil, fmt.Errorf("%w: %d aggregates for %d queries", ErrStore, len(aggs), len(qs))
	}
	var out []aml.Fact
	if f.buf == nil {
		bp, _ := f.p.factBufs.Get().(*[]aml.Fact)
		if bp == nil {
			bp = new([]aml.Fact)
		}
		if cap(*bp) < len(aggs) {
			*bp = make([]aml.Fact, len(aggs))
		}
		out, f.buf = (*bp)[:len(aggs)], bp
	} else {
		// A second call in one evaluation (the program makes one) must not
		// overwrite the first answer, which the program may still read.
		out = make([]aml.Fact, len(aggs))
	}
	for i, a := range aggs {
		out[i] = aml.Fact{Sum: a.Sum, SumSquares: a.SumSquares, Count: a.Count, Distinct: a.Distinct, Last: a.Last, LastAmount: a.LastAmount}
	}
	return out, nil
}

// sameQueries reports whether a and b are the same fact queries in the same
// order. The program passes its own slice, of which amlQueries is a copy,
// so the store queries mapped once in newPack serve every transaction.
func sameQueries(a, b []aml.FactQuery) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Window != b[i].Window || !slices.Equal(a[i].Channels, b[i].Channels) || !slices.Equal(a[i].Directions, b[i].Directions) {
			return false
		}
	}
	return true
}

// reserve makes the one atomic store call and turns its result into
// findings and reports.
func (e *Engine) reserve(ctx context.Context, d *Decision, lg *leg, tx *payment.Transaction, amount decimal.Decimal, rows []*limits.Row) error {
	p := lg.p
	pl := p.planFor(rows)
	req := &lg.req
	*req = store.Request{
		Subject:  lg.subject,
		TxID:     tx.ID,
		Time:     tx.Time,
		Class:    limits.Class(tx.Channel, tx.Direction),
		Amount:   amount,
		Currency: string(p.Pack.Currency),
		Caps:     pl.caps,
	}
	if tx.Counterparty != nil {
		req.Counterparty = tx.Counterparty.ID
	}
	res, err := e.store.Reserve(ctx, req)
	if err != nil {
		if ctx.Err() != nil || e.onErr == rule.ActionUnspecified {
			return fmt.Errorf("%w: %w", ErrStore, err)
		}
		e.log.WarnContext(ctx, "comply: store failed; answering with the configured fallback",
			slog.String("tx", tx.ID), slog.String("action", e.onErr.String()), slog.Any("error", err))
		d.Findings = append(d.Findings, rule.Finding{
			Rule:    "comply.store_unavailable",
			Action:  e.onErr,
			Code:    rule.CodeStoreError,
			Message: "the limit store failed, so limits could not be checked: " + err.Error(),
		})
		return nil
	}
	tbl := p.Limits
	switch res.Status {
	case store.Reserved:
		lg.reserved, d.Reserved = true, true
		for _, u := range res.Reached {
			r := pl.rows[u.Cap]
			d.Reports = append(d.Reports, tbl.ReportDuty(tx, r, u.Amount.Add(amount)))
		}
	case store.Refused:
		for _, u := range res.Violations {
			d.Findings = append(d.Findings, tbl.Breach(tx, pl.rows[u.Cap], amount, u.Amount, u.Count))
		}
	case store.Duplicate:
		lg.duplicate, d.Duplicate = true, true
		if res.State == store.Voided {
			d.Findings = append(d.Findings, rule.Finding{
				Rule:    "comply.duplicate_voided",
				Action:  rule.Block,
				Code:    "duplicate_voided",
				Message: "transaction id " + tx.ID + " was reserved and then voided; a new attempt needs a new id",
			})
		} else {
			lg.reserved, d.Reserved = true, true
		}
	default:
		return fmt.Errorf("%w: unexpected reservation status %s", ErrStore, res.Status)
	}
	return nil
}

// convert returns tx's amount in the pack's currency.
func (e *Engine) convert(ctx context.Context, tx *payment.Transaction, p *pack) (decimal.Decimal, error) {
	if tx.Amount.Currency == p.Pack.Currency {
		return tx.Amount.Amount, nil
	}
	if e.fx == nil {
		return decimal.Decimal{}, fmt.Errorf("%w: transaction %s is in %s and pack %s counts in %s", ErrNoFXSource, tx.ID, tx.Amount.Currency, p.Pack.Code, p.Pack.Currency)
	}
	rate, err := e.fx.Rate(ctx, tx.Amount.Currency, p.Pack.Currency, tx.Time)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %s→%s: %w", ErrFX, tx.Amount.Currency, p.Pack.Currency, err)
	}
	if rate.Sign() <= 0 {
		return decimal.Decimal{}, fmt.Errorf("%w: %s→%s rate %s is not positive", ErrFX, tx.Amount.Currency, p.Pack.Currency, rate)
	}
	// Round up to the pack currency's minor unit: limits are never
	// under-counted by conversion.
	return tx.Amount.Amount.Mul(rate).RoundCeil(p.Pack.Currency.MinorUnits()), nil
}

func maxAction(fs []rule.Finding) rule.Action {
	a := rule.ActionUnspecified
	for i := range fs {
		a = rule.Max(a, fs[i].Action)
	}
	return a
}
