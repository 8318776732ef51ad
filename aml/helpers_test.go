package aml

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

var seoul = time.FixedZone("KST", 9*3600)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, seoul)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// facts is a fake FactSource answering from a map keyed by
// FactQuery.String(), e.g. "cash_in/day"; missing keys are zero facts.
type facts struct {
	m     map[string]Fact
	calls atomic.Int64
	err   error
}

func (f *facts) Facts(_ context.Context, qs []FactQuery) ([]Fact, error) {
	f.calls.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	out := make([]Fact, len(qs))
	for i, q := range qs {
		out[i] = f.m[q.String()]
	}
	return out, nil
}

// newTx returns a valid KR e-wallet cash-in of 10000 KRW.
func newTx(mods ...func(*payment.Transaction)) *payment.Transaction {
	tx := &payment.Transaction{
		ID:        "tx-1",
		Time:      t0,
		Country:   "KR",
		Channel:   payment.EWallet,
		Direction: payment.CashIn,
		Amount:    payment.MustParseMoney("10000 KRW"),
		Customer: payment.Customer{
			Party: payment.Party{ID: "c-1", Name: "Kim", Country: "KR"},
			Tier:  payment.TierFull,
		},
	}
	for _, m := range mods {
		m(tx)
	}
	return tx
}

func amount(s string) func(*payment.Transaction) {
	return func(tx *payment.Transaction) { tx.Amount = payment.MustParseMoney(s + " KRW") }
}

func dir(d payment.Direction) func(*payment.Transaction) {
	return func(tx *payment.Transaction) { tx.Direction = d }
}

func channel(c payment.Channel) func(*payment.Transaction) {
	return func(tx *payment.Transaction) { tx.Channel = c }
}

func mustValid(t testing.TB, tx *payment.Transaction) {
	t.Helper()
	if err := tx.Validate(); err != nil {
		t.Fatalf("test transaction invalid: %v", err)
	}
}

// ruleIDs returns the ids of the findings, with a "!" suffix for
// evaluation errors.
func ruleIDs(fs []rule.Finding) []string {
	var out []string
	for _, f := range fs {
		id := string(f.Rule)
		if f.Code == rule.CodeEvalError {
			id += "!" + f.Message
		}
		out = append(out, id)
	}
	return out
}

func compileExpr(t testing.TB, expr string, opts *Options) (*Program, error) {
	t.Helper()
	return Compile([]Rule{{ID: "t.rule", Version: "1", Expr: expr, Action: rule.Review}}, opts)
}

func mustCompileExpr(t testing.TB, expr string) *Program {
	t.Helper()
	p, err := compileExpr(t, expr, nil)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	return p
}

// fires evaluates a one-rule program and reports whether it fired; an
// evaluation error fails the test.
func fires(t testing.TB, p *Program, in *Input) bool {
	t.Helper()
	fs, err := p.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	for _, f := range fs {
		if f.Code == rule.CodeEvalError {
			t.Fatalf("rule error: %s", f.Message)
		}
	}
	return len(fs) > 0
}
