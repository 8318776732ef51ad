package synth_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/synth"
)

// A history of 200 customers over two weeks with two typologies planted in
// 1 % of the customers each; the labels say which transaction should be
// flagged by which rule.
func Example() {
	g, err := synth.New(&synth.Options{
		Seed:      1,
		Customers: 200,
		Days:      14,
		Rates:     map[synth.Scenario]float64{synth.Structuring: 0.01, synth.FanIn: 0.01},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	channels := map[payment.Channel]bool{}
	err = g.Each(func(tx *payment.Transaction) error {
		n++
		channels[tx.Channel] = true
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("transactions:", n > 2000, "channels:", len(channels))
	for _, l := range g.Labels() {
		fmt.Println(l.Scenario, strings.HasPrefix(l.Trigger, "s-"), l.Rules)
	}
	// Output:
	// transactions: true channels: 6
	// structuring true [aml.structuring.daily_threshold]
	// structuring true [aml.structuring.daily_threshold]
	// fan_in true [aml.mule.fan_in]
	// fan_in true [aml.mule.fan_in]
}

// Write emits JSON lines for comply replay or comply eval.
func ExampleGenerator_Write() {
	g, _ := synth.New(&synth.Options{Seed: 1, Customers: 2, Days: 1, Rates: map[synth.Scenario]float64{}})
	if _, err := g.Write(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"id":"t000002-00001","time":"2026-09-01T16:47:47+09:00","country":"KR","channel":"e_wallet","direction":"cash_in","amount":{"amount":"20000","currency":"KRW"},"customer":{"id":"c000002","name":"홍유진","country":"KR","birth_date":"1977-02-28","tier":"full","verified":["phone","real_name"]},"funding":"bank_transfer","device":{"id":"d000002-1","first_seen":"2025-07-31T00:00:00+09:00"}}
}
