package kyc

import (
	"github.com/shopspring/decimal"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Policy is the KYC requirements of one jurisdiction pack. It is plain data,
// meant to be loaded from a pack file (json or yaml) or built in code, and
// compiled once with [CompilePolicy]. The zero value requires nothing.
type Policy struct {
	// Jurisdiction is the ISO 3166-1 alpha-2 code of the pack, e.g. "KR".
	Jurisdiction string `json:"jurisdiction" yaml:"jurisdiction"`
	// Currency is the pack currency: every amount in the policy is in it,
	// and [Checker.Check] expects the transaction amount in it.
	Currency payment.Currency `json:"currency" yaml:"currency"`
	// TimeZone is the IANA zone of the pack (e.g. "Asia/Seoul"): effective
	// dates and ages are judged on the transaction's calendar day there.
	// Default: UTC.
	TimeZone string `json:"time_zone,omitempty" yaml:"time_zone,omitempty"`
	// Tiers gives each tier of the shared ladder its local label and the
	// verifications it adds to the tier below. A tier not listed adds none
	// and is labelled with its English name.
	Tiers []TierSpec `json:"tiers,omitempty" yaml:"tiers,omitempty"`
	// CDD lists the amount thresholds at which a transaction needs a tier.
	CDD []Threshold `json:"cdd,omitempty" yaml:"cdd,omitempty"`
	// EDD lists the triggers of enhanced due diligence.
	EDD []EDDTrigger `json:"edd,omitempty" yaml:"edd,omitempty"`
	// Age lists the age minimums of age-restricted channels.
	Age []AgeRule `json:"age,omitempty" yaml:"age,omitempty"`
	// Refusals lists the conditions under which a customer can never
	// qualify.
	Refusals []Refusal `json:"refusals,omitempty" yaml:"refusals,omitempty"`
}

// TierSpec describes one tier of a pack.
type TierSpec struct {
	// Tier is the tier on the shared ladder.
	Tier payment.Tier `json:"tier" yaml:"tier"`
	// Name is the local label, e.g. "실명확인".
	Name string `json:"name" yaml:"name"`
	// Requires lists the verifications this tier adds to the tier below;
	// a customer at this tier is taken to have them and those of every
	// lower tier.
	Requires []payment.Check `json:"requires,omitempty" yaml:"requires,omitempty"`
	// Citation is the legal source of the tier, if any.
	Citation rule.Citation `json:"citation,omitzero" yaml:"citation,omitempty"`
}

// Requirement is what a rule asks of the customer: a tier at least Tier and
// every verification in Checks.
type Requirement struct {
	// Tier is the lowest tier that satisfies the rule.
	Tier payment.Tier `json:"tier" yaml:"tier"`
	// Checks are verifications needed in addition to the tier, whatever
	// the tier's own checks are.
	Checks []payment.Check `json:"checks,omitempty" yaml:"checks,omitempty"`
}

// Scope selects the transactions a rule applies to. Empty lists match
// everything. From and Until bound the rule in time: From is the first day
// in force, Until the last day in force (both included, as statutes write
// periods); zero dates are open. The
// day of a transaction is its calendar date in the policy's TimeZone.
type Scope struct {
	// Channels the rule applies to; empty means all.
	Channels []payment.Channel `json:"channels,omitempty" yaml:"channels,omitempty"`
	// Directions the rule applies to; empty means all.
	Directions []payment.Direction `json:"directions,omitempty" yaml:"directions,omitempty"`
	// From is the first day the rule is in force; zero means always.
	From payment.Date `json:"from,omitzero" yaml:"from,omitempty"`
	// Until is the last day the rule is in force; zero means
	// open-ended.
	Until payment.Date `json:"until,omitzero" yaml:"until,omitempty"`
}

// Threshold is a CDD threshold: a transaction whose amount reaches Amount
// needs Require.
type Threshold struct {
	// ID is the rule id, e.g. "kr.aml.cdd.one_off_krw". Required.
	ID rule.ID `json:"id" yaml:"id"`
	// Description says in words what the threshold is.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Scope selects the transactions.
	Scope `yaml:",inline"`
	// Amount is the threshold in the pack currency; it must not be
	// negative.
	Amount decimal.Decimal `json:"amount" yaml:"amount"`
	// Operator is ">=" (at least, 이상) or ">" (more than, 초과).
	// Default: ">=".
	Operator string `json:"operator,omitempty" yaml:"operator,omitempty"`
	// Require is what the customer needs at or above the threshold.
	Require Requirement `json:"require" yaml:"require"`
	// Citation is the legal source. Required.
	Citation rule.Citation `json:"citation" yaml:"citation"`
}

// EDDKind is what triggers enhanced due diligence.
type EDDKind string

// The EDD triggers.
const (
	// EDDPEP fires for a customer marked as a politically exposed person.
	EDDPEP EDDKind = "pep"
	// EDDHighRisk fires for a customer rated [payment.RiskHigh].
	EDDHighRisk EDDKind = "high_risk"
	// EDDCountry fires when the customer's or the counterparty's country
	// is in the trigger's Countries.
	EDDCountry EDDKind = "country"
)

// EDDTrigger is a condition that requires enhanced due diligence.
type EDDTrigger struct {
	// ID is the rule id. Required.
	ID rule.ID `json:"id" yaml:"id"`
	// Kind is what triggers it. Required.
	Kind EDDKind `json:"kind" yaml:"kind"`
	// Countries are ISO 3166-1 alpha-2 codes, for [EDDCountry].
	Countries []string `json:"countries,omitempty" yaml:"countries,omitempty"`
	// Scope selects the transactions.
	Scope `yaml:",inline"`
	// MinAmount is the amount from which the trigger applies (at least).
	// Default: zero, every transaction.
	MinAmount decimal.Decimal `json:"min_amount,omitzero" yaml:"min_amount,omitempty"`
	// Require is what the customer needs when the trigger fires, usually
	// [payment.TierEnhanced] and [payment.CheckSourceOfFunds].
	Require Requirement `json:"require" yaml:"require"`
	// Citation is the legal source. Required.
	Citation rule.Citation `json:"citation" yaml:"citation"`
}

// AgeRule is an age minimum on a channel. A customer whose verified date of
// birth makes them younger than MinAge on the day of the transaction can
// never qualify (Block); a customer without a verified age must verify it
// (StepUp, "verification:age").
type AgeRule struct {
	// ID is the rule id. Required.
	ID rule.ID `json:"id" yaml:"id"`
	// Scope selects the transactions.
	Scope `yaml:",inline"`
	// MinAge is the minimum age in whole years; it must be positive.
	MinAge int `json:"min_age" yaml:"min_age"`
	// Citation is the legal source. Required.
	Citation rule.Citation `json:"citation" yaml:"citation"`
}

// Refusal is a condition under which a customer can never qualify: the
// transaction is blocked whatever the customer verifies.
type Refusal struct {
	// ID is the rule id. Required.
	ID rule.ID `json:"id" yaml:"id"`
	// Description says in words why.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Countries are ISO 3166-1 alpha-2 codes; the refusal fires when the
	// customer's or the counterparty's country is one of them. Required.
	Countries []string `json:"countries" yaml:"countries"`
	// Scope selects the transactions.
	Scope `yaml:",inline"`
	// Citation is the legal source. Required.
	Citation rule.Citation `json:"citation" yaml:"citation"`
}
