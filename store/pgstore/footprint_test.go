package pgstore_test

import (
	"context"
	"fmt"
	"github.com/comply-go/comply/internal/pgtest"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

type footprint struct {
	entries, entriesHeap, subjects, totals int64 // pg_total_relation_size (heap for entriesHeap)
	rows                                   int64
	avgRow                                 float64 // average pg_column_size of an entries row
	wal                                    string  // pg_current_wal_lsn
}

func measure(t *testing.T, ctx context.Context, pool *pgxpool.Pool, schema string) footprint {
	t.Helper()
	s := pgx.Identifier{schema}.Sanitize()
	for _, tbl := range []string{"entries", "subjects", "archived"} {
		if _, err := pool.Exec(ctx, "VACUUM ANALYZE "+s+"."+tbl); err != nil {
			t.Fatal(err)
		}
	}
	var f footprint
	err := pool.QueryRow(ctx, `SELECT pg_total_relation_size($1::regclass), pg_relation_size($1::regclass),
		pg_total_relation_size($2::regclass), pg_total_relation_size($3::regclass),
		(SELECT count(*) FROM `+s+`.entries), (SELECT coalesce(avg(pg_column_size(e.*)), 0) FROM `+s+`.entries e),
		pg_current_wal_lsn()::text`,
		s+".entries", s+".subjects", s+".archived").
		Scan(&f.entries, &f.entriesHeap, &f.subjects, &f.totals, &f.rows, &f.avgRow, &f.wal)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFootprint measures what PostgreSQL stores per customer and per
// decision: it records decisions (reserve and commit, KR-like caps) for
// 1,000 customers, 5 each then 20 more each, and reports the table sizes
// (pg_total_relation_size after VACUUM, indexes included), the marginal
// bytes per decision and the WAL written per decision (cluster-wide, so
// other clients of the server at the same time inflate it). It fails if a
// decision costs more than 1,000 bytes of tables, a sign that the schema
// grew an index or a column by mistake.
func TestFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("footprint measurement skipped in -short mode")
	}
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	st := open(t, &pgstore.Options{DSN: d, Schema: schema, ConfigurePool: func(c *pgxpool.Config) { c.MaxConns = 16 }})
	ctx := context.Background()
	caps := benchCaps()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const customers = 1000
	record := func(from, to int) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := w; c < customers; c += 16 {
					sub := fmt.Sprintf("KR/customer-%06d", c)
					for i := from; i < to; i++ {
						id := fmt.Sprintf("tx-%06d-%04d", c, i)
						res, err := st.Reserve(ctx, &store.Request{Subject: sub, TxID: id, Time: t0.Add(time.Duration(i) * 17 * time.Minute),
							Class: 1, Amount: decimal.NewFromInt(int64(1000 + (c*31+i*7)%90000)), Currency: "KRW",
							Counterparty: fmt.Sprintf("merchant-%03d", (c+i)%500), Caps: caps})
						if err == nil && res.Status != store.Reserved {
							err = fmt.Errorf("%s: %v", id, res.Status)
						}
						if err == nil {
							err = st.Commit(ctx, sub, id)
						}
						if err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	empty := measure(t, ctx, st.Pool(), schema)
	record(0, 5)
	a := measure(t, ctx, st.Pool(), schema)
	start := time.Now()
	record(5, 25)
	took := time.Since(start)
	b := measure(t, ctx, st.Pool(), schema)
	var wal int64
	if err := st.Pool().QueryRow(ctx, "SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint", b.wal, a.wal).Scan(&wal); err != nil {
		t.Fatal(err)
	}
	decisions := b.rows - a.rows
	if decisions != customers*20 {
		t.Fatalf("%d entries recorded, want %d", decisions, customers*20)
	}
	perDecision := float64(b.entries-a.entries) / float64(decisions)
	perCustomer := float64(a.subjects+a.totals-empty.subjects-empty.totals) / customers
	t.Logf("after %d customers x 5 decisions: entries %d B (heap %d B), subjects %d B, archived %d B", customers, a.entries, a.entriesHeap, a.subjects, a.totals)
	t.Logf("after %d customers x 25 decisions: entries %d B (heap %d B), subjects %d B, archived %d B, avg entries row %.0f B",
		customers, b.entries, b.entriesHeap, b.subjects, b.totals, b.avgRow)
	t.Logf("per decision: %.0f B of entries (table and indexes), %.0f B of WAL; per customer: %.0f B of subjects and archived totals; %d decisions in %v (%.0f/s, reserve+commit, 16 callers)",
		perDecision, float64(wal)/float64(decisions), perCustomer, decisions, took.Round(time.Millisecond), float64(decisions)/took.Seconds())
	if perDecision <= 0 || perDecision > 1000 {
		t.Errorf("%.0f bytes per decision, want (0, 1000]", perDecision)
	}
	if perCustomer <= 0 || perCustomer > 1000 {
		t.Errorf("%.0f bytes per customer, want (0, 1000]", perCustomer)
	}
}
