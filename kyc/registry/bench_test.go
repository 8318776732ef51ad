package registry_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/comply-go/comply/kyc/registry"
)

var sinkInt int

// bigRegister builds an illustrative register of n invented entries.
func bigRegister(b *testing.B, n int) *registry.Register {
	var sb strings.Builder
	sb.WriteString("## invented entries for benchmarks\n# id: bench\n# name: bench\n# as_of: 2026-11-01\nnumber,name\n")
	for i := range n {
		fmt.Fprintf(&sb, "2026-%06d,\"Provider %d Co., Ltd.\"\n", i, i)
	}
	r, err := registry.Parse("bench.csv", strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkLookup measures one lookup in a register of 10,000 entries, by
// number and by name (both normalized on every call, as a claim arrives),
// beside a baseline of a plain map lookup of an already-normal key.
func BenchmarkLookup(b *testing.B) {
	r := bigRegister(b, 10000)
	plain := make(map[string]int, 10000)
	for i := range 10000 {
		plain[fmt.Sprintf("2026%06d", i)] = i
	}
	b.Run("baseline_map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkInt = plain["2026004242"]
		}
	})
	b.Run("number", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := r.LookupNumber("2026-004242"); !ok {
				b.Fatal("not found")
			}
		}
	})
	b.Run("name", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if len(r.LookupName("PROVIDER 4242 co ltd")) != 1 {
				b.Fatal("not found")
			}
		}
	})
	b.Run("name_hangul", func(b *testing.B) {
		b.ReportAllocs()
		kr := loadGood(b).Register("kr.fsc.efin")
		for b.Loop() {
			if len(kr.LookupName("(주) 에이페이")) != 1 {
				b.Fatal("not found")
			}
		}
	})
}
