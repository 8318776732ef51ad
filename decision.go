package comply

import (
	"context"
	"errors"
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

	engine *Engine
	legs   [3]leg // one per pack that judges the transaction
	nlegs  int
}

// leg is one pack's part of a decision: its subject in the store and its
// reservation. The scratch space lives here to save allocations.
type leg struct {
	p                   *pack
	subject             string
	reserved, duplicate bool
	req                 store.Request
	facts               factSource
}

// Allowed reports whether the action is Allow. It is false for the zero
// Decision.
func (d *Decision) Allowed() bool { return d != nil && d.Action.Allowed() }

// Commit confirms that the money moved: the reservation becomes a settled
// entry and keeps counting toward every window. Committing twice is a
// no-op. It returns an error wrapping [ErrNotReserved] when the decision
// reserved nothing, and the store's error (store.ErrVoided) after a Void.
func (d *Decision) Commit(ctx context.Context) error {
	if d == nil || d.engine == nil {
		return fmt.Errorf("%w: %s", ErrNotReserved, d.txID())
	}
	return d.settle(ctx, d.engine.commit)
}

func (e *Engine) commit(ctx context.Context, subject, txID string) error {
	return e.store.Commit(ctx, subject, txID)
}

func (e *Engine) void(ctx context.Context, subject, txID string) error {
	return e.store.Void(ctx, subject, txID)
}

// settle applies op to every reservation of the decision (one per pack).
func (d *Decision) settle(ctx context.Context, op func(context.Context, string, string) error) error {
	if d == nil || !d.Reserved || d.engine == nil {
		return fmt.Errorf("%w: %s", ErrNotReserved, d.txID())
	}
	var errs []error
	for i := 0; i < d.nlegs; i++ {
		if lg := &d.legs[i]; lg.reserved {
			if err := op(ctx, lg.subject, d.TxID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Void releases the reservation because the payment did not happen: its
// amount stops counting toward every window. Voiding twice is a no-op. It
// returns an error wrapping [ErrNotReserved] when the decision reserved
// nothing, and the store's error (store.ErrCommitted) after a Commit.
func (d *Decision) Void(ctx context.Context) error {
	if d == nil || d.engine == nil {
		return fmt.Errorf("%w: %s", ErrNotReserved, d.txID())
	}
	return d.settle(ctx, d.engine.void)
}

func (d *Decision) txID() string {
	if d == nil {
		return "nil decision"
	}
	return "transaction " + d.TxID
}
