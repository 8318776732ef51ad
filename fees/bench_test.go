package fees_test

import (
	"testing"

	"github.com/comply-go/comply/fees"
	"github.com/shopspring/decimal"
)

var sinkDec decimal.Decimal

// BenchmarkEffectiveRate measures the cost of one transaction: the worked
// example (fee, share, day count, annual rate) and a full Check against
// three ceilings, beside a baseline of the single decimal division
// fee / payout rounded to 4 places.
func BenchmarkEffectiveRate(b *testing.B) {
	tx := cashOut("100000", payout("80000"), due(2026, 10, 31))
	b.Run("baseline_decimal_div", func(b *testing.B) {
		fee, pay := decimal.NewFromInt(20000), decimal.NewFromInt(80000)
		b.ReportAllocs()
		for b.Loop() {
			sinkDec = fee.DivRound(pay, 4)
		}
	})
	b.Run("compute", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, _, err := fees.Compute(tx, seoul, 4)
			if err != nil {
				b.Fatal(err)
			}
			sinkDec = c.AnnualRate
		}
	})
	b.Run("check_within_ceilings", func(b *testing.B) {
		c, err := fees.Compile(krCeilings, &fees.Options{Location: seoul})
		if err != nil {
			b.Fatal(err)
		}
		free := cashOut("100000", payout("100000"), due(2026, 10, 31))
		b.ReportAllocs()
		for b.Loop() {
			if fs, err := c.Check(free); err != nil || len(fs) != 0 {
				b.Fatal(fs, err)
			}
		}
	})
	b.Run("check_above_ceilings", func(b *testing.B) {
		c, err := fees.Compile(krCeilings, &fees.Options{Location: seoul})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if fs, err := c.Check(tx); err != nil || len(fs) != 3 {
				b.Fatal(fs, err)
			}
		}
	})
}
