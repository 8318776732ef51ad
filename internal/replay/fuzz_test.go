package replay

import (
	"bytes"
	"context"
	"testing"
)

// FuzzRead feeds arbitrary input to the line reader: it must not panic, and
// every non-blank line is either a transaction or a malformed line, with
// its line number.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"id":"t1","time":"2026-11-01T10:00:00Z","country":"KR","channel":"card","direction":"payment","amount":{"amount":"1000","currency":"KRW"},"customer":{"id":"c1"}}` + "\n"))
	f.Add([]byte("not json\n\n{}\r\n"))
	f.Add([]byte(`{"id":"t1","amount":{"amount":1000,"currency":"KRW"}}`))
	f.Add([]byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		o := &Options{MaxMalformed: 1 << 30, BatchSize: 3}
		res := &Result{}
		txs := 0
		var lines []int
		err := read(context.Background(), bytes.NewReader(in), o, res, func(b *batch) {
			if len(b.txs) == 0 || len(b.txs) > 3 || len(b.lines) != len(b.txs) || len(b.old) != len(b.txs) {
				t.Fatalf("batch of %d transactions, %d lines", len(b.txs), len(b.lines))
			}
			txs += len(b.txs)
			lines = append(lines, b.lines...)
		})
		if err != nil {
			t.Fatal(err)
		}
		nonBlank := 0
		for _, l := range bytes.Split(in, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				nonBlank++
			}
		}
		if txs+res.MalformedLines != nonBlank || len(res.Malformed) != res.MalformedLines {
			t.Fatalf("%d transactions + %d malformed, %d non-blank lines", txs, res.MalformedLines, nonBlank)
		}
		for _, m := range res.Malformed {
			lines = append(lines, m.Line)
		}
		seen := map[int]bool{}
		for _, l := range lines {
			if l < 1 || seen[l] {
				t.Fatalf("line number %d reported twice or out of range", l)
			}
			seen[l] = true
		}
	})
}
