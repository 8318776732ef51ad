package memstore

import (
	"math"
	"slices"

	"github.com/comply-go/comply/store"
)

// none is the time of an absent occurrence.
const none = math.MinInt64

// cpMapMin is the number of counterparties from which a subject indexes
// their names in a map; below it, a scan is as fast and much smaller.
const cpMapMin = 8

// occ is one retained entry of a counterparty, in the subject's order.
type occ struct {
	t      int64
	class  uint8
	voided bool
}

// distinctIndex answers Distinct for windows that reach the subject's
// newest entry, for one class mask: last holds, per counterparty, the time
// of its latest counted entry (none if it has none), and sorted the same
// times, sorted, without the nones. The counterparties counted in [lo, ∞)
// are those whose latest entry is at or after lo: one binary search.
type distinctIndex struct {
	mask   uint64
	last   []int64 // by counterparty number
	sorted []int64
}

// cpIndex is what a tracked subject keeps about its counterparties.
type cpIndex struct {
	cps   []string          // counterparty names by number; cps[0] is none
	cpIdx map[string]uint32 // name → number; nil while there are few
	occs  [][]occ           // each counterparty's retained entries, by number
	dists []distinctIndex   // every class mask Distinct was asked for
}

// intern returns the number of counterparty cp (0 for none), giving it one
// if it is new.
func (s *subject) intern(cp string) uint32 {
	if cp == "" {
		return 0
	}
	if s.cpIdx != nil {
		if k, ok := s.cpIdx[cp]; ok {
			return k
		}
	} else {
		for k := 1; k < len(s.cps); k++ {
			if s.cps[k] == cp {
				return uint32(k)
			}
		}
	}
	if len(s.cps) == 0 {
		s.cps, s.occs = append(s.cps, ""), append(s.occs, nil)
	}
	k := uint32(len(s.cps))
	s.cps, s.occs = append(s.cps, cp), append(s.occs, nil)
	if s.cpIdx != nil {
		s.cpIdx[cp] = k
	} else if len(s.cps) > cpMapMin {
		s.cpIdx = make(map[string]uint32, 2*len(s.cps))
		for j := 1; j < len(s.cps); j++ {
			s.cpIdx[s.cps[j]] = uint32(j)
		}
	}
	return k
}

