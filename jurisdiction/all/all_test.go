package all_test

import (
	"testing"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction/all"
)

// TestAllPacksCompileTogether: one engine takes every built-in pack.
func TestAllPacksCompileTogether(t *testing.T) {
	packs := all.Packs()
	if len(packs) != 7 {
		t.Fatalf("%d built-in packs, want 7", len(packs))
	}
	for i, b := range all.Builtins() {
		if packs[i].Code != b.Code {
			t.Errorf("pack %d is %s, listed as %s", i, packs[i].Code, b.Code)
		}
	}
	if _, err := comply.New(&comply.Options{Packs: packs}); err != nil {
		t.Fatal(err)
	}
}
