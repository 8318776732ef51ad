package redisstore_test

import (
	"testing"

	"github.com/comply-go/comply/store/memstore"
	"github.com/comply-go/comply/store/storetest"
)

// FuzzAgainstMemstore plays random sequences of Reserve, Commit, Void and
// Aggregate on redisstore and on memstore, the reference, and fails at the
// first answer that differs. It needs COMPLY_TEST_REDIS_ADDR.
func FuzzAgainstMemstore(f *testing.F) {
	s := newStore(f, singleClient(f), nil)
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		ref, err := memstore.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Differential(t, s, ref, seed, 200)
	})
}
