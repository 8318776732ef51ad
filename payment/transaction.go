package payment

import (
	"encoding/json"
	"fmt"
	"time"

	"golang.org/x/text/language"
)

// Transaction is one payment, load, transfer or cash-out, as the host is
// about to process it. Time is the event time: every window is anchored at
// it, and nothing in comply reads the clock to judge a transaction.
type Transaction struct {
	// ID identifies the transaction. It is the idempotency key: a retry
	// must carry the same ID. Required; at most 128 bytes.
	ID string `json:"id"`
	// Time is when the transaction happens. Required, not zero.
	Time time.Time `json:"time"`
	// Country is the ISO 3166-1 alpha-2 code of the jurisdiction whose
	// rules apply, usually where the service is licensed. Required.
	Country string `json:"country"`
	// Channel is the payment rail. Required.
	Channel Channel `json:"channel"`
	// Direction is which way money moves. Required.
	Direction Direction `json:"direction"`
	// Amount is the transaction amount; it must be positive.
	Amount Money `json:"amount"`
	// Customer is the service's own customer. Required.
	Customer Customer `json:"customer"`
	// Counterparty is the other side of a transfer or cash-out, if known.
	Counterparty *Party `json:"counterparty,omitempty"`
	// Merchant describes the seller, for payments.
	Merchant *Merchant `json:"merchant,omitempty"`
	// Funding is the channel that funded the value being spent or cashed
	// out, e.g. [CarrierBilling] for a balance topped up through the phone
	// bill. Unspecified when unknown.
	Funding Channel `json:"funding,omitempty"`
	// Device is the device that initiated the transaction, if known.
	Device *Device `json:"device,omitempty"`
	// Crypto holds the details of a virtual-asset transfer; required when
	// Channel is [Crypto].
	Crypto *CryptoDetails `json:"crypto,omitempty"`
	// Fee is what the customer is charged for this transaction, in the
	// currency of Amount, if the host knows it. When nil and Payout is
	// set, the fee is Amount − Payout.
	Fee *Money `json:"fee,omitempty"`
	// Payout is what the customer (or the payee) actually receives, in the
	// currency of Amount; at most Amount. Nil when unknown.
	Payout *Money `json:"payout,omitempty"`
	// Advance marks a cash-out that is an advance against a later bill
	// (carrier billing, buy now pay later): the customer receives Payout
	// now and owes Amount on Advance.Due. Nil otherwise.
	Advance *Advance `json:"advance,omitempty"`
	// PromisedPayout is what the counterparty promised ("guaranteed") to
	// pay back in return for this deposit or transfer, in the currency of
	// Amount, if the service knows of such a promise. Nil otherwise.
	PromisedPayout *Money `json:"promised_payout,omitempty"`
}

// Advance describes a cash-out paid now against a bill due later.
type Advance struct {
	// Due is the calendar day the bill carrying Amount is due, in the time
	// zone of the pack that judges the transaction. Required; not before
	// the transaction's own day.
	Due Date `json:"due"`
}

// ProviderClaim is a counterparty's claim to be a licensed or registered
// provider (an electronic financial business operator, a VASP, a money
// services business, an e-money or payment institution), to be checked
// against the register the host loaded.
type ProviderClaim struct {
	// Register is the id of the register the claim refers to, e.g.
	// "kr.fsc.efin" (the ids are the host's, declared in its register
	// files). Required.
	Register string `json:"register"`
	// Number is the claimed registration number, if given.
	Number string `json:"number,omitempty"`
	// Name is the claimed registered name, if different from the party's
	// Name.
	Name string `json:"name,omitempty"`
}

// Party is a person or organisation on either side of a transaction.
type Party struct {
	// ID is the service's identifier for the party.
	ID string `json:"id"`
	// Name is the party's name as recorded, used for screening.
	Name string `json:"name,omitempty"`
	// Country is the ISO 3166-1 alpha-2 country of residence or
	// registration.
	Country string `json:"country,omitempty"`
	// BirthDate is the date of birth of a natural person, if known.
	BirthDate Date `json:"birth_date,omitzero"`
	// Account is the bank account, wallet or phone number that receives or
	// sends the money, if known.
	Account string `json:"account,omitempty"`
	// FirstSeen is, for a counterparty, when the service first saw it for
	// this customer (the transaction's own time for a first-time payee);
	// zero when unknown.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	// Provider is the party's claim to be a licensed or registered
	// provider, if it makes one. Nil otherwise.
	Provider *ProviderClaim `json:"provider,omitempty"`
}

// Customer is the service's own customer, with what is known about them.
type Customer struct {
	Party
	// Tier is the KYC tier reached. Zero means unverified.
	Tier Tier `json:"tier"`
	// Verified lists the verifications the customer has passed.
	Verified []Check `json:"verified,omitempty"`
	// Risk is the customer's risk rating.
	Risk Risk `json:"risk,omitempty"`
	// PEP marks a politically exposed person.
	PEP bool `json:"pep,omitempty"`
}

