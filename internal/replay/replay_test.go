package replay_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/internal/replay"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/synth"
	"github.com/shopspring/decimal"
)

func krSides() *replay.Options {
	return &replay.Options{Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{kr.Pack()}}
}

// TestRecovery plants every scenario in 2 % of 1,000 customers and checks
// that the KR pack flags every planted trigger with a rule of the
// scenario — the recovered rate equals the planted rate — and that the
// rules of the scenarios that should be quiet on ordinary activity flag
// few background customers.
func TestRecovery(t *testing.T) {
	rates := map[synth.Scenario]float64{}
	for _, s := range synth.Scenarios() {
		rates[s] = 0.02
	}
	g, err := synth.New(&synth.Options{Seed: 42, Customers: 1000, Days: 30, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := g.Write(&buf); err != nil {
		t.Fatal(err)
	}
	recOld, recNew := newRecovery(g), newRecovery(g)
	opts := krSides()
	opts.Observe = func(tx *payment.Transaction, old, new *comply.Decision) {
		recOld.observe(tx, old)
		recNew.observe(tx, new)
	}
	res, err := replay.Run(context.Background(), &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	recOld.print(&sb)
	t.Logf("recovery:\n%s", sb.String())
	for _, s := range synth.Scenarios() {
		if recOld.planted[s] != 20 {
			t.Errorf("%s: %d planted, want 20 (2 %% of 1000)", s, recOld.planted[s])
		}
		if recOld.hit[s] != recOld.planted[s] || recNew.hit[s] != recNew.planted[s] {
			t.Errorf("%s: recovered %d (old) and %d (new) of %d", s, recOld.hit[s], recNew.hit[s], recOld.planted[s])
		}
		// The load anomaly fires on an ordinary customer's occasional
		// large top-up after small ones (7.4 % here, 42.4 % when it judged
		// every channel and direction together); rapid cash-out fires on
		// ordinary top-up and withdraw; the others must stay under 0.5 %
		// of customers.
		limit := 0.005
		switch s {
		case synth.AmountAnomaly:
			limit = 0.10
		case synth.RapidCashOut:
			limit = 0.02
		}
		if bg := float64(len(recOld.bgFlag[s])) / 1000; bg > limit {
			t.Errorf("%s: rules flag %.2f%% of background customers", s, 100*bg)
		}
	}
	// Same packs on both sides: nothing changes.
	if res.Changed != 0 || res.Old.Outcomes != res.New.Outcomes {
		t.Errorf("identical packs changed %d decisions", res.Changed)
	}
	if res.Transactions < 25000 || res.MalformedLines != 0 {
		t.Errorf("%d transactions, %d malformed", res.Transactions, res.MalformedLines)
	}
}

const goodTx = `{"id":"%s","time":"%s","country":"KR","channel":"carrier_billing","direction":"payment","amount":{"amount":"%s","currency":"KRW"},"customer":{"id":"c1","tier":"full"}}`

func line(id, at, amount string) string { return fmt.Sprintf(goodTx, id, at, amount) + "\n" }

// TestChanges: a stricter monthly cap on the new side blocks the third
// purchase; malformed lines are counted with their numbers; days follow
// Seoul's calendar.
func TestChanges(t *testing.T) {
	tight := kr.Pack().Clone()
	for i := range tight.Limits {
		if tight.Limits[i].ID == "kr.carrier_billing.monthly_cap" {
			tight.Limits[i].MaxAmount = decimal.NewNullDecimal(decimal.NewFromInt(500_000))
		}
	}
	in := line("t1", "2026-11-01T23:30:00+09:00", "300000") +
		"not json\n" +
		"\n" +
		line("t2", "2026-11-02T00:30:00+09:00", "150000") +
		line("t3", "2026-11-02T10:00:00+09:00", "100000") +
		`{"id":"t4"}` + "\n"
	opts := &replay.Options{Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{tight}, OldName: "kr", NewName: "half"}
	res, err := replay.Run(context.Background(), strings.NewReader(in), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Transactions != 3 || res.MalformedLines != 2 || res.Malformed[0].Line != 2 || res.Malformed[1].Line != 6 {
		t.Fatalf("transactions %d, malformed %+v", res.Transactions, res.Malformed)
	}
	if res.Old.Outcomes[replay.Allow] != 3 || res.New.Outcomes[replay.Allow] != 2 || res.New.Outcomes[replay.Block] != 1 {
		t.Fatalf("outcomes old %v new %v", res.Old.Outcomes, res.New.Outcomes)
	}
	if res.Changed != 1 || res.ActionChanged != 1 || res.Transitions[replay.Allow][replay.Block] != 1 {
		t.Fatalf("changed %d, transitions %v", res.Changed, res.Transitions)
	}
	c := res.Changes[0]
	if c.TxID != "t3" || c.Line != 5 || len(c.Added) != 1 || c.Added[0].Rule != "kr.carrier_billing.monthly_cap" || len(c.Removed) != 0 {
		t.Fatalf("change %+v", c)
	}
	if len(res.Days) != 2 || res.Days[0].Date != "2026-11-01" || res.Days[1].New[replay.Block] != 1 {
		t.Fatalf("days %+v", res.Days)
	}
	if len(res.Rules) != 1 || res.Rules[0].Old != 0 || res.Rules[0].New != 1 {
		t.Fatalf("rules %+v", res.Rules)
	}
}

// TestClockFollowsHistory: a history years old and one in the future are
// both judged (the engine's clock is the transaction's time).
func TestClockFollowsHistory(t *testing.T) {
	in := line("old", "2019-03-01T10:00:00+09:00", "1000") + line("future", time.Now().AddDate(3, 0, 0).Format(time.RFC3339), "1000")
	res, err := replay.Run(context.Background(), strings.NewReader(in), krSides())
	if err != nil {
		t.Fatal(err)
	}
	if res.Old.Outcomes[replay.Allow] != 2 {
		t.Fatalf("outcomes %v, errors %v", res.Old.Outcomes, res.Old.Errors)
	}
}

func TestOptionsAndInputErrors(t *testing.T) {
	if _, err := replay.Run(context.Background(), strings.NewReader(""), &replay.Options{Old: []*jurisdiction.Pack{kr.Pack()}}); !errors.Is(err, replay.ErrNoPacks) {
		t.Errorf("no new pack: %v", err)
	}
	if _, err := replay.Run(context.Background(), strings.NewReader(""), nil); !errors.Is(err, replay.ErrNoPacks) {
		t.Errorf("nil options: %v", err)
	}
	bad := kr.Pack()
	bad.Code = ""
	if _, err := replay.Run(context.Background(), strings.NewReader(""), &replay.Options{Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{bad}, NewName: "broken"}); err == nil || !strings.HasPrefix(err.Error(), "broken: ") {
		t.Errorf("bad pack: %v", err)
	}
	long := strings.Repeat("x", 2<<20) + "\n"
	if _, err := replay.Run(context.Background(), strings.NewReader(long), krSides()); err == nil {
		t.Error("a 2 MiB line was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := replay.Run(ctx, strings.NewReader(line("a", "2026-11-01T10:00:00Z", "1")), krSides()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestWriteText checks the summary's sections.
func TestWriteText(t *testing.T) {
	in := line("t1", "2026-11-01T10:00:00+09:00", "1000")
	res, err := replay.Run(context.Background(), strings.NewReader(in), krSides())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := res.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"replay: 1 transactions", "old: old (KR ", "changed: 0 decisions (0.0%)", "outcomes", "transitions (rows old, columns new)", "(no findings)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