// lowerOcc returns the index of the first occurrence dated at or after t.
func lowerOcc(o []occ, t int64) int {
	lo, hi := 0, len(o)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if o[mid].t < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func lowerInt64(v []int64, t int64) int {
	i, _ := slices.BinarySearch(v, t)
	return i
}

// lastCounted returns the time of the latest non-voided occurrence of a
// class in mask, or none.
func lastCounted(o []occ, mask uint64) int64 {
	for i := len(o) - 1; i >= 0; i-- {
		if !o[i].voided && mask&(1<<o[i].class) != 0 {
			return o[i].t
		}
	}
	return none
}

// set moves counterparty k's latest time from its current one to t.
func (d *distinctIndex) set(k uint32, t int64) {
	for int(k) >= len(d.last) {
		d.last = append(d.last, none)
	}
	old := d.last[k]
	if old == t {
		return
	}
	if old != none {
		i := lowerInt64(d.sorted, old)
		d.sorted = slices.Delete(d.sorted, i, i+1)
	}
	if t != none {
		i := len(d.sorted)
		if i > 0 && d.sorted[i-1] > t {
			i = lowerInt64(d.sorted, t)
		}
		d.sorted = slices.Insert(d.sorted, i, t)
	}
	d.last[k] = t
}

// addOcc records an entry of counterparty k.
func (s *subject) addOcc(k uint32, t int64, class uint8) {
	o := s.occs[k]
	i := len(o)
	if i > 0 && o[i-1].t > t {
		i = lowerOcc(o, t+1)
	}
	s.occs[k] = slices.Insert(o, i, occ{t: t, class: class})
	for j := range s.dists {
		d := &s.dists[j]
		if d.mask&(1<<class) != 0 && (int(k) >= len(d.last) || d.last[k] < t) {
			d.set(k, t)
		}
	}
}

// voidOcc marks voided an entry of counterparty k.
func (s *subject) voidOcc(k uint32, t int64, class uint8) {
	o := s.occs[k]
	for i := lowerOcc(o, t); i < len(o) && o[i].t == t; i++ {
		if o[i].class == class && !o[i].voided {
			o[i].voided = true
			break
		}
	}
	for j := range s.dists {
		d := &s.dists[j]
		if d.mask&(1<<class) != 0 && int(k) < len(d.last) && d.last[k] == t {
			d.set(k, lastCounted(o, d.mask))
		}
	}
}

// pruneOccs drops the occurrences dated before horizon.
func (s *subject) pruneOccs(horizon int64) {
	for k := range s.occs {
		o := s.occs[k]
		if n := lowerOcc(o, horizon); n > 0 {
			m := copy(o, o[n:])
			s.occs[k] = o[:m]
		}
	}
	for j := range s.dists {
		d := &s.dists[j]
		n := lowerInt64(d.sorted, horizon)
		d.sorted = d.sorted[:copy(d.sorted, d.sorted[n:])]
		for k, t := range d.last {
			if t < horizon {
				d.last[k] = none
			}
		}
	}
	s.compactCPs()
}

// compactCPs renumbers the counterparties once most of them have no
// retained entry left, so that a subject's memory follows its retained
// entries, not every counterparty it ever had.
func (s *subject) compactCPs() {
	live := 0
	for k := 1; k < len(s.occs); k++ {
		if len(s.occs[k]) > 0 {
			live++
		}
	}
	if len(s.cps) <= 2*cpMapMin || 2*live >= len(s.cps)-1 {
		return
	}
	remap := make([]uint32, len(s.cps))
	cps, occs := []string{""}, [][]occ{nil}
	for k := 1; k < len(s.occs); k++ {
		if len(s.occs[k]) > 0 {
			remap[k] = uint32(len(cps))
			cps, occs = append(cps, s.cps[k]), append(occs, s.occs[k])
		}
	}
	for j := range s.dists {
		d := &s.dists[j]
		last := make([]int64, len(cps))
		for k := range last {
			last[k] = none
		}
		for k, t := range d.last {
			if remap[k] != 0 {
				last[remap[k]] = t
			}
		}
		d.last = last
	}
	s.cps, s.occs, s.cpIdx = cps, occs, nil
	if len(cps) > cpMapMin {
		s.cpIdx = make(map[string]uint32, 2*len(cps))
		for k := 1; k < len(cps); k++ {
			s.cpIdx[cps[k]] = uint32(k)
		}
	}
}

// distinctFor returns the subject's distinct index for mask, building it
// from the occurrences if needed; valid until the next call.
func (s *subject) distinctFor(mask uint64) *distinctIndex {
	for j := range s.dists {
		if s.dists[j].mask == mask {
			return &s.dists[j]
		}
	}
	d := distinctIndex{mask: mask, last: make([]int64, len(s.occs))}
	for k, o := range s.occs {
		d.last[k] = lastCounted(o, mask)
		if d.last[k] != none {
			d.sorted = append(d.sorted, d.last[k])
		}
	}
	slices.Sort(d.sorted)
	s.dists = append(s.dists, d)
	return &s.dists[len(s.dists)-1]
}

// distinct counts the counterparties with a counted entry (classes in
// mask, not voided, not entry skip) in spans. A single span reaching the
// newest entry takes O(log c) through the distinct index; otherwise each
// of the subject's c counterparties takes a binary search.
func (s *subject) distinct(mask uint64, spans []span, skip int) int64 {
	if !s.tracked {
		return s.scanDistinct(mask, spans, skip)
	}
	if len(s.occs) == 0 || len(s.entries) == 0 {
		return 0
	}
	var sk uint32 // the skipped entry's counterparty, if it counts
	if skip >= 0 {
		e := &s.entries[skip]
		if cp := s.refs[skip].cp; cp != "" && e.state != store.Voided && mask&(1<<e.class) != 0 && inSpans(spans, e.t) {
			sk = s.intern(cp)
		}
	}
	if len(spans) == 1 && spans[0].hi >= s.entries[len(s.entries)-1].t {
		d := s.distinctFor(mask)
		lo := spans[0].lo
		n := int64(len(d.sorted) - lowerInt64(d.sorted, lo))
		if sk != 0 && countIn(s.occs[sk], mask, spans, 2) < 2 {
			n--
		}
		return n
	}
	var n int64
	for k := 1; k < len(s.occs); k++ {
		need := 1
		if uint32(k) == sk {
			need = 2
		}
		if countIn(s.occs[k], mask, spans, need) >= need {
			n++
		}
	}
	return n
}

// countIn counts, up to limit, the non-voided occurrences of classes in
// mask dated in spans.
func countIn(o []occ, mask uint64, spans []span, limit int) int {
	n := 0
	for _, sp := range spans {
		for i := lowerOcc(o, sp.lo); i < len(o) && o[i].t <= sp.hi; i++ {
			if !o[i].voided && mask&(1<<o[i].class) != 0 {
				if n++; n >= limit {
					return n
				}
			}
		}
	}
	return n
}

func inSpans(spans []span, t int64) bool {
	for _, sp := range spans {
		if sp.lo <= t && t <= sp.hi {
			return true
		}
	}
	return false
}

// scanDistinct is distinct for a subject not yet tracked (fewer than
// trackMin entries): a scan of its entries.
func (s *subject) scanDistinct(mask uint64, spans []span, skip int) int64 {
	var buf [8]string
	seen := buf[:0]
	for _, sp := range spans {
		for i := lowerBound(s.entries, sp.lo); i < len(s.entries) && s.entries[i].t <= sp.hi; i++ {
			e := &s.entries[i]
			if cp := s.refs[i].cp; cp != "" && i != skip && e.state != store.Voided && mask&(1<<e.class) != 0 && !slices.Contains(seen, cp) {
				seen = append(seen, cp)
			}
		}
	}
	return int64(len(seen))
}