// Has reports whether the customer has passed verification ch.
func (c *Customer) Has(ch Check) bool {
	for _, v := range c.Verified {
		if v == ch {
			return true
		}
	}
	return false
}

// Merchant describes the seller of a purchase.
type Merchant struct {
	// ID identifies the merchant.
	ID string `json:"id,omitempty"`
	// Category is the ISO 18245 merchant category code (four digits).
	Category string `json:"category,omitempty"`
	// Goods classifies what is bought.
	Goods Goods `json:"goods,omitempty"`
}

// Device is the device that initiated a transaction.
type Device struct {
	// ID is a stable device identifier.
	ID string `json:"id,omitempty"`
	// IP is the client IP address, if known.
	IP string `json:"ip,omitempty"`
	// FirstSeen is when the service first saw this device for the
	// customer; zero when unknown.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	// SIMChanged is when the phone's SIM last changed, if the carrier told
	// the service; zero when unknown.
	SIMChanged time.Time `json:"sim_changed,omitzero"`
}

// CryptoDetails holds the details of a virtual-asset transfer. The transaction's
// Amount is the value in fiat currency; AssetAmount is in the asset.
type CryptoDetails struct {
	// Network is the chain, e.g. "bitcoin", "ethereum".
	Network string `json:"network"`
	// Asset is the asset symbol, e.g. "BTC", "USDT".
	Asset string `json:"asset"`
	// AssetAmount is the amount in the asset, as a decimal string.
	AssetAmount string `json:"asset_amount,omitempty"`
	// Address is the destination (cash-out) or source (cash-in) address.
	Address string `json:"address"`
	// Wallet says whether Address is hosted at a VASP or self-hosted.
	Wallet WalletKind `json:"wallet"`
	// OwnershipProven marks a self-hosted address the customer has proven
	// to control (EU TFR Art. 14(5)).
	OwnershipProven bool `json:"ownership_proven,omitempty"`
	// TravelRule is the originator and beneficiary data sent with the
	// transfer, if any.
	TravelRule *TravelRule `json:"travel_rule,omitempty"`
}

// TravelRule is the originator and beneficiary information that must travel
// with a virtual-asset transfer (FATF R.16 / INR.15).
type TravelRule struct {
	OriginatorName     string `json:"originator_name,omitempty"`
	OriginatorAccount  string `json:"originator_account,omitempty"`
	BeneficiaryName    string `json:"beneficiary_name,omitempty"`
	BeneficiaryAccount string `json:"beneficiary_account,omitempty"`
}

// Complete reports whether originator and beneficiary names and accounts
// are all present.
func (t *TravelRule) Complete() bool {
	return t != nil && t.OriginatorName != "" && t.OriginatorAccount != "" && t.BeneficiaryName != "" && t.BeneficiaryAccount != ""
}

// Date is a calendar date without a time zone, encoded as "YYYY-MM-DD". The
// zero value means unknown.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD". Errors wrap [ErrInvalidDate].
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q", ErrInvalidDate, s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// IsZero reports whether d is unknown.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// String renders "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// AgeAt returns the age in whole years on the calendar day of t (in t's
// location).
func (d Date) AgeAt(t time.Time) int {
	age := t.Year() - d.Year
	if t.Month() < d.Month || (t.Month() == d.Month && t.Day() < d.Day) {
		age--
	}
	return age
}

// MarshalText encodes "YYYY-MM-DD".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "YYYY-MM-DD"; an empty string is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	*d = v
	return err
}

// ParseCountry checks an ISO 3166-1 alpha-2 country code ("KR"), using
// golang.org/x/text/language. Errors wrap [ErrUnknownCountry].
func ParseCountry(s string) (string, error) {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return "", fmt.Errorf("%w: %q", ErrUnknownCountry, s)
	}
	r, err := language.ParseRegion(s)
	if err != nil || !r.IsCountry() || r.String() != s {
		return "", fmt.Errorf("%w: %q", ErrUnknownCountry, s)
	}
	return s, nil
}

// ParseTransactionJSON decodes one transaction from JSON, refusing unknown
// fields, and validates it. Errors wrap [ErrInvalidJSON] or are the
// [ValidationError] of [Transaction.Validate].
func ParseTransactionJSON(b []byte) (*Transaction, error) {
	var tx Transaction
	if err := decodeStrict(b, &tx); err != nil {
		return nil, err
	}
	if err := tx.Validate(); err != nil {
		return nil, err
	}
	return &tx, nil
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytesReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the transaction", ErrInvalidJSON)
	}
	return nil
}
