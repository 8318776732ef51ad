// Package replay backtests a history of transactions under two editions of
// the jurisdiction packs: it runs the same parsed stream through two
// comply.Engines, each with its own in-memory store, and counts which
// decisions change and why. It is the library behind "comply replay"; the
// HTML report is package internal/report.
//
// # How a history is replayed
//
// The input is JSON lines of payment.Transaction (payment's JSON encoding),
// read once and parsed once; a line that does not parse or validate is
// counted and listed (its line number and error), never fatal. The two
// engines run concurrently, one goroutine each, over the same parsed
// transactions, in input order.
//
// Each engine's clock follows the history: Options.Now of the engine is the
// time of the transaction being judged, so the engine's future-skew check
// (comply.Options.MaxFutureSkew) measures the input against itself and a
// history of any age can be replayed.
//
// A backtest cannot know what the host did with each decision, so it
// assumes a plain host: money moved when the decision allowed it or asked
// for review, and did not move on StepUp or Block. A reservation of Allow
// or Review is committed (Decision.Commit), any other voided
// (Decision.Void). Review counts as moved because most alerts are cleared
// by the person who reviews them, and because voiding it would hide the
// transaction from the velocity facts of later ones: a first piece of a
// structuring pattern that drew an unrelated alert would then keep the
// last piece from being seen. A pack that refuses more (Block, StepUp)
// leaves more room under every cap for later transactions, as it would in
// production.
//
// # What counts as a change
//
// A decision changes when its action differs, or when the set of rule ids of
// its findings differs under the same action. A transaction that one engine
// could not decide (Evaluate returned an error) has the outcome "error".
package replay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Outcome is the result of one engine on one transaction: an action, or
// an error.
type Outcome uint8

// The outcomes, in the order of their columns in every table.
const (
	Allow Outcome = iota
	Review
	StepUp
	Block
	Error
	NumOutcomes = int(Error) + 1
)

var outcomeNames = [NumOutcomes]string{"allow", "review", "step_up", "block", "error"}

