package aml

import (
	"fmt"
	"strings"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Severity grades how serious a rule's finding is, for triage. It does not
// change the decision: the Action does.
type Severity uint8

// The severities. The zero value means not set; [Compile] treats it as
// [SeverityMedium].
const (
	SeverityUnspecified Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"unspecified", "low", "medium", "high", "critical"}

// String returns the severity's lower-case name.
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// ParseSeverity parses "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return SeverityUnspecified, fmt.Errorf("aml: unknown severity %q (want low, medium, high or critical)", s)
}

// Rule is one monitoring rule: a CEL condition over the transaction, the
// customer and their velocity facts, and what to do when it holds.
type Rule struct {
	// ID identifies the rule, e.g. "aml.structuring.daily_threshold". IDs are
	// lower case: letters, digits, '_', '-' and '.'.
	ID rule.ID
	// Version is the rule's version, carried into every finding.
	Version string
	// Description says in a sentence or two what the rule detects.
	Description string
	// Expr is the condition, a boolean CEL expression in the dialect of
	// github.com/google/cel-go v0.31.0 (CEL spec macros has, all, exists,
	// exists_one, map, filter; no extension libraries), over the variables
	// tx, customer, counterparty, device, vel, params and lists described in
	// the package documentation. Money is an exact decimal: compare it with
	// decimal("…") literals, ints or other decimals; double literals are
	// refused.
	Expr string
	// Action is what the rule asks for when Expr is true. Required.
	Action rule.Action
	// Severity grades the finding for triage. Default: medium.
	Severity Severity
	// Citation is the legal or published source the rule stands on.
	Citation rule.Citation
	// EffectiveFrom and EffectiveUntil bound the transactions the rule
	// applies to: those whose calendar date in the pack's time zone is
	// between them, both days included (EffectiveUntil is the last day in
	// force, as statutes write periods). A zero date leaves that side open.
	EffectiveFrom, EffectiveUntil payment.Date
	// Tags group rules, e.g. "structuring", "kr".
	Tags []string
	// Message is the finding's message. It may embed CEL expressions in
	// double braces, e.g. "{{tx.amount}} {{tx.currency}}", evaluated when
	// the rule fires. Default: the description.
	Message string
	// Values are named CEL expressions evaluated when the rule fires and
	// carried into the finding as the values that decided it.
	Values []NamedExpr
	// Requires names what lifts a StepUp finding, e.g.
	// "verification:wallet_ownership"; see [rule.Finding.Requires].
	Requires []string
	// Pos is where the rule starts in its file, when it was parsed from
	// one.
	Pos rule.Pos

	// Source maps of the expression, message and value texts into the
	// file, when parsed from YAML; nil for rules built in Go.
	exprSrc, msgSrc *srcMap
}

// NamedExpr is a named CEL expression whose value explains a finding.
type NamedExpr struct {
	Name string
	Expr string

	src *srcMap
}

// Active reports whether the rule applies on calendar date d.
func (r *Rule) Active(d payment.Date) bool {
	if !r.EffectiveFrom.IsZero() && d.Before(r.EffectiveFrom) {
		return false
	}
	if !r.EffectiveUntil.IsZero() && r.EffectiveUntil.Before(d) {
		return false
	}
	return true
}

// validID reports whether s is a well-formed rule id.
func validID(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
