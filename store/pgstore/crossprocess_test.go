package pgstore_test

import (
	"context"
	"github.com/comply-go/comply/internal/pgtest"
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
	d := pgtest.DSN(t)
	// The children run this same function: only the parent (no
	// COMPLY_STORETEST_CHILD in its environment) cleans up and checks SQL.
	parent := os.Getenv("COMPLY_STORETEST_CHILD") == ""
	var schema, run string
	storetest.CrossProcess(t, &storetest.CrossProcessOptions{
		NewBackend: func(t testing.TB, r string) store.Backend {
			run, schema = r, "pgstore_"+r
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
	// Every entry is there once, and the live entries in the table are
	// exactly what the store's month aggregate counts, within the cap.
	var (
		live        string
		n, distinct int64
		liveN       int64
	)
	err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT (subject, tx_id)),
		coalesce(sum(amount) FILTER (WHERE state <> 3), 0)::text, count(*) FILTER (WHERE state <> 3) FROM `+s+`.entries`).
		Scan(&n, &distinct, &live, &liveN)
	if err != nil {
		t.Fatal(err)
	}
	if n != distinct {
		t.Errorf("%d entries but %d distinct ids", n, distinct)
	}
	st := open(t, &pgstore.Options{DSN: d, Schema: schema, DisableMigrate: true})
	agg, err := st.Aggregate(ctx, &store.AggregateRequest{Subject: "storetest/" + run + "/cross-process",
		At: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Queries: []store.Query{{Window: store.Window{Kind: store.Month}, Classes: 1 << 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if !agg[0].Sum.Equal(decimal.RequireFromString(live)) || agg[0].Count != liveN {
		t.Errorf("table holds %s in %d live entries, Aggregate says %v in %d", live, liveN, agg[0].Sum, agg[0].Count)
	}
	if decimal.RequireFromString(live).GreaterThan(decimal.NewFromInt(200_000)) {
		t.Errorf("live total %s above the cap 200000", live)
	}
	t.Logf("SQL: %d entries (%d live, %s), as Aggregate says", n, liveN, live)
}
