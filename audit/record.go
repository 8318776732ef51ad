package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Genesis is the Prev of the first record of every log: 64 zeros, the
// hex form of a SHA-256 sum no record has.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// The values of Record.PII.
const (
	// PIIHMAC marks a record whose personal data are keyed hashes
	// ("hmac-sha256:" and 64 hex digits).
	PIIHMAC = "hmac-sha256"
	// PIIPlain marks a record whose personal data are stored as given.
	PIIPlain = "plain"
)

// HashPrefix starts every keyed hash that replaces a personal value.
const HashPrefix = "hmac-sha256:"

// Record is one line of the log: a decision with its inputs, chained to the
// record before it. Its JSON encoding is the line; see the package
// documentation for the canonical form the hash covers. A Record is plain
// data.
type Record struct {
	// Seq numbers the records from 1, without gaps.
	Seq uint64 `json:"seq"`
	// Time is when the record was written (Options.Now), in UTC.
	Time time.Time `json:"time"`
	// Prev is the Hash of the record before, or Genesis for the first.
	Prev string `json:"prev"`
	// PII says how personal data are stored: PIIHMAC or PIIPlain.
	PII string `json:"pii"`
	// KeyID names the HMAC key that hashed the personal data; empty when
	// PII is PIIPlain.
	KeyID string `json:"key_id,omitempty"`
	// Tx is the transaction that was judged, personal data hashed.
	Tx Transaction `json:"tx"`
	// Packs are the pack editions (code and version) that judged it.
	Packs []jurisdiction.Ref `json:"packs"`
	// Action is the decision's action.
	Action rule.Action `json:"action"`
	// Findings explain the action; personal values quoted in them are
	// hashed like the transaction's.
	Findings []rule.Finding `json:"findings,omitempty"`
	// Reports are the report duties the decision raised.
	Reports []rule.Report `json:"reports,omitempty"`
	// Reserved reports whether the amount was held in the store.
	Reserved bool `json:"reserved"`
	// Duplicate reports that the transaction id had been seen before.
	Duplicate bool `json:"duplicate,omitempty"`
	// EvaluatedAt is when the engine decided, in UTC.
	EvaluatedAt time.Time `json:"evaluated_at"`
	// Hash is the hex SHA-256 of the record's canonical encoding, which
	// leaves Hash out (it is empty there, and omitted).
	Hash string `json:"hash,omitempty"`
}

// Transaction is a payment.Transaction as the log keeps it: every personal
// field (see the package documentation) holds a keyed hash unless the log
// stores plain text, and times are in UTC.
type Transaction struct {
	ID           string            `json:"id"`
	Time         time.Time         `json:"time"`
	Country      string            `json:"country"`
	Channel      payment.Channel   `json:"channel"`
	Direction    payment.Direction `json:"direction"`
	Amount       payment.Money     `json:"amount"`
	Customer     Customer          `json:"customer"`
	Counterparty *Party            `json:"counterparty,omitempty"`
	Merchant     *payment.Merchant `json:"merchant,omitempty"`
	Funding      payment.Channel   `json:"funding,omitempty"`
	Device       *Device           `json:"device,omitempty"`
	Crypto       *Crypto           `json:"crypto,omitempty"`
}

// Party is a payment.Party as the log keeps it. ID, Name, BirthDate and
// Account are personal.
type Party struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	Country   string    `json:"country,omitempty"`
	BirthDate string    `json:"birth_date,omitempty"`
	Account   string    `json:"account,omitempty"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
}

// Customer is a payment.Customer as the log keeps it.
type Customer struct {
	Party
	Tier     payment.Tier    `json:"tier"`
	Verified []payment.Check `json:"verified,omitempty"`
	Risk     payment.Risk    `json:"risk,omitempty"`
	PEP      bool            `json:"pep,omitempty"`
}

// Device is a payment.Device as the log keeps it. ID and IP are personal.
type Device struct {
	ID         string    `json:"id,omitempty"`
	IP         string    `json:"ip,omitempty"`
	FirstSeen  time.Time `json:"first_seen,omitzero"`
	SIMChanged time.Time `json:"sim_changed,omitzero"`
}

// Crypto is a payment.CryptoDetails as the log keeps it. Address and the
// four travel-rule fields are personal.
type Crypto struct {
	Network         string              `json:"network"`
	Asset           string              `json:"asset"`
	AssetAmount     string              `json:"asset_amount,omitempty"`
	Address         string              `json:"address"`
	Wallet          payment.WalletKind  `json:"wallet"`
	OwnershipProven bool                `json:"ownership_proven,omitempty"`
	TravelRule      *payment.TravelRule `json:"travel_rule,omitempty"`
}

// Canonical returns the canonical encoding of r, the bytes its Hash covers:
// the JSON of every field but Hash, in struct order, as encoding/json
// writes it without HTML escaping and without a trailing newline.
func (r *Record) Canonical() ([]byte, error) {
	b := *r
	b.Hash = "" // omitted
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRecord, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Sum returns the hex SHA-256 of r's canonical encoding: the value Hash
// must hold.
func (r *Record) Sum() (string, error) {
	c, err := r.Canonical()
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(c)
	return hex.EncodeToString(s[:]), nil
}

// line returns the line of r without its newline: the canonical encoding
// with ,"hash":"…" before the closing brace. It reuses (and overwrites)
// the storage of canonical.
func line(canonical []byte, hash string) []byte {
	out := canonical[:len(canonical)-1]
	out = append(out, `,"hash":"`...)
	out = append(out, hash...)
	out = append(out, `"}`...)
	return out
}

// Line returns the line the log holds for r, without the newline, after
// checking that r.Hash is its Sum.
func (r *Record) Line() ([]byte, error) {
	c, err := r.Canonical()
	if err != nil {
		return nil, err
	}
	s := sha256.Sum256(c)
	if h := hex.EncodeToString(s[:]); h != r.Hash {
		return nil, fmt.Errorf("%w: hash %q is not the record's hash %s", ErrInvalidRecord, r.Hash, h)
	}
	return line(c, r.Hash), nil
}

// ParseRecord decodes one line of a log (with or without its newline),
// refusing unknown fields. It checks neither the hash nor the chain; see
// Verify.
func ParseRecord(b []byte) (*Record, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Record
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the record", ErrMalformed)
	}
	return &r, nil
}

// isHex64 reports whether s is 64 lower-case hex digits.
func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func sumHex(b []byte) (string, [32]byte) {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), s
}
