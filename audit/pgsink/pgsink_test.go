package pgsink_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/comply-go/comply/internal/pgtest"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/audit/pgsink"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/jackc/pgx/v5"
)

func open(t *testing.T, opts *pgsink.Options) *pgsink.Sink {
	t.Helper()
	s, err := pgsink.New(context.Background(), opts)
	if err != nil {
		t.Fatalf("pgsink.New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// decision returns transaction i and a decision on it with a finding that
// quotes the customer's name.
func decision(i int) (*payment.Transaction, *comply.Decision) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	id := fmt.Sprintf("tx-%d", i)
	name := fmt.Sprintf("Customer %d", i%5)
	tx := &payment.Transaction{ID: id, Time: at, Country: "KR", Channel: payment.Prepaid, Direction: payment.CashIn,
		Amount: payment.MustParseMoney("50000 KRW"), Customer: payment.Customer{Party: payment.Party{ID: fmt.Sprintf("c-%d", i%5), Name: name}}}
	d := &comply.Decision{TxID: id, Action: rule.Review, EvaluatedAt: at, Packs: []jurisdiction.Ref{{Code: "KR", Version: "2026.11.0"}},
		Findings: []rule.Finding{{Rule: "test.rule", Action: rule.Review, Message: "the name " + name + " is on a list"}}}
	return tx, d
}

func export(t *testing.T, s *pgsink.Sink) (*audit.Result, []byte, error) {
	t.Helper()
	var buf bytes.Buffer
	head, err := s.Export(context.Background(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res, err := audit.Verify(bytes.NewReader(buf.Bytes()), &audit.VerifyOptions{Head: &head})
	return res, buf.Bytes(), err
}

// TestSharedChain appends from two sinks (two pools, as two processes
// would have) and many goroutines to one table: the chain must stay
// linear and verify.
func TestSharedChain(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgsink_test_")
	key := []byte("pgsink-test-key-0123456789")
	var logs []*audit.Log
	for range 2 {
		l, err := audit.New(open(t, &pgsink.Options{DSN: d, Schema: schema}), &audit.Options{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, l)
	}
	const workers, each = 6, 15
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				tx, dec := decision(w*each + i)
				if _, err := logs[w%2].Append(context.Background(), tx, dec); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s := open(t, &pgsink.Options{DSN: d, Schema: schema})
	res, b, err := export(t, s)
	if err != nil || res.Records != workers*each || res.Head.Seq != workers*each {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	if bytes.Contains(b, []byte("Customer 1")) {
		t.Errorf("a name is stored in plain text")
	}
	h, err := s.Head(context.Background())
	if err != nil || h != res.Head {
		t.Errorf("Head = %+v, %v; want %+v", h, err, res.Head)
	}
}

// TestTamper changes the stored log with SQL and checks that Verify on the
// export finds it.
func TestTamper(t *testing.T) {
	d := pgtest.DSN(t)
	ctx := context.Background()
	tests := []struct {
		name string
		sql  string
		kind audit.Kind
		seq  uint64
	}{
		{"edit", `UPDATE %[1]s SET line = replace(line, '"50000"', '"5000"') WHERE seq = 3`, audit.Edited, 3},
		{"delete", `DELETE FROM %[1]s WHERE seq = 4`, audit.Deleted, 4},
		{"reorder", `UPDATE %[1]s SET seq = 1000 WHERE seq = 2; UPDATE %[1]s SET seq = 2 WHERE seq = 5; UPDATE %[1]s SET seq = 5 WHERE seq = 1000`, audit.Reordered, 5},
		// A copy of record 2 stored at seq 3, after moving 3.. up.
		{"insert", `UPDATE %[1]s SET seq = seq + 100 WHERE seq >= 3; UPDATE %[1]s SET seq = seq - 99 WHERE seq > 100; INSERT INTO %[1]s (seq, prev, hash, line) SELECT 3, prev, hash, line FROM %[1]s WHERE seq = 2`, audit.Inserted, 2},
		{"truncate", `DELETE FROM %[1]s WHERE seq > 4`, audit.Truncated, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			schema := pgtest.Schema(t, d, "pgsink_test_")
			s := open(t, &pgsink.Options{DSN: d, Schema: schema, Table: "decisions"})
			l, err := audit.New(s, &audit.Options{Plain: true})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 6 {
				tx, dec := decision(i)
				if _, err := l.Append(ctx, tx, dec); err != nil {
					t.Fatal(err)
				}
			}
			if res, _, err := export(t, s); err != nil || res.Records != 6 {
				t.Fatalf("before: %+v, %v", res, err)
			}
			conn, err := pgx.Connect(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, fmt.Sprintf(tc.sql, pgx.Identifier{schema, "decisions"}.Sanitize())); err != nil {
				t.Fatal(err)
			}
			_, _, err = export(t, s)
			var ve *audit.VerifyError
			if !errors.As(err, &ve) || ve.Kind != tc.kind || ve.Seq != tc.seq {
				t.Fatalf("Verify = %v; want %s at record %d", err, tc.kind, tc.seq)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []*pgsink.Options{nil, {}, {DSN: "postgres://x", Table: "Bad-Name"}, {DSN: "postgres://x", Schema: "a;drop"}} {
		if _, err := pgsink.New(context.Background(), o); !errors.Is(err, pgsink.ErrInvalidOptions) {
			t.Errorf("New(%+v) = %v, want ErrInvalidOptions", o, err)
		}
	}
}

// TestReopen checks that a new sink on an existing table continues the
// chain, and that Append after Close fails without writing.
func TestReopen(t *testing.T) {
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgsink_test_")
	ctx := context.Background()
	for round := range 3 {
		s, err := pgsink.New(ctx, &pgsink.Options{DSN: d, Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		l, err := audit.New(s, &audit.Options{Plain: true})
		if err != nil {
			t.Fatal(err)
		}
		tx, dec := decision(round)
		r, err := l.Append(ctx, tx, dec)
		if err != nil || r.Seq != uint64(round+1) {
			t.Fatalf("round %d: %v, %+v", round, err, r)
		}
		l.Close()
		if _, err := l.Append(ctx, tx, dec); !errors.Is(err, audit.ErrClosed) {
			t.Errorf("Append after Close = %v", err)
		}
	}
	s := open(t, &pgsink.Options{DSN: d, Schema: schema})
	if res, _, err := export(t, s); err != nil || res.Records != 3 {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
}
