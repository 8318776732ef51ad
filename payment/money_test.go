package payment_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/comply-go/comply/payment"
	"github.com/shopspring/decimal"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    string // canonical String(), or "" on error
		wantErr error
	}{
		{"12000 KRW", "12000 KRW", nil},
		{"10.50 USD", "10.5 USD", nil},
		{"0.001 BHD", "0.001 BHD", nil},
		{"-5 EUR", "-5 EUR", nil},
		{"1000000.000001 KRW", "1000000.000001 KRW", nil},
		{"999999999999999999 JPY", "999999999999999999 JPY", nil},
		{"1000000000000000000 JPY", "", payment.ErrInvalidAmount},
		{"1e9 KRW", "", payment.ErrInvalidAmount},
		{"1E+2147483647 KRW", "", payment.ErrInvalidAmount},
		{"NaN USD", "", payment.ErrInvalidAmount},
		{"Inf USD", "", payment.ErrInvalidAmount},
		{"+5 USD", "", payment.ErrInvalidAmount},
		{"1,000 KRW", "", payment.ErrInvalidAmount},
		{".5 USD", "", payment.ErrInvalidAmount},
		{"5. USD", "", payment.ErrInvalidAmount},
		{"0x10 USD", "", payment.ErrInvalidAmount},
		{"0.0000000000000000001 USD", "", payment.ErrInvalidAmount},
		{"12000", "", payment.ErrInvalidAmount},
		{"12000 krw", "", payment.ErrUnknownCurrency},
		{"12000 KRX", "", payment.ErrUnknownCurrency},
		{"12000 XXX", "", payment.ErrUnknownCurrency},
		{"12000 BTC", "", payment.ErrUnknownCurrency},
		{"12000 BAD", "", payment.ErrUnknownCurrency},
		{"12000 VES", "12000 VES", nil},
		{"", "", payment.ErrInvalidAmount},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m, err := payment.ParseMoney(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ParseMoney(%q) error = %v, want %v", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMoney(%q): %v", tc.in, err)
			}
			if got := m.String(); got != tc.want {
				t.Errorf("ParseMoney(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestMoneyArithmeticIsExactAndRefusesMixedCurrencies(t *testing.T) {
	a := payment.MustParseMoney("0.1 USD")
	b := payment.MustParseMoney("0.2 USD")
	sum, err := a.Add(b)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := sum.Cmp(payment.MustParseMoney("0.3 USD")); c != 0 {
		t.Errorf("0.1 + 0.2 = %s, want 0.3", sum)
	}
	if _, err := a.Add(payment.MustParseMoney("1 EUR")); !errors.Is(err, payment.ErrCurrencyMismatch) {
		t.Errorf("USD + EUR error = %v, want ErrCurrencyMismatch", err)
	}
	if _, err := a.Cmp(payment.MustParseMoney("1 EUR")); !errors.Is(err, payment.ErrCurrencyMismatch) {
		t.Errorf("Cmp(USD, EUR) error = %v, want ErrCurrencyMismatch", err)
	}
	if _, err := a.Sub(payment.MustParseMoney("1 EUR")); !errors.Is(err, payment.ErrCurrencyMismatch) {
		t.Errorf("USD - EUR error = %v, want ErrCurrencyMismatch", err)
	}
}

func TestMinorUnits(t *testing.T) {
	for cur, want := range map[payment.Currency]int32{"KRW": 0, "JPY": 0, "USD": 2, "EUR": 2, "BHD": 3} {
		if got := cur.MinorUnits(); got != want {
			t.Errorf("%s.MinorUnits() = %d, want %d", cur, got, want)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	m := payment.MustParseMoney("1000000.05 KRW")
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"amount":"1000000.05","currency":"KRW"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back payment.Money
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Amount.Equal(m.Amount) || back.Currency != m.Currency {
		t.Errorf("round trip = %v, want %v", back, m)
	}
	for _, bad := range []string{
		`{"amount":1000.5,"currency":"USD"}`,
		`{"amount":"1e3","currency":"USD"}`,
		`{"amount":"10","currency":"usd"}`,
		`{"amount":"10","currency":"USD","extra":1}`,
		`{"amount":null,"currency":"USD"}`,
		`[]`,
	} {
		var m payment.Money
		err := json.Unmarshal([]byte(bad), &m)
		if !errors.Is(err, payment.ErrInvalidAmount) && !errors.Is(err, payment.ErrUnknownCurrency) {
			t.Errorf("Unmarshal(%s) error = %v, want a typed payment error", bad, err)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12000 KRW", "10.50 USD", "-0.001 BHD", "1e9 KRW", "NaN USD", "99999999999999999999 JPY", "0.000000000000000001 EUR", " 5 USD ", "5  USD", "٣ USD", "1.5 \x00SD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := payment.ParseMoney(s)
		if err != nil {
			if !errors.Is(err, payment.ErrInvalidAmount) && !errors.Is(err, payment.ErrUnknownCurrency) {
				t.Fatalf("ParseMoney(%q) returned an untyped error: %v", s, err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("ParseMoney(%q) = %v, which does not validate: %v", s, m, err)
		}
		// Round trip through text and JSON is exact.
		back, err := payment.ParseMoney(m.String())
		if err != nil || !back.Amount.Equal(m.Amount) || back.Currency != m.Currency {
			t.Fatalf("round trip of %q via %q = %v, %v", s, m.String(), back, err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var j payment.Money
		if err := json.Unmarshal(b, &j); err != nil || !j.Amount.Equal(m.Amount) {
			t.Fatalf("JSON round trip of %s = %v, %v", b, j, err)
		}
		if strings.ContainsAny(string(b), "eE") && strings.Contains(m.Amount.String(), "e") {
			t.Fatalf("amount rendered with an exponent: %s", b)
		}
		if m.Amount.Abs().Cmp(decimal.New(1, payment.MaxIntegerDigits)) >= 0 {
			t.Fatalf("accepted an amount of 10^%d or more: %s", payment.MaxIntegerDigits, m)
		}
	})
}
