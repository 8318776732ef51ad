package replay_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/internal/replay"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/synth"
)

func TestRecovery(t *testing.T) {
	rates := map[synth.Scenario]float64{}
	for _, s := range synth.Scenarios() {
		rates[s] = 0.01
	}
	g, err := synth.New(&synth.Options{Seed: 42, Customers: 2000, Days: 30, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := g.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rec := newRecovery(g)
	res, err := replay.Run(context.Background(), &buf, &replay.Options{
		Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{kr.Pack()},
		Observe: func(tx *payment.Transaction, old, _ *comply.Decision) { rec.observe(tx, old) },
	})
	if err != nil {
		t.Fatal(err)
	}
	rec.print(os.Stdout)
	res.WriteText(os.Stdout)
}
