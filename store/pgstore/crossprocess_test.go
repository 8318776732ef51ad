package pgstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/comply-go/comply/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// TestCrossProcess runs storetest.CrossProcess: 4 OS processes (this test
// binary re-executed) reserve against one subject's caps through
// PostgreSQL, one is killed with SIGKILL mid-run, and the admitted total
// must stay within the cap with no committed reservation lost and none
// counted twice. The parent then checks the tables directly.
func TestCrossProcess(t *testing.T) {
	d := dsn(t)
	// The children run this same function: only the parent (no
	// COMPLY_STORETEST_CHILD in its environment) cleans up and checks SQL.
	parent := os.Getenv("COMPLY_STORETEST_CHILD") == ""
	var schema string
	storetest.CrossProcess(t, &storetest.CrossProcessOptions{
		NewBackend: func(t testing.TB, run string) store.Backend {
			schema = "pgstore_" + run
			return open(t, &pgstore.Options{DSN: d, Schema: schema})
		},
	})
	if !parent || t.Failed() || schema == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	defer func() {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	}()
	s := pgx.Identifier{schema}.Sanitize()
	// Every entry is there once; the class totals (balances) agree with the
	// entries they summarize, so the killed process's transaction left no
	// half-written state; the live total is within the cap.
	var (
		live, totals       string
		n, distinct, liveN int64
		totalsN            int64
	)
	err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT (subject, tx_id)),
		coalesce(sum(amount) FILTER (WHERE state <> 3), 0)::text, count(*) FILTER (WHERE state <> 3) FROM `+s+`.entries`).
		Scan(&n, &distinct, &live, &liveN)
	if err != nil {
		t.Fatal(err)
	}
	err = conn.QueryRow(ctx, `SELECT coalesce(sum(pending + committed), 0)::text, coalesce(sum(pending_n + committed_n), 0)::bigint FROM `+s+`.class_totals`).
		Scan(&totals, &totalsN)
	if err != nil {
		t.Fatal(err)
	}
	if n != distinct {
		t.Errorf("%d entries but %d distinct ids", n, distinct)
	}
	if live != totals || liveN != totalsN {
		t.Errorf("entries hold %s in %d live entries, class totals say %s in %d", live, liveN, totals, totalsN)
	}
	if decimal.RequireFromString(live).GreaterThan(decimal.NewFromInt(200_000)) {
		t.Errorf("live total %s above the cap 200000", live)
	}
	t.Logf("SQL: %d entries (%d live, %s), class totals agree", n, liveN, live)
}
