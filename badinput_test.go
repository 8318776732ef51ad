package comply_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/store"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestBadInput feeds malformed transactions to the engine. Each must give a
// typed error and leave every stored aggregate unchanged.
func TestBadInput(t *testing.T) {
	valid := func() *payment.Transaction {
		return &payment.Transaction{
			ID: "bad-base", Time: t0, Country: "KR", Channel: payment.CarrierBilling, Direction: payment.Payment,
			Amount:   payment.MustParseMoney("1000 KRW"),
			Customer: payment.Customer{Party: payment.Party{ID: "victim"}, Tier: payment.TierFull},
		}
	}
	with := func(f func(*payment.Transaction)) *payment.Transaction {
		tx := valid()
		f(tx)
		return tx
	}
	dec := decimal.RequireFromString
	tests := []struct {
		name string
		tx   *payment.Transaction
		json string // decoded instead of tx when set
		want error
	}{
		{name: "negative amount", tx: with(func(tx *payment.Transaction) { tx.Amount.Amount = dec("-1000") }), want: payment.ErrInvalidAmount},
		{name: "zero amount", tx: with(func(tx *payment.Transaction) { tx.Amount.Amount = decimal.Zero }), want: payment.ErrInvalidAmount},
		{name: "absurd amount", tx: with(func(tx *payment.Transaction) { tx.Amount.Amount = dec("1000000000000000000000") }), want: payment.ErrInvalidAmount},
		{name: "huge exponent", tx: with(func(tx *payment.Transaction) { tx.Amount.Amount = decimal.New(1, 1_000_000) }), want: payment.ErrInvalidAmount},
		{name: "tiny exponent", tx: with(func(tx *payment.Transaction) { tx.Amount.Amount = decimal.New(1, -1_000_000) }), want: payment.ErrInvalidAmount},
		{name: "NaN-like string", json: `{"amount":{"amount":"NaN","currency":"KRW"}}`, want: payment.ErrInvalidAmount},
		{name: "Infinity string", json: `{"amount":{"amount":"Infinity","currency":"KRW"}}`, want: payment.ErrInvalidAmount},
		{name: "exponent string", json: `{"amount":{"amount":"1e309","currency":"KRW"}}`, want: payment.ErrInvalidAmount},
		{name: "float amount", json: `{"amount":{"amount":1000.5,"currency":"KRW"}}`, want: payment.ErrInvalidAmount},
		{name: "unknown currency", tx: with(func(tx *payment.Transaction) { tx.Amount.Currency = "KRX" }), want: payment.ErrUnknownCurrency},
		{name: "lower-case currency", tx: with(func(tx *payment.Transaction) { tx.Amount.Currency = "krw" }), want: payment.ErrUnknownCurrency},
		{name: "currency other than the table's, no FX source", tx: with(func(tx *payment.Transaction) { tx.Amount = payment.MustParseMoney("10 USD") }), want: comply.ErrNoFXSource},
		{name: "zero time", tx: with(func(tx *payment.Transaction) { tx.Time = time.Time{} }), want: payment.ErrInvalidTime},
		{name: "time before 1970", tx: with(func(tx *payment.Transaction) { tx.Time = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC) }), want: payment.ErrInvalidTime},
		{name: "time far ahead of the clock", tx: with(func(tx *payment.Transaction) { tx.Time = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }), want: payment.ErrInvalidTime},
		{name: "time in year 9999", tx: with(func(tx *payment.Transaction) { tx.Time = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) }), want: payment.ErrInvalidTime},
		{name: "empty id", tx: with(func(tx *payment.Transaction) { tx.ID = "" }), want: payment.ErrMissing},
		{name: "id too long", tx: with(func(tx *payment.Transaction) { tx.ID = strings.Repeat("x", 200) }), want: payment.ErrInvalidID},
		{name: "id with control characters", tx: with(func(tx *payment.Transaction) { tx.ID = "a\x00b" }), want: payment.ErrInvalidID},
		{name: "empty customer id", tx: with(func(tx *payment.Transaction) { tx.Customer.ID = "" }), want: payment.ErrMissing},
		{name: "unknown channel", tx: with(func(tx *payment.Transaction) { tx.Channel = 99 }), want: payment.ErrUnknownChannel},
		{name: "unspecified channel", tx: with(func(tx *payment.Transaction) { tx.Channel = payment.ChannelUnspecified }), want: payment.ErrUnknownChannel},
		{name: "unknown channel name", json: `{"channel":"pigeon"}`, want: payment.ErrUnknownChannel},
		{name: "unknown direction", tx: with(func(tx *payment.Transaction) { tx.Direction = 7 }), want: payment.ErrUnknownDirection},
		{name: "unknown country", tx: with(func(tx *payment.Transaction) { tx.Country = "XZ" }), want: payment.ErrUnknownCountry},
		{name: "missing country", tx: with(func(tx *payment.Transaction) { tx.Country = "" }), want: payment.ErrMissing},
		{name: "unknown tier", tx: with(func(tx *payment.Transaction) { tx.Customer.Tier = 42 }), want: payment.ErrUnknownTier},
		{name: "bad merchant category", tx: with(func(tx *payment.Transaction) { tx.Merchant = &payment.Merchant{Category: "59x7"} }), want: payment.ErrInvalidField},
		{name: "crypto without details", tx: with(func(tx *payment.Transaction) { tx.Channel = payment.Crypto }), want: payment.ErrMissing},
		{name: "impossible birth date", tx: with(func(tx *payment.Transaction) {
			tx.Customer.BirthDate = payment.Date{Year: 1990, Month: 2, Day: 30}
		}), want: payment.ErrInvalidDate},
		{name: "unknown JSON field", json: `{"amount_usd":"5"}`, want: payment.ErrInvalidJSON},
		{name: "nil transaction", tx: nil, want: payment.ErrMissing},
	}
	if len(tests) < 20 {
		t.Fatalf("only %d cases", len(tests))
	}
	e, st := newEngine(t, nil)
	ctx := context.Background()
	d := mustEval(t, e, valid())
	if err := d.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	snapshot := func() []store.Aggregate {
		aggs, err := st.Aggregate(ctx, &store.AggregateRequest{
			Subject: "KR/victim", At: t0.Add(time.Hour),
			Queries: []store.Query{
				{Window: store.Window{Kind: store.Month, Location: seoul}, Classes: ^uint64(0)},
				{Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: ^uint64(0)},
				{Window: store.Window{Kind: store.Balance}, Classes: ^uint64(0)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return aggs
	}
	before := snapshot()
	if before[0].Count != 1 {
		t.Fatalf("setup: %+v", before)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := tc.tx
			if tc.json != "" {
				base, _ := json.Marshal(valid())
				var m map[string]any
				_ = json.Unmarshal(base, &m)
				var patch map[string]any
				_ = json.Unmarshal([]byte(tc.json), &patch)
				for k, v := range patch {
					m[k] = v
				}
				b, _ := json.Marshal(m)
				if _, err := payment.ParseTransactionJSON(b); !errors.Is(err, tc.want) {
					t.Fatalf("ParseTransactionJSON error = %v, want %v", err, tc.want)
				}
				var decoded payment.Transaction
				if err := json.Unmarshal(b, &decoded); err != nil {
					return // refused while decoding, before any engine sees it
				}
				if decoded.Validate() == nil {
					return // only the strict decoder refuses it (unknown field)
				}
				tx = &decoded
			}
			d, err := e.Evaluate(ctx, tx)
			if d != nil || !errors.Is(err, tc.want) {
				t.Fatalf("Evaluate = %v, %v; want error %v", d, err, tc.want)
			}
			var ve *payment.ValidationError
			if errors.As(err, &ve) && !errors.Is(err, comply.ErrInvalidTransaction) {
				t.Errorf("validation error does not wrap ErrInvalidTransaction: %v", err)
			}
			if diff := cmp.Diff(before, snapshot(), cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("aggregates changed (-before +after):\n%s", diff)
			}
		})
	}
}
