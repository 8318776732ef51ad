package comply

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
)

// Decision is the engine's answer for one transaction.
type Decision struct {
	// TxID is the transaction's id.
	TxID string `json:"tx_id"`
	// Action is the strictest action of the findings, or Allow when there
	// are none. It is never ActionUnspecified.
	Action rule.Action `json:"action"`
	// Findings explain the action, each with its rule id, values and
	// citation.
	Findings []rule.Finding `json:"findings,omitempty"`
	// Reports are the report duties the transaction raises.
	Reports []rule.Report `json:"reports,omitempty"`
	// Packs are the pack editions that judged the transaction.
	Packs []jurisdiction.Ref `json:"packs"`
	// Reserved reports whether the amount is held in the store. The host
	// must Commit when the money moved and Void when it did not.
	Reserved bool `json:"reserved"`
	// Duplicate reports that the transaction id was seen before: the
	// earlier reservation stands and nothing was counted twice.
	Duplicate bool `json:"duplicate,omitempty"`
	// EvaluatedAt is when the engine decided (Options.Now), for records.
	EvaluatedAt time.Time `json:"evaluated_at"`

	engine  *Engine
	subject string
	req     store.Request // scratch space for the reservation, saving an allocation
	facts   factSource    // scratch space for the AML fact source
}

// Allowed reports whether the action is Allow. It is false for the zero
// Decision.
func (d *Decision) Allowed() bool { return d != nil && d.Action.Allowed() }

// Commit confirms that the money moved: the reservation becomes a settled
// entry and keeps counting toward every window. Committing twice is a
// no-op. It returns an error wrapping [ErrNotReserved] when the decision
// reserved nothing, and the store's error (store.ErrVoided) after a Void.
func (d *Decision) Commit(ctx context.Context) error {
	if d == nil || !d.Reserved || d.engine == nil {
		return fmt.Errorf("%w: %s", ErrNotReserved, d.txID())
	}
	return d.engine.store.Commit(ctx, d.subject, d.TxID)
}

// Void releases the reservation because the payment did not happen: its
// amount stops counting toward every window. Voiding twice is a no-op. It
// returns an error wrapping [ErrNotReserved] when the decision reserved
// nothing, and the store's error (store.ErrCommitted) after a Commit.
func (d *Decision) Void(ctx context.Context) error {
	if d == nil || !d.Reserved || d.engine == nil {
		return fmt.Errorf("%w: %s", ErrNotReserved, d.txID())
	}
	return d.engine.store.Void(ctx, d.subject, d.TxID)
}

func (d *Decision) txID() string {
	if d == nil {
		return "nil decision"
	}
	return "transaction " + d.TxID
}
