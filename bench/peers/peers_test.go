package peers

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/rule"
)

// peer is one of the three evaluators, by name.
type peer struct {
	name string
	make func(ctx context.Context) (Evaluator, error)
}

var peerList = []peer{
	{"comply", func(ctx context.Context) (Evaluator, error) {
		st, err := NewMemstore()
		if err != nil {
			return nil, err
		}
		return NewComply(st)
	}},
	{"handwritten", func(ctx context.Context) (Evaluator, error) {
		st, err := NewMemstore()
		if err != nil {
			return nil, err
		}
		return NewHandwritten(st)
	}},
	{"opa", func(ctx context.Context) (Evaluator, error) {
		st, err := NewMemstore()
		if err != nil {
			return nil, err
		}
		return NewOPA(ctx, st)
	}},
}

// TestSameQueries checks that the hand-written and Rego paths ask the
// store for exactly the velocity facts the KR AML program reads.
func TestSameQueries(t *testing.T) {
	c, err := jurisdiction.Compile(kr.Pack())
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, q := range c.AML.Queries() {
		want = append(want, q.String())
	}
	for _, q := range handQueries() {
		got = append(got, q.String())
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("hand-written queries differ from the KR program's:\n got %v\nwant %v", got, want)
	}
}

// TestSameRules checks that the hand-written and Rego peers mirror every
// monitoring rule of the compiled KR pack, and nothing else.
func TestSameRules(t *testing.T) {
	c, err := jurisdiction.Compile(kr.Pack())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range c.AML.Rules() {
		want = append(want, string(r.ID))
	}
	slices.Sort(want)
	want = slices.Compact(want) // a rule may have dated versions
	got := slices.Sorted(slices.Values(mirroredAML))
	if !slices.Equal(want, got) {
		t.Errorf("mirrored rules differ from the KR program's:\n got %v\nwant %v", got, want)
	}
	// The limit rows in force over the stream (2026) are those mirrored.
	var rows []string
	for _, r := range c.Limits.Rows() {
		if !r.Disabled && r.InForce(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
			rows = append(rows, string(r.ID))
		}
	}
	slices.Sort(rows)
	mirroredRows := []string{"kr.aml.ctr.cash_in", "kr.aml.ctr.cash_out", "kr.carrier_billing.cashout_ban",
		"kr.carrier_billing.monthly_cap", "kr.prepaid.cap.named", "kr.prepaid.cap.unnamed"}
	if !slices.Equal(rows, mirroredRows) {
		t.Errorf("KR limit rows in force: %v, mirrored: %v", rows, mirroredRows)
	}
	src, err := policyFS.ReadFile("policy/kr.rego")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range want {
		if !strings.Contains(string(src), `"rule": "`+id+`"`) {
			t.Errorf("policy/kr.rego has no rule %s", id)
		}
	}
}

