package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/jurisdiction/all"
	"github.com/comply-go/comply/payment"
)

var testKey = []byte("0123456789abcdef-host-key")

// clock is the fixed time every test log records.
var clock = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return clock }

// decided is one transaction with its decision.
type decided struct {
	tx *payment.Transaction
	d  *comply.Decision
}

// loadDecided evaluates testdata/tx.jsonl on the built-in packs.
func loadDecided(t testing.TB) []decided {
	t.Helper()
	eng, err := comply.New(&comply.Options{Packs: all.Packs(), Now: fixedNow, MaxFutureSkew: 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/tx.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []decided
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		tx, err := payment.ParseTransactionJSON(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		d, err := eng.Evaluate(context.Background(), tx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, decided{tx, d})
	}
	return out
}

// writeLog appends ds in order to a new file log in dir and returns its
// path.
func writeLog(t testing.TB, dir string, ds []decided, opts *audit.Options) string {
	t.Helper()
	path := filepath.Join(dir, "audit.jsonl")
	sink, err := audit.OpenFile(path, &audit.FileOptions{Sync: audit.SyncNever})
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &audit.Options{Key: testKey, Now: fixedNow}
	}
	l, err := audit.New(sink, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ds {
		if _, err := l.Append(context.Background(), x.tx, x.d); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// lines returns the lines of the file at path, without newlines.
func lines(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}

func join(ls [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range ls {
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
