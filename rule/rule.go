// Package rule is the shared vocabulary of comply: rule identifiers, the
// ordered [Action] a check asks for, the [Finding] that explains it, the
// legal [Citation] behind it, the [Report] duty it raises, and positioned,
// coded errors ([Error], [ErrorList]) for everything that is compiled from
// files.
//
// Package rule is a leaf: it imports nothing else from this module, so that
// every other package can depend on it.
package rule

import (
	"fmt"
	"strings"
)

// ID identifies a rule, a limit row or a report duty, in the form
// "<iso2>.<domain>.<rule>", for example "kr.carrier_billing.monthly_cap".
type ID string

// Action is what a check asks the host to do with a transaction. Actions are
// ordered by strictness, and combining several findings takes the maximum:
//
//	ActionUnspecified < Allow < Review < StepUp < Block
//
// The zero value, ActionUnspecified, never means allow: an engine never
// returns it, and [Action.Allowed] is false for it.
type Action uint8

// The actions, from least to most strict.
const (
	// ActionUnspecified is the zero value. It is not a decision.
	ActionUnspecified Action = iota
	// Allow lets the transaction proceed.
	Allow
	// Review lets the transaction proceed only after a person has looked at
	// it, or flags it for after-the-fact review, as the host's policy says.
	Review
	// StepUp asks for more customer verification before the transaction can
	// proceed; the finding names what is missing.
	StepUp
	// Block refuses the transaction.
	Block
)

var actionNames = [...]string{"unspecified", "allow", "review", "step_up", "block"}

// String returns the action's lower-case name: "allow", "review", "step_up",
// "block" or "unspecified".
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// Allowed reports whether a is [Allow]. It is false for the zero value.
func (a Action) Allowed() bool { return a == Allow }

// Valid reports whether a is one of the defined actions other than
// [ActionUnspecified].
func (a Action) Valid() bool { return a >= Allow && a <= Block }

// Max returns the stricter of a and b.
func Max(a, b Action) Action {
	if b > a {
		return b
	}
	return a
}

// ParseAction parses an action name as printed by [Action.String]. It also
// accepts "stepup" and "step-up". It returns an error wrapping
// [ErrUnknownAction] for anything else, including "unspecified".
func ParseAction(s string) (Action, error) {
	switch strings.ToLower(s) {
	case "allow":
		return Allow, nil
	case "review":
		return Review, nil
	case "step_up", "stepup", "step-up":
		return StepUp, nil
	case "block":
		return Block, nil
	}
	return ActionUnspecified, fmt.Errorf("%w: %q", ErrUnknownAction, s)
}

// MarshalText encodes the action as its name.
func (a Action) MarshalText() ([]byte, error) {
	if !a.Valid() && a != ActionUnspecified {
		return nil, fmt.Errorf("%w: %d", ErrUnknownAction, uint8(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText decodes an action name; see [ParseAction].
func (a *Action) UnmarshalText(b []byte) error {
	v, err := ParseAction(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

type sentinel string

func (s sentinel) Error() string { return string(s) }

// ErrUnknownAction is wrapped by errors from [ParseAction].
const ErrUnknownAction sentinel = "rule: unknown action"

// Citation is the legal source of a rule or figure.
type Citation struct {
	// Law names the statute, regulation or notice, for example
	// "특정금융거래정보의 보고 및 이용 등에 관한 법률 시행령" or "31 CFR".
	Law string `json:"law" yaml:"law"`
	// Article is the provision inside it, for example "제8조의2" or
	// "1010.311".
	Article string `json:"article,omitempty" yaml:"article,omitempty"`
	// URL points at the text, where one is public.
	URL string `json:"url,omitempty" yaml:"url,omitempty"`
	// Confidence is how the figure was checked: "primary" (read in the
	// statute or regulator text), "secondary" (news or law-firm summary) or
	// "unverified".
	Confidence string `json:"confidence,omitempty" yaml:"confidence,omitempty"`
	// Note records caveats, such as an unverified effective date.
	Note string `json:"note,omitempty" yaml:"note,omitempty"`
}

// String renders the citation as "Law Article".
func (c Citation) String() string {
	if c.Article == "" {
		return c.Law
	}
	return c.Law + " " + c.Article
}

// IsZero reports whether c names no source.
func (c Citation) IsZero() bool { return c.Law == "" && c.Article == "" && c.URL == "" }

// Value is one named value that decided a finding, rendered as text so that
// money stays exact ("1000000 KRW", not 1e6).
type Value struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Finding explains one reason for a decision.
type Finding struct {
	// Rule is the id of the rule or limit row that produced the finding.
	Rule ID `json:"rule"`
	// Version is the rule's version, where the rule has one.
	Version string `json:"version,omitempty"`
	// Action is what this finding asks for.
	Action Action `json:"action"`
	// Code classifies findings that come from the machinery rather than from
	// a rule's own logic, for example [CodeEvalError] or [CodeStoreError].
	Code Code `json:"code,omitempty"`
	// Message says in one sentence why the rule fired.
	Message string `json:"message"`
	// Citation is the legal source of the rule.
	Citation Citation `json:"citation"`
	// Values are the inputs that decided the finding, in a stable order.
	Values []Value `json:"values,omitempty"`
	// Requires names what would lift a StepUp finding: a KYC tier such as
	// "tier:full", or a verification such as "verification:real_name".
	Requires []string `json:"requires,omitempty"`
}

// ReportKind is the kind of regulatory report a transaction makes due.
type ReportKind string

// Well-known report kinds. Packs may name others.
const (
	// CTR is a currency (cash) transaction report, e.g. US 31 CFR 1010.311
	// or KR 특금법 제4조의2.
	CTR ReportKind = "CTR"
	// STR is a suspicious transaction report (KR 특금법 제4조, IN PML Rules).
	STR ReportKind = "STR"
	// SAR is a suspicious activity report (US 31 CFR 1022.320).
	SAR ReportKind = "SAR"
)

// Report is a reporting duty that a decision raises.
type Report struct {
	// Kind is the report to file, such as [CTR].
	Kind ReportKind `json:"kind"`
	// Rule is the id of the duty's rule.
	Rule ID `json:"rule"`
	// Threshold is the figure that was reached, with its currency and
	// operator, for example ">= 10000000 KRW".
	Threshold string `json:"threshold,omitempty"`
	// Aggregation says how amounts are summed toward the threshold, for
	// example "cash-in per customer per calendar day (Asia/Seoul)".
	Aggregation string `json:"aggregation,omitempty"`
	// Total is the aggregated amount that reached the threshold.
	Total string `json:"total,omitempty"`
	// Key identifies one report across the decisions that contribute to it
	// (for example the rule, customer and day), so that a host files it once.
	Key string `json:"key,omitempty"`
	// Due says when the report must be filed, for example "within 30 days".
	Due string `json:"due,omitempty"`
	// Citation is the legal source of the duty.
	Citation Citation `json:"citation"`
}