// TestSameDecisions runs the 100,000-transaction stream through comply, the
// hand-written Go and OPA, each on its own fresh memstore, and asserts the
// same outcome (action, rule ids, report duties) on every transaction. It
// also asserts that the stream exercises them: every action, both limit
// breaches and report kinds, and most typologies fire.
func TestSameDecisions(t *testing.T) {
	n := StreamSize
	if testing.Short() {
		n = 20_000
	}
	txs, err := Stream(n)
	if err != nil {
		t.Fatal(err)
	}
	// The hand-written and Rego peers do not mirror the pack's fee ceilings
	// and provider registers (fees.yaml, providers.yaml), which only judge
	// transactions that carry fees, payouts, advances or provider claims:
	// the stream must carry none, or comply would be doing more work.
	for i := range txs {
		tx := &txs[i]
		if tx.Fee != nil || tx.Payout != nil || tx.Advance != nil || (tx.Counterparty != nil && tx.Counterparty.Provider != nil) {
			t.Fatalf("transaction %d (%s) carries fee or provider data, which only comply judges", i, tx.ID)
		}
	}

	// Each peer judges the whole stream on its own store, all at once; the
	// outcomes are compared afterwards.
	ctx := context.Background()
	outs := make([][]Outcome, len(peerList))
	errs := make([]error, len(peerList))
	var wg sync.WaitGroup
	for j, p := range peerList {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev, err := p.make(ctx)
			if err != nil {
				errs[j] = err
				return
			}
			outs[j] = make([]Outcome, len(txs))
			for i := range txs {
				if outs[j][i], err = ev.Evaluate(ctx, &txs[i]); err != nil {
					errs[j] = fmt.Errorf("transaction %d (%s): %w", i, txs[i].ID, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for j, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", peerList[j].name, err)
		}
	}
	rules := map[string]int{}
	reports := map[string]int{}
	actions := map[rule.Action]int{}
	for i := range txs {
		first := outs[0][i]
		for j := 1; j < len(outs); j++ {
			if o := outs[j][i]; !o.Equal(first) {
				b, _ := json.Marshal(&txs[i])
				t.Fatalf("transaction %d: %s and %s disagree:\n  %-11s %s\n  %-11s %s\ntransaction: %s",
					i, peerList[0].name, peerList[j].name, peerList[0].name, first, peerList[j].name, o, b)
			}
		}
		actions[first.Action]++
		for _, r := range first.Rules {
			rules[r]++
		}
		for _, r := range first.Reports {
			reports[r]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d transactions, the same outcome on each from %d peers\nactions:", len(txs), len(outs))
	for _, a := range []rule.Action{rule.Allow, rule.Review, rule.StepUp, rule.Block} {
		fmt.Fprintf(&b, " %s=%d", a, actions[a])
	}
	b.WriteString("\nfindings by rule:\n")
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		fmt.Fprintf(&b, "  %-48s %6d\n", id, rules[id])
	}
	b.WriteString("reports:\n")
	for _, id := range slices.Sorted(maps.Keys(reports)) {
		fmt.Fprintf(&b, "  %-48s %6d\n", id, reports[id])
	}
	t.Log(b.String())

	if testing.Short() {
		return
	}
	// The stream must exercise every path: limits (a breach that steps up
	// and one that blocks, the CTR), the KYC policy and the typologies.
	for _, a := range []rule.Action{rule.Allow, rule.Review, rule.StepUp, rule.Block} {
		if actions[a] == 0 {
			t.Errorf("no %s decision in the stream", a)
		}
	}
	for _, id := range []string{
		"kr.prepaid.cap.unnamed", "kr.carrier_billing.monthly_cap", "kr.aml.cdd.wire",
		"aml.structuring.daily_threshold", "aml.pass_through.rapid_cash_out", "aml.carrier_billing.resale",
		"aml.mule.fan_in", "aml.mule.fan_out", "aml.dormant.reactivation", "aml.geo.fatf_call_for_action",
		"aml.round_amount.burst", "kr.vasp.travel_rule", "aml.ato.new_device_new_payee", "aml.anomaly.amount_zscore",
		"kr.prepaid.cap.named", "kr.aml.wire_info.domestic", "kr.carrier_billing.cashout_ban",
		"aml.scam.advance_fee_no_payout", "aml.scam.guaranteed_payout", "aml.scam.test_deposits_new_payee",
	} {
		if rules[id] == 0 {
			t.Errorf("rule %s never fired over the stream", id)
		}
	}
	for _, id := range []string{"STR:kr.aml.str", "CTR:kr.aml.ctr.cash_in"} {
		if reports[id] == 0 {
			t.Errorf("report %s never raised over the stream", id)
		}
	}
}

// TestOutcomeEqual checks the comparison the equality test relies on.
func TestOutcomeEqual(t *testing.T) {
	a := Outcome{Action: rule.Review, Rules: []string{"a", "b"}, Reports: []string{"STR:x"}}
	tests := []struct {
		name string
		b    Outcome
		want bool
	}{
		{"same", Outcome{Action: rule.Review, Rules: []string{"a", "b"}, Reports: []string{"STR:x"}}, true},
		{"action", Outcome{Action: rule.Block, Rules: []string{"a", "b"}, Reports: []string{"STR:x"}}, false},
		{"rules", Outcome{Action: rule.Review, Rules: []string{"a"}, Reports: []string{"STR:x"}}, false},
		{"repeat", Outcome{Action: rule.Review, Rules: []string{"a", "a", "b"}, Reports: []string{"STR:x"}}, false},
		{"reports", Outcome{Action: rule.Review, Rules: []string{"a", "b"}}, false},
	}
	for _, tc := range tests {
		if got := a.Equal(tc.b); got != tc.want {
			t.Errorf("%s: Equal = %v, want %v", tc.name, got, tc.want)
		}
	}
}
