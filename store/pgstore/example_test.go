package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/pgstore"
	"github.com/shopspring/decimal"
)

// ExampleNew opens a store (migrating its schema), reserves a payment
// against a daily cap and commits it once the money moved.
func ExampleNew() {
	ctx := context.Background()
	st, err := pgstore.New(ctx, &pgstore.Options{
		DSN:    "postgres://comply@db.internal:5432/comply?pool_max_conns=16",
		Schema: "comply",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	res, err := st.Reserve(ctx, &store.Request{
		Subject:  "KR/customer-42",
		TxID:     "tx-1001",
		Time:     time.Now(),
		Class:    1,
		Amount:   decimal.RequireFromString("30000"),
		Currency: "KRW",
		Caps: []store.Cap{{
			ID:        "daily",
			Window:    store.Window{Kind: store.Day},
			Classes:   1 << 1,
			MaxAmount: decimal.NewNullDecimal(decimal.RequireFromString("500000")),
		}},
	})
	if err != nil {
		log.Fatal(err) // could not decide: fail closed
	}
	fmt.Println(res.Status)
	if res.Status == store.Reserved {
		if err := st.Commit(ctx, "KR/customer-42", "tx-1001"); err != nil {
			log.Fatal(err)
		}
	}
}
