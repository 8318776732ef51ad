package pgstore_test

import (
	"testing"

	"github.com/comply-go/comply/internal/pgtest"
	"github.com/comply-go/comply/store/memstore"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/comply-go/comply/store/storetest"
)

// againstMemstore plays storetest.Differential, seeded by seed, on pg and a
// fresh memstore, the reference implementation of the store contract, and
// fails at the first answer that differs.
func againstMemstore(t *testing.T, pg *pgstore.Store, seed uint64, steps int) {
	t.Helper()
	ref, err := memstore.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Differential(t, pg, ref, seed, steps)
}

// TestAgainstMemstore plays random sequences on pgstore and the reference
// memstore and requires identical answers.
func TestAgainstMemstore(t *testing.T) {
	d := pgtest.DSN(t)
	pg := open(t, &pgstore.Options{DSN: d, Schema: pgtest.Schema(t, d, "pgstore_test_")})
	for seed := range uint64(8) {
		againstMemstore(t, pg, seed, 400)
	}
}

// FuzzAgainstMemstore is TestAgainstMemstore with fuzzed seeds:
//
//	go test ./store/pgstore -run '^$' -fuzz FuzzAgainstMemstore -fuzztime 60s
func FuzzAgainstMemstore(f *testing.F) {
	d := pgtest.DSN(f)
	pg := open(f, &pgstore.Options{DSN: d, Schema: pgtest.Schema(f, d, "pgstore_test_")})
	for _, s := range []uint64{100, 101, 102} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { againstMemstore(t, pg, seed, 150) })
}