// String returns the outcome's name: the action's (allow, review, step_up,
// block) or "error".
func (o Outcome) String() string {
	if int(o) < NumOutcomes {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", o)
}

// MarshalText encodes the outcome's name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

func outcomeOf(d *comply.Decision, err error) Outcome {
	if err != nil || d == nil {
		return Error
	}
	switch d.Action {
	case rule.Allow:
		return Allow
	case rule.Review:
		return Review
	case rule.StepUp:
		return StepUp
	case rule.Block:
		return Block
	}
	return Error
}

// Counts holds one count per outcome.
type Counts [NumOutcomes]int

// MarshalJSON encodes the counts as an object keyed by outcome name.
func (c Counts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, n := range c {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%d", outcomeNames[i], n)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Total returns the sum of the counts.
func (c Counts) Total() int {
	n := 0
	for _, x := range c {
		n += x
	}
	return n
}

// Options configures Run. Old and New are required.
type Options struct {
	// Old and New are the packs of the two runs (each engine gets all the
	// packs of its side). Required.
	Old, New []*jurisdiction.Pack
	// OldName and NewName label the two sides in the output, e.g. the
	// --pack arguments. Default "old" and "new".
	OldName, NewName string
	// MaxChanges is how many changed decisions Result.Changes lists (the
	// first ones in input order). Default 20; negative lists none.
	MaxChanges int
	// MaxMalformed is how many malformed lines Result.Malformed lists.
	// Default 20; negative lists none.
	MaxMalformed int
	// Location is the time zone of the days of Result.Days. Default: the
	// time zone of the first Old pack, else UTC.
	Location *time.Location
	// Progress, if set, is called from one goroutine after every batch of
	// transactions, in order, with the input bytes consumed so far and the
	// transactions judged so far.
	Progress func(bytes int64, transactions int)
	// Observe, if set, is called from one goroutine for every transaction,
	// in input order, with both decisions (nil where that engine returned
	// an error). It must not keep or change them.
	Observe func(tx *payment.Transaction, old, new *comply.Decision)
	// BatchSize is how many transactions travel together between the
	// parser, the engines and the tally. Default 256.
	BatchSize int
}

// Side describes one of the two runs.
type Side struct {
	// Name is Options.OldName or NewName.
	Name string `json:"name"`
	// Packs are the pack editions of the side.
	Packs []jurisdiction.Ref `json:"packs"`
	// Outcomes counts the decisions by outcome.
	Outcomes Counts `json:"outcomes"`
	// Errors lists the distinct evaluation errors (at most 10), if any.
	Errors []string `json:"errors,omitempty"`
}

// RuleCount is how many decisions of each side have at least one finding
// of a rule.
type RuleCount struct {
	Rule rule.ID `json:"rule"`
	Old  int     `json:"old"`
	New  int     `json:"new"`
}

// Day counts the decisions of one calendar day by outcome.
type Day struct {
	// Date is the day, YYYY-MM-DD in Options.Location.
	Date string `json:"date"`
	Old  Counts `json:"old"`
	New  Counts `json:"new"`
}

// Change is one decision that differs between the runs.
type Change struct {
	// Line is the input line of the transaction.
	Line int `json:"line"`
	// TxID, Time and Customer identify the transaction.
	TxID     string    `json:"tx_id"`
	Time     time.Time `json:"time"`
	Customer string    `json:"customer"`
	// Old and New are the two outcomes.
	Old Outcome `json:"old"`
	New Outcome `json:"new"`
	// Added are the findings only the new run has; Removed, only the old.
	Added   []ChangedFinding `json:"added,omitempty"`
	Removed []ChangedFinding `json:"removed,omitempty"`
	// OldError and NewError are the evaluation errors, if any.
	OldError string `json:"old_error,omitempty"`
	NewError string `json:"new_error,omitempty"`
}

// ChangedFinding is a finding present on one side only.
type ChangedFinding struct {
	Rule    rule.ID     `json:"rule"`
	Action  rule.Action `json:"action"`
	Message string      `json:"message"`
}

// Malformed is an input line that is not a valid transaction.
type Malformed struct {
	Line int    `json:"line"`
	Err  string `json:"error"`
}

// Result is the outcome of a replay.
type Result struct {
	// Transactions is the number of valid transactions judged.
	Transactions int `json:"transactions"`
	// MalformedLines is the number of lines that are not valid
	// transactions; Malformed lists the first Options.MaxMalformed.
	MalformedLines int         `json:"malformed_lines"`
	Malformed      []Malformed `json:"malformed,omitempty"`
	// Old and New describe the two runs.
	Old Side `json:"old"`
	New Side `json:"new"`
	// Transitions[i][j] counts the transactions with old outcome i and new
	// outcome j.
	Transitions [NumOutcomes]Counts `json:"transitions"`
	// Rules counts decisions per rule id, sorted by id.
	Rules []RuleCount `json:"rules"`
	// Days counts decisions per calendar day, in date order; days without
	// transactions are left out.
	Days []Day `json:"days"`
	// Changed is the number of changed decisions; ActionChanged the number
	// whose outcome changed.
	Changed       int `json:"changed"`
	ActionChanged int `json:"action_changed"`
	// Changes lists the first Options.MaxChanges changed decisions.
	Changes []Change `json:"changes"`
	// Elapsed is the wall time of the replay.
	Elapsed time.Duration `json:"-"`
}

// ErrNoPacks is returned when Options.Old or New is empty.
var ErrNoPacks = errors.New("replay: both sides need at least one pack")

// maxLine is the longest input line accepted (1 MiB).
const maxLine = 1 << 20

type batch struct {
	txs      []*payment.Transaction
	lines    []int
	old, new []*comply.Decision
	oldErr   []error
	newErr   []error
	bytes    int64
	done     sync.WaitGroup
}

// Run replays the JSON lines of r under both sides and returns the tally.
// It returns an error when the packs do not compile (wrapping the error of
// comply.New), when r fails, when a line is longer than 1 MiB, when the
// store refuses to commit or void, or when ctx is done.
func Run(ctx context.Context, r io.Reader, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if len(o.Old) == 0 || len(o.New) == 0 {
		return nil, ErrNoPacks
	}
	if o.OldName == "" {
		o.OldName = "old"
	}
	if o.NewName == "" {
		o.NewName = "new"
	}
	if o.MaxChanges == 0 {
		o.MaxChanges = 20
	}
	if o.MaxMalformed == 0 {
		o.MaxMalformed = 20
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 256
	}
	if o.Location == nil {
		o.Location = time.UTC
		if tz := o.Old[0].TimeZone; tz != "" {
			if loc, err := time.LoadLocation(tz); err == nil {
				o.Location = loc
			}
		}
	}
	start := time.Now()
	oldEng, oldClock, err := newEngine(o.Old)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.OldName, err)
	}
	newEng, newClock, err := newEngine(o.New)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.NewName, err)
	}
	res := &Result{
		Old:     Side{Name: o.OldName, Packs: refs(o.Old)},
		New:     Side{Name: o.NewName, Packs: refs(o.New)},
		Changes: []Change{},
		Rules:   []RuleCount{},
		Days:    []Day{},
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	toOld := make(chan *batch, 16)
	toNew := make(chan *batch, 16)
	toTally := make(chan *batch, 40)

	// The engines: one goroutine each.
	var wg sync.WaitGroup
	judge := func(eng *comply.Engine, clock *time.Time, in <-chan *batch, isOld bool) {
		defer wg.Done()
		for b := range in {
			if ctx.Err() == nil {
				if err := decide(ctx, eng, clock, b, isOld); err != nil {
					cancel(err)
				}
			}
			b.done.Done()
		}
	}
	wg.Add(2)
	go judge(oldEng, oldClock, toOld, true)
	go judge(newEng, newClock, toNew, false)

	// The tally, in input order.
	t := newTally(&o, res)
	tallyDone := make(chan struct{})
	go func() {
		defer close(tallyDone)
		for b := range toTally {
			b.done.Wait()
			if ctx.Err() != nil {
				continue
			}
			t.add(b)
			if o.Progress != nil {
				o.Progress(b.bytes, res.Transactions)
			}
		}
	}()

	readErr := read(ctx, r, &o, res, func(b *batch) {
		b.done.Add(2)
		toOld <- b
		toNew <- b
		toTally <- b
	})
	close(toOld)
	close(toNew)
	close(toTally)
	wg.Wait()
	<-tallyDone
	if readErr != nil {
		return nil, readErr
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	t.finish()
	res.Elapsed = time.Since(start)
	return res, nil
}

func refs(ps []*jurisdiction.Pack) []jurisdiction.Ref {
	out := make([]jurisdiction.Ref, len(ps))
	for i, p := range ps {
		out[i] = p.Ref()
	}
	return out
}

// newEngine compiles packs into an engine with its own memstore whose clock
// is *clock, set by the engine's goroutine to each transaction's time.
func newEngine(packs []*jurisdiction.Pack) (*comply.Engine, *time.Time, error) {
	clock := new(time.Time)
	eng, err := comply.New(&comply.Options{
		Packs: packs,
		Now:   func() time.Time { return *clock },
	})
	return eng, clock, err
}

// decide judges a batch on one engine and settles each reservation: Commit
// on Allow and Review, Void otherwise (see the package comment).
func decide(ctx context.Context, eng *comply.Engine, clock *time.Time, b *batch, isOld bool) error {
	ds, errs := b.new, b.newErr
	if isOld {
		ds, errs = b.old, b.oldErr
	}
	for i, tx := range b.txs {
		*clock = tx.Time
		d, err := eng.Evaluate(ctx, tx)
		if err != nil {
			errs[i] = err
			continue
		}
		ds[i] = d
		if !d.Reserved {
			continue
		}
		if d.Action == rule.Allow || d.Action == rule.Review {
			err = d.Commit(ctx)
		} else {
			err = d.Void(ctx)
		}
		if err != nil && !errors.Is(err, comply.ErrNotReserved) {
			return fmt.Errorf("replay: settling %s: %w", tx.ID, err)
		}
	}
	return nil
}

// read parses r into batches and hands each to send.
func read(ctx context.Context, r io.Reader, o *Options, res *Result, send func(*batch)) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var consumed int64
	line := 0
	newBatch := func() *batch {
		return &batch{
			txs:   make([]*payment.Transaction, 0, o.BatchSize),
			lines: make([]int, 0, o.BatchSize),
		}
	}
	flush := func(b *batch) {
		n := len(b.txs)
		b.old = make([]*comply.Decision, n)
		b.new = make([]*comply.Decision, n)
		b.oldErr = make([]error, n)
		b.newErr = make([]error, n)
		b.bytes = consumed
		send(b)
	}
	b := newBatch()
	var long []byte
	for {
		if ctx.Err() != nil {
			return nil
		}
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(long)+len(chunk) > maxLine {
				return fmt.Errorf("replay: line %d is longer than %d bytes", line+1, maxLine)
			}
			long = append(long, chunk...)
			consumed += int64(len(chunk))
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("replay: reading: %w", err)
		}
		consumed += int64(len(chunk))
		data := chunk
		if len(long) > 0 {
			long = append(long, chunk...)
			data = long
		}
		if len(data) > 0 {
			line++
			if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 {
				tx, perr := payment.ParseTransactionJSON(trimmed)
				if perr != nil {
					res.MalformedLines++
					if len(res.Malformed) < o.MaxMalformed {
						res.Malformed = append(res.Malformed, Malformed{Line: line, Err: perr.Error()})
					}
				} else {
					b.txs = append(b.txs, tx)
					b.lines = append(b.lines, line)
					if len(b.txs) == o.BatchSize {
						flush(b)
						b = newBatch()
					}
				}
			}
		}
		long = long[:0]
		if long != nil && cap(long) > maxLine {
			long = nil
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if len(b.txs) > 0 {
		flush(b)
	}
	return nil
}

// tally accumulates the result from batches in input order.
type tally struct {
	o     *Options
	res   *Result
	rules map[rule.ID]*RuleCount
	days  map[string]*Day
	// errors seen per side, for Side.Errors
	oldErrs, newErrs map[string]bool
	seen             []rule.ID // scratch
	// the day of the last transaction: [lastFrom, lastTo)
	last             *Day
	lastFrom, lastTo time.Time
}

func newTally(o *Options, res *Result) *tally {
	return &tally{o: o, res: res, rules: map[rule.ID]*RuleCount{}, days: map[string]*Day{}, oldErrs: map[string]bool{}, newErrs: map[string]bool{}}
}

func (t *tally) add(b *batch) {
	res := t.res
	for i, tx := range b.txs {
		od, nd := b.old[i], b.new[i]
		oo, no := outcomeOf(od, b.oldErr[i]), outcomeOf(nd, b.newErr[i])
		res.Transactions++
		res.Old.Outcomes[oo]++
		res.New.Outcomes[no]++
		res.Transitions[oo][no]++
		t.countRules(od, true)
		t.countRules(nd, false)
		t.noteErr(&res.Old, t.oldErrs, b.oldErr[i])
		t.noteErr(&res.New, t.newErrs, b.newErr[i])
		day := t.day(tx.Time)
		day.Old[oo]++
		day.New[no]++
		if oo != no || !sameRules(od, nd) {
			res.Changed++
			if oo != no {
				res.ActionChanged++
			}
			if len(res.Changes) < t.o.MaxChanges {
				res.Changes = append(res.Changes, change(b.lines[i], tx, od, nd, oo, no, b.oldErr[i], b.newErr[i]))
			}
		}
		if t.o.Observe != nil {
			t.o.Observe(tx, od, nd)
		}
	}
}

// day returns the counts of the calendar day of at, in Options.Location.
// The last day looked up is cached: histories come mostly in time order.
func (t *tally) day(at time.Time) *Day {
	if t.last != nil && !at.Before(t.lastFrom) && at.Before(t.lastTo) {
		return t.last
	}
	local := at.In(t.o.Location)
	y, m, d := local.Date()
	key := local.Format(time.DateOnly)
	day := t.days[key]
	if day == nil {
		day = &Day{Date: key}
		t.days[key] = day
	}
	t.last = day
	t.lastFrom = time.Date(y, m, d, 0, 0, 0, 0, t.o.Location)
	t.lastTo = t.lastFrom.AddDate(0, 0, 1)
	return day
}

func (t *tally) noteErr(s *Side, seen map[string]bool, err error) {
	if err == nil || len(s.Errors) >= 10 {
		return
	}
	msg := err.Error()
	if !seen[msg] {
		seen[msg] = true
		s.Errors = append(s.Errors, msg)
	}
}

// countRules counts each rule id once per decision.
func (t *tally) countRules(d *comply.Decision, old bool) {
	if d == nil {
		return
	}
	t.seen = t.seen[:0]
	for i := range d.Findings {
		id := d.Findings[i].Rule
		if slices.Contains(t.seen, id) {
			continue
		}
		t.seen = append(t.seen, id)
		rc := t.rules[id]
		if rc == nil {
			rc = &RuleCount{Rule: id}
			t.rules[id] = rc
		}
		if old {
			rc.Old++
		} else {
			rc.New++
		}
	}
}

func hasRule(d *comply.Decision, id rule.ID) bool {
	for i := range d.Findings {
		if d.Findings[i].Rule == id {
			return true
		}
	}
	return false
}

func sameRules(a, b *comply.Decision) bool {
	if a == nil || b == nil {
		return a == b
	}
	for i := range a.Findings {
		if !hasRule(b, a.Findings[i].Rule) {
			return false
		}
	}
	for i := range b.Findings {
		if !hasRule(a, b.Findings[i].Rule) {
			return false
		}
	}
	return true
}

// only returns the findings of a whose rule b has not, one per rule id.
func only(a, b *comply.Decision) []ChangedFinding {
	if a == nil {
		return nil
	}
	var out []ChangedFinding
	for _, f := range a.Findings {
		if b != nil && hasRule(b, f.Rule) {
			continue
		}
		if slices.ContainsFunc(out, func(c ChangedFinding) bool { return c.Rule == f.Rule }) {
			continue
		}
		out = append(out, ChangedFinding{Rule: f.Rule, Action: f.Action, Message: f.Message})
	}
	return out
}

func change(line int, tx *payment.Transaction, od, nd *comply.Decision, oo, no Outcome, oerr, nerr error) Change {
	c := Change{Line: line, TxID: tx.ID, Time: tx.Time, Customer: tx.Customer.ID, Old: oo, New: no,
		Added: only(nd, od), Removed: only(od, nd)}
	if oerr != nil {
		c.OldError = oerr.Error()
	}
	if nerr != nil {
		c.NewError = nerr.Error()
	}
	return c
}

// finish sorts the rule counts and the days.
func (t *tally) finish() {
	res := t.res
	for _, rc := range t.rules {
		res.Rules = append(res.Rules, *rc)
	}
	sort.Slice(res.Rules, func(i, j int) bool { return res.Rules[i].Rule < res.Rules[j].Rule })
	for _, d := range t.days {
		res.Days = append(res.Days, *d)
	}
	sort.Slice(res.Days, func(i, j int) bool { return res.Days[i].Date < res.Days[j].Date })
}
