package memstore

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// noCut is the horizon of a subject that has never been pruned.
const noCut = math.MinInt64

// idMapMin is the number of entries from which a subject indexes its
// transaction ids in a map; below it, a scan is as fast and much smaller.
const idMapMin = 16

// maxScale is the largest number of fractional digits an amount may have.
const maxScale = 18

// maxUnitBits bounds an entry's units (below 2^100, about 1.2e30), so that
// no realistic number of entries can overflow a 128-bit total.
const maxUnitBits = 100

// day is the slack, in nanoseconds, by which a calendar period's bounds are
// widened wherever pruning is concerned: time.Date is ambiguous around a
// daylight-saving change at midnight, and no zone has ever moved by a day.
const day = int64(24 * time.Hour)

// entry is what window sums read, kept apart from the identifiers so that
// scans touch half as much memory.
type entry struct {
	t     int64 // Unix nanoseconds
	amt   i128  // units at the subject's scale, below 2^maxUnitBits
	class uint8
	state store.EntryState
}

// ref identifies the entry at the same index.
type ref struct {
	id string // transaction id
	cp string // counterparty
}

// classTotal is the all-time total of one class's non-voided entries, and
// the prefix sums of its retained ones.
type classTotal struct {
	pend, comm   i128
	pendN, commN int64
	class        uint8
	track        *track // nil until the subject is tracked
}

// bucket is the total of one class's non-voided entries in one period.
type bucket struct {
	sum   i128
	n     int64
	key   int32 // periodKey
	class uint8
}

// calendar is the per-period totals of one kind (Day or Month) in one
// location.
type calendar struct {
	kind    store.WindowKind
	loc     *time.Location
	name    string
	since   int64    // totals are complete for periods starting at or after since
	buckets []bucket // sorted by key, then class
}

type subject struct {
	mu       sync.Mutex
	started  bool // currency fixed by the first entry
	currency string
	scale    int32
	newest   int64
	cut      int64            // entries dated before cut may have been pruned
	entries  []entry          // sorted by time, then arrival
	refs     []ref            // parallel to entries
	ids      map[string]int64 // transaction id → entry time; nil while entries are few
	classes  []classTotal     // one per class seen
	cals     []calendar       // every calendar asked for
	tracked  bool             // class tracks and cpIndex kept (from trackMin entries)
	*cpIndex                  // nil until tracked
}

func newSubject() *subject { return &subject{cut: noCut, newest: math.MinInt64} }

// usage is a total already counted: amount in units at the subject's scale
// and number of entries.
type usage struct {
	sum i128
	n   int64
}

func outOfRange(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{store.ErrOutOfRange}, args...)...)
}

func (s *subject) reserve(req *store.Request, t, retention int64) (store.Result, error) {
	if i := s.lookup(req.TxID); i >= 0 {
		return store.Result{Status: store.Duplicate, State: s.entries[i].state}, nil
	}
	if s.started && req.Currency != s.currency {
		return store.Result{}, fmt.Errorf("memstore: reserve: %w: request in %q, subject holds %q",
			store.ErrCurrencyMismatch, req.Currency, s.currency)
	}
	if t < s.cut {
		return store.Result{}, fmt.Errorf("memstore: reserve: %w", outOfRange("time %v: entries before %v are pruned",
			time.Unix(0, t).UTC(), time.Unix(0, s.cut).UTC()))
	}
	amt, scale, err := units(req.Amount, s.scale)
	if err != nil {
		return store.Result{}, err
	}
	if scale != s.scale {
		if err := s.rescale(scale, req.Amount); err != nil {
			return store.Result{}, err
		}
	}
	refuse, reach := false, false
	for i := range req.Caps {
		c := &req.Caps[i]
		if !c.Counts(req.Class) {
			continue
		}
		u, err := s.usage(c, t)
		if err != nil {
			return store.Result{}, fmt.Errorf("memstore: reserve: cap %d %q: %w", i, c.ID, err)
		}
		if s.hits(c, u.sum.add(amt), u.n+1) {
			if c.Observe {
				reach = true
			} else {
				refuse = true
			}
		}
	}
	var res store.Result
	if refuse {
		res.Status = store.Refused
		res.Violations = s.report(req, t, amt, false)
		return res, nil
	}
	res.Status = store.Reserved
	if reach {
		res.Reached = s.report(req, t, amt, true)
	}
	s.insert(req, t, amt, retention)
	return res, nil
}

