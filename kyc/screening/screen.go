package screening

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	edlib "github.com/hbollon/go-edlib"

	"github.com/comply-go/comply/payment"
)

// Query is a name to screen, with what else is known about the party.
type Query struct {
	// Name is the party's name in any script and order: "Kim Jong Un",
	// "KIM, Jong-un", "김정은".
	Name string
	// BirthDate confirms or weakens a match with a listed person's dates of
	// birth. Zero when unknown.
	BirthDate payment.Date
	// Country is an ISO 3166-1 alpha-2 code that confirms or weakens a
	// match with a listed entity's countries. Empty when unknown.
	Country string
	// Type is the kind of party; a listed entity of another known type
	// weakens the match. Default: unknown, matching every type.
	Type EntityType
}

// Decision is what a match's score means under the thresholds of
// [Options].
type Decision uint8

// The decisions.
const (
	// DecisionNone is a score below the review threshold.
	DecisionNone Decision = iota
	// DecisionPossible is a score at or above the review threshold: a
	// person should look at it.
	DecisionPossible
	// DecisionConfirmed is a score at or above the block threshold.
	DecisionConfirmed
)

var decisionNames = [...]string{"none", "possible", "confirmed"}

// MarshalText encodes the decision's name.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns "none", "possible" or "confirmed".
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("decision(%d)", uint8(d))
}

// MatchKind says how one query token matched a listed name.
type MatchKind uint8

// The match kinds, from the strongest.
const (
	// KindUnmatched: the token has no counterpart.
	KindUnmatched MatchKind = iota
	// KindExact: the same normalized token.
	KindExact
	// KindVariant: spellings of one name in the transliteration table
	// (Mohammed/Muhammad, Lee/Yi/Rhee).
	KindVariant
	// KindPhonetic: the same phonetic key (Jong/Chong, Gim/Kim).
	KindPhonetic
	// KindCompound: one token against two written apart (Jongun / Jong
	// Un).
	KindCompound
	// KindFuzzy: similar strings by Jaro–Winkler similarity.
	KindFuzzy
	// KindInitial: an initial against a token that starts with it.
	KindInitial
)

var kindNames = [...]string{"unmatched", "exact", "variant", "phonetic", "compound", "fuzzy", "initial"}

