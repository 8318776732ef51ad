package payment_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
)

const validTx = `{"id":"tx-1","time":"2026-10-01T10:00:00+09:00","country":"KR","channel":"carrier_billing","direction":"payment",
"amount":{"amount":"50000","currency":"KRW"},"customer":{"id":"c1","name":"김민지","tier":"full","verified":["phone","real_name"],"birth_date":"1994-03-02"},
"merchant":{"id":"m1","category":"5947","goods":"gift_card"},"device":{"id":"d1","first_seen":"2026-09-01T00:00:00Z"}}`

func TestParseTransactionJSON(t *testing.T) {
	tx, err := payment.ParseTransactionJSON([]byte(validTx))
	if err != nil {
		t.Fatal(err)
	}
	if tx.Channel != payment.CarrierBilling || tx.Direction != payment.Payment || tx.Customer.Tier != payment.TierFull {
		t.Errorf("decoded %+v", tx)
	}
	if !tx.Customer.Has(payment.CheckRealName) || tx.Customer.Has(payment.CheckAddress) {
		t.Errorf("Verified = %v", tx.Customer.Verified)
	}
	if tx.Merchant.Goods != payment.GoodsGiftCard || !tx.Merchant.Goods.CashEquivalent() {
		t.Errorf("Goods = %v", tx.Merchant.Goods)
	}
	if got := tx.Customer.BirthDate.AgeAt(tx.Time); got != 32 {
		t.Errorf("age = %d, want 32", got)
	}
	b, err := json.Marshal(tx)
	if err != nil {
		t.Fatal(err)
	}
	back, err := payment.ParseTransactionJSON(b)
	if err != nil {
		t.Fatalf("re-parse %s: %v", b, err)
	}
	if !back.Amount.Amount.Equal(tx.Amount.Amount) || !back.Time.Equal(tx.Time) || back.Customer.BirthDate != tx.Customer.BirthDate {
		t.Errorf("round trip lost data: %+v vs %+v", back, tx)
	}
}

func TestValidateListsEveryField(t *testing.T) {
	tx := &payment.Transaction{
		Customer: payment.Customer{Party: payment.Party{Country: "ZZ"}, Tier: 9},
		Amount:   payment.Money{Currency: "USD"},
		Channel:  payment.Crypto,
	}
	err := tx.Validate()
	var ve *payment.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want *ValidationError", err)
	}
	fields := map[string]bool{}
	for _, f := range ve.Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{"id", "time", "country", "direction", "amount.amount", "customer.id", "customer.country", "customer.tier", "crypto"} {
		if !fields[want] {
			t.Errorf("no error for field %q in %v", want, err)
		}
	}
	for _, sentinel := range []error{payment.ErrMissing, payment.ErrInvalidTime, payment.ErrUnknownDirection, payment.ErrInvalidAmount, payment.ErrUnknownCountry, payment.ErrUnknownTier} {
		if !errors.Is(err, sentinel) {
			t.Errorf("errors.Is(err, %v) = false", sentinel)
		}
	}
	if (&payment.Transaction{}).Validate() == nil {
		t.Error("zero transaction validated")
	}
	_ = time.Now
}

func FuzzTransactionJSON(f *testing.F) {
	f.Add([]byte(validTx))
	f.Add([]byte(`{"id":"x","time":"2026-01-01T00:00:00Z","country":"US","channel":"crypto","direction":"cash_out","amount":{"amount":"1","currency":"USD"},"customer":{"id":"c"},"crypto":{"network":"bitcoin","asset":"BTC","address":"bc1q","wallet":"self_hosted","asset_amount":"0.00001"}}`))
	f.Add([]byte(`{"amount":{"amount":1e400,"currency":"USD"}}`))
	f.Add([]byte(`{"time":"9999-12-31T23:59:59Z"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(advanceTx))
	f.Add([]byte(`{"id":"x","time":"2026-01-01T00:00:00Z","country":"KR","channel":"e_wallet","direction":"transfer","amount":{"amount":"10000","currency":"KRW"},"customer":{"id":"c"},"promised_payout":{"amount":"40000","currency":"KRW"},"counterparty":{"id":"p","provider":{"register":"kr.fiu.vasp","name":"(주) 에이 코인"}}}`))
	f.Add([]byte(`{"id":"x","time":"2026-01-01T00:00:00Z","country":"KR","channel":"e_wallet","direction":"cash_out","amount":{"amount":"1","currency":"KRW"},"customer":{"id":"c"},"fee":{"amount":"2","currency":"USD"},"payout":{"amount":"1","currency":"KRW"},"advance":{"due":"2026-02-30"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := payment.ParseTransactionJSON(b)
		if err != nil {
			var ve *payment.ValidationError
			if !errors.Is(err, payment.ErrInvalidJSON) && !errors.As(err, &ve) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		// A valid transaction survives a round trip and still validates.
		out, err := json.Marshal(tx)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		back, err := payment.ParseTransactionJSON(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !back.Amount.Amount.Equal(tx.Amount.Amount) || back.ID != tx.ID {
			t.Fatalf("round trip changed the transaction")
		}
	})
}
