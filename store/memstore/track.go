package memstore

import (
	"math"
	"math/big"
	"math/bits"
	"slices"
	"time"

	"github.com/comply-go/comply/store"
)

// u256 is an unsigned 256-bit integer, little-endian words, used with
// wrapping arithmetic for prefix sums of squares: a square is below 2^200,
// so the sum of the squares of any realistic number of entries is below
// 2^256 and the difference of two prefix sums is exact.
type u256 [4]uint64

func (a u256) add(b u256) u256 {
	var r u256
	var c uint64
	r[0], c = bits.Add64(a[0], b[0], 0)
	r[1], c = bits.Add64(a[1], b[1], c)
	r[2], c = bits.Add64(a[2], b[2], c)
	r[3], _ = bits.Add64(a[3], b[3], c)
	return r
}

func (a u256) sub(b u256) u256 {
	var r u256
	var c uint64
	r[0], c = bits.Sub64(a[0], b[0], 0)
	r[1], c = bits.Sub64(a[1], b[1], c)
	r[2], c = bits.Sub64(a[2], b[2], c)
	r[3], _ = bits.Sub64(a[3], b[3], c)
	return r
}

// square returns v² for a non-negative v below 2^127.
func square(v i128) u256 {
	h, l := uint64(v.hi), v.lo
	// (h·2^64 + l)² = h²·2^128 + 2hl·2^64 + l²
	var r u256
	r[1], r[0] = bits.Mul64(l, l)
	mh, ml := bits.Mul64(h, l)
	// 2hl < 2^128·2, shifted by 64 bits
	carryTop := mh >> 63
	mh, ml = mh<<1|ml>>63, ml<<1
	var c uint64
	r[1], c = bits.Add64(r[1], ml, 0)
	r[2], c = bits.Add64(mh, 0, c)
	r[3] = carryTop + c
	hh, hl := bits.Mul64(h, h)
	r[2], c = bits.Add64(r[2], hl, 0)
	r[3] += hh + c
	return r
}

func (a u256) big() *big.Int {
	b := new(big.Int)
	for i := 3; i >= 0; i-- {
		b.Lsh(b, 64)
		b.Or(b, new(big.Int).SetUint64(a[i]))
	}
	return b
}

// prefix is the totals of one class's non-voided entries up to and
// including one point of its track.
type prefix struct {
	sum i128
	sq  u256
	n   int64
}

// track is the time-sorted prefix sums of one class's retained entries
// (voided ones included, contributing nothing), in the order of the
// subject's entries: ts[k] is the time of point k and pv[k] the totals up
// to and including it. base is the totals before the first point (those
// of the last pruned one), so window totals are differences of prefix
// sums: O(log n) whatever the history. Times are kept apart from the
// totals so that searches touch little memory.
type track struct {
	base prefix
	ts   []int64
	pv   []prefix
}

// cum returns the totals before point k.
func (tr *track) cum(k int) *prefix {
	if k == 0 {
		return &tr.base
	}
	return &tr.pv[k-1]
}

