package synth_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/synth"
)

func TestDeterministicAndValid(t *testing.T) {
	opts := &synth.Options{Seed: 7, Customers: 300, Days: 20, Rates: map[synth.Scenario]float64{}}
	for _, s := range synth.Scenarios() {
		opts.Rates[s] = 0.01
	}
	g, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	n, err := g.Write(&a)
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := synth.New(opts)
	if _, err := g2.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same options gave different histories")
	}
	// Every line parses and validates; times never go back; ids are unique.
	lines := strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("Write returned %d, wrote %d lines", n, len(lines))
	}
	ids := map[string]bool{}
	var last time.Time
	channels := map[payment.Channel]int{}
	for i, l := range lines {
		tx, err := payment.ParseTransactionJSON([]byte(l))
		if err != nil {
			t.Fatalf("line %d: %v\n%s", i+1, err, l)
		}
		if tx.Time.Before(last) {
			t.Fatalf("line %d goes back in time: %s after %s", i+1, tx.Time, last)
		}
		last = tx.Time
		if ids[tx.ID] {
			t.Fatalf("duplicate id %s", tx.ID)
		}
		ids[tx.ID] = true
		channels[tx.Channel]++
	}
	// About PerDay (1) transactions per customer per day.
	want := 300.0 * 20
	if math.Abs(float64(n)-want)/want > 0.15 {
		t.Errorf("%d transactions, want about %.0f", n, want)
	}
	for _, ch := range []payment.Channel{payment.Card, payment.EWallet, payment.CarrierBilling, payment.Prepaid, payment.BankTransfer} {
		if channels[ch] < n/100 {
			t.Errorf("channel %s: only %d of %d", ch, channels[ch], n)
		}
	}
	// Labels: 3 customers per scenario (1 % of 300), each trigger in the
	// history, each customer one scenario.
	labels := g.Labels()
	if len(labels) != 3*len(synth.Scenarios()) {
		t.Fatalf("%d labels, want %d", len(labels), 3*len(synth.Scenarios()))
	}
	seen := map[string]bool{}
	for _, l := range labels {
		if !ids[l.Trigger] {
			t.Errorf("%s: trigger %s not in the history", l.Scenario, l.Trigger)
		}
		if seen[l.Customer] {
			t.Errorf("customer %s carries two scenarios", l.Customer)
		}
		seen[l.Customer] = true
		if g.ScenarioOf(l.Customer) != l.Scenario || len(l.Rules) == 0 {
			t.Errorf("label %+v", l)
		}
	}
}

func TestSeedChangesHistory(t *testing.T) {
	var a, b bytes.Buffer
	g1, _ := synth.New(&synth.Options{Seed: 1, Customers: 50, Days: 3})
	g2, _ := synth.New(&synth.Options{Seed: 2, Customers: 50, Days: 3})
	g1.Write(&a)
	g2.Write(&b)
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two seeds gave the same history")
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		opts synth.Options
	}{
		{"negative customers", synth.Options{Customers: -1}},
		{"negative days", synth.Options{Days: -1}},
		{"NaN per day", synth.Options{PerDay: math.NaN()}},
		{"huge per day", synth.Options{PerDay: 1e6}},
		{"unknown scenario", synth.Options{Rates: map[synth.Scenario]float64{"nope": 0.1}}},
		{"rate above 1", synth.Options{Rates: map[synth.Scenario]float64{synth.FanIn: 1.5}}},
		{"negative rate", synth.Options{Rates: map[synth.Scenario]float64{synth.FanIn: -0.1}}},
		{"rates sum above 1", synth.Options{Rates: map[synth.Scenario]float64{synth.FanIn: 0.6, synth.FanOut: 0.6}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := synth.New(&tc.opts); !errors.Is(err, synth.ErrInvalidOptions) {
				t.Fatalf("err = %v, want ErrInvalidOptions", err)
			}
		})
	}
	if _, err := synth.New(nil); err != nil {
		t.Fatalf("nil options: %v", err)
	}
}

func TestEachStops(t *testing.T) {
	g, _ := synth.New(&synth.Options{Customers: 20, Days: 2})
	stop := errors.New("stop")
	n := 0
	err := g.Each(func(*payment.Transaction) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Fatalf("err %v after %d", err, n)
	}
}
