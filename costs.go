package comply

import (
	"fmt"

	"github.com/comply-go/comply/payment"
)

// checkCosts adds the findings of the pack's fee ceilings and provider
// register rules for tx. Fee ratios need no conversion: they are computed
// on the transaction as sent, in its own currency. An advance due before
// the transaction's day in the pack's time zone is invalid input.
func (e *Engine) checkCosts(d *Decision, p *pack, tx *payment.Transaction) error {
	if p.Fees != nil {
		fs, err := p.Fees.Check(tx)
		if err != nil {
			return fmt.Errorf("%w: advance.due: %w", ErrInvalidTransaction, err)
		}
		d.Findings = append(d.Findings, fs...)
	}
	if p.Providers != nil {
		d.Findings = append(d.Findings, p.Providers.Check(tx, e.regs)...)
	}
	return nil
}
