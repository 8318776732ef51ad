package replay_test

import (
	"fmt"
	"io"
	"slices"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/synth"
)

// recovery tallies, per planted scenario, how many triggers the expected
// rules flagged, and how many background customers (no scenario) the same
// rules flagged: the false positives.
type recovery struct {
	g        *synth.Generator
	trigger  map[string]synth.Scenario // trigger tx id → scenario
	planted  map[synth.Scenario]int
	hit      map[synth.Scenario]int
	bgFlag   map[synth.Scenario]map[string]bool // scenario → background customers flagged by its rules
	ruleScen map[rule.ID][]synth.Scenario
}

func newRecovery(g *synth.Generator) *recovery {
	r := &recovery{g: g, trigger: map[string]synth.Scenario{}, planted: map[synth.Scenario]int{}, hit: map[synth.Scenario]int{},
		bgFlag: map[synth.Scenario]map[string]bool{}, ruleScen: map[rule.ID][]synth.Scenario{}}
	for _, l := range g.Labels() {
		r.trigger[l.Trigger] = l.Scenario
		r.planted[l.Scenario]++
	}
	for _, s := range synth.Scenarios() {
		r.bgFlag[s] = map[string]bool{}
		for _, id := range s.Rules() {
			r.ruleScen[rule.ID(id)] = append(r.ruleScen[rule.ID(id)], s)
		}
	}
	return r
}

// observe looks at the decision d of one side.
func (r *recovery) observe(tx *payment.Transaction, d *comply.Decision) {
	if d == nil {
		return
	}
	if s, ok := r.trigger[tx.ID]; ok {
		for _, f := range d.Findings {
			if slices.Contains(s.Rules(), string(f.Rule)) {
				r.hit[s]++
				break
			}
		}
	}
	if r.g.ScenarioOf(tx.Customer.ID) != "" {
		return
	}
	for _, f := range d.Findings {
		for _, s := range r.ruleScen[f.Rule] {
			r.bgFlag[s][tx.Customer.ID] = true
		}
	}
}

// print writes one line per scenario: planted rate, recovered rate, and
// background customers flagged.
func (r *recovery) print(w io.Writer) {
	n := float64(r.g.Customers())
	fmt.Fprintf(w, "%-22s %8s %9s %10s %10s %14s\n", "scenario", "planted", "recovered", "planted%", "recovered%", "bg flagged%")
	for _, s := range synth.Scenarios() {
		fmt.Fprintf(w, "%-22s %8d %9d %9.3f%% %9.3f%% %13.3f%%\n", s, r.planted[s], r.hit[s],
			100*float64(r.planted[s])/n, 100*float64(r.hit[s])/n, 100*float64(len(r.bgFlag[s]))/n)
	}
}
