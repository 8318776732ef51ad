package peers

import (
	"context"
	"slices"
	"strings"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Outcome is what the peers must agree on for one transaction.
type Outcome struct {
	// Action is the decision's action.
	Action rule.Action
	// Rules are the rule ids of the findings, sorted, with repeats.
	Rules []string
	// Reports are the kinds of the report duties raised (CTR, STR), sorted.
	Reports []string
}

// Equal reports whether o and p are the same outcome.
func (o Outcome) Equal(p Outcome) bool {
	return o.Action == p.Action && slices.Equal(o.Rules, p.Rules) && slices.Equal(o.Reports, p.Reports)
}

// String renders the outcome, e.g. "review [aml.mule.fan_in] reports [STR]".
func (o Outcome) String() string {
	return o.Action.String() + " [" + strings.Join(o.Rules, " ") + "] reports [" + strings.Join(o.Reports, " ") + "]"
}

// normalize sorts the outcome's lists in place.
func (o *Outcome) normalize() {
	slices.Sort(o.Rules)
	slices.Sort(o.Reports)
}

// Evaluator judges transactions against the KR pack. Implementations are
// not safe for concurrent use: each holds per-call scratch space.
type Evaluator interface {
	// Evaluate judges tx, settles the store as a host would (commits what
	// is allowed or held for review, voids what is refused) and returns the
	// outcome. An error means the evaluator could not decide.
	Evaluate(ctx context.Context, tx *payment.Transaction) (Outcome, error)
}
