// Package limits owns jurisdiction limit tables: per-transaction caps,
// rolling and calendar (day, month) windows in the table's time zone, balance
// caps, amount and count limits, prohibitions, and the reporting thresholds
// that are summed like limits (a daily cash CTR). Each row has an id, a legal
// citation and effective dates, and applies by channel, direction, funding
// source and KYC tier.
//
// A [Table] is compiled once by [NewTable] and is then immutable and safe for
// concurrent use. It is pure: it says which rows apply to a transaction
// ([Table.Applicable]), judges the rows that need no history
// ([Table.CheckTransaction]), and turns a breached windowed row into a
// [rule.Finding] ([Table.Breach]) — Block, or StepUp naming the KYC tier that
// would allow the transaction. Counting the windows exactly is the store's job;
// the root package wires the two together.
//
// Package limits imports only payment and rule from this module.
package limits

import (
	"fmt"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

// Kind is the shape of a limit row.
type Kind uint8

// The row kinds.
const (
	KindUnspecified Kind = iota
	// PerTransaction bounds the amount of one transaction.
	PerTransaction
	// Rolling bounds the sum or count over a rolling window of length
	// Limit.Window ending at each transaction: (t−W, t].
	Rolling
	// Day bounds the sum or count over the calendar day in the table's time
	// zone.
	Day
	// Month bounds the sum or count over the calendar month in the table's
	// time zone.
	Month
	// Balance bounds the stored balance: credits (the row's Directions,
	// default cash-in) minus committed debits (every other direction) on the
	// row's channels.
	Balance
	// Prohibition refuses every matching transaction, whatever its amount.
	Prohibition
	numKinds
)

var kindNames = [...]string{"unspecified", "per_transaction", "rolling", "day", "month", "balance", "prohibition"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind parses a name printed by [Kind.String].
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if i > 0 && n == s {
			return Kind(i), nil
		}
	}
	return KindUnspecified, fmt.Errorf("limits: unknown kind %q", s)
}

// MarshalText encodes the kind name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}

// Windowed reports whether rows of this kind need the store's history.
func (k Kind) Windowed() bool { return k == Rolling || k == Day || k == Month || k == Balance }

// Limit is one row of a limit table, as written by a pack author.
type Limit struct {
	// ID identifies the row. Several rows may share an ID when their
	// effective periods do not overlap (an old and a new figure).
	ID rule.ID `json:"id" yaml:"id"`
	// Description says in a few words what is limited.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Kind is the row's shape.
	Kind Kind `json:"kind" yaml:"kind"`
	// Window is the length of a Rolling window.
	Window time.Duration `json:"window,omitempty" yaml:"window,omitempty"`
	// Channels restricts the row to these channels. Empty: every channel.
	Channels []payment.Channel `json:"channels,omitempty" yaml:"channels,omitempty"`
	// Directions restricts the row to these directions (for Balance: the
	// directions that credit the balance; default cash-in). Empty: every
	// direction.
	Directions []payment.Direction `json:"directions,omitempty" yaml:"directions,omitempty"`
	// Funding restricts the row to transactions funded by these channels
	// ([payment.Transaction.Funding]). Empty: any funding.
	Funding []payment.Channel `json:"funding,omitempty" yaml:"funding,omitempty"`
	// Tiers restricts the row to customers at these KYC tiers. Empty: every
	// tier.
	Tiers []payment.Tier `json:"tiers,omitempty" yaml:"tiers,omitempty"`
	// MaxAmount is the amount bound, in the table's currency, when Valid.
	MaxAmount decimal.NullDecimal `json:"max_amount,omitzero" yaml:"max_amount,omitempty"`
	// MaxCount is the count bound, when LimitCount is set.
	MaxCount   int64 `json:"max_count,omitempty" yaml:"max_count,omitempty"`
	LimitCount bool  `json:"limit_count,omitempty" yaml:"limit_count,omitempty"`
	// Exclusive makes the bound strict: the amount (or total) must stay
	// below MaxAmount ("less than", "미만"). By default the bound is "at
	// most" ("not exceeding", "이하"). For a report threshold, default means
	// "at least" ("이상") and Exclusive means "more than" ("초과").
	Exclusive bool `json:"exclusive,omitempty" yaml:"exclusive,omitempty"`
	// Action is what a breach asks for. Default: Block, or StepUp when a
	// higher tier in the row's Group would allow the transaction.
	Action rule.Action `json:"action,omitempty" yaml:"action,omitempty"`
	// Group ties together rows that are the same limit at different KYC
	// tiers (e.g. an unnamed and a named prepaid balance cap). A breach
	// asks for StepUp to the lowest higher tier whose row in the group
	// allows the transaction, or that has no row in the group at all.
	Group string `json:"group,omitempty" yaml:"group,omitempty"`
	// Report, when set, makes the row a reporting threshold rather than a
	// limit: it never refuses, and a transaction whose window total reaches
	// MaxAmount raises the report duty.
	Report *Report `json:"report,omitempty" yaml:"report,omitempty"`
	// Citation is the row's legal source. Required.
	Citation rule.Citation `json:"citation" yaml:"citation"`
	// From is the first day the row is in force, in the table's time zone.
	// Zero: since always.
	From payment.Date `json:"from,omitzero" yaml:"from,omitempty"`
	// Until is the last day the row is in force, in the table's time zone.
	// Zero: still in force.
	Until payment.Date `json:"until,omitzero" yaml:"until,omitempty"`
	// Loosen marks a row of an overlay pack that may relax the base pack's
	// row with the same ID (see jurisdiction.Overlay); without it an
	// overlay can only tighten.
	Loosen bool `json:"loosen,omitempty" yaml:"loosen,omitempty"`
	// Disabled keeps a row in the table without applying it, e.g. a figure
	// that is not yet verified. DisabledReason says why.
	Disabled       bool   `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	DisabledReason string `json:"disabled_reason,omitempty" yaml:"disabled_reason,omitempty"`
}

// Report describes the report duty of a threshold row.
type Report struct {
	// Kind is the report, e.g. CTR.
	Kind rule.ReportKind `json:"kind" yaml:"kind"`
	// Due says when it must be filed, as the source states it.
	Due string `json:"due,omitempty" yaml:"due,omitempty"`
}

// Class returns the store entry class of a channel and direction:
// channel × [payment.NumDirections] + direction, always below 64.
func Class(ch payment.Channel, dir payment.Direction) uint8 {
	return uint8(ch)*uint8(payment.NumDirections) + uint8(dir)
}
