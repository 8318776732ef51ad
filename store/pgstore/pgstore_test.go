package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/comply-go/comply/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// dsn returns COMPLY_TEST_PG_DSN, skipping the test when it is unset and
// failing it when it is set but PostgreSQL does not answer.
func dsn(t testing.TB) string {
	t.Helper()
	d := os.Getenv("COMPLY_TEST_PG_DSN")
	if d == "" {
		t.Skip("COMPLY_TEST_PG_DSN not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d)
	if err != nil {
		t.Fatalf("COMPLY_TEST_PG_DSN is set but PostgreSQL does not answer: %v", err)
	}
	defer conn.Close(ctx)
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("COMPLY_TEST_PG_DSN is set but PostgreSQL does not answer: %v", err)
	}
	return d
}

// testSchema returns a schema name unique to the test, dropped with its
// tables when the test ends.
func testSchema(t testing.TB, dsn string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "pgstore_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

func open(t testing.TB, opts *pgstore.Options) *pgstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := pgstore.New(ctx, opts)
	if err != nil {
		t.Fatalf("pgstore.New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	d := dsn(t)
	schema := testSchema(t, d)
	storetest.Run(t, func(t *testing.T) store.Backend {
		return open(t, &pgstore.Options{DSN: d, Schema: schema, ConfigurePool: func(c *pgxpool.Config) { c.MaxConns = 16 }})
	})
}
