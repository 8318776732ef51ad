package jurisdiction

import (
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

// ReportDuty is a report that a decision's findings raise, as opposed to a
// report threshold on summed amounts (a limit row with a report). A
// suspicious-transaction report is the typical one: due whenever monitoring
// asks a person to look.
type ReportDuty struct {
	// ID identifies the duty, e.g. "kr.aml.str".
	ID rule.ID `json:"id" yaml:"id"`
	// Kind is the report, e.g. STR or SAR.
	Kind rule.ReportKind `json:"kind" yaml:"kind"`
	// On is the least action of an AML finding that raises the duty.
	// Default: review.
	On rule.Action `json:"on,omitempty" yaml:"on,omitempty"`
	// Rules, when set, ties the duty to these AML rules: only their
	// findings (of action On or stricter) raise it. A rule whose action is
	// allow can then stand for a reporting duty alone (On: allow).
	Rules []rule.ID `json:"rules,omitempty" yaml:"rules,omitempty"`
	// MinAmount, when Valid, raises the duty only for transactions of at
	// least this amount in the pack's currency (e.g. a SAR threshold).
	MinAmount decimal.NullDecimal `json:"min_amount,omitzero" yaml:"min_amount,omitempty"`
	// Due says when the report must be filed, as the source states it.
	Due string `json:"due,omitempty" yaml:"due,omitempty"`
	// Citation is the duty's legal source. Required.
	Citation rule.Citation `json:"citation" yaml:"citation"`
	// From and Until bound the duty in time (both days included).
	From  payment.Date `json:"from,omitzero" yaml:"from,omitempty"`
	Until payment.Date `json:"until,omitzero" yaml:"until,omitempty"`
}
