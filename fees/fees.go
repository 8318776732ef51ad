package fees

import (
	"fmt"
	"strconv"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Errors. They are constants and are wrapped with %w.
const (
	// ErrDueBeforeTransaction: an advance whose bill is due before the
	// transaction's own day (in the pack's time zone).
	ErrDueBeforeTransaction sentinel = "fees: advance due before the transaction's day"
	// ErrInvalidPolicy: a policy [Compile] refuses.
	ErrInvalidPolicy sentinel = "fees: invalid policy"
)

// Basis is how an annual rate is computed from a fee and a term.
type Basis string

// SimpleActual365 is simple interest on actual calendar days over a
// 365-day year: fee / principal × 365 / days. It is the only basis so far
// and the default.
const SimpleActual365 Basis = "simple_actual_365"

// DefaultPrecision is the default number of decimal places of percent
// shown for rates and shares.
const DefaultPrecision = 4

// Cost is the effective cost of one transaction. All amounts are in the
// transaction's currency.
type Cost struct {
	// Amount is what the customer pays or owes: the transaction amount.
	Amount decimal.Decimal
	// Payout is what the customer receives; Amount − Fee when only the fee
	// was given.
	Payout decimal.Decimal
	// Fee is the larger of the declared fee and Amount − Payout.
	Fee decimal.Decimal
	// FeeShare is Fee / Amount × 100, rounded to the precision.
	FeeShare decimal.Decimal
	// Advance reports whether the transaction is an advance, for which
	// Days and AnnualRate are set.
	Advance bool
	// Days is the day count of the advance: calendar days from the
	// transaction's day to the due day, at least 1.
	Days int64
	// From and Due are the transaction's day and the due day.
	From, Due payment.Date
	// AnnualRate is Fee / Payout × 365 / Days × 100, rounded to the
	// precision; meaningless when Unbounded.
	AnnualRate decimal.Decimal
	// Unbounded is set when the customer receives nothing now (a zero
	// payout) for a positive fee: the rate has no finite value.
	Unbounded bool
	// Precision is the number of decimal places of the rounded figures.
	Precision int32
}

// Compute returns the cost of tx, with calendar days in loc (nil: UTC) and
// rates rounded to precision decimal places of percent (0 means
// [DefaultPrecision]). ok is false when tx carries neither a fee nor a
// payout. tx must have passed [payment.Transaction.Validate]; the only
// error is [ErrDueBeforeTransaction].
func Compute(tx *payment.Transaction, loc *time.Location, precision int32) (c Cost, ok bool, err error) {
	if tx.Fee == nil && tx.Payout == nil {
		return Cost{}, false, nil
	}
	if precision <= 0 {
		precision = DefaultPrecision
	}
	c = Cost{Amount: tx.Amount.Amount, Precision: precision}
	switch {
	case tx.Payout != nil:
		c.Payout = tx.Payout.Amount
		c.Fee = c.Amount.Sub(c.Payout)
		if tx.Fee != nil && tx.Fee.Amount.GreaterThan(c.Fee) {
			c.Fee = tx.Fee.Amount
		}
	default:
		c.Fee = tx.Fee.Amount
		c.Payout = c.Amount.Sub(c.Fee)
	}
	c.FeeShare = c.Fee.Mul(hundred).DivRound(c.Amount, precision)
	if tx.Advance == nil {
		return c, true, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	c.Advance = true
	lt := tx.Time.In(loc)
	c.From = payment.Date{Year: lt.Year(), Month: lt.Month(), Day: lt.Day()}
	c.Due = tx.Advance.Due
	days := dayNumber(c.Due) - dayNumber(c.From)
	if days < 0 {
		return Cost{}, false, fmt.Errorf("%w: due %s, transaction on %s (%s)", ErrDueBeforeTransaction, c.Due, c.From, loc)
	}
	c.Days = max(days, 1)
	if c.Payout.Sign() == 0 {
		c.Unbounded = c.Fee.Sign() > 0
		return c, true, nil
	}
	num, den := c.rate()
	c.AnnualRate = num.DivRound(den, precision)
	return c, true, nil
}

var (
	hundred   = decimal.NewFromInt(100)
	pctYear   = decimal.NewFromInt(36500)
	unixEpoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
)

// dayNumber is the number of days from 1970-01-01 to d.
func dayNumber(d payment.Date) int64 {
	return int64(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Sub(unixEpoch) / (24 * time.Hour))
}

// rate returns the exact annual rate in percent as num / den.
func (c *Cost) rate() (num, den decimal.Decimal) {
	return c.Fee.Mul(pctYear), c.Payout.Mul(decimal.NewFromInt(c.Days))
}

// RateAbove reports whether the exact annual rate is strictly above
// percent. It is false for a transaction that is not an advance.
func (c *Cost) RateAbove(percent decimal.Decimal) bool {
	if !c.Advance {
		return false
	}
	if c.Unbounded {
		return true
	}
	num, den := c.rate()
	return num.GreaterThan(percent.Mul(den))
}

// ShareAbove reports whether the exact fee share is strictly above
// percent.
func (c *Cost) ShareAbove(percent decimal.Decimal) bool {
	return c.Fee.Mul(hundred).GreaterThan(percent.Mul(c.Amount))
}

// RateString renders the rounded annual rate, or "unbounded".
func (c *Cost) RateString() string {
	if c.Unbounded {
		return "unbounded"
	}
	return c.AnnualRate.StringFixed(c.Precision)
}

// Formula renders the annual-rate computation with the figures filled in,
// e.g. "20000 / 80000 × 365 / 30 × 100 = 304.1667% (simple, actual/365)".
func (c *Cost) Formula() string {
	if !c.Advance {
		return c.Fee.String() + " / " + c.Amount.String() + " × 100 = " + c.FeeShare.StringFixed(c.Precision) + "% (fee share)"
	}
	return c.Fee.String() + " / " + c.Payout.String() + " × 365 / " + strconv.FormatInt(c.Days, 10) +
		" × 100 = " + c.RateString() + "% (simple, actual/365)"
}

// Values returns the cost as finding values, in a stable order.
func (c *Cost) Values(cur payment.Currency) []rule.Value {
	vs := []rule.Value{
		{Name: "amount", Value: c.Amount.String() + " " + string(cur)},
		{Name: "payout", Value: c.Payout.String() + " " + string(cur)},
		{Name: "fee", Value: c.Fee.String() + " " + string(cur)},
		{Name: "fee_share_percent", Value: c.FeeShare.StringFixed(c.Precision)},
	}
	if c.Advance {
		vs = append(vs,
			rule.Value{Name: "principal", Value: c.Payout.String() + " " + string(cur)},
			rule.Value{Name: "days", Value: strconv.FormatInt(c.Days, 10)},
			rule.Value{Name: "day_count", Value: "actual/365, " + c.From.String() + " to " + c.Due.String() + " in the pack's time zone; a same-day bill counts as 1 day"},
			rule.Value{Name: "annual_rate_percent", Value: c.RateString()},
		)
	}
	vs = append(vs,
		rule.Value{Name: "formula", Value: c.Formula()},
		rule.Value{Name: "rounding", Value: strconv.Itoa(int(c.Precision)) + " decimal places of percent, half away from zero; the ceiling is compared with the exact rate"},
	)
	return vs
}
