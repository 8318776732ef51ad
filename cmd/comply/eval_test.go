package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comply-go/comply/audit"
)

// runGolden runs the comply command args with stdin and returns its
// stdout, its stderr and its exit code rendered as one golden text.
func runGolden(t *testing.T, args []string, stdin string) ([]byte, int) {
	t.Helper()
	if stdin != "" {
		old := evalStdin
		evalStdin = strings.NewReader(stdin)
		defer func() { evalStdin = old }()
	}
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	var b bytes.Buffer
	b.Write(out.Bytes())
	if errOut.Len() > 0 {
		b.WriteString("--- stderr\n")
		b.Write(errOut.Bytes())
	}
	fmt.Fprintf(&b, "--- exit %d\n", code)
	return b.Bytes(), code
}

// TestEvalGolden runs "comply eval" and compares its stdout, stderr and
// exit code with testdata/eval/<name>.golden. Run "go test ./cmd/comply
// -update" to rewrite them.
func TestEvalGolden(t *testing.T) {
	small, err := os.ReadFile("testdata/eval/tx.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
	}{
		{"quickstart", []string{"../../examples/quickstart/transactions.jsonl"}, "", 1},
		{"small", []string{"--pack", "testdata/eval/jp", "testdata/eval/tx.jsonl"}, "", 0},
		{"small.json", []string{"testdata/eval/tx.jsonl", "--format", "json", "--pack", "testdata/eval/jp"}, "", 0},
		{"stdin", []string{"--pack", "testdata/eval/jp", "-"}, string(small), 0},
		{"now", []string{"--now", "2026-10-01T00:00:00Z", "testdata/eval/tx.jsonl"}, "", 1},
		{"only_kr", []string{"--jurisdiction", "kr", "testdata/eval/tx.jsonl"}, "", 1},
		{"bad_lines", []string{"testdata/eval/bad.jsonl"}, "", 1},
		{"bad_file", []string{"testdata/eval/nowhere.jsonl"}, "", 2},
		{"bad_pack", []string{"--pack", "testdata/eval/badpack", "testdata/eval/tx.jsonl"}, "", 2},
		{"missing_pack", []string{"--pack", "testdata/eval/nowhere", "testdata/eval/tx.jsonl"}, "", 2},
		{"unknown_jurisdiction", []string{"--jurisdiction", "XX", "testdata/eval/tx.jsonl"}, "", 2},
		{"bad_format", []string{"--format", "xml", "testdata/eval/tx.jsonl"}, "", 2},
		{"bad_now", []string{"--now", "yesterday", "testdata/eval/tx.jsonl"}, "", 2},
		{"audit_no_key", []string{"--audit", filepath.Join(t.TempDir(), "a.jsonl"), "testdata/eval/tx.jsonl"}, "", 2},
		{"audit_key_and_plain", []string{"--audit", "x", "--audit-plain", "--audit-key-file", "testdata/eval/audit.key", "testdata/eval/tx.jsonl"}, "", 2},
		{"audit_short_key", []string{"--audit", filepath.Join(t.TempDir(), "a.jsonl"), "--audit-key-file", "testdata/eval/short.key", "testdata/eval/tx.jsonl"}, "", 2},
		{"key_without_audit", []string{"--audit-plain", "testdata/eval/tx.jsonl"}, "", 2},
		{"two_files", []string{"testdata/eval/tx.jsonl", "testdata/eval/bad.jsonl"}, "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, code := runGolden(t, append([]string{"eval"}, tc.args...), tc.stdin)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			golden(t, "testdata/eval/"+tc.name+".golden", got)
		})
	}
}

// TestEvalAudit writes the decisions of testdata/eval/tx.jsonl to an audit
// log, compares the log and its head file with golden files, verifies it,
// and checks that a second run continues the chain.
func TestEvalAudit(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	args := []string{"eval", "--pack", "testdata/eval/jp", "--audit", log, "--audit-key-file", "testdata/eval/audit.key", "--audit-sync", "never", "testdata/eval/tx.jsonl"}
	got, code := runGolden(t, args, "")
	if code != 0 {
		t.Fatalf("eval --audit: %s", got)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/eval/audit.jsonl.golden", b)
	h, err := os.ReadFile(audit.HeadPath(log))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/eval/audit.jsonl.head.golden", h)
	for _, name := range []string{"최유진", "Tan Wei", "0xabc1def", "佐藤花子", "0001-234-5678901"} {
		if bytes.Contains(b, []byte(name)) {
			t.Errorf("the audit log holds %q in plain text", name)
		}
	}

	// Again, onto the same log: 18 records in one chain.
	if got, code := runGolden(t, args, ""); code != 0 {
		t.Fatalf("second eval --audit: %s", got)
	}
	got, code = runGolden(t, []string{"verify", log}, "")
	if code != 0 || !bytes.HasPrefix(got, []byte("ok: 18 records")) {
		t.Errorf("verify after two runs: %s", got)
	}

	// Plain keeps the names; each of the sync policies works.
	for _, sync := range []string{"always", "interval"} {
		plain := filepath.Join(dir, "plain-"+sync+".jsonl")
		if got, code := runGolden(t, []string{"eval", "--pack", "testdata/eval/jp", "--audit", plain, "--audit-plain", "--audit-sync", sync, "--format", "json", "testdata/eval/tx.jsonl"}, ""); code != 0 {
			t.Fatalf("eval --audit-plain: %s", got)
		}
		if b, _ := os.ReadFile(plain); !bytes.Contains(b, []byte("최유진")) || bytes.Count(b, []byte("\n")) != 9 {
			t.Errorf("plain log (%s): %d lines, names kept: %v", sync, bytes.Count(b, []byte("\n")), bytes.Contains(b, []byte("최유진")))
		}
	}
	if got, code := runGolden(t, []string{"eval", "--audit", log, "--audit-plain", "--audit-sync", "sometimes", "testdata/eval/tx.jsonl"}, ""); code != 2 {
		t.Errorf("bad --audit-sync: %s", got)
	}
	// A damaged log is not written to.
	os.WriteFile(log, b[:len(b)-10], 0o640)
	if got, code := runGolden(t, args, ""); code != 2 || !bytes.Contains(got, []byte("truncated")) {
		t.Errorf("eval onto a torn log: %s", got)
	}
}
