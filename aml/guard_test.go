package aml

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
)

// TestGuardIsExact checks that skipping rules by their channel/direction
// guard never changes a result, errors included, on every channel and
// direction.
func TestGuardIsExact(t *testing.T) {
	exprs := []string{
		`tx.direction == "cash_out" && tx.amount / (tx.amount - tx.amount) > 1`,
		`tx.amount / (tx.amount - tx.amount) > 1 && tx.direction == "cash_out"`,
		`tx.direction != "payment" && tx.channel in ["card", "cash"]`,
		`"crypto" == tx.channel && (tx.direction == "transfer" || tx.direction == "cash_in")`,
		`tx.direction == "cash_in" || tx.channel == "card"`,
		`!(tx.direction == "cash_in") && tx.amount > 1`,
		`tx.funding == "" && tx.channel != "e_wallet"`,
	}
	for _, e := range exprs {
		p := mustCompileExpr(t, e)
		unguarded := MustCompile(p.Rules(), nil)
		unguarded.rules[0].cond.guard = allGuard()
		for c := payment.Channel(1); c.Valid(); c++ {
			for d := payment.Direction(1); d.Valid(); d++ {
				tx := newTx(channel(c), dir(d))
				if c == payment.Crypto {
					tx.Crypto = &payment.CryptoDetails{Address: "a"}
				}
				mustValid(t, tx)
				in := &Input{Tx: tx}
				got, err1 := p.Evaluate(context.Background(), in)
				want, err2 := unguarded.Evaluate(context.Background(), in)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s on %s/%s: guard changed the result (-want +got):\n%s", e, c, d, diff)
				}
			}
		}
	}
}

func TestGuardSkips(t *testing.T) {
	p := mustCompileExpr(t, `tx.direction in ["cash_out", "transfer"] && tx.channel != "card"`)
	g := p.rules[0].cond.guard
	if !g[payment.EWallet][payment.CashOut] || g[payment.EWallet][payment.CashIn] || g[payment.Card][payment.CashOut] {
		t.Errorf("guard %v", g)
	}
}

func TestUnknownEnumLiteral(t *testing.T) {
	for _, e := range []string{
		`tx.direction == "cashout"`,
		`tx.channel in ["card", "creditcard"]`,
		`"Carrier_billing" != tx.funding`,
	} {
		_, err := compileExpr(t, e, nil)
		l := rule.AsList(err)
		if len(l) != 1 || l[0].Code != rule.CodeType || !strings.Contains(l[0].Msg, "unknown") {
			t.Errorf("Compile(%q) = %v, want one unknown-name type error", e, err)
		}
	}
}

func TestWindowNames(t *testing.T) {
	for _, s := range []string{"30m", "90m", "1h", "24h", "36h", "2d", "7d", "30d", "365d", "day", "month"} {
		w, ok := parseWindow(s)
		if !ok {
			t.Errorf("parseWindow(%q) failed", s)
			continue
		}
		if got := w.String(); got != s {
			t.Errorf("parseWindow(%q).String() = %q", s, got)
		}
	}
	for _, s := range []string{"", "0h", "01h", "5y", "h", "-1d", "3661d", "1.5h", "1e3m"} {
		if _, ok := parseWindow(s); ok {
			t.Errorf("parseWindow(%q) succeeded", s)
		}
	}
}

func TestFactQueryMatches(t *testing.T) {
	q := FactQuery{Window: FactWindow{Kind: CalendarMonth}, Channels: []payment.Channel{payment.CarrierBilling}, Directions: []payment.Direction{payment.Payment}}
	if !q.Matches(payment.CarrierBilling, payment.Payment) || q.Matches(payment.CarrierBilling, payment.CashOut) || q.Matches(payment.Card, payment.Payment) {
		t.Error("Matches on a filtered query")
	}
	if !(FactQuery{}).Matches(payment.Cash, payment.Transfer) {
		t.Error("an unfiltered query matches everything")
	}
	var calls int
	src := FactSourceFunc(func(_ context.Context, qs []FactQuery) ([]Fact, error) {
		calls++
		return make([]Fact, len(qs)), nil
	})
	if _, err := src.Facts(context.Background(), []FactQuery{q}); err != nil || calls != 1 {
		t.Errorf("FactSourceFunc: %v, %d calls", err, calls)
	}
}

func TestHostTimesClamped(t *testing.T) {
	tx := newTx(dir(payment.Transfer), func(tx *payment.Transaction) {
		tx.Device = &payment.Device{FirstSeen: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), SIMChanged: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	})
	p := mustCompileExpr(t, `tx.time - device.first_seen > duration("72h") && tx.time - device.sim_changed < duration("0s") && has(device.first_seen)`)
	if !fires(t, p, &Input{Tx: tx}) {
		t.Error("clamped device times: rule did not fire")
	}
}
