package audit_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/jurisdiction/all"
)

// BenchmarkAppend measures one append of a decision with findings (tx-2 of
// testdata/tx.jsonl: a blocked cash-out with a counterparty) on each sink
// and sync policy, with personal data hashed and plain. Compare with
// evaluate, one Engine.Evaluate of the same transaction on the in-memory
// store: the cost of the decision that is being recorded.
//
//	go test ./audit -run '^$' -bench BenchmarkAppend -benchmem
func BenchmarkAppend(b *testing.B) {
	ds := loadDecided(b)
	x := ds[1]
	if len(x.d.Findings) == 0 || x.tx.Counterparty == nil {
		b.Fatal("tx-2 should be blocked with a counterparty")
	}
	ctx := context.Background()
	b.Run("evaluate", func(b *testing.B) {
		eng, err := comply.New(&comply.Options{Packs: all.Packs(), Now: fixedNow, MaxFutureSkew: 365 * 24 * time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		tx := *x.tx
		ids := make([]string, b.N)
		for i := range ids {
			ids[i] = "bench-" + strconv.Itoa(i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			tx.ID = ids[i]
			if _, err := eng.Evaluate(ctx, &tx); err != nil {
				b.Fatal(err)
			}
		}
	})
	keyed := func() *audit.Options { return &audit.Options{Key: testKey} }
	plain := func() *audit.Options { return &audit.Options{Plain: true} }
	for _, bc := range []struct {
		name string
		sink func(b *testing.B) audit.Sink
		opts func() *audit.Options
	}{
		{"mem/plain", func(*testing.B) audit.Sink { return &memSink{} }, plain},
		{"mem/hmac", func(*testing.B) audit.Sink { return &memSink{} }, keyed},
		{"file/never/plain", fileSink(audit.SyncNever), plain},
		{"file/never/hmac", fileSink(audit.SyncNever), keyed},
		{"file/interval/hmac", fileSink(audit.SyncInterval), keyed},
		{"file/always/hmac", fileSink(audit.SyncAlways), keyed},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sink := bc.sink(b)
			if ms, ok := sink.(*memSink); ok {
				defer func() { ms.lines = nil }()
			}
			l, err := audit.New(sink, bc.opts())
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Append(ctx, x.tx, x.d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func fileSink(p audit.SyncPolicy) func(b *testing.B) audit.Sink {
	return func(b *testing.B) audit.Sink {
		s, err := audit.OpenFile(filepath.Join(b.TempDir(), "bench.jsonl"), &audit.FileOptions{Sync: p})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
}
