package main

import (
	"bytes"
	"testing"
)

// TestTestGolden runs "comply test" on the pack folders in testdata/test
// and compares the output with testdata/test/<name>.golden. Run "go test
// ./cmd/comply -update" to rewrite them.
func TestTestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"pass", []string{"testdata/test/pass"}, 0},
		{"pass_quiet", []string{"-q", "testdata/test/pass"}, 0},
		{"fail", []string{"testdata/test/fail"}, 1},
		{"badpack", []string{"testdata/test/badpack"}, 2},
		{"all", []string{"testdata/test/..."}, 2},
		{"pass_and_fail", []string{"testdata/test/pass", "testdata/test/fail", "-q"}, 1},
		{"all.json", []string{"--json", "testdata/test/..."}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"test"}, tc.args...), &out, &errOut)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.code, errOut.String())
			}
			if errOut.Len() > 0 {
				t.Errorf("stderr: %s", errOut.String())
			}
			golden(t, "testdata/test/"+tc.name+".golden", out.Bytes())
		})
	}
}

func TestTestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"test"}, 2},
		{[]string{"test", "-h"}, 0},
		{[]string{"test", "--bogus", "testdata/test/pass"}, 2},
		{[]string{"test", "testdata/nowhere/..."}, 2},
		{[]string{"test", "testdata/lint/..."}, 2},
		{[]string{"test", "testdata/nowhere"}, 2},
		{[]string{"test", "../../jurisdiction/kr"}, 0},
		// An overlay whose base (extends: KR) is the built-in pack.
		{[]string{"test", "-q", "../../examples/custom-jurisdiction/acme"}, 0},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != tc.code {
			t.Errorf("run(%q) = %d, want %d\nstdout: %s\nstderr: %s", tc.args, code, tc.code, out.String(), errOut.String())
		}
	}
}
