package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
)

// exampleTx returns a small Korean prepaid top-up.
func exampleTx(id string, at time.Time) *payment.Transaction {
	return &payment.Transaction{
		ID: id, Time: at, Country: "KR", Channel: payment.Prepaid, Direction: payment.CashIn,
		Amount:   payment.MustParseMoney("50000 KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "c-1001", Name: "김민준"}, Tier: payment.TierFull},
	}
}

// ExampleLog records the engine's decisions in a hash-chained log through
// a hook, with the customer's personal data hashed under the host's key.
func ExampleLog() {
	dir, err := os.MkdirTemp("", "audit")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	now := func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }

	sink, err := audit.OpenFile(filepath.Join(dir, "decisions.jsonl"), nil) // fsync on every append
	if err != nil {
		panic(err)
	}
	log, err := audit.New(sink, &audit.Options{Key: []byte("host-secret-key-from-a-vault"), Now: now})
	if err != nil {
		panic(err)
	}
	defer log.Close()
	eng, err := comply.New(&comply.Options{
		Packs: []*jurisdiction.Pack{kr.Pack()},
		Now:   now,
		Hooks: []comply.Hook{log.Hook()}, // every decision is recorded, or Evaluate fails
	})
	if err != nil {
		panic(err)
	}
	for i, id := range []string{"tx-1", "tx-2"} {
		tx := exampleTx(id, now().Add(time.Duration(i)*time.Minute))
		if _, err := eng.Evaluate(context.Background(), tx); err != nil {
			panic(err)
		}
	}
	fmt.Println("head:", sink.Head().Seq)

	b, err := os.ReadFile(filepath.Join(dir, "decisions.jsonl"))
	if err != nil {
		panic(err)
	}
	prev := audit.Genesis
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		r, err := audit.ParseRecord(line)
		if err != nil {
			panic(err)
		}
		fmt.Println(r.Seq, r.Tx.ID, r.Action, r.Tx.Customer.Name[:len(audit.HashPrefix)+8]+"…", "chained:", r.Prev == prev)
		prev = r.Hash
	}
	// Output:
	// head: 2
	// 1 tx-1 allow hmac-sha256:6cdf15dc… chained: true
	// 2 tx-2 allow hmac-sha256:6cdf15dc… chained: true
}

// ExampleVerify checks a log against its head file, then finds a record
// deleted from it.
func ExampleVerify() {
	dir, err := os.MkdirTemp("", "audit")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "decisions.jsonl")
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

	sink, err := audit.OpenFile(path, &audit.FileOptions{Sync: audit.SyncNever})
	if err != nil {
		panic(err)
	}
	log, err := audit.New(sink, &audit.Options{Plain: true, Now: func() time.Time { return at }})
	if err != nil {
		panic(err)
	}
	for _, id := range []string{"tx-1", "tx-2", "tx-3"} {
		d := &comply.Decision{TxID: id, Action: 1, EvaluatedAt: at, Packs: []jurisdiction.Ref{{Code: "KR", Version: "2026.11.0"}}}
		if _, err := log.Append(context.Background(), exampleTx(id, at), d); err != nil {
			panic(err)
		}
	}
	if err := log.Close(); err != nil {
		panic(err)
	}

	head, err := audit.ReadHeadFile(audit.HeadPath(path))
	if err != nil {
		panic(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	res, err := audit.Verify(bytes.NewReader(b), &audit.VerifyOptions{Head: &head})
	fmt.Println(res.Records, err)

	// Delete the second record.
	lines := bytes.SplitAfter(b, []byte("\n"))
	tampered := append(lines[0], lines[2]...)
	_, err = audit.Verify(bytes.NewReader(tampered), &audit.VerifyOptions{Head: &head})
	var ve *audit.VerifyError
	if errors.As(err, &ve) {
		fmt.Println(ve.Kind, ve.Seq, ve.Line)
		fmt.Println(err)
	}
	// Output:
	// 3 <nil>
	// deleted 2 2
	// audit: line 2: record 2: deleted: record 2 is missing: line 2 holds record 3
}