// MarshalText encodes the kind's name.
func (k MatchKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// String returns the kind's name, e.g. "variant".
func (k MatchKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Evidence says whether a secondary identifier supports a name match.
type Evidence uint8

// The kinds of evidence.
const (
	// EvidenceUnknown: one side does not state it.
	EvidenceUnknown Evidence = iota
	// EvidenceConfirmed: both sides agree.
	EvidenceConfirmed
	// EvidenceContradicted: both sides state it and disagree.
	EvidenceContradicted
)

var evidenceNames = [...]string{"unknown", "confirmed", "contradicted"}

// MarshalText encodes the evidence's name.
func (e Evidence) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// String returns "unknown", "confirmed" or "contradicted".
func (e Evidence) String() string {
	if int(e) < len(evidenceNames) {
		return evidenceNames[e]
	}
	return fmt.Sprintf("evidence(%d)", uint8(e))
}

// TokenMatch explains one token of a match.
type TokenMatch struct {
	// Query is the normalized query token(s); empty for a listed token
	// that nothing in the query matched.
	Query string `json:"query,omitempty"`
	// Candidate is the normalized listed token(s); empty for a query
	// token that matched nothing.
	Candidate string `json:"candidate,omitempty"`
	// Kind is how they matched.
	Kind MatchKind `json:"kind"`
	// Metric names the string metric of a fuzzy match ("jaro-winkler").
	Metric string `json:"metric,omitempty"`
	// Similarity is the token similarity, 0..1.
	Similarity float64 `json:"similarity"`
	// Weight is how much the token counts: its rarity in the index times
	// its class weight.
	Weight float64 `json:"weight"`
	// Class is "name", "particle", "generic" (a legal form or trade word,
	// which weighs little) or "initial".
	Class string `json:"class"`
}

// Explanation says how a score was reached.
type Explanation struct {
	// Tokens lists the query tokens in order, then the listed tokens that
	// nothing matched.
	Tokens []TokenMatch `json:"tokens"`
	// QueryCoverage is the weighted share of the query that matched.
	QueryCoverage float64 `json:"query_coverage"`
	// CandidateCoverage is the weighted share of the listed name that
	// matched.
	CandidateCoverage float64 `json:"candidate_coverage"`
	// NameScore is the score of the names alone:
	// QueryCoverage^0.6 × CandidateCoverage^0.4.
	NameScore float64 `json:"name_score"`
	// BirthDate compares the query's date of birth with the listed ones.
	BirthDate Evidence `json:"birth_date"`
	// Country compares the query's country with the listed ones.
	Country Evidence `json:"country"`
	// Type compares the query's entity type with the listed one.
	Type Evidence `json:"type"`
	// Adjustment is what the evidence added to or took from NameScore.
	Adjustment float64 `json:"adjustment"`
}

// String renders the explanation on one line, e.g.
// "kim=kim exact 1.00; jong+un~jeongeun compound 0.95; dob confirmed".
func (e *Explanation) String() string {
	var b strings.Builder
	for i, t := range e.Tokens {
		if i > 0 {
			b.WriteString("; ")
		}
		switch t.Kind {
		case KindUnmatched:
			if t.Query != "" {
				fmt.Fprintf(&b, "%s unmatched", t.Query)
			} else {
				fmt.Fprintf(&b, "listed %s unmatched", t.Candidate)
			}
		default:
			fmt.Fprintf(&b, "%s~%s %s", t.Query, t.Candidate, t.Kind)
			if t.Metric != "" {
				fmt.Fprintf(&b, "(%s)", t.Metric)
			}
			fmt.Fprintf(&b, " %.2f", t.Similarity)
		}
		if t.Class != classNormal.String() {
			fmt.Fprintf(&b, " [%s]", t.Class)
		}
	}
	fmt.Fprintf(&b, "; name %.3f", e.NameScore)
	if e.BirthDate != EvidenceUnknown {
		fmt.Fprintf(&b, "; dob %s", e.BirthDate)
	}
	if e.Country != EvidenceUnknown {
		fmt.Fprintf(&b, "; country %s", e.Country)
	}
	if e.Type == EvidenceContradicted {
		b.WriteString("; type contradicted")
	}
	return b.String()
}

// Match is one listed entity whose name matches the query.
type Match struct {
	// List is the entity's list, e.g. [ListOFACSDN].
	List string `json:"list"`
	// EntityID is the entity's id in its list.
	EntityID string `json:"entity_id"`
	// EntityType is the entity's type.
	EntityType EntityType `json:"entity_type"`
	// MatchedName is the listed name (primary or alias) that matched best.
	MatchedName string `json:"matched_name"`
	// Programs are the entity's programmes or risk topics.
	Programs []string `json:"programs,omitempty"`
	// PEP is true for an entity listed as a politically exposed person
	// (topic "role.pep" or "role.rca") and not as sanctioned.
	PEP bool `json:"pep,omitempty"`
	// Score is the match score, 0..1.
	Score float64 `json:"score"`
	// Decision is what Score means under the thresholds.
	Decision Decision `json:"decision"`
	// Explanation says how Score was reached.
	Explanation Explanation `json:"explanation"`
}

// Options are the thresholds and allow-list of screening. A nil *Options
// means the defaults. [NewScreener] copies them, so later changes do not
// affect the Screener; [Index.Screen] reads them during the call only.
type Options struct {
	// ReviewThreshold is the score from which a match is possible and
	// reported. Default: 0.80.
	ReviewThreshold float64
	// BlockThreshold is the score from which a match is confirmed.
	// Default: 0.95.
	BlockThreshold float64
	// AllowList holds reviewed false positives as "list:id" keys (see
	// [Entity.Key]); they are never reported. Default: none.
	AllowList map[string]bool
	// MaxMatches caps the matches returned, best first. Default: 10.
	MaxMatches int
}

// Default thresholds.
const (
	DefaultReviewThreshold = 0.80
	DefaultBlockThreshold  = 0.95
	defaultMaxMatches      = 10
)

// ErrOptions is wrapped by the error for invalid [Options].
const ErrOptions sentinel = "screening: invalid options"

type options struct {
	review, block float64
	allow         map[string]bool
	max           int
}

// compileOptions validates o. With keep set it copies the allow-list, for
// a Screener that outlives the caller's map; Index.Screen only reads it
// during the call.
func compileOptions(o *Options, keep bool) (options, error) {
	out := options{review: DefaultReviewThreshold, block: DefaultBlockThreshold, max: defaultMaxMatches}
	if o == nil {
		return out, nil
	}
	if o.ReviewThreshold != 0 {
		out.review = o.ReviewThreshold
	}
	if o.BlockThreshold != 0 {
		out.block = o.BlockThreshold
	}
	if o.MaxMatches != 0 {
		out.max = o.MaxMatches
	}
	switch {
	case !(out.review > 0 && out.review <= 1), !(out.block > 0 && out.block <= 1):
		return out, fmt.Errorf("%w: thresholds must be in (0, 1]: review %v, block %v", ErrOptions, out.review, out.block)
	case out.review > out.block:
		return out, fmt.Errorf("%w: review threshold %v above block threshold %v", ErrOptions, out.review, out.block)
	case out.max < 0:
		return out, fmt.Errorf("%w: negative MaxMatches %d", ErrOptions, out.max)
	}
	if len(o.AllowList) > 0 && !keep {
		out.allow = o.AllowList
	} else if len(o.AllowList) > 0 {
		out.allow = make(map[string]bool, len(o.AllowList))
		for k, v := range o.AllowList {
			if v {
				out.allow[k] = true
			}
		}
	}
	return out, nil
}

// Screen matches q against the index under opts and returns the matches
// at or above the review threshold, best first (ties by list and id), at
// most opts.MaxMatches. It returns an error wrapping [ErrOptions] only for
// invalid options. Screen never panics on any input.
func (ix *Index) Screen(q Query, opts *Options) ([]Match, error) {
	o, err := compileOptions(opts, false)
	if err != nil {
		return nil, err
	}
	return ix.screen(&q, &o), nil
}

// Screener screens names against the current [Index], which can be
// swapped atomically while screenings run. A Screener is safe for
// concurrent use by multiple goroutines.
type Screener struct {
	ix   atomic.Pointer[Index]
	opts options
}

// NewScreener returns a Screener over ix (which may be nil: it then
// matches nothing until [Screener.Swap]) with opts (nil means defaults).
// It returns an error wrapping [ErrOptions] for invalid options.
func NewScreener(ix *Index, opts *Options) (*Screener, error) {
	o, err := compileOptions(opts, true)
	if err != nil {
		return nil, err
	}
	s := &Screener{opts: o}
	s.ix.Store(ix)
	return s, nil
}

// Swap installs ix for the screenings that start after it and returns the
// index it replaces. Screenings already running finish on the old one.
func (s *Screener) Swap(ix *Index) *Index { return s.ix.Swap(ix) }

// Index returns the current index.
func (s *Screener) Index() *Index { return s.ix.Load() }

// Screen matches q against the current index; see [Index.Screen].
func (s *Screener) Screen(q Query) []Match {
	ix := s.ix.Load()
	if ix == nil {
		return nil
	}
	return ix.screen(&q, &s.opts)
}

// Similarities of the match kinds, and the limits of one screening:
// maxCandidates bounds the names aligned per query (a latency guard; the
// two-sided bound of retrieve leaves fewer than a hundred candidates for
// the commonest names of the OFAC and UN lists).
const (
	simExact           = 1.0
	simVariant         = 0.95
	simPhonetic        = 0.90
	simPhoneticShort   = 0.85
	simCompound        = 0.95
	simCompoundKey     = 0.90
	simInitial         = 0.60
	fuzzyMin           = 0.90
	fuzzyScale         = 0.95
	maxQueryTokens     = 12
	maxCandidates      = 512
	maxQueryBytes      = 1024
	boostMinNameScore  = 0.70
	dobConfirmBoost    = 0.08
	dobContradictCost  = 0.15
	countryBoost       = 0.03
	countryContradicts = 0.05
	typeContradicts    = 0.20
)

type hit struct {
	v    uint32
	sim  float32
	kind MatchKind
}

// split is one way to read a query token as two or three listed tokens
// written together: names holding one token of each part are candidates.
type split struct {
	parts [][]uint32
	sim   float32
}

// join is a listed token that span adjacent query tokens form together.
type join struct {
	hit
	span int
}

type qtok struct {
	text   string
	key    string
	canon  string
	class  tokenClass
	weight float32
	hits   []hit // sorted by v
	splits []split
	joins  []join // tokens that this and the next query tokens form together
}

type scratch struct {
	nz      *normalizer
	best    []float32 // names × maxQueryTokens
	mark    []bool    // names touched
	touched []int32
	stamp   []uint32 // names, for split intersections
	gen     uint32
	grams   []uint16 // vocab trigram counts
	gtouch  []uint32
	vsim    []float32 // vocab: best similarity to any query token
	vtouch  []uint32
}

func (ix *Index) getScratch() *scratch {
	sc := ix.scratch.Get().(*scratch)
	if sc.nz == nil {
		sc.nz = newNormalizer()
		sc.best = make([]float32, len(ix.names)*maxQueryTokens)
		sc.mark = make([]bool, len(ix.names))
		sc.stamp = make([]uint32, len(ix.names))
		sc.grams = make([]uint16, len(ix.vocab))
		sc.vsim = make([]float32, len(ix.vocab))
	}
	return sc
}

func (sc *scratch) credit(n int32, i int, sim float32) {
	if !sc.mark[n] {
		sc.mark[n] = true
		sc.touched = append(sc.touched, n)
	}
	p := &sc.best[int(n)*maxQueryTokens+i]
	if sim > *p {
		*p = sim
	}
}

// screen runs one screening: prepare the query tokens, retrieve the names
// that could reach the review threshold, score them, keep the best name of
// each entity, and explain what is returned.
func (ix *Index) screen(q *Query, o *options) []Match {
	sc := ix.getScratch()
	defer ix.scratch.Put(sc)
	qs, total := ix.prepare(q.Name, sc)
	if len(qs) == 0 || len(ix.names) == 0 {
		return nil
	}
	// A name can reach the review threshold only if its query coverage
	// can: score ≤ coverage^queryExponent + the largest boost.
	need := o.review - dobConfirmBoost - countryBoost - 1e-4
	return ix.rank(q, qs, total, ix.retrieve(qs, total, need, sc), o)
}

// rank scores the candidate names, keeps the best name of each entity,
// applies the evidence, the thresholds and the allow-list, and explains
// the matches it returns.
func (ix *Index) rank(q *Query, qs []qtok, total float32, cands []int32, o *options) []Match {
	type best struct {
		name  int32
		score float64
	}
	byEntity := map[int32]best{}
	for _, n := range cands {
		rec := &ix.names[n]
		ns := ix.capScore(rec, nameScore(ix.align(qs, total, rec, nil)))
		e := rec.entity
		if b, ok := byEntity[e]; ok && (b.score > ns || (b.score == ns && b.name < n)) {
			continue
		}
		byEntity[e] = best{name: n, score: ns}
	}
	type result struct {
		m    Match
		name int32
	}
	var res []result
	for e, b := range byEntity {
		ent := &ix.entities[e]
		adj, ev := ix.evidence(q, ent, b.score)
		score := clamp01(b.score + adj)
		if score < o.review || o.allow[ent.Key()] {
			continue
		}
		m := Match{
			List: ent.List, EntityID: ent.ID, EntityType: ent.Type,
			MatchedName: ix.names[b.name].text,
			Programs:    ent.Programs,
			PEP:         isPEP(ent.Programs),
			Score:       round3(score),
			Decision:    DecisionPossible,
		}
		if m.Score >= o.block {
			m.Decision = DecisionConfirmed
		}
		m.Explanation.BirthDate, m.Explanation.Country, m.Explanation.Type = ev[0], ev[1], ev[2]
		m.Explanation.Adjustment = round3(adj)
		res = append(res, result{m, b.name})
	}
	slices.SortFunc(res, func(a, b result) int {
		if c := cmp.Compare(b.m.Score, a.m.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.m.List, b.m.List); c != 0 {
			return c
		}
		return cmp.Compare(a.m.EntityID, b.m.EntityID)
	})
	if len(res) > o.max {
		res = res[:o.max]
	}
	// Explanations only for what is returned.
	out := make([]Match, len(res))
	for i := range res {
		m := res[i].m
		var toks []TokenMatch
		qc, cc := ix.align(qs, total, &ix.names[res[i].name], &toks)
		m.Explanation.Tokens = toks
		m.Explanation.QueryCoverage = round3(qc)
		m.Explanation.CandidateCoverage = round3(cc)
		m.Explanation.NameScore = round3(ix.capScore(&ix.names[res[i].name], nameScore(qc, cc)))
		m.Programs = slices.Clone(m.Programs)
		out[i] = m
	}
	return out
}

// prepare tokenizes the query name and finds, for each token, the listed
// tokens it can match, and its weight. It returns the tokens and the sum of
// their weights.
func (ix *Index) prepare(name string, sc *scratch) ([]qtok, float32) {
	if len(name) > maxQueryBytes {
		name = name[:maxQueryBytes]
	}
	toks := sc.nz.tokenize(name)
	if len(toks) > maxQueryTokens {
		toks = toks[:maxQueryTokens]
	}
	if len(toks) == 0 {
		return nil, 0
	}
	qs := make([]qtok, len(toks))
	for i, t := range toks {
		qs[i] = qtok{text: t.text, key: phoneticKey(t.text), class: t.class, canon: ix.variants[t.text]}
		if qs[i].class == classNormal && ix.generic[t.text] {
			qs[i].class = classGeneric
		}
		ix.collectHits(&qs[i], sc)
	}
	ix.compoundHits(qs)
	var total float32
	for i := range qs {
		qs[i].weight = ix.queryWeight(&qs[i])
		total += qs[i].weight
	}
	return qs, total
}

// retrieve walks the posting lists of every query token's matches and
// returns the names whose score can reach need: at most maxCandidates of
// them, best first. A name's bound is nameScore of two upper bounds: the
// query coverage counting each query token's best similarity in the name,
// and the name's coverage counting each of its tokens' best similarity to
// any query token (initials count as matched).
func (ix *Index) retrieve(qs []qtok, total float32, need float64, sc *scratch) []int32 {
	mark := func(v uint32, sim float32) {
		if sc.vsim[v] == 0 {
			sc.vtouch = append(sc.vtouch, v)
		}
		sc.vsim[v] = max(sc.vsim[v], sim)
	}
	floorQ := float32(math.Pow(math.Max(need, 0), 1/queryExponent))
	// Tokens that weigh little (generic words, particles, initials) have
	// long posting lists. When they cannot lift a name to the floor on
	// their own, they only credit names that an informative token found.
	var low float32
	for i := range qs {
		if qs[i].class.low() {
			low += qs[i].weight
		}
	}
	lowOnlyMarked := total > 0 && low/total < floorQ
	// Query initials can match any listed token they start.
	var initials [256]bool
	for i := range qs {
		if qs[i].class == classInitial {
			initials[qs[i].text[0]] = true
		}
	}
	order := make([]int, 0, len(qs))
	for pass := range 2 {
		for i := range qs {
			if qs[i].class.low() == (pass == 1) {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		onlyMarked := lowOnlyMarked && qs[i].class.low()
		for _, h := range qs[i].hits {
			mark(h.v, h.sim)
			for _, n := range ix.vocab[h.v].names {
				if !onlyMarked || sc.mark[n] {
					sc.credit(n, i, h.sim)
				}
			}
		}
		for _, h := range qs[i].joins {
			mark(h.v, h.sim)
			for _, n := range ix.vocab[h.v].names {
				for k := range h.span {
					sc.credit(n, i+k, h.sim)
				}
			}
		}
		for _, sp := range qs[i].splits {
			for _, part := range sp.parts {
				for _, v := range part {
					mark(v, sp.sim)
				}
			}
			ix.creditSplit(sp, i, sc)
		}
	}
	type cand struct {
		n     int32
		upper float64
	}
	var cands []cand
	for _, n := range sc.touched {
		var s float32
		row := sc.best[int(n)*maxQueryTokens : int(n)*maxQueryTokens+len(qs)]
		for i, b := range row {
			if qs[i].class == classInitial {
				b = max(b, simInitial) // an initial may match any token it starts
			}
			s += qs[i].weight * b
			row[i] = 0
		}
		sc.mark[n] = false
		if total <= 0 || s/total < floorQ {
			continue
		}
		rec := &ix.names[n]
		var c float32
		for _, v := range rec.toks {
			t := &ix.vocab[v]
			if t.class == classInitial || initials[t.text[0]] {
				c += t.weight * max(sc.vsim[v], simInitial)
			} else {
				c += t.weight * sc.vsim[v]
			}
		}
		qc, cc := min(float64(s/total), 1), 1.0
		if rec.total > 0 {
			cc = min(float64(c/rec.total), 1)
		}
		if up := nameScore(qc, cc); up >= need {
			cands = append(cands, cand{n, up})
		}
	}
	sc.touched = sc.touched[:0]
	for _, v := range sc.vtouch {
		sc.vsim[v] = 0
	}
	sc.vtouch = sc.vtouch[:0]
	if len(cands) > maxCandidates {
		slices.SortFunc(cands, func(a, b cand) int {
			if c := cmp.Compare(b.upper, a.upper); c != 0 {
				return c
			}
			return cmp.Compare(a.n, b.n)
		})
		cands = cands[:maxCandidates]
	}
	out := make([]int32, len(cands))
	for i, c := range cands {
		out[i] = c.n
	}
	return out
}

// creditSplit credits query token i in the names that hold a token of
// every part of sp, intersecting the parts' posting lists with generation
// stamps.
func (ix *Index) creditSplit(sp split, i int, sc *scratch) {
	if sc.gen > math.MaxUint32-4 {
		clear(sc.stamp)
		sc.gen = 0
	}
	sc.gen++
	for _, v := range sp.parts[0] {
		for _, n := range ix.vocab[v].names {
			sc.stamp[n] = sc.gen
		}
	}
	last := len(sp.parts) - 1
	for _, part := range sp.parts[1:last] {
		prev := sc.gen
		sc.gen++
		for _, v := range part {
			for _, n := range ix.vocab[v].names {
				if sc.stamp[n] == prev {
					sc.stamp[n] = sc.gen
				}
			}
		}
	}
	for _, v := range sp.parts[last] {
		for _, n := range ix.vocab[v].names {
			if sc.stamp[n] == sc.gen {
				sc.credit(n, i, sp.sim)
			}
		}
	}
}

// capScore caps the name score of a listed name that is a single common
// token ("Hassan", an alias of several listed persons): such a name alone
// is at most a possible match; a confirming date of birth can still make it
// confirmed.
func (ix *Index) capScore(rec *nameRec, ns float64) float64 {
	if ns <= singleTokenCap {
		return ns
	}
	informative := -1
	for _, v := range rec.toks {
		if ix.vocab[v].class != classNormal {
			continue
		}
		if informative >= 0 {
			return ns // two or more
		}
		informative = int(v)
	}
	if informative >= 0 && len(ix.vocab[informative].names) >= commonTokenNames {
		return singleTokenCap
	}
	return ns
}

// A token in at least commonTokenNames names is common; a listed name of
// one common token scores at most singleTokenCap.
const (
	commonTokenNames = 10
	singleTokenCap   = 0.9
)

// queryExponent weighs the query's coverage against the listed name's in
// the name score: a query that is a subset of a listed name (a missing
// middle name, a dropped legal form) counts more than the reverse.
const queryExponent = 0.6

// nameScore combines the coverages: qc^0.6 × cc^0.4.
func nameScore(qc, cc float64) float64 {
	return math.Pow(qc, queryExponent) * math.Pow(cc, 1-queryExponent)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func clamp01(f float64) float64 { return math.Min(1, math.Max(0, f)) }

func isPEP(programs []string) bool {
	pep := false
	for _, p := range programs {
		switch p {
		case "role.pep", "role.rca":
			pep = true
		case "sanction", "sanction.linked":
			return false
		}
	}
	return pep
}

func addHit(hs *[]hit, v uint32, sim float32, kind MatchKind) {
	for i := range *hs {
		h := &(*hs)[i]
		if h.v == v {
			if sim > h.sim {
				h.sim, h.kind = sim, kind
			}
			return
		}
	}
	*hs = append(*hs, hit{v: v, sim: sim, kind: kind})
}

// collectHits finds the vocabulary tokens similar to q: the same text, a
// spelling variant, the same phonetic key, or a Jaro–Winkler similarity of
// at least fuzzyMin (and at most one edit, two for long tokens) among the
// tokens sharing trigrams with it.
func (ix *Index) collectHits(q *qtok, sc *scratch) {
	if v, ok := ix.byText[q.text]; ok {
		addHit(&q.hits, v, simExact, KindExact)
	}
	if q.canon != "" {
		for _, v := range ix.byCanon[q.canon] {
			addHit(&q.hits, v, simVariant, KindVariant)
		}
	}
	if q.class == classInitial {
		return
	}
	// A listed initial matches the token it starts.
	if r, size := utf8.DecodeRuneInString(q.text); size < len(q.text) {
		if v, ok := ix.byText[q.text[:size]]; ok && r != utf8.RuneError {
			addHit(&q.hits, v, simInitial, KindInitial)
		}
	}
	ps := float32(simPhonetic)
	if len(q.key) <= 3 {
		ps = simPhoneticShort
	}
	for _, v := range ix.byKey[q.key] {
		addHit(&q.hits, v, ps, KindPhonetic)
	}
	if len(q.text) < minFuzzyLen || !isASCII(q.text) {
		return
	}
	forTrigrams(q.text, func(g string) {
		for _, v := range ix.byGram[g] {
			if sc.grams[v] == 0 {
				sc.gtouch = append(sc.gtouch, v)
			}
			sc.grams[v]++
		}
	})
	for _, v := range sc.gtouch {
		n := int(sc.grams[v])
		sc.grams[v] = 0
		t := ix.vocab[v].text
		if d := len(t) - len(q.text); d > 2 || d < -2 {
			continue
		}
		// q-gram lemma: strings within k edits share at least
		// max(len) − 3k of their padded trigrams.
		if longest := max(len(t), len(q.text)); n < max(2, longest-3*maxEdits(len(t), len(q.text))) {
			continue
		}
		if sim, ok := fuzzySim(q.text, t); ok {
			addHit(&q.hits, v, sim, KindFuzzy)
		}
	}
	sc.gtouch = sc.gtouch[:0]
}

// fuzzySim compares two tokens with Jaro–Winkler similarity (go-edlib) and
// accepts them as a typo or spelling slip when the similarity is at least
// fuzzyMin and they are at most one edit apart (two for tokens of ten
// letters or more, by Levenshtein distance): Jaro–Winkler alone rates
// different names that share a prefix (Ivanov/Ivanovsky, Jordan/Jordanov)
// too high.
func fuzzySim(a, b string) (float32, bool) {
	jw := edlib.JaroWinklerSimilarity(a, b)
	if jw < fuzzyMin {
		return 0, false
	}
	if edlib.LevenshteinDistance(a, b) > maxEdits(len(a), len(b)) {
		return 0, false
	}
	return jw * fuzzyScale, true
}

// maxEdits is the most edits fuzzySim accepts between tokens of these
// lengths.
func maxEdits(la, lb int) int {
	if min(la, lb) >= 10 {
		return 2
	}
	return 1
}

// compoundHits finds, for retrieval, the listed tokens that a query token
// splits into ("jongun" → "jong" + "un", also by phonetic key;
// "chongchongang" → "chong" + "chon" + "gang") and the listed tokens that
// two or three adjacent query tokens form together ("jong", "un" →
// "jongun").
func (ix *Index) compoundHits(qs []qtok) {
	for i := range qs {
		q := &qs[i]
		if len(q.text) >= 4 && len(q.text) <= 24 && isASCII(q.text) {
			for k := 2; k <= len(q.text)-2; k++ {
				a, b := q.text[:k], q.text[k:]
				va, oka := ix.byText[a]
				if vb, okb := ix.byText[b]; oka && okb {
					q.splits = append(q.splits, split{parts: [][]uint32{{va}, {vb}}, sim: simCompound})
				}
				ka, kb := ix.byKey[phoneticKey(a)], ix.byKey[phoneticKey(b)]
				if len(ka) > 0 && len(kb) > 0 {
					q.splits = append(q.splits, split{parts: [][]uint32{ka, kb}, sim: simCompoundKey})
				}
				if !oka {
					continue
				}
				for k2 := k + 2; k2 <= len(q.text)-2; k2++ {
					vb, okb := ix.byText[q.text[k:k2]]
					vc, okc := ix.byText[q.text[k2:]]
					if okb && okc {
						q.splits = append(q.splits, split{parts: [][]uint32{{va}, {vb}, {vc}}, sim: simCompound})
					}
				}
			}
		}
		joined := q.text
		for span := 2; span <= 3 && i+span <= len(qs); span++ {
			joined += qs[i+span-1].text
			if v, ok := ix.byText[joined]; ok {
				q.joins = append(q.joins, join{hit{v, simCompound, KindCompound}, span})
			}
			for _, v := range ix.byKey[phoneticKey(joined)] {
				q.joins = append(q.joins, join{hit{v, simCompoundKey, KindCompound}, span})
			}
		}
	}
	for i := range qs {
		slices.SortFunc(qs[i].hits, func(a, b hit) int { return cmp.Compare(a.v, b.v) })
	}
}

// queryWeight is the weight of a query token: the rarity of the listed
// spelling it matches best (the same token, else a variant, else a
// phonetic or fuzzy match), else that of a token no name has, times its
// class weight.
func (ix *Index) queryWeight(q *qtok) float32 {
	if q.class == classInitial {
		return initialWeight
	}
	w := ix.maxIDF
	var bestSim float32
	for _, h := range q.hits {
		t := &ix.vocab[h.v]
		if h.sim > bestSim && t.class != classInitial {
			bestSim, w = h.sim, t.weight/t.class.weight()
		}
	}
	return w * q.class.weight()
}

// direct returns the similarity of query token q and vocabulary token v.
func (ix *Index) direct(q *qtok, v uint32) (float32, MatchKind) {
	hs := q.hits
	if i, ok := slices.BinarySearchFunc(hs, v, func(h hit, v uint32) int { return cmp.Compare(h.v, v) }); ok {
		return hs[i].sim, hs[i].kind
	}
	ct := &ix.vocab[v]
	switch {
	case q.canon != "" && q.canon == ct.canon:
		return simVariant, KindVariant
	case q.class == classInitial && ct.class == classInitial:
		return 0, KindUnmatched // equal initials are exact hits above
	case q.class == classInitial && strings.HasPrefix(ct.text, q.text):
		return simInitial, KindInitial
	case ct.class == classInitial && strings.HasPrefix(q.text, ct.text):
		return simInitial, KindInitial
	}
	return 0, KindUnmatched
}

// option is a possible correspondence in an alignment: query tokens
// [i, i2] against listed tokens [j, j2] (one on one side, one to three on
// the other).
type option struct {
	i, i2, j, j2 int
	s            float32
	k            MatchKind
}

// align matches the tokens of the query with those of rec, one to one or
// one to two adjacent tokens written together (compounds), greedily by
// similarity times the number of tokens covered, and returns the weighted
// coverage of the query and of the listed name. With explain set it also
// records the explanation.
func (ix *Index) align(qs []qtok, qtotal float32, rec *nameRec, explain *[]TokenMatch) (float64, float64) {
	nq, nc := len(qs), len(rec.toks)
	var optBuf [64]option
	opts := optBuf[:0]
	for i := range qs {
		for j, v := range rec.toks {
			if s, k := ix.direct(&qs[i], v); s > 0 {
				opts = append(opts, option{i, i, j, j, s, k})
			}
		}
	}
	for i := range qs {
		for j := 0; j+1 < nc; j++ {
			a, b := &ix.vocab[rec.toks[j]], &ix.vocab[rec.toks[j+1]]
			if s := compoundSim(qs[i].text, qs[i].key, a.text, b.text, a.key, b.key); s > 0 {
				opts = append(opts, option{i, i, j, j + 1, s, KindCompound})
			}
			if j+2 < nc {
				c := &ix.vocab[rec.toks[j+2]]
				if s := compound3(qs[i].text, a.text, b.text, c.text); s > 0 {
					opts = append(opts, option{i, i, j, j + 2, s, KindCompound})
				}
			}
		}
	}
	for j, v := range rec.toks {
		c := &ix.vocab[v]
		for i := 0; i+1 < nq; i++ {
			if s := compoundSim(c.text, c.key, qs[i].text, qs[i+1].text, qs[i].key, qs[i+1].key); s > 0 {
				opts = append(opts, option{i, i + 1, j, j, s, KindCompound})
			}
			if i+2 < nq {
				if s := compound3(c.text, qs[i].text, qs[i+1].text, qs[i+2].text); s > 0 {
					opts = append(opts, option{i, i + 2, j, j, s, KindCompound})
				}
			}
		}
	}
	value := func(o option) float32 { return o.s * float32(o.i2-o.i+o.j2-o.j+2) }
	slices.SortStableFunc(opts, func(a, b option) int { return cmp.Compare(value(b), value(a)) })
	var qoBuf, coBuf [32]int
	qo, co := qoBuf[:0], coBuf[:0] // chosen option per token, -1 none
	for range nq {
		qo = append(qo, -1)
	}
	for range nc {
		co = append(co, -1)
	}
next:
	for x, o := range opts {
		for i := o.i; i <= o.i2; i++ {
			if qo[i] >= 0 {
				continue next
			}
		}
		for j := o.j; j <= o.j2; j++ {
			if co[j] >= 0 {
				continue next
			}
		}
		for i := o.i; i <= o.i2; i++ {
			qo[i] = x
		}
		for j := o.j; j <= o.j2; j++ {
			co[j] = x
		}
	}
	var qm, cm float64
	for i := range qs {
		if x := qo[i]; x >= 0 {
			qm += float64(qs[i].weight * opts[x].s)
		}
	}
	for j, v := range rec.toks {
		if x := co[j]; x >= 0 {
			cm += float64(ix.vocab[v].weight * opts[x].s)
		}
	}
	var qc, cc float64
	if qtotal > 0 {
		qc = math.Min(qm/float64(qtotal), 1)
	}
	if rec.total > 0 {
		cc = math.Min(cm/float64(rec.total), 1)
	}
	if explain != nil {
		ix.explain(qs, rec, opts, qo, co, explain)
	}
	return qc, cc
}

// compoundSim compares one token (text and phonetic key) with two tokens
// a and b (with keys ka and kb) written together. It builds the joined key
// only when the keys' ends already agree, which keeps it off the
// allocation path for nearly every pair.
func compoundSim(text, key, a, b, ka, kb string) float32 {
	n := len(a) + len(b)
	if n > len(text)+3 || n+3 < len(text) || len(ka) == 0 || len(kb) == 0 {
		return 0
	}
	if n == len(text) && strings.HasPrefix(text, a) && text[len(a):] == b {
		return simCompound
	}
	// Only the letters at the seam can change when a and b are joined.
	if !strings.HasPrefix(key, ka[:len(ka)-1]) || !strings.HasSuffix(key, kb[1:]) {
		return 0
	}
	if phoneticKey(a+b) == key {
		return simCompoundKey
	}
	return 0
}

// compound3 compares one token with three tokens written together, by
// text only.
func compound3(text, a, b, c string) float32 {
	if len(a)+len(b)+len(c) == len(text) && strings.HasPrefix(text, a) &&
		strings.HasPrefix(text[len(a):], b) && text[len(a)+len(b):] == c {
		return simCompound
	}
	return 0
}

func (ix *Index) explain(qs []qtok, rec *nameRec, opts []option, qo, co []int, out *[]TokenMatch) {
	seen := map[int]bool{}
	for i := range qs {
		x := qo[i]
		if x < 0 {
			*out = append(*out, TokenMatch{Query: qs[i].text, Kind: KindUnmatched,
				Weight: round3(float64(qs[i].weight)), Class: qs[i].class.String()})
			continue
		}
		if seen[x] {
			continue
		}
		seen[x] = true
		o := opts[x]
		tm := TokenMatch{Kind: o.k, Similarity: round3(float64(o.s)), Class: qs[o.i].class.String()}
		var w float32
		for k := o.i; k <= o.i2; k++ {
			if k > o.i {
				tm.Query += "+"
			}
			tm.Query += qs[k].text
			w += qs[k].weight
		}
		tm.Weight = round3(float64(w))
		for k := o.j; k <= o.j2; k++ {
			if k > o.j {
				tm.Candidate += "+"
			}
			tm.Candidate += ix.vocab[rec.toks[k]].text
		}
		if o.k == KindFuzzy {
			tm.Metric = "jaro-winkler"
		}
		*out = append(*out, tm)
	}
	for j, v := range rec.toks {
		if co[j] >= 0 {
			continue
		}
		c := &ix.vocab[v]
		*out = append(*out, TokenMatch{Candidate: c.text, Kind: KindUnmatched, Weight: round3(float64(c.weight)), Class: c.class.String()})
	}
}

// evidence compares the query's date of birth, country and type with the
// entity's and returns the score adjustment. Confirmations add only to a
// name score of at least boostMinNameScore: they never make a match out of
// a weak name.
func (ix *Index) evidence(q *Query, e *Entity, nameScore float64) (float64, [3]Evidence) {
	var ev [3]Evidence
	var adj float64
	if !q.BirthDate.IsZero() && len(e.BirthDates) > 0 {
		ev[0] = EvidenceContradicted
		parsed := false
		for _, d := range e.BirthDates {
			y, m, day, ok := parseListDate(d)
			if !ok {
				continue
			}
			parsed = true
			switch {
			case y == q.BirthDate.Year && (m == 0 || m == int(q.BirthDate.Month)) && (day == 0 || day == q.BirthDate.Day):
				ev[0] = EvidenceConfirmed
			case ev[0] != EvidenceConfirmed && (m == 0 || day == 0) && absInt(y-q.BirthDate.Year) <= 1:
				ev[0] = EvidenceUnknown // approximate dates a year apart prove nothing
			}
			if ev[0] == EvidenceConfirmed {
				break
			}
		}
		if !parsed {
			ev[0] = EvidenceUnknown
		}
	}
	if q.Country != "" && len(e.Countries) > 0 {
		ev[1] = EvidenceContradicted
		if slices.Contains(e.Countries, q.Country) {
			ev[1] = EvidenceConfirmed
		}
	}
	if q.Type != TypeUnknown && e.Type != TypeUnknown {
		ev[2] = EvidenceConfirmed
		if q.Type != e.Type {
			ev[2] = EvidenceContradicted
		}
	}
	if ev[0] == EvidenceConfirmed && nameScore >= boostMinNameScore {
		adj += dobConfirmBoost
	}
	if ev[0] == EvidenceContradicted {
		adj -= dobContradictCost
	}
	if ev[1] == EvidenceConfirmed && nameScore >= boostMinNameScore {
		adj += countryBoost
	}
	if ev[1] == EvidenceContradicted {
		adj -= countryContradicts
	}
	if ev[2] == EvidenceContradicted {
		adj -= typeContradicts
	}
	return adj, ev
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
