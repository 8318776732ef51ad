package comply_test

import (
	"context"
	"testing"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// usTestPack is a small USD pack for the cross-border tests: transfers are
// reported at 3,000 USD and blocked over 10,000 USD.
func usTestPack() *jurisdiction.Pack {
	cite := rule.Citation{Law: "test", Article: "1", Confidence: "primary"}
	return &jurisdiction.Pack{
		Code: "US", Name: "test US", Currency: "USD", TimeZone: "America/New_York", Version: "test",
		Limits: []limits.Limit{
			{ID: "us.test.transfer_cap", Kind: limits.PerTransaction, Directions: []payment.Direction{payment.Transfer},
				MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(10000)), Citation: cite},
			{ID: "us.test.transfer_report", Kind: limits.Day, Directions: []payment.Direction{payment.Transfer},
				MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(3000)), Report: &limits.Report{Kind: rule.SAR}, Citation: cite},
		},
	}
}

func TestCrossBorder(t *testing.T) {
	ctx := context.Background()
	e, st := newEngine(t, &comply.Options{
		Packs: []*jurisdiction.Pack{krLimitsOnly(), usTestPack()},
		FX:    fixedFX{"KRWUSD": "0.0007", "USDKRW": "1428.5714"},
	})
	transfer := func(id, amount, to string) *payment.Transaction {
		tx := mk("xb", payment.TierFull, payment.BankTransfer, payment.Transfer, amount, t0)
		tx.ID = id
		tx.Counterparty = &payment.Party{ID: "p-" + to, Country: to}
		return tx
	}
	// 5,000,000 KRW = 3,500 USD: the US pack's report is due; both packs
	// hold a reservation.
	d := mustEval(t, e, transfer("xb1", "5000000 KRW", "US"))
	if d.Action != rule.Allow || !d.Reserved {
		t.Fatalf("xb1: %s %+v", d.Action, d.Findings)
	}
	if want := []jurisdiction.Ref{{Code: "KR", Version: d.Packs[0].Version}, {Code: "US", Version: "test"}}; !cmp.Equal(d.Packs, want) {
		t.Errorf("packs %v, want %v", d.Packs, want)
	}
	if len(d.Reports) != 1 || d.Reports[0].Rule != "us.test.transfer_report" || d.Reports[0].Total != "3500 USD" {
		t.Errorf("reports %+v", d.Reports)
	}
	if err := d.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{"KR/xb", "US/xb"} {
		aggs, err := st.Aggregate(ctx, &store.AggregateRequest{Subject: subject, At: t0,
			Queries: []store.Query{{Window: store.Window{Kind: store.Day}, Classes: ^uint64(0)}}})
		if err != nil || aggs[0].Count != 1 {
			t.Errorf("%s: %+v %v", subject, aggs, err)
		}
	}
	// 20,000,000 KRW = 14,000 USD: allowed in KR, blocked by the US pack;
	// the strictest wins and no pack keeps a reservation.
	d = mustEval(t, e, transfer("xb2", "20000000 KRW", "US"))
	if d.Action != rule.Block || d.Reserved || has(d, "us.test.transfer_cap") == nil {
		t.Fatalf("xb2: %s reserved=%v %+v", d.Action, d.Reserved, d.Findings)
	}
	aggs, _ := st.Aggregate(ctx, &store.AggregateRequest{Subject: "KR/xb", At: t0,
		Queries: []store.Query{{Window: store.Window{Kind: store.Day}, Classes: ^uint64(0)}}})
	if aggs[0].Count != 1 {
		t.Errorf("the blocked transfer still counts in KR: %+v", aggs)
	}
	// A domestic transfer is judged by KR alone.
	d = mustEval(t, e, transfer("xb3", "20000000 KRW", "KR"))
	if d.Action != rule.Allow || len(d.Packs) != 1 {
		t.Fatalf("xb3: %s %v", d.Action, d.Packs)
	}
	// Without an FX source the US leg cannot be judged: an error, nothing kept.
	e2, _ := newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{krLimitsOnly(), usTestPack()}})
	if _, err := e2.Evaluate(ctx, transfer("xb4", "10000 KRW", "US")); err == nil {
		t.Fatal("cross-border without FX: no error")
	}
}

// TestReportDutyTiedToRule: a duty that names a rule is raised by that
// rule's findings alone, even of action allow.
func TestReportDutyTiedToRule(t *testing.T) {
	p := krLimitsOnly()
	p.Rules = []aml.Rule{{ID: "t.big_transfer", Version: "1", Expr: `tx.direction == "transfer" && tx.amount >= 5000000`,
		Action: rule.Allow, Citation: rule.Citation{Law: "test"}, Message: "big transfer"}}
	p.Reports = []jurisdiction.ReportDuty{{ID: "t.cbwt", Kind: "CBWT", On: rule.Allow, Rules: []rule.ID{"t.big_transfer"}, Citation: rule.Citation{Law: "test"}}}
	e, _ := newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{p}})
	for _, tc := range []struct {
		amount string
		want   int
	}{{"4999999 KRW", 0}, {"5000000 KRW", 1}} {
		d := mustEval(t, e, mk("duty", payment.TierFull, payment.EWallet, payment.Transfer, tc.amount, t0))
		if !d.Allowed() || len(d.Reports) != tc.want {
			t.Errorf("%s: %s reports %+v", tc.amount, d.Action, d.Reports)
		}
	}
}
