package memstore_test

import (
	"testing"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/comply-go/comply/store/storetest"
)

func newStore(t testing.TB, opts *memstore.Options) *memstore.Store {
	t.Helper()
	s, err := memstore.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend {
		s := newStore(t, nil)
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
