package screening_test

import (
	"runtime"
	"testing"

	"github.com/comply-go/comply/kyc/screening"
)

var benchQueries = []struct{ name, q string }{
	{"exact", "Kim Jong Un"},
	{"hangul", "김정은"},
	{"reordered_variant", "Usama bin Ladin"},
	{"common_tokens", "Mohammed Ali Hassan"},
	{"no_hit", "George Bush"},
	{"organization", "Korea Mining Development Trading Corporation"},
}

// BenchmarkScreen screens one name against the full OFAC SDN list with its
// aliases (17,054 names) plus the UN consolidated list (3,685 names).
func BenchmarkScreen(b *testing.B) {
	ix := fullIndexOf(b)
	s, err := screening.NewScreener(ix, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			q := screening.Query{Name: bq.q}
			s.Screen(q)
			b.ReportAllocs()
			for b.Loop() {
				s.Screen(q)
			}
		})
	}
}

// BenchmarkIndexBuild builds the index of the full OFAC and UN lists and
// reports the heap the index holds.
func BenchmarkIndexBuild(b *testing.B) {
	ofac, un := loadLists(b)
	ents := append(append([]screening.Entity(nil), ofac...), un...)
	b.ReportAllocs()
	for b.Loop() {
		screening.NewIndex(ents, nil)
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := screening.NewIndex(ents, nil)
	// One screening allocates the per-goroutine scratch space too.
	ix.Screen(screening.Query{Name: "Kim Jong Un"}, nil)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MiB")
	runtime.KeepAlive(ix)
}
