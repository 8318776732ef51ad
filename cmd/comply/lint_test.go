package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "update golden files")

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestLintGolden runs "comply lint" and "comply lint --json" on every file
// in testdata/lint and compares the output with the golden files next to
// it. Run "go test ./cmd/comply -update" to rewrite them.
func TestLintGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/lint/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := 0
	for _, f := range files {
		name := strings.TrimSuffix(f, ".yaml")
		t.Run(filepath.Base(name), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"lint", f}, &out, &errOut)
			wantCode := 1
			if filepath.Base(name) == "good" {
				wantCode = 0
			} else {
				broken++
			}
			if code != wantCode {
				t.Errorf("exit code %d, want %d; stderr: %s", code, wantCode, errOut.String())
			}
			golden(t, name+".golden", out.Bytes())

			out.Reset()
			errOut.Reset()
			if code := run([]string{"lint", "--json", f}, &out, &errOut); code != wantCode {
				t.Errorf("--json: exit code %d, want %d", code, wantCode)
			}
			golden(t, name+".json.golden", out.Bytes())
		})
	}
	if broken < 10 {
		t.Errorf("%d broken rule files, want at least 10", broken)
	}
}

func TestLintUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"nope"}, 2},
		{[]string{"help"}, 0},
		{[]string{"lint"}, 2},
		{[]string{"lint", "-h"}, 0},
		{[]string{"lint", "--bogus", "x.yaml"}, 2},
		{[]string{"lint", "testdata/lint/missing.yaml"}, 1},
		{[]string{"lint", "testdata/lint/good.yaml", "--json"}, 0},
		{[]string{"lint", "../../aml/builtin.yaml"}, 0},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != tc.code {
			t.Errorf("run(%q) = %d, want %d\nstdout: %s\nstderr: %s", tc.args, code, tc.code, out.String(), errOut.String())
		}
	}
}