// report lists the enforced caps that the new entry breaks (observed false)
// or the observed caps it reaches (observed true).
func (s *subject) report(req *store.Request, t int64, amt i128, observed bool) []store.Usage {
	var out []store.Usage
	for i := range req.Caps {
		c := &req.Caps[i]
		if c.Observe != observed || !c.Counts(req.Class) {
			continue
		}
		u, _ := s.usage(c, t) // succeeded in the first pass
		if s.hits(c, u.sum.add(amt), u.n+1) {
			out = append(out, store.Usage{Cap: i, ID: c.ID, Amount: u.sum.decimal(s.scale), Count: u.n})
		}
	}
	return out
}

// hits reports whether totals including the new entry break an enforced
// cap or reach an observed one: an enforced cap breaks above its bound (at
// or above when Exclusive); an observed cap is reached at or above its
// threshold (above when Exclusive).
func (s *subject) hits(c *store.Cap, total i128, n int64) bool {
	strict := c.Exclusive == c.Observe // hit only when strictly above
	if c.MaxAmount.Valid {
		if strict {
			if total.cmp(limitUnits(c.MaxAmount.Decimal, s.scale, false)) > 0 {
				return true
			}
		} else if total.cmp(limitUnits(c.MaxAmount.Decimal, s.scale, true)) >= 0 {
			return true
		}
	}
	if c.LimitCount {
		if strict {
			return n > c.MaxCount
		}
		return n >= c.MaxCount
	}
	return false
}

// usage returns what cap c already counts for a new entry at t.
func (s *subject) usage(c *store.Cap, t int64) (usage, error) {
	switch c.Window.Kind {
	case store.Rolling:
		w := int64(c.Window.Duration)
		if t-w+1 < s.cut {
			return usage{}, outOfRange("rolling window %v before %v reaches pruned entries",
				c.Window.Duration, time.Unix(0, t).UTC())
		}
		return s.rolling(c.Classes, t, w), nil
	case store.Day, store.Month:
		cal := s.calendar(&c.Window, t)
		key := cal.key(t)
		if cal.since != noCut {
			if start, _ := cal.bounds(key); start < cal.since {
				return usage{}, outOfRange("%v totals for the period of %v were not tracked since its start",
					c.Window.Kind, time.Unix(0, t).UTC())
			}
		}
		return cal.total(key, c.Classes), nil
	default: // store.Balance; validated
		return s.balance(c.Classes, c.Debits), nil
	}
}

// rolling returns the largest total and the largest count, over every window
// (s−w, s] with s in [t, t+w), of the entries of classes in mask. Only the
// window ending at t and those ending at a later entry can be the fullest.
func (s *subject) rolling(mask uint64, t, w int64) usage {
	es := s.entries
	tot := s.windowTotals(mask, t-w+1, t, nil, -1, -1)
	cur := usage{sum: tot.sum, n: tot.n}
	best := cur
	if len(es) == 0 || es[len(es)-1].t <= t {
		return best // in order: no later window holds more
	}
	// Out of order: the windows ending at each later entry, linear in the
	// entries within w after t.
	left := lowerBound(es, t-w+1)
	j := lowerBound(es, t+1)
	for ; j < len(es) && es[j].t-t < w; j++ {
		e := &es[j]
		if e.state == store.Voided || mask&(1<<e.class) == 0 {
			continue
		}
		cur.sum = cur.sum.add(e.amt)
		cur.n++
		for end := e.t - w; es[left].t <= end; left++ {
			if o := &es[left]; o.state != store.Voided && mask&(1<<o.class) != 0 {
				cur.sum = cur.sum.sub(o.amt)
				cur.n--
			}
		}
		if cur.sum.cmp(best.sum) > 0 {
			best.sum = cur.sum
		}
		best.n = max(best.n, cur.n)
	}
	return best
}

func (s *subject) balance(credits, debits uint64) usage {
	var u usage
	for i := range s.classes {
		ct := &s.classes[i]
		bit := uint64(1) << ct.class
		if credits&bit != 0 {
			u.sum = u.sum.add(ct.pend).add(ct.comm)
			u.n += ct.pendN + ct.commN
		}
		if debits&bit != 0 {
			u.sum = u.sum.sub(ct.comm)
		}
	}
	return u
}

func (s *subject) classTotal(class uint8) *classTotal {
	for i := range s.classes {
		if s.classes[i].class == class {
			return &s.classes[i]
		}
	}
	ct := classTotal{class: class}
	if s.tracked {
		ct.track = &track{}
	}
	s.classes = append(s.classes, ct)
	return &s.classes[len(s.classes)-1]
}

