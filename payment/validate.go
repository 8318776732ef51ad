package payment

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Sentinel errors. Every validation error wraps one of them, so callers can
// test with errors.Is.
const (
	ErrInvalidAmount     sentinel = "payment: invalid amount"
	ErrUnknownCurrency   sentinel = "payment: unknown currency"
	ErrCurrencyMismatch  sentinel = "payment: currency mismatch"
	ErrUnknownChannel    sentinel = "payment: unknown channel"
	ErrUnknownDirection  sentinel = "payment: unknown direction"
	ErrUnknownTier       sentinel = "payment: unknown KYC tier"
	ErrUnknownRisk       sentinel = "payment: unknown risk rating"
	ErrUnknownGoods      sentinel = "payment: unknown goods class"
	ErrUnknownCheck      sentinel = "payment: unknown verification"
	ErrUnknownWalletKind sentinel = "payment: unknown wallet kind"
	ErrUnknownCountry    sentinel = "payment: unknown country"
	ErrInvalidDate       sentinel = "payment: invalid date"
	ErrInvalidTime       sentinel = "payment: invalid time"
	ErrInvalidID         sentinel = "payment: invalid id"
	ErrMissing           sentinel = "payment: missing field"
	ErrInvalidField      sentinel = "payment: invalid field"
	ErrInvalidJSON       sentinel = "payment: invalid JSON"
)

// MaxIDLen is the longest ID accepted for transactions and parties.
const MaxIDLen = 128

// FieldError is one malformed field. Err wraps one of the package's
// sentinel errors.
type FieldError struct {
	// Field is the JSON path of the field, e.g. "amount.currency".
	Field string
	// Err says what is wrong.
	Err error
}

// Error renders "field: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// ValidationError lists every malformed field of a transaction, in field
// order. errors.Is matches each field's sentinel; errors.As finds the
// *FieldError values.
type ValidationError struct {
	Fields []*FieldError
}

// Error renders "payment: invalid transaction: f1: …; f2: …".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "payment: invalid transaction: " + strings.Join(parts, "; ")
}

// Unwrap returns the field errors.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

type validator struct{ errs []*FieldError }

func (v *validator) add(field string, err error) {
	v.errs = append(v.errs, &FieldError{Field: field, Err: err})
}

func (v *validator) addf(field string, base error, format string, args ...any) {
	v.add(field, fmt.Errorf("%w: "+format, append([]any{base}, args...)...))
}

func (v *validator) id(field, s string, required bool) {
	switch {
	case s == "":
		if required {
			v.addf(field, ErrMissing, "required")
		}
	case len(s) > MaxIDLen:
		v.addf(field, ErrInvalidID, "longer than %d bytes", MaxIDLen)
	case !utf8.ValidString(s) || strings.ContainsFunc(s, isControl):
		v.addf(field, ErrInvalidID, "%q has invalid characters", truncate(s))
	}
}

func (v *validator) text(field, s string) {
	if len(s) > 1024 {
		v.addf(field, ErrInvalidField, "longer than 1024 bytes")
	} else if !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
		v.addf(field, ErrInvalidField, "invalid characters")
	}
}

func validID(s string) bool {
	return len(s) <= MaxIDLen && utf8.ValidString(s) && !strings.ContainsFunc(s, isControl)
}

