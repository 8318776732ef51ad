package screening_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply/kyc/screening"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

func find(ms []screening.Match, list, id string) *screening.Match {
	for i := range ms {
		if ms[i].List == list && ms[i].EntityID == id {
			return &ms[i]
		}
	}
	return nil
}

func screenFull(t *testing.T, q screening.Query, o *screening.Options) []screening.Match {
	t.Helper()
	ms, err := fullIndexOf(t).Screen(q, o)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// The two known failures of other tools, against the real lists.
func TestKnownFailures(t *testing.T) {
	low := &screening.Options{ReviewThreshold: 0.01, MaxMatches: 1000}
	ms := screenFull(t, screening.Query{Name: "George Bush"}, low)
	habbash := find(ms, screening.ListOFACSDN, "2680") // HABBASH, George
	if habbash != nil && habbash.Score >= screening.DefaultReviewThreshold {
		t.Errorf("George Bush vs HABBASH, George: %.3f reaches review (%s)", habbash.Score, habbash.Explanation.String())
	}
	if ms := screenFull(t, screening.Query{Name: "George Bush"}, nil); len(ms) != 0 {
		t.Errorf("George Bush: %d matches at the review threshold, first %+v", len(ms), ms[0])
	}

	ix := screening.NewIndex(append(fullEntities(t), screening.Entity{List: "test", ID: "bridgespan", Names: []string{"The Bridgespan Group"}}), nil)
	ms, err := ix.Screen(screening.Query{Name: "the group for the preservation of the holy sites"}, low)
	if err != nil {
		t.Fatal(err)
	}
	if m := find(ms, "test", "bridgespan"); m != nil && m.Score >= screening.DefaultReviewThreshold {
		t.Errorf("holy sites vs bridgespan group: %.3f (%s)", m.Score, m.Explanation.String())
	}
	if m := find(ms, screening.ListOFACSDN, "6366"); m == nil || m.Score < 0.99 {
		t.Errorf("holy sites should match its own OFAC alias (6366 USAMA BIN LADEN ORGANIZATION): %+v", m)
	}
}

func fullEntities(t *testing.T) []screening.Entity {
	ofac, un := loadLists(t)
	return append(append([]screening.Entity(nil), ofac...), un...)
}

func TestScreenKimJongUn(t *testing.T) {
	for _, name := range []string{"Kim Jong Un", "KIM, Jong-un", "Jong Un Kim", "kim jongun", "김정은"} {
		ms := screenFull(t, screening.Query{Name: name}, nil)
		if len(ms) == 0 || ms[0].List != screening.ListOFACSDN || ms[0].EntityID != "20157" {
			t.Errorf("%q: first match %+v, want OFAC 20157", name, ms)
			continue
		}
		if ex := ms[0].Explanation; len(ex.Tokens) == 0 || ex.NameScore <= 0 {
			t.Errorf("%q: no explanation: %+v", name, ex)
		}
	}
}

func TestBirthDateAndCountry(t *testing.T) {
	ix := screening.NewIndex([]screening.Entity{
		{List: "t", ID: "1", Type: screening.TypeIndividual, Names: []string{"PARK, Min Soo"}, BirthDates: []string{"1970-05-01"}, Countries: []string{"KP"}},
		{List: "t", ID: "2", Type: screening.TypeIndividual, Names: []string{"Choi Eun Ha"}, BirthDates: []string{"1980"}},
		{List: "t", ID: "3", Type: screening.TypeVessel, Names: []string{"Choi Eun Ha"}},
	}, nil)
	d := func(y int, m int, day int) payment.Date { return payment.Date{Year: y, Month: timeMonth(m), Day: day} }
	tests := []struct {
		name    string
		q       screening.Query
		id      string
		dob     screening.Evidence
		country screening.Evidence
		typ     screening.Evidence
		cmp     int // sign of score − name-only score
	}{
		{"no evidence", screening.Query{Name: "Pak Min Su"}, "1", screening.EvidenceUnknown, screening.EvidenceUnknown, screening.EvidenceUnknown, 0},
		{"dob confirms", screening.Query{Name: "Pak Min Su", BirthDate: d(1970, 5, 1)}, "1", screening.EvidenceConfirmed, screening.EvidenceUnknown, screening.EvidenceUnknown, 1},
		{"dob contradicts", screening.Query{Name: "Pak Min Su", BirthDate: d(1990, 5, 1)}, "1", screening.EvidenceContradicted, screening.EvidenceUnknown, screening.EvidenceUnknown, -1},
		{"same year other day contradicts", screening.Query{Name: "Pak Min Su", BirthDate: d(1970, 6, 2)}, "1", screening.EvidenceContradicted, screening.EvidenceUnknown, screening.EvidenceUnknown, -1},
		{"country confirms", screening.Query{Name: "Pak Min Su", Country: "KP"}, "1", screening.EvidenceUnknown, screening.EvidenceConfirmed, screening.EvidenceUnknown, 1},
		{"country contradicts", screening.Query{Name: "Pak Min Su", Country: "KR"}, "1", screening.EvidenceUnknown, screening.EvidenceContradicted, screening.EvidenceUnknown, -1},
		{"year-only dob confirms", screening.Query{Name: "Choi Eun Ha", BirthDate: d(1980, 12, 31), Type: screening.TypeIndividual}, "2", screening.EvidenceConfirmed, screening.EvidenceUnknown, screening.EvidenceConfirmed, 0},
		{"year-only dob a year off proves nothing", screening.Query{Name: "Choi Eun Ha", BirthDate: d(1981, 1, 1)}, "2", screening.EvidenceUnknown, screening.EvidenceUnknown, screening.EvidenceUnknown, 0},
		{"type contradicts", screening.Query{Name: "Choi Eun Ha", Type: screening.TypeIndividual}, "3", screening.EvidenceUnknown, screening.EvidenceUnknown, screening.EvidenceContradicted, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := ix.Screen(tc.q, &screening.Options{ReviewThreshold: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			m := find(ms, "t", tc.id)
			if m == nil {
				t.Fatalf("no match for %s in %+v", tc.id, ms)
			}
			ex := m.Explanation
			if ex.BirthDate != tc.dob || ex.Country != tc.country || ex.Type != tc.typ {
				t.Errorf("evidence dob %s country %s type %s, want %s %s %s", ex.BirthDate, ex.Country, ex.Type, tc.dob, tc.country, tc.typ)
			}
			diff := m.Score - math.Min(1, ex.NameScore)
			if got := sign(diff); got != tc.cmp && !(tc.cmp == 1 && ex.NameScore >= 1) {
				t.Errorf("score %.3f vs name score %.3f: sign %d, want %d", m.Score, ex.NameScore, got, tc.cmp)
			}
		})
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }

func sign(f float64) int {
	switch {
	case f > 1e-9:
		return 1
	case f < -1e-9:
		return -1
	}
	return 0
}

func TestAllowList(t *testing.T) {
	q := screening.Query{Name: "Kim Jong Un"}
	ms := screenFull(t, q, nil)
	if find(ms, screening.ListOFACSDN, "20157") == nil {
		t.Fatal("Kim Jong Un not found")
	}
	allow := &screening.Options{AllowList: map[string]bool{"us_ofac_sdn:20157": true}}
	if m := find(screenFull(t, q, allow), screening.ListOFACSDN, "20157"); m != nil {
		t.Errorf("allow-listed entity still reported: %+v", m)
	}
	// Allow-listing is per entity: the same name elsewhere still matches.
	ix := screening.NewIndex([]screening.Entity{
		{List: "a", ID: "1", Names: []string{"Ivan Drago"}},
		{List: "b", ID: "1", Names: []string{"Ivan Drago"}},
	}, nil)
	ms, _ = ix.Screen(screening.Query{Name: "Ivan Drago"}, &screening.Options{AllowList: map[string]bool{"a:1": true}})
	if len(ms) != 1 || ms[0].List != "b" {
		t.Errorf("matches %+v, want only b:1", ms)
	}
}

func TestDecisionsAndFindings(t *testing.T) {
	ms := screenFull(t, screening.Query{Name: "Kim Jong Un", BirthDate: payment.Date{Year: 1984, Month: 1, Day: 8}, Country: "KP"}, nil)
	if len(ms) == 0 || ms[0].EntityID != "20157" || ms[0].Decision != screening.DecisionConfirmed || ms[0].Score != 1 {
		t.Fatalf("matches %+v", ms)
	}
	fs := screening.Findings("customer", "Kim Jong Un", ms[:1])
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	if f.Rule != screening.RuleSanctions || f.Action != rule.Block || f.Code != screening.CodeMatch || f.Citation.Law != "31 CFR" {
		t.Errorf("finding %+v", f)
	}
	vals := map[string]string{}
	for _, v := range f.Values {
		vals[v.Name] = v.Value
	}
	if vals["list"] != "us_ofac_sdn" || vals["entity_id"] != "20157" || vals["matched_name"] != "KIM, Jong Un" || vals["score"] != "1.000" {
		t.Errorf("values %v", vals)
	}

	// A possible match asks for review; a PEP match too.
	possible := screening.Match{List: screening.ListUN, EntityID: "KPi.001", MatchedName: "X", Score: 0.85, Decision: screening.DecisionPossible, Programs: []string{"DPRK"}}
	pep := screening.Match{List: "peps", EntityID: "Q1", MatchedName: "Y", Score: 0.99, Decision: screening.DecisionConfirmed, PEP: true}
	none := screening.Match{List: "peps", EntityID: "Q2", Decision: screening.DecisionNone}
	fs = screening.Findings("counterparty", "q", []screening.Match{possible, pep, none})
	if len(fs) != 2 || fs[0].Action != rule.Review || fs[0].Rule != screening.RuleSanctions ||
		!strings.Contains(fs[0].Citation.Article, "1718") || fs[1].Action != rule.Review || fs[1].Rule != screening.RulePEP {
		t.Errorf("findings %+v", fs)
	}
}

func TestOptionsErrors(t *testing.T) {
	ix := screening.NewIndex(nil, nil)
	for _, o := range []*screening.Options{
		{ReviewThreshold: 0.9, BlockThreshold: 0.8},
		{ReviewThreshold: 1.5},
		{BlockThreshold: -1},
		{MaxMatches: -1},
		{ReviewThreshold: math.NaN()},
	} {
		if _, err := ix.Screen(screening.Query{Name: "x"}, o); !errors.Is(err, screening.ErrOptions) {
			t.Errorf("Screen(%+v) error = %v, want ErrOptions", o, err)
		}
		if _, err := screening.NewScreener(ix, o); !errors.Is(err, screening.ErrOptions) {
			t.Errorf("NewScreener(%+v) error = %v, want ErrOptions", o, err)
		}
	}
}

// TestSwapConcurrent swaps indexes while goroutines screen; run with -race.
func TestSwapConcurrent(t *testing.T) {
	a := screening.NewIndex([]screening.Entity{{List: "l", ID: "a", Names: []string{"Alpha Bravo"}}}, nil)
	b := screening.NewIndex([]screening.Entity{{List: "l", ID: "b", Names: []string{"Alpha Bravo"}}}, nil)
	s, err := screening.NewScreener(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ms := s.Screen(screening.Query{Name: "Bravo Alpha"})
				if len(ms) != 1 || (ms[0].EntityID != "a" && ms[0].EntityID != "b") {
					errs <- fmt.Errorf("matches %+v", ms)
					return
				}
			}
		}()
	}
	for i := range 200 {
		if i%2 == 0 {
			s.Swap(b)
		} else {
			s.Swap(a)
		}
		runtime.Gosched()
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if old := s.Swap(nil); old != a {
		t.Errorf("Swap returned %p, want the last index %p", old, a)
	}
	if ms := s.Screen(screening.Query{Name: "Alpha Bravo"}); ms != nil {
		t.Errorf("nil index matched %+v", ms)
	}
}

func FuzzScreenName(f *testing.F) {
	ix := screening.NewIndex([]screening.Entity{
		{List: "l", ID: "1", Names: []string{"KIM, Jong Un", "김정은"}, BirthDates: []string{"1984-01-08"}, Countries: []string{"KP"}},
		{List: "l", ID: "2", Names: []string{"BIN LADEN, Osama", "The Group for the Preservation of the Holy Sites"}},
		{List: "l", ID: "3", Names: []string{"ANGLO-CARIBBEAN CO., LTD.", "Ｆｕｌｌ Ｗｉｄｔｈ"}},
		{List: "l", ID: "4", Names: []string{"A", "", "   ", "I"}},
	}, nil)
	for _, s := range []string{"", " ", "Kim Jong-un", "김정은", "김", "ㄱㄴㄷ", "a b c d e f g h i j k l m n o p", "\x00\xff", "Ｋｉｍ", "ß", "İstanbul", "al-", "--", "O'", "ﬁ", "\u0301", strings.Repeat("jong", 300)} {
		f.Add(s, 1984, "KP")
	}
	f.Fuzz(func(t *testing.T, name string, year int, country string) {
		q := screening.Query{Name: name, BirthDate: payment.Date{Year: year, Month: 1, Day: 8}, Country: country}
		ms, err := ix.Screen(q, &screening.Options{ReviewThreshold: 0.01, MaxMatches: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if !(m.Score >= 0 && m.Score <= 1) || math.IsNaN(m.Explanation.NameScore) {
				t.Fatalf("score %v out of [0,1] for %q: %+v", m.Score, name, m)
			}
		}
	})
}

// A listed alias that is one common given name is at most a possible match.
func TestSingleCommonToken(t *testing.T) {
	ms := screenFull(t, screening.Query{Name: "Hassan"}, nil)
	for _, m := range ms {
		if m.Decision == screening.DecisionConfirmed {
			t.Errorf("Hassan: confirmed match %s:%s %q %.3f", m.List, m.EntityID, m.MatchedName, m.Score)
		}
	}
	if len(ms) == 0 {
		t.Error("Hassan: no possible match; the lists have the alias")
	}
}

func TestMatchJSON(t *testing.T) {
	ms := screenFull(t, screening.Query{Name: "Kim Jong-un"}, nil)
	b, err := json.Marshal(ms[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"entity_type":"individual"`, `"decision":"confirmed"`, `"kind":"exact"`, `"birth_date":"unknown"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}
