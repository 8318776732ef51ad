package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/audit/pgsink"
	"github.com/jackc/pgx/v5"
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

// TestVerifyPG runs "comply verify --pg" on a log that "comply eval" wrote
// to a file and that is copied into PostgreSQL line by line, before and
// after a record is edited there. It needs COMPLY_TEST_PG_DSN.
func TestVerifyPG(t *testing.T) {
	dsn := os.Getenv("COMPLY_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("COMPLY_TEST_PG_DSN not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("COMPLY_TEST_PG_DSN is set but PostgreSQL does not answer: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) }) // after the drop below
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	schema := "verify_test_" + hex.EncodeToString(rb[:])
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sink, err := pgsink.New(ctx, &pgsink.Options{DSN: dsn, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	b, err := os.ReadFile("testdata/eval/audit.jsonl.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		r, err := audit.ParseRecord(l)
		if err != nil {
			t.Fatal(err)
		}
		err = sink.Append(ctx, func(h audit.Head) (audit.Entry, error) {
			return audit.Entry{Head: audit.Head{Seq: r.Seq, Hash: r.Hash}, Line: l}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"verify", "--pg", dsn, "--pg-schema", schema}
	got, code := runGolden(t, args, "")
	if code != 0 || !strings.HasPrefix(string(got), "ok: 9 records, head e4cf10f2") {
		t.Fatalf("verify --pg: %s", got)
	}
	if _, err := conn.Exec(ctx, "UPDATE "+pgx.Identifier{schema, "audit_log"}.Sanitize()+` SET line = replace(line, '"action":"allow"', '"action":"block"') WHERE seq = 5`); err != nil {
		t.Fatal(err)
	}
	got, code = runGolden(t, args, "")
	if code != 1 || !strings.Contains(string(got), ".audit_log:5: record 5: edited:") {
		t.Fatalf("verify --pg after an edit: %s", got)
	}
	if got, code := runGolden(t, []string{"verify", "--pg", dsn, "--pg-schema", schema, "--pg-table", "nowhere"}, ""); code != 2 {
		t.Errorf("verify --pg on a missing table: %s", got)
	}
}
