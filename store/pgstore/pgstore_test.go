package pgstore_test

import (
	"context"
	"github.com/comply-go/comply/internal/pgtest"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/comply-go/comply/store/storetest"
	"github.com/jackc/pgx/v5/pgxpool"
)

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
	d := pgtest.DSN(t)
	schema := pgtest.Schema(t, d, "pgstore_test_")
	storetest.Run(t, func(t *testing.T) store.Backend {
		return open(t, &pgstore.Options{DSN: d, Schema: schema, ConfigurePool: func(c *pgxpool.Config) { c.MaxConns = 16 }})
	})
}
