package peers

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
)

// Retention is how long the peers' memstores keep entries: the longest
// window the KR pack reads (the dormancy rule's 365 days) plus a day, as
// comply.New gives its default store.
const Retention = 366 * 24 * time.Hour

// NewMemstore returns a fresh memstore with [Retention].
func NewMemstore() (*memstore.Store, error) {
	return memstore.New(&memstore.Options{Retention: Retention})
}

// complyEval is comply's Engine with the full KR pack.
type complyEval struct {
	eng *comply.Engine
}

// NewComply returns comply's Engine with the full KR pack (kr.Pack(): the
// limit table, the KYC policy, rules.yaml and the built-in typologies) on
// st.
func NewComply(st store.Backend) (Evaluator, error) {
	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st, Now: clock})
	if err != nil {
		return nil, err
	}
	return &complyEval{eng: eng}, nil
}

// Evaluate implements Evaluator.
func (c *complyEval) Evaluate(ctx context.Context, tx *payment.Transaction) (Outcome, error) {
	d, err := c.eng.Evaluate(ctx, tx)
	if err != nil {
		return Outcome{}, err
	}
	if d.Reserved {
		if err := d.Commit(ctx); err != nil {
			return Outcome{}, fmt.Errorf("peers: commit %s: %w", tx.ID, err)
		}
	}
	o := Outcome{Action: d.Action}
	if len(d.Findings) > 0 {
		o.Rules = make([]string, len(d.Findings))
		for i := range d.Findings {
			o.Rules[i] = string(d.Findings[i].Rule)
		}
	}
	if len(d.Reports) > 0 {
		o.Reports = make([]string, len(d.Reports))
		for i := range d.Reports {
			o.Reports[i] = string(d.Reports[i].Kind) + ":" + string(d.Reports[i].Rule)
		}
	}
	o.normalize()
	return o, nil
}
