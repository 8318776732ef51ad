package screening

import (
	"slices"
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
