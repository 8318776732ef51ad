package fees_test

import (
	"errors"
	"testing"
	"time"

	"github.com/comply-go/comply/fees"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

var seoul = mustZone("Asia/Seoul")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func krw(s string) *payment.Money { m := payment.MustParseMoney(s + " KRW"); return &m }

// cashOut returns a valid KR cash-out of amount on 2026-10-01 10:00 KST.
func cashOut(amount string, mods ...func(*payment.Transaction)) *payment.Transaction {
	tx := &payment.Transaction{
		ID: "tx-1", Time: time.Date(2026, 10, 1, 10, 0, 0, 0, seoul), Country: "KR",
		Channel: payment.EWallet, Direction: payment.CashOut, Funding: payment.CarrierBilling,
		Amount:   *krw(amount),
		Customer: payment.Customer{Party: payment.Party{ID: "c-1"}, Tier: payment.TierFull},
	}
	for _, m := range mods {
		m(tx)
	}
	if err := tx.Validate(); err != nil {
		panic(err)
	}
	return tx
}

func payout(s string) func(*payment.Transaction) {
	return func(tx *payment.Transaction) { tx.Payout = krw(s) }
}

func fee(s string) func(*payment.Transaction) {
	return func(tx *payment.Transaction) { tx.Fee = krw(s) }
}

func due(y int, m time.Month, d int) func(*payment.Transaction) {
	return func(tx *payment.Transaction) {
		tx.Advance = &payment.Advance{Due: payment.Date{Year: y, Month: m, Day: d}}
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name                   string
		tx                     *payment.Transaction
		fee, share, rate, days string
		unbounded              bool
	}{
		// The worked example of the package documentation.
		{name: "carrier-billing advance 100000 paid out at 80000, due in 30 days",
			tx:  cashOut("100000", payout("80000"), due(2026, 10, 31)),
			fee: "20000", share: "20.0000", rate: "304.1667", days: "30"},
		{name: "fee-free payout", tx: cashOut("100000", payout("100000")), fee: "0", share: "0.0000"},
		{name: "fee-free advance", tx: cashOut("100000", payout("100000"), due(2026, 10, 31)),
			fee: "0", share: "0.0000", rate: "0.0000", days: "30"},
		{name: "declared fee only", tx: cashOut("100000", fee("1500")), fee: "1500", share: "1.5000"},
		{name: "fee charged on top of a full payout counts", tx: cashOut("100000", payout("100000"), fee("3000"), due(2026, 10, 31)),
			fee: "3000", share: "3.0000", rate: "36.5000", days: "30"},
		{name: "declared fee smaller than the shortfall: the shortfall counts", tx: cashOut("100000", payout("90000"), fee("1000")),
			fee: "10000", share: "10.0000"},
		{name: "due on the same day counts as one day", tx: cashOut("100000", payout("99000"), due(2026, 10, 1)),
			fee: "1000", share: "1.0000", rate: "368.6869", days: "1"},
		{name: "days counted in the pack's zone across a month end", tx: cashOut("36500", payout("36500"), fee("600"), due(2026, 10, 31),
			func(tx *payment.Transaction) { tx.Time = time.Date(2026, 9, 30, 23, 30, 0, 0, time.UTC) }), // 2026-10-01 08:30 KST
			fee: "600", share: "1.6438", rate: "20.0000", days: "30"},
		{name: "nothing paid out now", tx: cashOut("100000", payout("0"), due(2026, 10, 31)),
			fee: "100000", share: "100.0000", days: "30", unbounded: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok, err := fees.Compute(tc.tx, seoul, 0)
			if err != nil || !ok {
				t.Fatalf("Compute() = %v, %v", ok, err)
			}
			got := []string{c.Fee.String(), c.FeeShare.StringFixed(c.Precision)}
			want := []string{tc.fee, tc.share}
			if tc.days != "" {
				got = append(got, decimal.NewFromInt(c.Days).String())
				want = append(want, tc.days)
				if tc.unbounded {
					got = append(got, c.RateString())
					want = append(want, "unbounded")
				} else {
					got = append(got, c.AnnualRate.StringFixed(c.Precision))
					want = append(want, tc.rate)
				}
			} else if c.Advance {
				t.Error("not an advance, but Advance is set")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fee, share, days, rate mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeWithoutCosts(t *testing.T) {
	if _, ok, err := fees.Compute(cashOut("100000"), seoul, 0); ok || err != nil {
		t.Errorf("Compute() of a transaction without fee or payout = %v, %v; want false, nil", ok, err)
	}
}

func TestDueBeforeTransaction(t *testing.T) {
	// 2026-10-01 00:30 KST is still 2026-09-30 in UTC: the due day
	// 2026-09-30 is before the transaction's day in Seoul, not in UTC.
	tx := cashOut("100000", payout("80000"), due(2026, 9, 30),
		func(tx *payment.Transaction) { tx.Time = time.Date(2026, 10, 1, 0, 30, 0, 0, seoul) })
	if _, _, err := fees.Compute(tx, seoul, 0); !errors.Is(err, fees.ErrDueBeforeTransaction) {
		t.Errorf("Compute() in Seoul = %v, want ErrDueBeforeTransaction", err)
	}
	c, _, err := fees.Compute(tx, time.UTC, 0)
	if err != nil || c.Days != 1 {
		t.Errorf("Compute() in UTC = %d days, %v; want 1 day (same day)", c.Days, err)
	}
}

func TestPrecision(t *testing.T) {
	tx := cashOut("100000", payout("80000"), due(2026, 10, 31))
	for _, tc := range []struct {
		p    int32
		want string
	}{{1, "304.2"}, {2, "304.17"}, {4, "304.1667"}, {8, "304.16666667"}} {
		c, _, err := fees.Compute(tx, seoul, tc.p)
		if err != nil || c.RateString() != tc.want {
			t.Errorf("precision %d: rate %s, %v; want %s", tc.p, c.RateString(), err, tc.want)
		}
	}
	// Half away from zero: 1/8 % rounds up at 2 places.
	c, _, _ := fees.Compute(cashOut("800", fee("1")), seoul, 2)
	if got := c.FeeShare.String(); got != "0.13" {
		t.Errorf("0.125%% at 2 places = %s, want 0.13", got)
	}
}

var krCeilings = fees.Policy{Ceilings: []fees.Ceiling{
	{ID: "t.rate_cap", Measure: fees.AnnualRate, Percent: decimal.NewFromInt(20), Action: rule.Block,
		From: payment.Date{Year: 2021, Month: 7, Day: 7}, Citation: rule.Citation{Law: "대부업법", Article: "제8조①"}},
	{ID: "t.void", Measure: fees.AnnualRate, Percent: decimal.NewFromInt(60), Action: rule.Block,
		Citation: rule.Citation{Law: "대부업법", Article: "제8조의2①4"}},
	{ID: "t.share", Measure: fees.FeeShare, Percent: decimal.NewFromInt(10), Action: rule.Review,
		Citation: rule.Citation{Law: "illustrative"}},
	{ID: "t.off", Measure: fees.FeeShare, Percent: decimal.Zero, Action: rule.Block, Disabled: true, DisabledReason: "test",
		Citation: rule.Citation{Law: "illustrative"}},
}}

func TestCheck(t *testing.T) {
	c, err := fees.Compile(krCeilings, &fees.Options{Location: seoul})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tx   *payment.Transaction
		want []string
	}{
		{"worked example: above 20% and 60% a year, fee share 20%", cashOut("100000", payout("80000"), due(2026, 10, 31)),
			[]string{"t.rate_cap", "t.void", "t.share"}},
		{"fee-free payout passes", cashOut("100000", payout("100000")), nil},
		{"fee-free advance passes", cashOut("100000", payout("100000"), due(2026, 10, 31)), nil},
		{"no cost data passes", cashOut("100000"), nil},
		{"exactly 20% a year is not above", cashOut("36500", payout("36500"), fee("600"), due(2026, 10, 31)), nil},
		{"0.000001 KRW more is above", cashOut("36500", payout("36500"), fee("600.000001"), due(2026, 10, 31)), []string{"t.rate_cap"}},
		{"before the ceiling was in force", cashOut("100000", payout("98000"), due(2021, 7, 31),
			func(tx *payment.Transaction) { tx.Time = time.Date(2021, 7, 6, 12, 0, 0, 0, seoul) }), nil},
		{"on its first day", cashOut("100000", payout("98000"), due(2021, 7, 31),
			func(tx *payment.Transaction) { tx.Time = time.Date(2021, 7, 7, 0, 0, 0, 0, seoul) }), []string{"t.rate_cap"}},
		{"a 10% fee share is not above 10%", cashOut("100000", payout("90000")), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := c.Check(tc.tx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, string(f.Rule))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckFindingShowsTheRate(t *testing.T) {
	c, err := fees.Compile(fees.Policy{Ceilings: krCeilings.Ceilings[:1]}, &fees.Options{Location: seoul})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := c.Check(cashOut("100000", payout("80000"), due(2026, 10, 31)))
	if err != nil || len(fs) != 1 {
		t.Fatalf("Check() = %v, %v", fs, err)
	}
	want := rule.Finding{
		Rule:     "t.rate_cap",
		Action:   rule.Block,
		Message:  "effective annual rate 304.1667% (20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)) is above the ceiling of 20% a year",
		Citation: rule.Citation{Law: "대부업법", Article: "제8조①"},
		Values: []rule.Value{
			{Name: "amount", Value: "100000 KRW"},
			{Name: "payout", Value: "80000 KRW"},
			{Name: "fee", Value: "20000 KRW"},
			{Name: "fee_share_percent", Value: "20.0000"},
			{Name: "principal", Value: "80000 KRW"},
			{Name: "days", Value: "30"},
			{Name: "day_count", Value: "actual/365, 2026-10-01 to 2026-10-31 in the pack's time zone; a same-day bill counts as 1 day"},
			{Name: "annual_rate_percent", Value: "304.1667"},
			{Name: "formula", Value: "20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)"},
			{Name: "rounding", Value: "4 decimal places of percent, half away from zero; the ceiling is compared with the exact rate"},
			{Name: "ceiling_percent", Value: "20"},
			{Name: "measure", Value: "annual_rate"},
		},
	}
	if diff := cmp.Diff(want, fs[0]); diff != "" {
		t.Errorf("finding mismatch (-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	bad := fees.Policy{Basis: "compound", Precision: 20, Ceilings: []fees.Ceiling{
		{ID: "a", Measure: "apr", Percent: decimal.NewFromInt(-1), Action: rule.Allow},
		{ID: "a", Measure: fees.FeeShare, Action: rule.Block, Citation: rule.Citation{Law: "x"}, Disabled: true,
			From: payment.Date{Year: 2026, Month: 1, Day: 2}, Until: payment.Date{Year: 2026, Month: 1, Day: 1}},
	}}
	_, err := fees.Compile(bad, nil)
	list := rule.AsList(err)
	var got []string
	for _, e := range list {
		got = append(got, e.Msg[:indexColon(e.Msg)])
		if !errors.Is(e, fees.ErrInvalidPolicy) || e.Code != rule.CodePackSchema {
			t.Errorf("%v: not an ErrInvalidPolicy pack_schema_error", e)
		}
	}
	want := []string{"basis", "precision", "ceilings[0].measure", "ceilings[0].percent", "ceilings[0].action", "ceilings[0].citation",
		"ceilings[1].id", "ceilings[1].until", "ceilings[1].disabled_reason"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error fields mismatch (-want +got):\n%s", diff)
	}
}

func indexColon(s string) int {
	for i := range s {
		if s[i] == ':' {
			return i
		}
	}
	return len(s)
}

// FuzzCompute checks, for any valid amount, payout and term, that the
// exact comparison with a ceiling agrees with the rounded rate shown.
func FuzzCompute(f *testing.F) {
	f.Add(int64(100000), int64(80000), uint16(30), int64(20))
	f.Add(int64(37100), int64(36500), uint16(30), int64(20))
	f.Add(int64(1), int64(0), uint16(0), int64(0))
	f.Fuzz(func(t *testing.T, amount, pay int64, days uint16, ceiling int64) {
		if amount <= 0 || pay < 0 || pay > amount || amount > 1e15 || ceiling < 0 {
			return
		}
		due := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
		tx := cashOut(decimal.NewFromInt(amount).String(), payout(decimal.NewFromInt(pay).String()),
			func(tx *payment.Transaction) {
				tx.Advance = &payment.Advance{Due: payment.Date{Year: due.Year(), Month: due.Month(), Day: due.Day()}}
			})
		c, ok, err := fees.Compute(tx, seoul, 4)
		if err != nil || !ok {
			t.Fatalf("Compute() = %v, %v", ok, err)
		}
		if !c.Fee.Equal(decimal.NewFromInt(amount-pay)) || c.Days != max(int64(days), 1) {
			t.Fatalf("fee %s days %d", c.Fee, c.Days)
		}
		limit := decimal.NewFromInt(ceiling)
		half := decimal.New(5, -5) // half a unit of the 4th place
		above := c.RateAbove(limit)
		if c.Unbounded {
			if !above {
				t.Fatal("unbounded rate not above a ceiling")
			}
			return
		}
		if c.AnnualRate.GreaterThan(limit.Add(half)) && !above || c.AnnualRate.LessThan(limit.Sub(half)) && above {
			t.Fatalf("rate %s shown, RateAbove(%s) = %v", c.AnnualRate, limit, above)
		}
	})
}
