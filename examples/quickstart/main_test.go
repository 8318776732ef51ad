package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "update golden files")

// TestQuickstartGolden pins the quickstart's whole output: every non-allow
// decision and the summary. Regenerate with go test ./examples/quickstart -update.
func TestQuickstartGolden(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), bytes.NewReader(feed), &out); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "output.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, firstDiff(string(want), got))
	}
	// The feed exercises what the quickstart promises to show.
	for _, must := range []string{"BLOCK", "STEP_UP", "kr.carrier_billing.monthly_cap", "kr.carrier_billing.cashout_ban",
		"kr.prepaid.cap", "kr.aml.cdd.one_off_krw", "CTR", "duplicates", "unknown currency", "no FX source"} {
		if !strings.Contains(out.String(), must) {
			t.Errorf("output lacks %q", must)
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}