func validText(s string) bool {
	return len(s) <= 1024 && utf8.ValidString(s) && !strings.ContainsFunc(s, isControl)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func (v *validator) country(field, s string, required bool) {
	if s == "" {
		if required {
			v.addf(field, ErrMissing, "required")
		}
		return
	}
	if _, err := ParseCountry(s); err != nil {
		v.add(field, err)
	}
}

// Earliest and latest transaction times accepted by Validate.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (v *validator) party(prefix string, p *Party, requireID bool) {
	// Field names are built only when a field is bad: this runs on every
	// transaction and must not allocate when all is well.
	if p.ID == "" && requireID || p.ID != "" && !validID(p.ID) {
		v.id(prefix+".id", p.ID, requireID)
	}
	if !validText(p.Name) {
		v.text(prefix+".name", p.Name)
	}
	if !validText(p.Account) {
		v.text(prefix+".account", p.Account)
	}
	if p.Country != "" {
		if _, err := ParseCountry(p.Country); err != nil {
			v.add(prefix+".country", err)
		}
	}
	if pc := p.Provider; pc != nil {
		if pc.Register == "" {
			v.addf(prefix+".provider.register", ErrMissing, "required")
		} else if !validID(pc.Register) {
			v.id(prefix+".provider.register", pc.Register, true)
		}
		if pc.Number == "" && pc.Name == "" && p.Name == "" {
			v.addf(prefix+".provider", ErrMissing, "a provider claim needs a number or a name")
		}
		v.text(prefix+".provider.number", pc.Number)
		v.text(prefix+".provider.name", pc.Name)
	}
	if !p.BirthDate.IsZero() {
		d := p.BirthDate
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		if d.Year < 1850 || d.Year > 2200 || t.Year() != d.Year || t.Month() != d.Month || t.Day() != d.Day {
			v.addf(prefix+".birth_date", ErrInvalidDate, "%04d-%02d-%02d", d.Year, d.Month, d.Day)
		}
	}
}

// Validate checks every field and returns a *[ValidationError] listing all
// that are malformed, or nil. It checks: required ids (non-empty, at most
// [MaxIDLen] bytes, no control characters); a non-zero time between 1970 and
// 2200; a known country, channel and direction; a positive amount within the
// bounds of [ParseMoney] in a known ISO 4217 currency; known tier, risk,
// goods, verification and wallet values; valid dates; and crypto details on
// crypto transactions.
func (tx *Transaction) Validate() error {
	if tx == nil {
		return &ValidationError{Fields: []*FieldError{{Field: "transaction", Err: fmt.Errorf("%w: nil transaction", ErrMissing)}}}
	}
	var v validator
	v.id("id", tx.ID, true)
	switch {
	case tx.Time.IsZero():
		v.addf("time", ErrInvalidTime, "zero time")
	case tx.Time.Before(minTime) || !tx.Time.Before(maxTime):
		v.addf("time", ErrInvalidTime, "%s is outside 1970..2200", tx.Time.UTC().Format(time.RFC3339))
	}
	v.country("country", tx.Country, true)
	if !tx.Channel.Valid() {
		v.addf("channel", ErrUnknownChannel, "%s", tx.Channel)
	}
	if !tx.Direction.Valid() {
		v.addf("direction", ErrUnknownDirection, "%s", tx.Direction)
	}
	if tx.Funding != ChannelUnspecified && !tx.Funding.Valid() {
		v.addf("funding", ErrUnknownChannel, "%s", tx.Funding)
	}
	if tx.Amount.IsZero() {
		v.addf("amount", ErrMissing, "required")
	} else if err := tx.Amount.Validate(); err != nil {
		if errors.Is(err, ErrUnknownCurrency) {
			v.add("amount.currency", err)
		} else {
			v.add("amount.amount", err)
		}
	} else if tx.Amount.Amount.Sign() <= 0 {
		v.addf("amount.amount", ErrInvalidAmount, "%s is not positive", tx.Amount.Amount)
	}
	c := &tx.Customer
	v.party("customer", &c.Party, true)
	if !c.Tier.Valid() {
		v.addf("customer.tier", ErrUnknownTier, "%s", c.Tier)
	}
	if c.Risk >= numRisks {
		v.addf("customer.risk", ErrUnknownRisk, "%s", c.Risk)
	}
	for i, ch := range c.Verified {
		if ch == CheckUnspecified || ch >= numChecks {
			v.addf(fmt.Sprintf("customer.verified[%d]", i), ErrUnknownCheck, "%s", ch)
		}
	}
	if tx.Counterparty != nil {
		v.party("counterparty", tx.Counterparty, false)
	}
	if m := tx.Merchant; m != nil {
		v.id("merchant.id", m.ID, false)
		if m.Category != "" && (len(m.Category) != 4 || !allDigits(m.Category)) {
			v.addf("merchant.category", ErrInvalidField, "%q is not a four-digit ISO 18245 code", truncate(m.Category))
		}
		if m.Goods >= numGoods {
			v.addf("merchant.goods", ErrUnknownGoods, "%s", m.Goods)
		}
	}
	if d := tx.Device; d != nil {
		v.id("device.id", d.ID, false)
		v.text("device.ip", d.IP)
	}
	if tx.Channel == Crypto && tx.Crypto == nil {
		v.addf("crypto", ErrMissing, "required on crypto transactions")
	}
	if cr := tx.Crypto; cr != nil {
		v.text("crypto.network", cr.Network)
		v.text("crypto.asset", cr.Asset)
		v.text("crypto.address", cr.Address)
		if cr.Address == "" {
			v.addf("crypto.address", ErrMissing, "required")
		}
		if cr.Wallet >= numWallets {
			v.addf("crypto.wallet", ErrUnknownWalletKind, "%s", cr.Wallet)
		}
		if cr.AssetAmount != "" {
			if d, err := ParseAmount(cr.AssetAmount); err != nil {
				v.add("crypto.asset_amount", err)
			} else if d.Sign() <= 0 {
				v.addf("crypto.asset_amount", ErrInvalidAmount, "%s is not positive", d)
			}
		}
		if tr := cr.TravelRule; tr != nil {
			v.text("crypto.travel_rule.originator_name", tr.OriginatorName)
			v.text("crypto.travel_rule.beneficiary_name", tr.BeneficiaryName)
		}
	}
	if tx.Fee != nil || tx.Payout != nil || tx.Advance != nil || tx.PromisedPayout != nil {
		v.costs(tx)
	}
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.errs}
}

