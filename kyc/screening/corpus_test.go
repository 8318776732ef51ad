package screening_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/comply-go/comply/kyc/screening"
)

type pair struct {
	line                  int
	query, candidate, lbl string
	note                  string
}

func readPairs(t *testing.T) []pair {
	t.Helper()
	f, err := os.Open("testdata/name_pairs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []pair
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 4 || (f[2] != "match" && f[2] != "nomatch") {
			t.Fatalf("testdata/name_pairs.tsv:%d: want query, candidate, match|nomatch, note", n)
		}
		out = append(out, pair{n, f[0], f[1], f[2], f[3]})
	}
	return out
}

// TestCorpus screens every labelled pair against an index of the full
// OFAC and UN lists plus the pair's candidate, and asserts precision and
// recall of at least 0.95 at the default review threshold.
func TestCorpus(t *testing.T) {
	pairs := readPairs(t)
	ofac, un := loadLists(t)
	ents := append(append([]screening.Entity(nil), ofac...), un...)
	for _, p := range pairs {
		ents = append(ents, screening.Entity{List: "corpus", ID: strconv.Itoa(p.line), Names: []string{p.candidate}})
	}
	ix := screening.NewIndex(ents, nil)
	var tp, fp, fn, tn int
	for _, p := range pairs {
		ms, err := ix.Screen(screening.Query{Name: p.query}, &screening.Options{MaxMatches: 100000})
		if err != nil {
			t.Fatal(err)
		}
		var got *screening.Match
		for i := range ms {
			if ms[i].List == "corpus" && ms[i].EntityID == strconv.Itoa(p.line) {
				got = &ms[i]
			}
		}
		predicted := got != nil
		switch {
		case predicted && p.lbl == "match":
			tp++
		case predicted:
			fp++
			t.Logf("false positive line %d: %q vs %q (%s): %.3f %s", p.line, p.query, p.candidate, p.note, got.Score, got.Explanation.String())
		case p.lbl == "match":
			fn++
			t.Logf("false negative line %d: %q vs %q (%s)%s", p.line, p.query, p.candidate, p.note, explainPair(ix, p))
		default:
			tn++
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	msg := fmt.Sprintf("name-pair corpus: %d pairs (%d match, %d nomatch): TP %d FP %d FN %d TN %d: precision %.3f recall %.3f",
		len(pairs), tp+fn, fp+tn, tp, fp, fn, tn, precision, recall)
	t.Log(msg)
	if testing.Verbose() {
		fmt.Println(msg)
	}
	if len(pairs) < 150 {
		t.Errorf("corpus has %d pairs, want at least 150", len(pairs))
	}
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.3f, recall %.3f: want at least 0.95 each", precision, recall)
	}
}

// explainPair reports the best score the candidate reached below the
// threshold.
func explainPair(ix *screening.Index, p pair) string {
	ms, _ := ix.Screen(screening.Query{Name: p.query}, &screening.Options{ReviewThreshold: 0.01, MaxMatches: 100000})
	for _, m := range ms {
		if m.List == "corpus" && m.EntityID == strconv.Itoa(p.line) {
			return fmt.Sprintf(": %.3f %s", m.Score, m.Explanation.String())
		}
	}
	return ": not retrieved"
}