// lower returns the index of the first point dated at or after t. Windows
// mostly end near the newest point, so it answers the ends at once and
// otherwise gallops back from the newest point (up to 2^9 points) before
// bisecting: the cost grows with the log of the points after t, touching
// recent memory, and is at most about log n + 9 probes.
func (tr *track) lower(t int64) int {
	ts := tr.ts
	n := len(ts)
	switch {
	case n == 0 || ts[0] >= t:
		return 0
	case ts[n-1] < t:
		return n
	}
	// ts[0] < t <= ts[n-1]: find lo with ts[lo] < t, hi with ts[hi] >= t.
	hi, step := n-1, 1
	lo := hi - step
	for lo > 0 && ts[lo] >= t {
		hi = lo
		if step *= 2; step > 1<<8 {
			lo = 0 // far back: plain bisection is shorter
			break
		}
		lo = max(hi-step, 0)
	}
	// ts[lo] < t <= ts[hi]
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if ts[mid] < t {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// insert adds an entry at t (after every point at t) counting amt, or
// nothing when voided is set. Appending is O(1); an earlier time shifts
// the later points.
func (tr *track) insert(t int64, amt i128, voided bool) {
	k := len(tr.ts)
	if k > 0 && tr.ts[k-1] > t {
		k = tr.lower(t + 1)
	}
	p := *tr.cum(k)
	if voided {
		tr.ts = slices.Insert(tr.ts, k, t)
		tr.pv = slices.Insert(tr.pv, k, p)
		return
	}
	sq := square(amt)
	p.sum, p.sq, p.n = p.sum.add(amt), p.sq.add(sq), p.n+1
	tr.ts = slices.Insert(tr.ts, k, t)
	tr.pv = slices.Insert(tr.pv, k, p)
	for j := k + 1; j < len(tr.pv); j++ {
		q := &tr.pv[j]
		q.sum, q.sq, q.n = q.sum.add(amt), q.sq.add(sq), q.n+1
	}
}

// remove stops counting the entry at point k (its amount amt): O(points
// after k), so voiding a recent entry is cheap.
func (tr *track) remove(k int, amt i128) {
	sq := square(amt)
	for j := k; j < len(tr.pv); j++ {
		q := &tr.pv[j]
		q.sum, q.sq, q.n = q.sum.sub(amt), q.sq.sub(sq), q.n-1
	}
}

// prune drops the points dated before horizon.
func (tr *track) prune(horizon int64) {
	n := tr.lower(horizon)
	if n == 0 {
		return
	}
	tr.base = tr.pv[n-1]
	tr.ts = tr.ts[:copy(tr.ts, tr.ts[n:])]
	tr.pv = tr.pv[:copy(tr.pv, tr.pv[n:])]
}

// trackMin is the number of entries from which a subject keeps class
// tracks and its counterparty index; below it, scanning its entries is as
// fast and much smaller.
const trackMin = 32

// track starts keeping the class tracks and the counterparty index.
func (s *subject) track() {
	s.tracked = true
	s.cpIndex = &cpIndex{}
	s.rebuildTracks()
	for i := range s.entries {
		if cp := s.refs[i].cp; cp != "" {
			e := &s.entries[i]
			k := s.intern(cp)
			s.addOcc(k, e.t, e.class)
			if e.state == store.Voided {
				s.voidOcc(k, e.t, e.class)
			}
		}
	}
}

// rebuildTracks recomputes every class track from the entries (when
// tracking starts and after a change of scale).
func (s *subject) rebuildTracks() {
	for i := range s.classes {
		if tr := s.classes[i].track; tr != nil {
			*tr = track{ts: tr.ts[:0], pv: tr.pv[:0]}
		} else {
			s.classes[i].track = &track{}
		}
	}
	for i := range s.entries {
		e := &s.entries[i]
		s.classTotal(e.class).track.insert(e.t, e.amt, e.state == store.Voided)
	}
}

// trackPos returns the position of entry i in its class track: entries
// and tracks share one order (time, then arrival).
func (s *subject) trackPos(i int) int {
	e := &s.entries[i]
	rank := 0
	for j := i - 1; j >= 0 && s.entries[j].t == e.t; j-- {
		if s.entries[j].class == e.class {
			rank++
		}
	}
	return s.classTotal(e.class).track.lower(e.t) + rank
}

// totals is what a window holds: sum, sum of squares and count of the
// counted entries.
type totals struct {
	sum i128
	sq  u256
	n   int64
}

// span is a closed interval of times, [lo, hi].
type span struct{ lo, hi int64 }

// latest is the latest counted entry of a window: its time and amount;
// tie is set when entries of two classes share that time (their order is
// then the subject's, not the tracks').
type latest struct {
	t   int64
	amt i128
	ok  bool
	tie bool
}

// windowTotals returns the totals of the non-voided entries of classes in
// mask dated in [lo, hi]: O(classes × log n). If last is not nil it also
// finds there the latest of those entries, leaving out entry skip (-1 for
// none), which is at skipPos in its class track.
func (s *subject) windowTotals(mask uint64, lo, hi int64, last *latest, skip, skipPos int) totals {
	if !s.tracked {
		return s.scanTotals(mask, lo, hi, last, skip)
	}
	skipClass := -1
	if skip >= 0 {
		skipClass = int(s.entries[skip].class)
	}
	var r totals
	for i := range s.classes {
		ct := &s.classes[i]
		if mask&(1<<ct.class) == 0 {
			continue
		}
		tr := ct.track
		a, b := tr.lower(lo), tr.lower(hi+1)
		if a == b {
			continue
		}
		pa, pb := tr.cum(a), tr.cum(b)
		r.sum = r.sum.add(pb.sum.sub(pa.sum))
		r.sq = r.sq.add(pb.sq.sub(pa.sq))
		r.n += pb.n - pa.n
		if last == nil {
			continue
		}
		for k := b - 1; k >= a; k-- {
			pk, pp := &tr.pv[k], tr.cum(k)
			if pk.n == pp.n || k == skipPos && int(ct.class) == skipClass {
				continue // voided or left out
			}
			switch t := tr.ts[k]; {
			case !last.ok || t > last.t:
				*last = latest{t: t, amt: pk.sum.sub(pp.sum), ok: true}
			case t == last.t:
				last.tie = true
			}
			break
		}
	}
	return r
}

// scanTotals is windowTotals for a subject not yet tracked (fewer than
// trackMin entries): a scan of its entries in [lo, hi].
func (s *subject) scanTotals(mask uint64, lo, hi int64, last *latest, skip int) totals {
	var r totals
	for i := lowerBound(s.entries, lo); i < len(s.entries) && s.entries[i].t <= hi; i++ {
		e := &s.entries[i]
		if e.state == store.Voided || mask&(1<<e.class) == 0 {
			continue
		}
		r.sum, r.sq, r.n = r.sum.add(e.amt), r.sq.add(square(e.amt)), r.n+1
		if last != nil && i != skip {
			*last = latest{t: e.t, amt: e.amt, ok: true}
		}
	}
	return r
}

// latestAt returns the index of the latest counted entry (classes in mask,
// not voided, not entry skip) dated t, or -1.
func (s *subject) latestAt(mask uint64, t int64, skip int) int {
	for i := lowerBound(s.entries, t+1) - 1; i >= 0 && s.entries[i].t == t; i-- {
		if e := &s.entries[i]; i != skip && e.state != store.Voided && mask&(1<<e.class) != 0 {
			return i
		}
	}
	return -1
}

// calendarSpans returns the spans of instants whose local date (in loc)
// lies in the Day or Month period containing at, up to at, earliest first.
// Within one zone offset the local date only grows with time, so each
// offset contributes at most one span; offsets are walked back from at
// with ZoneBounds until none can reach the period.
func calendarSpans(kind store.WindowKind, loc *time.Location, at int64, dst []span) []span {
	lt := time.Unix(0, at).In(loc)
	y, m, d := lt.Date()
	var from, to time.Time // the period's local bounds, as UTC wall clocks
	if kind == store.Month {
		from, to = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		from, to = time.Date(y, m, d, 0, 0, 0, 0, time.UTC), time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	}
	wallFrom, wallTo := from.Unix(), to.Unix()
	// No zone is more than 26 hours from UTC.
	const reach = 26 * 60 * 60
	dst = dst[:0]
	cur := at
	for {
		zt := time.Unix(0, cur).In(loc)
		_, off := zt.Zone()
		zs, _ := zt.ZoneBounds()
		lo := (wallFrom - int64(off)) * int64(time.Second)
		hi := min(cur, (wallTo-int64(off))*int64(time.Second)-1)
		start := int64(math.MinInt64)
		if !zs.IsZero() && zs.Unix() > -maxSeconds {
			start = zs.UnixNano()
		}
		lo = max(lo, start)
		if lo <= hi {
			if n := len(dst); n > 0 && dst[n-1].lo == hi+1 {
				dst[n-1].lo = lo
			} else {
				dst = append(dst, span{lo, hi})
			}
		}
		if start == math.MinInt64 || start/int64(time.Second) <= wallFrom-reach {
			break
		}
		cur = start - 1
	}
	slices.Reverse(dst)
	return dst
}
