package screening_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/comply-go/comply/kyc/screening"
)

// sanctionsDir finds ../shared/data/sanctions beside the module root (the
// repository is cloned at <x>/main with shared at <x>/shared).
func sanctionsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "data", "sanctions")
}

type lists struct {
	ofac, un []screening.Entity
	err      error
}

var (
	listsOnce sync.Once
	loaded    lists
)

// loadLists loads the full shipped OFAC SDN and UN lists once per test
// binary. Missing files fail the test: they are part of the test data.
func loadLists(t testing.TB) ([]screening.Entity, []screening.Entity) {
	t.Helper()
	dir := sanctionsDir(t)
	listsOnce.Do(func() {
		open := func(name string) *os.File {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil && loaded.err == nil {
				loaded.err = err
			}
			return f
		}
		sdn, alt, add, un := open("sdn.csv"), open("alt.csv"), open("add.csv"), open("UN_consolidated.xml")
		if loaded.err != nil {
			return
		}
		defer sdn.Close()
		defer alt.Close()
		defer add.Close()
		defer un.Close()
		loaded.ofac, loaded.err = screening.LoadOFAC(sdn, alt, add)
		if loaded.err != nil {
			return
		}
		loaded.un, loaded.err = screening.LoadUN(un)
	})
	if loaded.err != nil {
		t.Fatalf("loading the sanctions lists from %s: %v", dir, loaded.err)
	}
	return loaded.ofac, loaded.un
}

var (
	fullOnce  sync.Once
	fullIndex *screening.Index
)

// fullIndexOf returns the index of the full OFAC and UN lists, built once.
func fullIndexOf(t testing.TB) *screening.Index {
	ofac, un := loadLists(t)
	fullOnce.Do(func() {
		fullIndex = screening.NewIndex(append(append([]screening.Entity(nil), ofac...), un...), nil)
	})
	return fullIndex
}
