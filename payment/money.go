// Package payment is the typed transaction model of comply: [Transaction],
// [Customer], [Party], [Money] with its ISO 4217 currency, [Channel],
// [Direction], [Device] and [CryptoDetails], and the validation that every
// transaction passes before any rule sees it.
//
// Package payment is a leaf: it imports nothing else from this module.
// Its values are plain data and safe to share between goroutines as long as
// nobody changes them.
package payment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// Bounds on the amounts that [ParseMoney] and [Money.Validate] accept. They
// keep absurd input (huge exponents, thousands of digits) out of every
// computation downstream.
const (
	// MaxIntegerDigits is the most digits an amount may have before its
	// decimal point: amounts below 10^18 units of any currency.
	MaxIntegerDigits = 18
	// MaxFractionDigits is the most digits an amount may have after its
	// decimal point: enough for converted and crypto-equivalent values.
	MaxFractionDigits = 18
)

// Currency is an ISO 4217 currency code such as "KRW" or "USD". The zero
// value is invalid. Codes are checked against golang.org/x/text/currency.
type Currency string

// ParseCurrency checks that s is an ISO 4217 code in upper case for a
// currency in circulation: one that golang.org/x/text/currency lists as
// current tender, or one introduced after the CLDR data that package carries
// (VES, VED, SLE, MRU, ZWG, XCG). Historic codes (e.g. BAD), codes that name
// no money (XXX, XTS) and anything else give an error wrapping
// [ErrUnknownCurrency].
func ParseCurrency(s string) (Currency, error) {
	if len(s) != 3 || strings.ToUpper(s) != s {
		return "", fmt.Errorf("%w: %q", ErrUnknownCurrency, s)
	}
	if _, ok := currentTender()[s]; ok {
		return Currency(s), nil
	}
	if _, ok := newerCurrencies[s]; ok {
		return Currency(s), nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownCurrency, s)
}

// newerCurrencies are ISO 4217 codes introduced after CLDR 32, the data of
// golang.org/x/text/currency, with their minor units.
var newerCurrencies = map[string]int32{
	"VES": 2, // Venezuela, 2018
	"VED": 2, // Venezuela, 2021
	"SLE": 2, // Sierra Leone, 2022
	"MRU": 2, // Mauritania, 2018
	"ZWG": 2, // Zimbabwe gold, 2024
	"XCG": 2, // Caribbean guilder, 2025
}

// currentTender is the set of current tender currencies known to
// golang.org/x/text/currency, built once.
var currentTender = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 160)
	for it := currency.Query(); it.Next(); {
		u := it.Unit().String()
		if u != "XXX" && u != "XTS" {
			m[u] = struct{}{}
		}
	}
	return m
})

// Valid reports whether c is a currency [ParseCurrency] accepts.
func (c Currency) Valid() bool {
	_, err := ParseCurrency(string(c))
	return err == nil
}

// MinorUnits returns the number of digits after the decimal point of the
// currency's minor unit, per ISO 4217 as carried by
// golang.org/x/text/currency (KRW and JPY 0, USD 2, BHD 3). It returns 2 for
// an unknown currency.
func (c Currency) MinorUnits() int32 {
	if n, ok := newerCurrencies[string(c)]; ok {
		return n
	}
	u, err := currency.ParseISO(string(c))
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return int32(scale)
}

// Money is an exact decimal amount with its currency. It is a value type:
// methods never change the receiver. The zero value has no currency and is
// invalid.
type Money struct {
	// Amount is the exact amount.
	Amount decimal.Decimal
	// Currency is the ISO 4217 code.
	Currency Currency
}

// NewMoney returns amount in cur after the same checks as [ParseMoney].
func NewMoney(amount decimal.Decimal, cur string) (Money, error) {
	m := Money{Amount: amount, Currency: Currency(cur)}
	if err := m.Validate(); err != nil {
		return Money{}, err
	}
	return m, nil
}

// ParseMoney parses "<amount> <currency>", for example "12000 KRW" or
// "10.50 USD". The amount is a plain decimal: an optional minus sign, digits,
// and an optional fraction. Exponents, "NaN", "Inf", thousands separators and
// more than [MaxIntegerDigits] or [MaxFractionDigits] digits are refused.
// Errors wrap [ErrInvalidAmount] or [ErrUnknownCurrency].
func ParseMoney(s string) (Money, error) {
	amt, cur, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Money{}, fmt.Errorf("%w: %q: want \"<amount> <currency>\"", ErrInvalidAmount, s)
	}
	d, err := ParseAmount(amt)
	if err != nil {
		return Money{}, err
	}
	c, err := ParseCurrency(strings.TrimSpace(cur))
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: d, Currency: c}, nil
}

