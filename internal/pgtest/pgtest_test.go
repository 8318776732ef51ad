package pgtest_test

import (
	"context"
	"testing"

	"github.com/comply-go/comply/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestSchemaIsUniqueAndDropped(t *testing.T) {
	dsn := pgtest.DSN(t)
	var names []string
	t.Run("create", func(t *testing.T) {
		a := pgtest.Schema(t, dsn, "pgtest_test_")
		b := pgtest.Schema(t, dsn, "pgtest_test_")
		if a == b {
			t.Fatalf("two schemas named %q", a)
		}
		for _, s := range []string{a, b} {
			exec(t, dsn, "CREATE SCHEMA "+pgx.Identifier{s}.Sanitize())
			if !exists(t, dsn, s) {
				t.Fatalf("schema %s not created", s)
			}
		}
		names = append(names, a, b)
	})
	for _, s := range names {
		if exists(t, dsn, s) {
			t.Errorf("schema %s still exists after its test ended", s)
		}
	}
}

func exec(t *testing.T, dsn, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

func exists(t *testing.T, dsn, schema string) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}
