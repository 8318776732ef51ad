package limits_test

import (
	"errors"
	"testing"
	"time"

	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

var seoul, _ = time.LoadLocation("Asia/Seoul")

func krTable(t *testing.T) *limits.Table {
	t.Helper()
	tbl, err := limits.NewTable(kr.Pack().Limits, &limits.Options{Currency: "KRW", Location: seoul})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func tx(ch payment.Channel, dir payment.Direction, tier payment.Tier, amount string, at time.Time) *payment.Transaction {
	return &payment.Transaction{
		ID: "t", Time: at, Country: "KR", Channel: ch, Direction: dir,
		Amount:   payment.MustParseMoney(amount + " KRW"),
		Customer: payment.Customer{Party: payment.Party{ID: "c"}, Tier: tier},
	}
}

func ids(rows []*limits.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, string(r.ID)+"@"+r.MaxAmount.Decimal.String())
	}
	return out
}

func TestApplicable(t *testing.T) {
	tbl := krTable(t)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, seoul)
	cbFunded := tx(payment.EWallet, payment.CashOut, payment.TierFull, "10000", now)
	cbFunded.Funding = payment.CarrierBilling
	tests := []struct {
		name string
		tx   *payment.Transaction
		want []string
	}{
		{"carrier billing payment", tx(payment.CarrierBilling, payment.Payment, payment.TierFull, "1000", now),
			[]string{"kr.carrier_billing.monthly_cap@1000000"}},
		{"unverified prepaid load", tx(payment.Prepaid, payment.CashIn, payment.TierUnverified, "1000", now),
			[]string{"kr.prepaid.cap.unnamed@500000"}},
		{"named prepaid load", tx(payment.Prepaid, payment.CashIn, payment.TierFull, "1000", now),
			[]string{"kr.prepaid.cap.named@2000000"}},
		{"prepaid payment is a debit of the balance", tx(payment.Prepaid, payment.Payment, payment.TierFull, "1000", now),
			[]string{"kr.prepaid.cap.named@2000000"}},
		{"cash deposit today", tx(payment.Cash, payment.CashIn, payment.TierFull, "1000", now),
			[]string{"kr.aml.ctr.cash_in@10000000"}},
		{"cash deposit in 2015 uses the old CTR figure", tx(payment.Cash, payment.CashIn, payment.TierFull, "1000", time.Date(2015, 3, 1, 0, 0, 0, 0, seoul)),
			[]string{"kr.aml.ctr.cash_in@20000000"}},
		{"CTR figure changes at midnight Seoul time", tx(payment.Cash, payment.CashOut, payment.TierFull, "1000", time.Date(2019, 6, 30, 23, 59, 59, 0, seoul)),
			[]string{"kr.aml.ctr.cash_out@20000000"}},
		{"CTR figure changes at midnight Seoul time (after)", tx(payment.Cash, payment.CashOut, payment.TierFull, "1000", time.Date(2019, 7, 1, 0, 0, 0, 0, seoul)),
			[]string{"kr.aml.ctr.cash_out@10000000"}},
		{"carrier-billing-funded cash-out", cbFunded, []string{"kr.carrier_billing.cashout_ban@0"}},
		{"crypto withdrawal: no limit row (CDD is in the KYC policy)", tx(payment.Crypto, payment.CashOut, payment.TierBasic, "1000", now), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(tbl.Applicable(tc.tx, nil))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Applicable mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// cddTable is a per-transaction threshold by tier, the way a pack can write
// a CDD threshold as a limit: below full verification, a transaction must
// stay under 10,000,000 KRW; at full there is no row, so StepUp names it.
func cddTable(t *testing.T) *limits.Table {
	t.Helper()
	tbl, err := limits.NewTable([]limits.Limit{{
		ID:        "test.cdd.one_off",
		Kind:      limits.PerTransaction,
		Tiers:     []payment.Tier{payment.TierUnverified, payment.TierBasic},
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(10_000_000)),
		Exclusive: true,
		Group:     "test.cdd",
		Citation:  rule.Citation{Law: "특금법", Article: "제5조의2①1", Confidence: "primary"},
	}}, &limits.Options{Currency: "KRW", Location: seoul})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func TestCheckTransactionThresholds(t *testing.T) {
	tbl := cddTable(t)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, seoul)
	tests := []struct {
		name     string
		tier     payment.Tier
		amount   string
		want     rule.Action
		requires []string
	}{
		{"just under the CDD threshold", payment.TierBasic, "9999999", rule.ActionUnspecified, nil},
		{"fraction under the CDD threshold", payment.TierBasic, "9999999.999999", rule.ActionUnspecified, nil},
		{"at the CDD threshold (이상)", payment.TierBasic, "10000000", rule.StepUp, []string{"tier:full"}},
		{"over the CDD threshold", payment.TierUnverified, "10000000.000001", rule.StepUp, []string{"tier:full"}},
		{"verified customer over the threshold", payment.TierFull, "50000000", rule.ActionUnspecified, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := tx(payment.BankTransfer, payment.Transfer, tc.tier, tc.amount, now)
			fs := tbl.CheckTransaction(x, x.Amount.Amount, tbl.Applicable(x, nil), nil)
			got := rule.ActionUnspecified
			var req []string
			for _, f := range fs {
				got = rule.Max(got, f.Action)
				req = append(req, f.Requires...)
				if f.Citation.Law == "" {
					t.Errorf("finding %s has no citation", f.Rule)
				}
			}
			if got != tc.want || !cmp.Equal(req, tc.requires) {
				t.Errorf("action %s requires %v, want %s %v (%+v)", got, req, tc.want, tc.requires, fs)
			}
		})
	}
}