// costs validates Fee, Payout, Advance and PromisedPayout.
func (v *validator) costs(tx *Transaction) {
	ok := func(field string, m *Money, allowZero bool) bool {
		if m.IsZero() {
			v.addf(field, ErrMissing, "required when present")
			return false
		}
		if err := m.Validate(); err != nil {
			if errors.Is(err, ErrUnknownCurrency) {
				v.add(field+".currency", err)
			} else {
				v.add(field+".amount", err)
			}
			return false
		}
		if s := m.Amount.Sign(); s < 0 || s == 0 && !allowZero {
			v.addf(field+".amount", ErrInvalidAmount, "%s is not positive", m.Amount)
			return false
		}
		if tx.Amount.Currency != "" && m.Currency != tx.Amount.Currency {
			v.addf(field+".currency", ErrCurrencyMismatch, "%s differs from the amount's %s", m.Currency, tx.Amount.Currency)
			return false
		}
		return true
	}
	if tx.Fee != nil && ok("fee", tx.Fee, true) && tx.Fee.Amount.GreaterThan(tx.Amount.Amount) {
		v.addf("fee.amount", ErrInvalidAmount, "fee %s exceeds the amount %s", tx.Fee.Amount, tx.Amount.Amount)
	}
	if tx.Payout != nil && ok("payout", tx.Payout, true) && tx.Payout.Amount.GreaterThan(tx.Amount.Amount) {
		v.addf("payout.amount", ErrInvalidAmount, "payout %s exceeds the amount %s", tx.Payout.Amount, tx.Amount.Amount)
	}
	if tx.PromisedPayout != nil {
		ok("promised_payout", tx.PromisedPayout, false)
	}
	if a := tx.Advance; a != nil {
		if tx.Payout == nil {
			v.addf("payout", ErrMissing, "required on an advance")
		}
		d := a.Due
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		switch {
		case d.IsZero():
			v.addf("advance.due", ErrMissing, "required")
		case d.Year < 1970 || d.Year > 2200 || t.Year() != d.Year || t.Month() != d.Month || t.Day() != d.Day:
			v.addf("advance.due", ErrInvalidDate, "%04d-%02d-%02d", d.Year, d.Month, d.Day)
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
