package screening

import (
	"math"
	"slices"
	"sync"
)

// IndexOptions tunes [NewIndex]. A nil *IndexOptions means the defaults.
type IndexOptions struct {
	// Variants adds groups of spellings of one name to the built-in
	// transliteration table, e.g. {"mikhail", "michael"}; the first
	// spelling of each group is its canonical form. Default: none.
	Variants [][]string
	// GenericWords adds words that weigh little in a name, like the
	// built-in CORP, LIMITED, TRADING and CO. Default: none.
	GenericWords []string
}

// Index is an immutable in-memory index of list entities for fuzzy name
// screening: an inverted index from normalized tokens, transliteration
// variants, phonetic keys and character trigrams to names, with each
// token's rarity (inverse document frequency) over the indexed names. An
// Index is safe for concurrent use by multiple goroutines; build a new one
// and [Screener.Swap] it in to change the lists.
type Index struct {
	entities []Entity
	names    []nameRec
	vocab    []vocabTok
	byText   map[string]uint32
	byCanon  map[string][]uint32
	byKey    map[string][]uint32
	byGram   map[string][]uint32
	variants map[string]string
	generic  map[string]bool
	maxIDF   float32
	scratch  sync.Pool // *scratch
}

type nameRec struct {
	entity int32
	text   string
	toks   []uint32
	total  float32 // sum of the tokens' weights
}

type vocabTok struct {
	text   string
	key    string
	canon  string
	class  tokenClass
	weight float32 // idf × class weight
	names  []int32 // ascending name ids
}

// NewIndex builds an index of entities. Entities with no usable name are
// kept (they count in [Index.Len]) but can never match. The entities are
// copied; later changes to them do not affect the index.
func NewIndex(entities []Entity, opts *IndexOptions) *Index {
	if opts == nil {
		opts = &IndexOptions{}
	}
	ix := &Index{
		entities: make([]Entity, len(entities)),
		byText:   map[string]uint32{},
		byCanon:  map[string][]uint32{},
		byKey:    map[string][]uint32{},
		byGram:   map[string][]uint32{},
		variants: variantTable(),
		generic:  map[string]bool{},
	}
	for _, g := range opts.Variants {
		nz := newNormalizer()
		var canon string
		for i, v := range g {
			v = nz.fold(v)
			if i == 0 {
				canon = v
				if c, ok := ix.variants[v]; ok {
					canon = c
				}
			}
			ix.variants[v] = canon
		}
	}
	for _, w := range opts.GenericWords {
		ix.generic[foldName(w)] = true
	}
	nz := newNormalizer()
	for ei := range entities {
		e := &entities[ei]
		ix.entities[ei] = Entity{
			List: e.List, ID: e.ID, Type: e.Type,
			Names:      slices.Clone(e.Names),
			BirthDates: slices.Clone(e.BirthDates),
			Countries:  slices.Clone(e.Countries),
			Programs:   slices.Clone(e.Programs),
		}
		for _, name := range e.Names {
			toks := nz.tokenize(name)
			if len(toks) == 0 {
				continue
			}
			id := int32(len(ix.names))
			rec := nameRec{entity: int32(ei), text: name, toks: make([]uint32, 0, len(toks))}
			for _, t := range toks {
				v := ix.intern(t)
				if !slices.Contains(rec.toks, v) {
					rec.toks = append(rec.toks, v)
					ix.vocab[v].names = append(ix.vocab[v].names, id)
				}
			}
			ix.names = append(ix.names, rec)
		}
	}
	n := float64(len(ix.names))
	ix.maxIDF = float32(math.Log((n+1)/1) + 1)
	for v := range ix.vocab {
		t := &ix.vocab[v]
		idf := float32(math.Log((n+1)/float64(len(t.names)+1)) + 1)
		t.weight = idf * t.class.weight()
		if t.class == classInitial {
			t.weight = initialWeight
		}
		t.names = slices.Clip(t.names)
	}
	for i := range ix.names {
		r := &ix.names[i]
		for _, v := range r.toks {
			r.total += ix.vocab[v].weight
		}
	}
	ix.scratch.New = func() any { return &scratch{} }
	return ix
}

// initialWeight is the weight of a one-letter token (an initial).
const initialWeight = 1

func (ix *Index) intern(t token) uint32 {
	if v, ok := ix.byText[t.text]; ok {
		return v
	}
	v := uint32(len(ix.vocab))
	class := t.class
	if class == classNormal && ix.generic[t.text] {
		class = classGeneric
	}
	vt := vocabTok{text: t.text, class: class, key: phoneticKey(t.text)}
	ix.byText[t.text] = v
	if c, ok := ix.variants[t.text]; ok {
		vt.canon = c
		ix.byCanon[c] = append(ix.byCanon[c], v)
	}
	if class != classInitial {
		ix.byKey[vt.key] = append(ix.byKey[vt.key], v)
		if isASCII(t.text) && len(t.text) >= minFuzzyLen {
			forTrigrams(t.text, func(g string) { ix.byGram[g] = append(ix.byGram[g], v) })
		}
	}
	ix.vocab = append(ix.vocab, vt)
	return v
}

// minFuzzyLen is the shortest token compared by string similarity.
const minFuzzyLen = 4

// forTrigrams calls fn with each trigram of "^s$".
func forTrigrams(s string, fn func(string)) {
	p := "^" + s + "$"
	for i := 0; i+3 <= len(p); i++ {
		fn(p[i : i+3])
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Len returns the number of entities in the index.
func (ix *Index) Len() int { return len(ix.entities) }

// Names returns the number of indexed names (primary names and aliases).
func (ix *Index) Names() int { return len(ix.names) }

// Entity returns the entity with the given list and id, and whether there
// is one. It is a linear scan, meant for tests and tools.
func (ix *Index) Entity(list, id string) (Entity, bool) {
	for _, e := range ix.entities {
		if e.List == list && e.ID == id {
			e.Names = slices.Clone(e.Names)
			e.BirthDates = slices.Clone(e.BirthDates)
			e.Countries = slices.Clone(e.Countries)
			e.Programs = slices.Clone(e.Programs)
			return e, true
		}
	}
	return Entity{}, false
}