// MustParseMoney is like [ParseMoney] but panics on error. It is meant for
// literals in tests and package-level variables.
func MustParseMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// ParseAmount parses a plain decimal amount with the grammar of
// [ParseMoney]. Negative amounts parse; [Money.Validate] decides whether a
// sign is allowed where the amount is used.
func ParseAmount(s string) (decimal.Decimal, error) {
	if err := checkAmountSyntax(s); err != nil {
		return decimal.Decimal{}, err
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrInvalidAmount, s)
	}
	return d, nil
}

func checkAmountSyntax(s string) error {
	body := strings.TrimPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(body, ".")
	switch {
	case body == "":
		return fmt.Errorf("%w: empty amount", ErrInvalidAmount)
	case intPart == "" || (hasPoint && frac == ""):
		return fmt.Errorf("%w: %q: digits must stand on both sides of the point", ErrInvalidAmount, s)
	case !allDigits(intPart) || !allDigits(frac):
		return fmt.Errorf("%w: %q: want digits with an optional point", ErrInvalidAmount, s)
	case len(strings.TrimLeft(intPart, "0")) > MaxIntegerDigits:
		return fmt.Errorf("%w: %q: more than %d integer digits", ErrInvalidAmount, truncate(s), MaxIntegerDigits)
	case len(frac) > MaxFractionDigits:
		return fmt.Errorf("%w: %q: more than %d fraction digits", ErrInvalidAmount, truncate(s), MaxFractionDigits)
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var (
	maxAmount = decimal.New(1, MaxIntegerDigits)
	minAmount = decimal.New(-1, MaxIntegerDigits)
)

// Validate checks the currency and that the amount is within the bounds of
// [ParseMoney]. It allows zero and negative amounts; [Transaction.Validate]
// requires a positive one.
func (m Money) Validate() error {
	if _, err := ParseCurrency(string(m.Currency)); err != nil {
		return err
	}
	if m.Amount.Cmp(maxAmount) >= 0 || m.Amount.Cmp(minAmount) <= 0 {
		return fmt.Errorf("%w: %s: at least 10^%d", ErrInvalidAmount, truncate(m.Amount.String()), MaxIntegerDigits)
	}
	if m.Amount.Exponent() < -MaxFractionDigits && !m.Amount.Equal(m.Amount.Truncate(MaxFractionDigits)) {
		return fmt.Errorf("%w: %s: more than %d fraction digits", ErrInvalidAmount, truncate(m.Amount.String()), MaxFractionDigits)
	}
	return nil
}

// IsZero reports whether m is the zero Money (no currency).
func (m Money) IsZero() bool { return m.Currency == "" && m.Amount.IsZero() }

// String renders "<amount> <currency>", the form [ParseMoney] reads.
func (m Money) String() string { return m.Amount.String() + " " + string(m.Currency) }

// Add returns m+o. It returns an error wrapping [ErrCurrencyMismatch] when
// the currencies differ: amounts in different currencies never sum silently.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s + %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	return Money{Amount: m.Amount.Add(o.Amount), Currency: m.Currency}, nil
}

// Sub returns m−o, with the same currency rule as [Money.Add].
func (m Money) Sub(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s - %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	return Money{Amount: m.Amount.Sub(o.Amount), Currency: m.Currency}, nil
}

// Cmp compares m and o: -1, 0 or +1. It returns an error wrapping
// [ErrCurrencyMismatch] when the currencies differ.
func (m Money) Cmp(o Money) (int, error) {
	if m.Currency != o.Currency {
		return 0, fmt.Errorf("%w: %s vs %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	return m.Amount.Cmp(o.Amount), nil
}

type moneyJSON struct {
	Amount   json.RawMessage `json:"amount"`
	Currency string          `json:"currency"`
}

// MarshalJSON encodes {"amount":"12000","currency":"KRW"}: the amount is a
// JSON string, never a number, so no float touches it.
func (m Money) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"amount":"`)
	b.WriteString(m.Amount.String())
	b.WriteString(`","currency":`)
	c, _ := json.Marshal(string(m.Currency))
	b.Write(c)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes the form written by [Money.MarshalJSON]. The amount
// must be a JSON string; a JSON number is refused with [ErrInvalidAmount],
// because whoever wrote it may already have rounded it through a float.
// The currency must be a known ISO 4217 code.
func (m *Money) UnmarshalJSON(b []byte) error {
	var raw moneyJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidAmount, err)
	}
	if len(raw.Amount) == 0 || raw.Amount[0] != '"' {
		return fmt.Errorf("%w: amount must be a JSON string such as \"12.50\", got %s", ErrInvalidAmount, truncate(string(raw.Amount)))
	}
	var s string
	if err := json.Unmarshal(raw.Amount, &s); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidAmount, err)
	}
	d, err := ParseAmount(s)
	if err != nil {
		return err
	}
	c, err := ParseCurrency(raw.Currency)
	if err != nil {
		return err
	}
	*m = Money{Amount: d, Currency: c}
	return nil
}