// calendar returns the subject's calendar for w, creating it from the
// retained entries if needed; the pointer is valid until the next call.
// Locations are matched by pointer, then by name and current offset, so
// that reloading a zone does not start a new calendar.
func (s *subject) calendar(w *store.Window, t int64) *calendar {
	loc := w.Location
	if loc == nil {
		loc = time.UTC
	}
	for i := range s.cals {
		if c := &s.cals[i]; c.kind == w.Kind && c.loc == loc {
			return c
		}
	}
	name := loc.String()
	for i := range s.cals {
		if c := &s.cals[i]; c.kind == w.Kind && c.name == name && sameOffset(c.loc, loc, t) {
			return c
		}
	}
	s.cals = append(s.cals, calendar{kind: w.Kind, loc: loc, name: name, since: s.cut})
	c := &s.cals[len(s.cals)-1]
	for i := range s.entries {
		if e := &s.entries[i]; e.state != store.Voided {
			c.add(c.key(e.t), e.class, e.amt, 1)
		}
	}
	return c
}

func sameOffset(a, b *time.Location, t int64) bool {
	u := time.Unix(0, t)
	_, oa := u.In(a).Zone()
	_, ob := u.In(b).Zone()
	return oa == ob
}

// key returns the period containing t: the local date's day number since
// 1970-01-01 for a Day calendar, year×12+month−1 for a Month calendar.
func (c *calendar) key(t int64) int32 {
	y, m, d := time.Unix(0, t).In(c.loc).Date()
	if c.kind == store.Month {
		return int32(y*12 + int(m) - 1)
	}
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// bounds returns instants before and after every instant of period key,
// each a day away from the period's midnight bounds.
func (c *calendar) bounds(key int32) (start, end int64) {
	var from, to time.Time
	if c.kind == store.Month {
		y, m := int(key)/12, time.Month(int(key)%12+1)
		from = time.Date(y, m, 1, 0, 0, 0, 0, c.loc)
		to = time.Date(y, m+1, 1, 0, 0, 0, 0, c.loc)
	} else {
		y, m, d := time.Unix(int64(key)*86400, 0).UTC().Date()
		from = time.Date(y, m, d, 0, 0, 0, 0, c.loc)
		to = time.Date(y, m, d+1, 0, 0, 0, 0, c.loc)
	}
	return from.UnixNano() - day, to.UnixNano() + day
}

// add adds amt (negative to remove) and dn entries to the bucket of
// (key, class).
func (c *calendar) add(key int32, class uint8, amt i128, dn int64) {
	b := c.buckets
	i := len(b)
	for i > 0 && (b[i-1].key > key || b[i-1].key == key && b[i-1].class > class) {
		i--
	}
	if i > 0 && b[i-1].key == key && b[i-1].class == class {
		b[i-1].sum = b[i-1].sum.add(amt)
		b[i-1].n += dn
		return
	}
	c.buckets = slices.Insert(b, i, bucket{sum: amt, n: dn, key: key, class: class})
}

func (c *calendar) total(key int32, mask uint64) usage {
	var u usage
	for i := len(c.buckets) - 1; i >= 0 && c.buckets[i].key >= key; i-- {
		if b := &c.buckets[i]; b.key == key && mask&(1<<b.class) != 0 {
			u.sum = u.sum.add(b.sum)
			u.n += b.n
		}
	}
	return u
}

// insert records a pending entry and prunes what retention no longer keeps.
func (s *subject) insert(req *store.Request, t int64, amt i128, retention int64) {
	if !s.started {
		s.started, s.currency = true, req.Currency
	}
	if s.ids != nil {
		s.ids[req.TxID] = t
	} else if len(s.entries) >= idMapMin {
		s.ids = make(map[string]int64, 2*idMapMin)
		for j := range s.entries {
			s.ids[s.refs[j].id] = s.entries[j].t
		}
		s.ids[req.TxID] = t
	}
	i := len(s.entries)
	if i > 0 && s.entries[i-1].t > t {
		i = lowerBound(s.entries, t+1)
	}
	s.entries = slices.Insert(s.entries, i, entry{t: t, amt: amt, class: req.Class, state: store.Pending})
	s.refs = slices.Insert(s.refs, i, ref{id: req.TxID, cp: req.Counterparty})
	if s.tracked && req.Counterparty != "" {
		s.addOcc(s.intern(req.Counterparty), t, req.Class)
	}
	for j := range s.cals {
		c := &s.cals[j]
		c.add(c.key(t), req.Class, amt, 1)
	}
	ct := s.classTotal(req.Class)
	ct.pend = ct.pend.add(amt)
	ct.pendN++
	if s.tracked {
		ct.track.insert(t, amt, false)
	} else if len(s.entries) >= trackMin {
		s.track()
	}
	if t > s.newest {
		s.newest = t
		s.prune(retention)
	}
}

// prune drops the entries (and ids) dated more than retention before the
// newest, once there are some a sixteenth of the retention older than that.
func (s *subject) prune(retention int64) {
	horizon := s.newest - retention
	if len(s.entries) == 0 || s.entries[0].t >= horizon-retention/16 {
		return
	}
	n := lowerBound(s.entries, horizon)
	if s.ids != nil {
		for i := range n {
			delete(s.ids, s.refs[i].id)
		}
	}
	m := copy(s.entries, s.entries[n:])
	s.entries = s.entries[:m]
	copy(s.refs, s.refs[n:])
	clear(s.refs[m:])
	s.refs = s.refs[:m]
	s.cut = horizon
	if s.tracked {
		for j := range s.classes {
			s.classes[j].track.prune(horizon)
		}
		s.pruneOccs(horizon)
	}
	for j := range s.cals {
		c := &s.cals[j]
		k := 0
		for k < len(c.buckets) {
			if _, end := c.bounds(c.buckets[k].key); end > horizon {
				break
			}
			k++
		}
		c.buckets = slices.Delete(c.buckets, 0, k)
	}
}

func (s *subject) commit(e *entry) {
	ct := s.classTotal(e.class)
	ct.pend = ct.pend.sub(e.amt)
	ct.pendN--
	ct.comm = ct.comm.add(e.amt)
	ct.commN++
	e.state = store.Committed
}

func (s *subject) void(i int) {
	e := &s.entries[i]
	ct := s.classTotal(e.class)
	if s.tracked {
		ct.track.remove(s.trackPos(i), e.amt)
		if cp := s.refs[i].cp; cp != "" {
			s.voidOcc(s.intern(cp), e.t, e.class)
		}
	}
	ct.pend = ct.pend.sub(e.amt)
	ct.pendN--
	for j := range s.cals {
		c := &s.cals[j]
		c.add(c.key(e.t), e.class, i128{}.sub(e.amt), -1)
	}
	e.state = store.Voided
}

// lookup returns the index of the entry with transaction id id, or -1.
func (s *subject) lookup(id string) int {
	if s.ids == nil {
		for i := range s.entries {
			if s.refs[i].id == id {
				return i
			}
		}
		return -1
	}
	t, ok := s.ids[id]
	if !ok {
		return -1
	}
	for i := lowerBound(s.entries, t); i < len(s.entries) && s.entries[i].t == t; i++ {
		if s.refs[i].id == id {
			return i
		}
	}
	return -1
}

// lowerBound returns the index of the first entry dated at or after t.
func lowerBound(es []entry, t int64) int {
	lo, hi := 0, len(es)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if es[mid].t < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// units converts a positive amount to units at scale, or at the smallest
// larger scale that represents it exactly (returned).
func units(d decimal.Decimal, scale int32) (i128, int32, error) {
	if d.NumDigits() > 18 {
		return unitsBig(d, scale)
	}
	coef, exp := d.CoefficientInt64(), d.Exponent()
	for exp+scale < 0 && coef%10 == 0 {
		coef /= 10
		exp++
	}
	e := exp + scale
	if e < 0 {
		if scale-e > maxScale {
			return i128{}, 0, unrepresentable(d)
		}
		return fromInt64(coef), scale - e, nil
	}
	r, ok := fromInt64(coef), true
	for e > 0 && ok {
		k := min(e, 19)
		r, ok = r.mulUint64(pow10(k))
		e -= k
	}
	if !ok || r.bitLen() > maxUnitBits {
		return i128{}, 0, unrepresentable(d)
	}
	return r, scale, nil
}

// unitsBig is units for a coefficient of more than 18 digits.
func unitsBig(d decimal.Decimal, scale int32) (i128, int32, error) {
	c, exp := d.Coefficient(), d.Exponent()
	ten := big.NewInt(10)
	var q, r big.Int
	for exp+scale < 0 {
		if q.QuoRem(c, ten, &r); r.Sign() != 0 {
			break
		}
		c.Set(&q)
		exp++
	}
	if e := exp + scale; e < 0 {
		if scale -= e; scale > maxScale {
			return i128{}, 0, unrepresentable(d)
		}
	} else if e > 40 {
		return i128{}, 0, unrepresentable(d)
	} else {
		c.Mul(c, new(big.Int).Exp(ten, big.NewInt(int64(e)), nil))
	}
	if c.BitLen() > maxUnitBits {
		return i128{}, 0, unrepresentable(d)
	}
	return fromBig(c), scale, nil
}

func unrepresentable(d decimal.Decimal) error {
	return fmt.Errorf("memstore: reserve: %w: amount %v not representable exactly at this subject's precision",
		store.ErrInvalidRequest, d)
}

// rescale raises the subject's scale, multiplying every amount and total,
// or fails without changing anything.
func (s *subject) rescale(to int32, amount decimal.Decimal) error {
	f := pow10(to - s.scale)
	for pass := range 2 {
		apply := pass == 1
		mul := func(v *i128, bound int) bool {
			r, ok := v.mulUint64(f)
			if apply {
				*v = r
			}
			return ok && r.bitLen() <= bound
		}
		for i := range s.entries {
			if !mul(&s.entries[i].amt, maxUnitBits) {
				return unrepresentable(amount)
			}
		}
		for i := range s.classes {
			ct := &s.classes[i]
			if !mul(&ct.pend, 126) || !mul(&ct.comm, 126) {
				return unrepresentable(amount)
			}
		}
		for j := range s.cals {
			c := &s.cals[j]
			for i := range c.buckets {
				if !mul(&c.buckets[i].sum, 126) {
					return unrepresentable(amount)
				}
			}
		}
	}
	s.scale = to
	if s.tracked {
		s.rebuildTracks()
	}
	return nil
}

// aggregate answers one query as of at: O(classes × log n) for sums,
// counts and Last; Distinct as described at [subject.distinct].
// skip is the index of the entry left out (Except), -1 for none, and
// skipPos its position in its class track.
func (s *subject) aggregate(q *store.Query, at int64, skip, skipPos int) (store.Aggregate, error) {
	var buf [4]span
	var spans []span
	switch q.Window.Kind {
	case store.Balance:
		u := s.balance(q.Classes, q.Debits)
		if skip >= 0 {
			e := &s.entries[skip]
			bit := uint64(1) << e.class
			if e.state != store.Voided && q.Classes&bit != 0 {
				u.sum = u.sum.sub(e.amt)
				u.n--
			}
			if e.state == store.Committed && q.Debits&bit != 0 {
				u.sum = u.sum.add(e.amt)
			}
		}
		return store.Aggregate{Sum: u.sum.decimal(s.scale), Count: u.n}, nil
	case store.Rolling:
		lo := at - int64(q.Window.Duration) + 1
		if lo < s.cut {
			return store.Aggregate{}, outOfRange("rolling window %v before %v reaches pruned entries",
				q.Window.Duration, time.Unix(0, at).UTC())
		}
		spans = append(buf[:0], span{lo, at})
	default: // Day, Month
		loc := q.Window.Location
		if loc == nil {
			loc = time.UTC
		}
		spans = calendarSpans(q.Window.Kind, loc, at, buf[:0])
		if spans[0].lo < s.cut { // the spans are exact: no slack needed
			return store.Aggregate{}, outOfRange("%v window of %v reaches pruned entries",
				q.Window.Kind, time.Unix(0, at).UTC())
		}
	}
	var tot totals
	var last latest
	for _, sp := range spans { // later spans hold later entries
		var l latest
		t := s.windowTotals(q.Classes, sp.lo, sp.hi, &l, skip, skipPos)
		tot.sum, tot.sq, tot.n = tot.sum.add(t.sum), tot.sq.add(t.sq), tot.n+t.n
		if l.ok {
			last = l
		}
	}
	if skip >= 0 {
		if e := &s.entries[skip]; e.state != store.Voided && q.Classes&(1<<e.class) != 0 && inSpans(spans, e.t) {
			tot.sum, tot.sq, tot.n = tot.sum.sub(e.amt), tot.sq.sub(square(e.amt)), tot.n-1
		}
	}
	if tot.n == 0 || !last.ok {
		return store.Aggregate{}, nil
	}
	if last.tie {
		last.amt = s.entries[s.latestAt(q.Classes, last.t, skip)].amt
	}
	var sumSquares decimal.Decimal
	if sq := tot.sq; sq[3] == 0 && sq[2] == 0 && sq[1] == 0 && sq[0] < 1<<63 {
		sumSquares = decimal.New(int64(sq[0]), -2*s.scale)
	} else {
		sumSquares = decimal.NewFromBigInt(sq.big(), -2*s.scale)
	}
	return store.Aggregate{
		Sum:        tot.sum.decimal(s.scale),
		SumSquares: sumSquares,
		Count:      tot.n,
		Distinct:   s.distinct(q.Classes, spans, skip),
		Last:       time.Unix(0, last.t).UTC(),
		LastAmount: last.amt.decimal(s.scale),
	}, nil
}
