package audit_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"testing"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

var update = flag.Bool("update", false, "update golden files")

// TestGoldenLog pins the record format: the log of testdata/tx.jsonl must
// be testdata/log.jsonl byte for byte. Run "go test ./audit -update" after
// a deliberate change (and say so: old logs then no longer verify).
func TestGoldenLog(t *testing.T) {
	got, err := os.ReadFile(writeLog(t, t.TempDir(), loadDecided(t), nil))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/log.jsonl", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/log.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the log differs from testdata/log.jsonl:\n%s", got)
	}
	if _, err := audit.Verify(bytes.NewReader(want), nil); err != nil {
		t.Error(err)
	}
}

// FuzzVerify feeds arbitrary bytes to Verify: it must never panic, every
// failure must be a *VerifyError with a known kind and a line inside the
// input, and a log it accepts must re-encode byte for byte.
func FuzzVerify(f *testing.F) {
	// Small records, without an engine: big seeds make the fuzzer spend
	// its time minimising.
	ms := &memSink{}
	l, err := audit.New(ms, &audit.Options{Plain: true, Now: fixedNow})
	if err != nil {
		f.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c"} {
		tx := &payment.Transaction{ID: id, Time: clock, Country: "KR", Channel: payment.Prepaid, Direction: payment.CashIn,
			Amount: payment.MustParseMoney("100 KRW"), Customer: payment.Customer{Party: payment.Party{ID: "c", Name: "Kim"}}}
		d := &comply.Decision{TxID: id, Action: rule.Action(1 + i), EvaluatedAt: clock, Packs: []jurisdiction.Ref{{Code: "KR", Version: "1"}}}
		if _, err := l.Append(context.Background(), tx, d); err != nil {
			f.Fatal(err)
		}
	}
	good := join(ms.lines)
	ls := bytes.Split(bytes.TrimSuffix(good, []byte("\n")), []byte("\n"))
	f.Add(good)
	f.Add(join(ls[:2]))
	f.Add(join([][]byte{ls[1], ls[0]}))
	f.Add(join([][]byte{ls[0], ls[0]}))
	f.Add(bytes.TrimSuffix(good, []byte("\n")))
	f.Add([]byte("{}\n"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"seq":1,"prev":"` + audit.Genesis + `","hash":"` + audit.Genesis + `"}` + "\n"))
	f.Add([]byte(`{"seq":18446744073709551615,"tx":{"amount":{"amount":"1e999999","currency":"KRW"}}}` + "\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		nl := bytes.Count(in, []byte("\n")) + 1
		for _, head := range []*audit.Head{nil, {Seq: 2, Hash: audit.Genesis}} {
			res, err := audit.Verify(bytes.NewReader(in), &audit.VerifyOptions{Head: head, MaxLineBytes: 4096})
			if err != nil {
				var ve *audit.VerifyError
				if !errors.As(err, &ve) {
					t.Fatalf("Verify: %v is not a *VerifyError", err)
				}
				if ve.Kind < audit.Malformed || ve.Kind > audit.Truncated || ve.Line < 1 || ve.Line > nl+1 || ve.Msg == "" {
					t.Fatalf("Verify: bad error %+v", ve)
				}
				continue
			}
			if head != nil && res.Head.Seq < head.Seq {
				t.Fatalf("accepted a log of %d records below the head", res.Records)
			}
			if res.Records == 0 {
				continue
			}
			for i, l := range bytes.Split(bytes.TrimSuffix(in, []byte("\n")), []byte("\n")) {
				r, err := audit.ParseRecord(l)
				if err != nil {
					t.Fatalf("line %d verified but does not parse: %v", i+1, err)
				}
				again, err := r.Line()
				if err != nil || !bytes.Equal(again, l) {
					t.Fatalf("line %d verified but re-encodes differently (%v)", i+1, err)
				}
				if r.Seq != uint64(i+1) {
					t.Fatalf("line %d holds record %d", i+1, r.Seq)
				}
			}
		}
	})
}
