package pgsink_test

import (
	"context"
	"github.com/comply-go/comply/internal/pgtest"
	"testing"

	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/audit/pgsink"
)

// BenchmarkAppend measures one append to the PostgreSQL sink (one
// transaction: lock the head row, insert, move the head), with personal
// data hashed. Compare with audit's BenchmarkAppend/file/always/hmac.
//
//	go test ./audit/pgsink -run '^$' -bench . -benchmem
func BenchmarkAppend(b *testing.B) {
	d := pgtest.DSN(b)
	schema := pgtest.Schema(b, d, "pgsink_test_")
	s, err := pgsink.New(context.Background(), &pgsink.Options{DSN: d, Schema: schema})
	if err != nil {
		b.Fatal(err)
	}
	l, err := audit.New(s, &audit.Options{Key: []byte("pgsink-bench-key-0123456789")})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	tx, dec := decision(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := l.Append(context.Background(), tx, dec); err != nil {
			b.Fatal(err)
		}
	}
}
