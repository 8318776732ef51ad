package main

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// verifyInputs are the logs of testdata/verify, each made from the golden
// audit log of TestEvalAudit (nine records) by one kind of tampering.
// "go test -update" writes them again.
var verifyInputs = []struct {
	name   string
	change func(ls [][]byte) [][]byte
	head   bool // write NAME.head with the head of the untouched log
}{
	{"good", func(ls [][]byte) [][]byte { return ls }, true},
	{"edited", func(ls [][]byte) [][]byte {
		ls[4] = bytes.Replace(ls[4], []byte(`"action":"allow"`), []byte(`"action":"block"`), 1)
		return ls
	}, false},
	{"deleted", func(ls [][]byte) [][]byte { return slices.Delete(ls, 5, 6) }, false},
	{"inserted", func(ls [][]byte) [][]byte { return slices.Insert(ls, 3, ls[2]) }, false},
	{"reordered", func(ls [][]byte) [][]byte {
		ls[6], ls[7] = ls[7], ls[6]
		return ls
	}, false},
	{"truncated", func(ls [][]byte) [][]byte { return ls[:7] }, true},
	{"torn", func(ls [][]byte) [][]byte {
		ls[8] = ls[8][:len(ls[8])/2]
		return ls
	}, false},
	{"midchain", func(ls [][]byte) [][]byte { return ls[2:] }, false},
	{"malformed", func(ls [][]byte) [][]byte {
		ls[1] = []byte(`{"seq":2,`)
		return ls
	}, false},
}

func writeVerifyInputs(t *testing.T) {
	b, err := os.ReadFile("testdata/eval/audit.jsonl.golden")
	if err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile("testdata/eval/audit.jsonl.head.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range verifyInputs {
		ls := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
		for i := range ls {
			ls[i] = slices.Clone(ls[i])
		}
		var out bytes.Buffer
		for _, l := range in.change(ls) {
			out.Write(l)
			out.WriteByte('\n')
		}
		data := out.Bytes()
		if in.name == "torn" {
			data = bytes.TrimSuffix(data, []byte("\n"))
		}
		path := "testdata/verify/" + in.name + ".jsonl"
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if in.head {
			if err := os.WriteFile(path+".head", head, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestVerifyGolden runs "comply verify" on the logs in testdata/verify and
// compares its output and exit code with testdata/verify/<name>.golden.
func TestVerifyGolden(t *testing.T) {
	if *update {
		writeVerifyInputs(t)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"good", []string{"testdata/verify/good.jsonl"}, 0},
		{"good_no_head", []string{"--head", "none", "testdata/verify/good.jsonl"}, 0},
		{"good_json", []string{"--json", "testdata/verify/good.jsonl"}, 0},
		{"good_old_head", []string{"testdata/verify/good.jsonl", "--head", "testdata/verify/old.head"}, 0},
		{"edited", []string{"testdata/verify/edited.jsonl"}, 1},
		{"edited_json", []string{"--json", "testdata/verify/edited.jsonl"}, 1},
		{"deleted", []string{"testdata/verify/deleted.jsonl"}, 1},
		{"inserted", []string{"testdata/verify/inserted.jsonl"}, 1},
		{"reordered", []string{"testdata/verify/reordered.jsonl"}, 1},
		{"truncated", []string{"testdata/verify/truncated.jsonl"}, 1},
		// The chain alone cannot see records cut off the end.
		{"truncated_no_head", []string{"--head", "none", "testdata/verify/truncated.jsonl"}, 0},
		{"truncated_other_head", []string{"--head", "testdata/verify/good.jsonl.head", "testdata/verify/truncated.jsonl"}, 1},
		{"torn", []string{"testdata/verify/torn.jsonl"}, 1},
		{"midchain", []string{"testdata/verify/midchain.jsonl"}, 1},
		{"malformed", []string{"testdata/verify/malformed.jsonl"}, 1},
		{"bad_file", []string{"testdata/verify/nowhere.jsonl"}, 2},
		{"bad_head", []string{"--head", "testdata/verify/bad.head", "testdata/verify/good.jsonl"}, 2},
		{"missing_head", []string{"--head", "testdata/verify/nowhere.head", "testdata/verify/good.jsonl"}, 2},
		{"no_args", nil, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, code := runGolden(t, append([]string{"verify"}, tc.args...), "")
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			golden(t, "testdata/verify/"+tc.name+".golden", got)
		})
	}
}