func TestBreachStepUpNamesTheTierThatAllows(t *testing.T) {
	tbl := krTable(t)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, seoul)
	unnamed := tbl.Applicable(tx(payment.Prepaid, payment.CashIn, payment.TierBasic, "1", now), nil)[0]
	if unnamed.ID != "kr.prepaid.cap.unnamed" {
		t.Fatalf("row = %s", unnamed.ID)
	}
	d := decimal.RequireFromString
	// Balance 450,000 + 100,000 breaks the unnamed 500,000 cap but fits the
	// named 2,000,000 cap: StepUp to full (real-name).
	x := tx(payment.Prepaid, payment.CashIn, payment.TierBasic, "100000", now)
	f := tbl.Breach(x, unnamed, d("100000"), d("450000"), 3)
	if f.Action != rule.StepUp || !cmp.Equal(f.Requires, []string{"tier:full"}) {
		t.Errorf("Breach = %s %v, want step_up [tier:full]", f.Action, f.Requires)
	}
	// 1,950,000 + 100,000 breaks both: Block.
	f = tbl.Breach(x, unnamed, d("100000"), d("1950000"), 3)
	if f.Action != rule.Block || f.Requires != nil {
		t.Errorf("Breach = %s %v, want block", f.Action, f.Requires)
	}
	// A row without a group blocks.
	cb := tbl.Applicable(tx(payment.CarrierBilling, payment.Payment, payment.TierBasic, "1", now), nil)[0]
	f = tbl.Breach(x, cb, d("1"), d("1000000"), 9)
	want := []rule.Value{
		{Name: "amount", Value: "1 KRW"},
		{Name: "limit", Value: "<= 1000000 KRW"},
		{Name: "window", Value: "calendar month (Asia/Seoul)"},
		{Name: "used", Value: "1000000 KRW"},
		{Name: "total", Value: "1000001 KRW"},
	}
	if f.Action != rule.Block || !cmp.Equal(f.Values, want) {
		t.Errorf("Breach = %s %v", f.Action, cmp.Diff(want, f.Values))
	}
}

func TestNewTableErrors(t *testing.T) {
	cite := rule.Citation{Law: "Test Act", Article: "1"}
	amt := decimal.NewNullDecimal(decimal.NewFromInt(100))
	d := func(y, m, dd int) payment.Date { return payment.Date{Year: y, Month: time.Month(m), Day: dd} }
	tests := []struct {
		name string
		rows []limits.Limit
		code rule.Code
	}{
		{"no citation", []limits.Limit{{ID: "x", Kind: limits.Month, MaxAmount: amt}}, rule.CodeLimitsSchema},
		{"no id", []limits.Limit{{Kind: limits.Month, MaxAmount: amt, Citation: cite}}, rule.CodeLimitsSchema},
		{"no bound", []limits.Limit{{ID: "x", Kind: limits.Month, Citation: cite}}, rule.CodeLimitsSchema},
		{"negative bound", []limits.Limit{{ID: "x", Kind: limits.Month, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(-1)), Citation: cite}}, rule.CodeLimitsSchema},
		{"rolling without window", []limits.Limit{{ID: "x", Kind: limits.Rolling, MaxAmount: amt, Citation: cite}}, rule.CodeLimitsSchema},
		{"unknown kind", []limits.Limit{{ID: "x", MaxAmount: amt, Citation: cite}}, rule.CodeLimitsSchema},
		{"unknown channel", []limits.Limit{{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, Channels: []payment.Channel{42}}}, rule.CodeLimitsSchema},
		{"empty period", []limits.Limit{{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, From: d(2020, 1, 2), Until: d(2020, 1, 1)}}, rule.CodeLimitsSchema},
		{"overlapping periods", []limits.Limit{
			{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, Until: d(2020, 1, 1)},
			{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, From: d(2020, 1, 1)},
		}, rule.CodeLimitsOverlap},
		{"disabled without reason", []limits.Limit{{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, Disabled: true}}, rule.CodeLimitsSchema},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := limits.NewTable(tc.rows, &limits.Options{Currency: "KRW"})
			if !errors.Is(err, &rule.Error{Code: tc.code}) {
				t.Fatalf("NewTable error = %v, want code %s", err, tc.code)
			}
		})
	}
	// Adjacent periods are fine.
	_, err := limits.NewTable([]limits.Limit{
		{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, Until: d(2019, 12, 31)},
		{ID: "x", Kind: limits.Month, MaxAmount: amt, Citation: cite, From: d(2020, 1, 1)},
	}, &limits.Options{Currency: "KRW"})
	if err != nil {
		t.Errorf("adjacent periods: %v", err)
	}
	if _, err := limits.NewTable(nil, &limits.Options{Currency: "KRX"}); !errors.Is(err, &rule.Error{Code: rule.CodeLimitsSchema}) {
		t.Errorf("unknown currency: %v", err)
	}
}

func TestKRRowsAllCited(t *testing.T) {
	for _, r := range krTable(t).Rows() {
		if r.Citation.Law == "" || r.Citation.Confidence == "" {
			t.Errorf("%s: citation %+v lacks law or confidence", r.ID, r.Citation)
		}
	}
}
