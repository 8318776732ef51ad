// Package pgtest holds the PostgreSQL helpers shared by the tests of the
// packages that talk to PostgreSQL (store/pgstore, audit/pgsink).
//
// DSN reads COMPLY_TEST_PG_DSN: a test skips when it is unset and fails when
// it is set but PostgreSQL does not answer. Schema gives each test a schema
// of its own, dropped with its tables when the test ends, so tests can run
// side by side against one server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN is the environment variable that holds the test server's DSN.
const EnvDSN = "COMPLY_TEST_PG_DSN"

// DSN returns the value of COMPLY_TEST_PG_DSN. It skips the test when the
// variable is unset and fails it when the variable is set but PostgreSQL
// does not answer a connect and a ping within 10 seconds.
func DSN(t testing.TB) string {
	t.Helper()
	d := os.Getenv(EnvDSN)
	if d == "" {
		t.Skip(EnvDSN + " not set")
	}
	if err := ping(d); err != nil {
		t.Fatalf("%s is set but PostgreSQL does not answer: %v", EnvDSN, err)
	}
	return d
}

func ping(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}

// Schema returns a schema name made of prefix and 12 random hex digits,
// unique to the test. The schema need not exist yet; when the test ends it
// is dropped with everything in it (DROP SCHEMA IF EXISTS ... CASCADE), and
// a failure to drop it fails the test.
func Schema(t testing.TB, dsn, prefix string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		if err := Drop(dsn, schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// Drop drops schema and everything in it, if it exists.
func Drop(dsn, schema string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return err
}
