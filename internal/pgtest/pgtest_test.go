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

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exec(t *testing.T, dsn, sql string) {
	t.Helper()
	if _, err := connect(t, dsn).Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

func exists(t *testing.T, dsn, schema string) bool {
	t.Helper()
	var n int
	if err := connect(t, dsn).QueryRow(context.Background(), "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}
