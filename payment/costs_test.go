package payment_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/comply-go/comply/payment"
)

// A carrier-billing cash-out advance with every optional cost field set.
const advanceTx = `{"id":"tx-2","time":"2026-10-01T10:00:00+09:00","country":"KR","channel":"e_wallet","direction":"cash_out",
"funding":"carrier_billing","amount":{"amount":"100000","currency":"KRW"},"customer":{"id":"c1","tier":"full"},
"counterparty":{"id":"p1","name":"Acme Pay Co., Ltd.","provider":{"register":"kr.fsc.efin","number":"2026-0001"}},
"fee":{"amount":"20000","currency":"KRW"},"payout":{"amount":"80000","currency":"KRW"},"advance":{"due":"2026-10-31"}}`

func TestCostFieldsRoundTrip(t *testing.T) {
	tx, err := payment.ParseTransactionJSON([]byte(advanceTx))
	if err != nil {
		t.Fatal(err)
	}
	if tx.Payout == nil || tx.Payout.String() != "80000 KRW" || tx.Fee.String() != "20000 KRW" {
		t.Errorf("payout %v fee %v", tx.Payout, tx.Fee)
	}
	if tx.Advance == nil || tx.Advance.Due.String() != "2026-10-31" {
		t.Errorf("advance %+v", tx.Advance)
	}
	if pc := tx.Counterparty.Provider; pc == nil || pc.Register != "kr.fsc.efin" || pc.Number != "2026-0001" {
		t.Errorf("provider %+v", pc)
	}
}

func TestCostFieldsOmittedWhenAbsent(t *testing.T) {
	tx, err := payment.ParseTransactionJSON([]byte(validTx))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"fee"`, `"payout"`, `"advance"`, `"promised_payout"`, `"provider"`} {
		if strings.Contains(string(b), k) {
			t.Errorf("%s appears in %s", k, b)
		}
	}
}

func TestCostFieldsValidate(t *testing.T) {
	krw := func(s string) *payment.Money { m := payment.MustParseMoney(s + " KRW"); return &m }
	usd := payment.MustParseMoney("1 USD")
	tests := []struct {
		name   string
		edit   func(*payment.Transaction)
		field  string
		target error
	}{
		{"fee in another currency", func(tx *payment.Transaction) { tx.Fee = &usd }, "fee.currency", payment.ErrCurrencyMismatch},
		{"payout in another currency", func(tx *payment.Transaction) { tx.Payout = &usd }, "payout.currency", payment.ErrCurrencyMismatch},
		{"payout above the amount", func(tx *payment.Transaction) { tx.Payout = krw("100001") }, "payout.amount", payment.ErrInvalidAmount},
		{"negative payout", func(tx *payment.Transaction) { tx.Payout = krw("-1") }, "payout.amount", payment.ErrInvalidAmount},
		{"fee above the amount", func(tx *payment.Transaction) { tx.Fee = krw("100000.5") }, "fee.amount", payment.ErrInvalidAmount},
		{"empty fee", func(tx *payment.Transaction) { tx.Fee = &payment.Money{} }, "fee", payment.ErrMissing},
		{"zero promised payout", func(tx *payment.Transaction) { tx.PromisedPayout = krw("0") }, "promised_payout.amount", payment.ErrInvalidAmount},
		{"advance without a due date", func(tx *payment.Transaction) { tx.Advance = &payment.Advance{} }, "advance.due", payment.ErrMissing},
		{"advance with an impossible date", func(tx *payment.Transaction) { tx.Advance.Due.Day = 31; tx.Advance.Due.Month = 2 }, "advance.due", payment.ErrInvalidDate},
		{"advance without a payout", func(tx *payment.Transaction) { tx.Payout = nil }, "payout", payment.ErrMissing},
		{"provider claim without register", func(tx *payment.Transaction) { tx.Counterparty.Provider.Register = "" }, "counterparty.provider.register", payment.ErrMissing},
		{"provider claim with nothing to look up", func(tx *payment.Transaction) {
			tx.Counterparty.Name = ""
			tx.Counterparty.Provider.Number = ""
		}, "counterparty.provider", payment.ErrMissing},
		{"provider number with control characters", func(tx *payment.Transaction) { tx.Counterparty.Provider.Number = "1\x00" }, "counterparty.provider.number", payment.ErrInvalidField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := payment.ParseTransactionJSON([]byte(advanceTx))
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(tx)
			err = tx.Validate()
			var ve *payment.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				if f.Field == tc.field && errors.Is(f, tc.target) {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate() = %v, want field %s wrapping %v", err, tc.field, tc.target)
			}
		})
	}
}
