package comply

import (
	"testing"
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
)

// TestSameQueries checks the test that lets factSource reuse the store
// queries mapped once per pack instead of mapping them on every
// transaction.
func TestSameQueries(t *testing.T) {
	day := aml.FactWindow{Kind: aml.Rolling, Duration: 24 * time.Hour}
	q := func(w aml.FactWindow, chs []payment.Channel, dirs []payment.Direction) aml.FactQuery {
		return aml.FactQuery{Window: w, Channels: chs, Directions: dirs}
	}
	base := []aml.FactQuery{
		q(day, nil, []payment.Direction{payment.CashIn}),
		q(aml.FactWindow{Kind: aml.CalendarMonth}, []payment.Channel{payment.CarrierBilling}, []payment.Direction{payment.Payment}),
	}
	tests := []struct {
		name string
		qs   []aml.FactQuery
		want bool
	}{
		{"copy", []aml.FactQuery{base[0], base[1]}, true},
		{"shorter", base[:1], false},
		{"order", []aml.FactQuery{base[1], base[0]}, false},
		{"window", []aml.FactQuery{q(aml.FactWindow{Kind: aml.Rolling, Duration: time.Hour}, nil, []payment.Direction{payment.CashIn}), base[1]}, false},
		{"direction", []aml.FactQuery{q(day, nil, []payment.Direction{payment.CashOut}), base[1]}, false},
		{"channel", []aml.FactQuery{base[0], q(aml.FactWindow{Kind: aml.CalendarMonth}, nil, []payment.Direction{payment.Payment})}, false},
		{"none", nil, false},
	}
	for _, tc := range tests {
		if got := sameQueries(tc.qs, base); got != tc.want {
			t.Errorf("%s: sameQueries = %v, want %v", tc.name, got, tc.want)
		}
	}

	// The KR program's queries, asked afresh, match the pack's copy: the
	// engine maps them to store queries once.
	e, err := New(&Options{Packs: []*jurisdiction.Pack{kr.Pack()}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.packs["KR"]
	if !sameQueries(p.AML.Queries(), p.amlQueries) || len(p.storeQueries) != len(p.amlQueries) {
		t.Errorf("KR: the program's queries do not match the pack's %d cached ones", len(p.amlQueries))
	}
}
