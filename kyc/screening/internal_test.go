package screening

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRomanizeHangul(t *testing.T) {
	tests := map[string]string{
		"김정은":       " gim jeongeun ",
		"박봉주":       " bak bongju ",
		"이순신":       " yi sunsin ",
		"오세훈":       " oh sehun ",
		"남궁민수":      " namgung minsu ",
		"황보관":       " hwangbo gwan ",
		"최 룡해":      " choe   ryonghae ",
		"조선광선은행":    " joseongwangseoneunhaeng ",
		"Kim 김":     "Kim  gim ",
		"no hangul": "no hangul",
	}
	for in, want := range tests {
		if got := romanizeHangul(in); got != want {
			t.Errorf("romanizeHangul(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneticKey(t *testing.T) {
	same := [][]string{
		{"jong", "chong", "jeong", "jung"},
		{"kim", "gim"},
		{"eun", "un"},
		{"seong", "sung", "song"},
		{"puttin", "putin"},
		{"soleimani", "soleymani"},
		{"qasem", "ghasem"},
		{"navalny", "navalnyy"},
		{"jeongeun", "jongun"},
		{"juergen", "jurgen"},
		{"hussein", "husain"},
	}
	for _, g := range same {
		for _, w := range g[1:] {
			if phoneticKey(w) != phoneticKey(g[0]) {
				t.Errorf("phoneticKey(%q) = %q, phoneticKey(%q) = %q: want equal", w, phoneticKey(w), g[0], phoneticKey(g[0]))
			}
		}
	}
	differ := [][2]string{{"bush", "habbash"}, {"un", "il"}, {"jong", "yong"}, {"sechin", "sechkin"}, {"kim", "kin"}}
	for _, p := range differ {
		if phoneticKey(p[0]) == phoneticKey(p[1]) {
			t.Errorf("phoneticKey(%q) == phoneticKey(%q) = %q", p[0], p[1], phoneticKey(p[0]))
		}
	}
	if got := phoneticKey("김"); got != "김" {
		t.Errorf("non-Latin token changed: %q", got)
	}
}

func TestTokenize(t *testing.T) {
	nz := newNormalizer()
	tests := []struct {
		in   string
		want []string
	}{
		{"KIM, Jong-Un", []string{"kim", "jong", "un"}},
		{"José GONZÁLEZ", []string{"jose", "gonzalez"}},
		{"Ｋｉｍ Ｊｏｎｇ", []string{"kim", "jong"}},
		{"O'Brien, Seán", []string{"obrien", "sean"}},
		{"ANGLO-CARIBBEAN CO., LTD.", []string{"anglo", "caribbean", "co", "ltd"}},
		{"U.S.A. Straße", []string{"usa", "strasse"}},
		{"The Group for the Preservation of the Holy Sites", []string{"group", "preservation", "holy", "sites"}},
		{"Søren Łukasz Æsir", []string{"soren", "lukasz", "aesir"}},
		{"김정은", []string{"gim", "jeongeun"}},
		{"", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, tk := range nz.tokenize(tc.in) {
			got = append(got, tk.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	classes := map[string]tokenClass{"al": classParticle, "limited": classGeneric, "j": classInitial,
		"vladimirovich": classPatronymic, "habbash": classNormal}
	for w, want := range classes {
		if got := classify(w); got != want {
			t.Errorf("classify(%q) = %s, want %s", w, got, want)
		}
	}
}

func TestCompoundSim(t *testing.T) {
	k := phoneticKey
	if s := compoundSim("jongun", k("jongun"), "jong", "un", k("jong"), k("un")); s != simCompound {
		t.Errorf("jongun vs jong+un = %v", s)
	}
	if s := compoundSim("jeongeun", k("jeongeun"), "chong", "un", k("chong"), k("un")); s != simCompoundKey {
		t.Errorf("jeongeun vs chong+un = %v", s)
	}
	if s := compoundSim("jongil", k("jongil"), "jong", "un", k("jong"), k("un")); s != 0 {
		t.Errorf("jongil vs jong+un = %v", s)
	}
	if s := compound3("chongchongang", "chong", "chon", "gang"); s != simCompound {
		t.Errorf("3-part = %v", s)
	}
}

func TestFuzzySim(t *testing.T) {
	for _, p := range [][2]string{{"lukashenko", "lukashenka"}, {"gonzales", "gonzalez"}, {"kadafi", "kadefi"}} {
		if _, ok := fuzzySim(p[0], p[1]); !ok {
			t.Errorf("fuzzySim(%q, %q) rejected", p[0], p[1])
		}
	}
	for _, p := range [][2]string{{"ivanov", "ivanovsky"}, {"jordan", "jordanov"}, {"johnson", "johnstone"}, {"peter", "petra"}, {"bush", "habbash"}} {
		if s, ok := fuzzySim(p[0], p[1]); ok {
			t.Errorf("fuzzySim(%q, %q) = %v, want rejected", p[0], p[1], s)
		}
	}
}

func TestCountryTable(t *testing.T) {
	tab := countryTable()
	for name, want := range map[string]string{
		"Korea, North": "KP", "Democratic People's Republic of Korea": "KP", "Iran (Islamic Republic of)": "IR",
		"Russian Federation": "RU", "Panama": "PA", "Côte d'Ivoire": "CI", "Cote d Ivoire": "CI", "Türkiye": "TR",
		"United Kingdom": "GB", "kr": "KR", "Burma": "MM", "nowhere": "",
	} {
		if got := lookupCountry(tab, name); got != want {
			t.Errorf("lookupCountry(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestRetrievalBound checks that candidate retrieval never drops a name
// that scoring every name would report: its bounds are upper bounds.
func TestRetrievalBound(t *testing.T) {
	ents := []Entity{}
	for i, n := range []string{"KIM, Jong Un", "Kim Jong-il", "PAK Pong Ju", "BIN LADEN, Osama", "Usama Bin Laden Organization",
		"CHONG CHON GANG", "KOREA MINING DEVELOPMENT TRADING CORPORATION", "Hassan", "HASSAN, Ali Mohammed", "J. Smith",
		"Korea Kwangson Banking Corp", "Ri Pyong Chol", "QADHAFI, Muammar", "AL-QAIDA", "Abu Bakr AL-BAGHDADI"} {
		ents = append(ents, Entity{List: "t", ID: string(rune('a' + i)), Names: []string{n}})
	}
	ix := NewIndex(ents, nil)
	o, _ := compileOptions(&Options{MaxMatches: 1000}, false)
	queries := []string{"Kim Jong Un", "김정은", "Kimjongun", "Jong Un", "Pak Pong-ju", "Park Bong Ju", "Osama bin Ladin", "Chongchongang",
		"Korea Mining Development Trading Corp", "Hassan", "Ali Hassan", "John Smith", "J Smith", "Korea Kwangson Bank", "Lee Pyong-chol",
		"Moammar Gaddafi", "Al Qaeda", "Abu Bakr al Baghdadi", "K J Un", "Trading Corporation"}
	all := make([]int32, len(ix.names))
	for i := range all {
		all[i] = int32(i)
	}
	for _, qn := range queries {
		q := Query{Name: qn}
		got := ix.screen(&q, &o)
		sc := ix.getScratch()
		qs, total := ix.prepare(qn, sc)
		ix.scratch.Put(sc)
		want := ix.rank(&q, qs, total, all, &o)
		key := func(ms []Match) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.EntityID)
			}
			return out
		}
		if !slices.Equal(key(got), key(want)) {
			t.Errorf("%q: retrieval found %v, scoring every name finds %v", qn, key(got), key(want))
		}
	}
}

// TestRetrievalBoundFullLists repeats TestRetrievalBound on the full OFAC
// and UN lists with a sample of the corpus queries.
func TestRetrievalBoundFullLists(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ents, err := Load(os.DirFS(filepath.Join(dir, "..", "..", "..", "shared", "data", "sanctions")), ".")
	if err != nil {
		t.Fatalf("loading the lists: %v", err)
	}
	ix := NewIndex(ents, nil)
	b, err := os.ReadFile("testdata/name_pairs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var queries []string
	for i, l := range strings.Split(string(b), "\n") {
		if f := strings.Split(l, "\t"); len(f) == 4 && i%12 == 0 {
			queries = append(queries, f[0])
		}
	}
	o, _ := compileOptions(&Options{MaxMatches: 1000, ReviewThreshold: 0.7}, false)
	all := make([]int32, len(ix.names))
	for i := range all {
		all[i] = int32(i)
	}
	for _, qn := range queries {
		q := Query{Name: qn}
		got := ix.screen(&q, &o)
		sc := ix.getScratch()
		qs, total := ix.prepare(qn, sc)
		ix.scratch.Put(sc)
		want := ix.rank(&q, qs, total, all, &o)
		if len(got) != len(want) {
			t.Errorf("%q: retrieval found %d matches, scoring every name %d", qn, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i].List != want[i].List || got[i].EntityID != want[i].EntityID || got[i].Score != want[i].Score {
				t.Errorf("%q: match %d: retrieval %s:%s %.3f, every name %s:%s %.3f", qn, i,
					got[i].List, got[i].EntityID, got[i].Score, want[i].List, want[i].EntityID, want[i].Score)
				break
			}
		}
	}
	t.Logf("%d queries checked", len(queries))
}
