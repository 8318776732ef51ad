package pgsink_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/audit/pgsink"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
)

// ExampleNew shares one audit log between replicas through PostgreSQL,
// then exports it and verifies it against the head row.
func ExampleNew() {
	ctx := context.Background()
	sink, err := pgsink.New(ctx, &pgsink.Options{DSN: os.Getenv("DATABASE_URL"), Table: "decisions"})
	if err != nil {
		panic(err)
	}
	log, err := audit.New(sink, &audit.Options{Key: []byte(os.Getenv("AUDIT_KEY"))})
	if err != nil {
		panic(err)
	}
	defer log.Close()
	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Hooks: []comply.Hook{log.Hook()}})
	if err != nil {
		panic(err)
	}
	_ = eng // eng.Evaluate(ctx, tx) now records every decision

	var buf bytes.Buffer
	head, err := sink.Export(ctx, &buf)
	if err != nil {
		panic(err)
	}
	res, err := audit.Verify(&buf, &audit.VerifyOptions{Head: &head})
	fmt.Println(res, err)
}
