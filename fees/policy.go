package fees

import (
	"fmt"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

// Measure is what a [Ceiling] limits.
type Measure string

// The measures.
const (
	// AnnualRate is the effective annual rate of an advance, in percent.
	// Transactions that are not advances have none and pass.
	AnnualRate Measure = "annual_rate"
	// FeeShare is the fee as a share of the amount, in percent.
	FeeShare Measure = "fee_share"
)

// Ceiling is one legal maximum on the cost of a transaction. A transaction
// whose exact measure is strictly above Percent gets a finding with
// Action.
type Ceiling struct {
	// ID is the finding's rule id, e.g. "kr.fees.advance_rate_cap".
	ID rule.ID `yaml:"id"`
	// Description says what the ceiling is, in one sentence.
	Description string `yaml:"description,omitempty"`
	// Measure is what is limited. Required.
	Measure Measure `yaml:"measure"`
	// Percent is the ceiling in percent (20 means 20% a year for
	// [AnnualRate]). Required; not negative.
	Percent decimal.Decimal `yaml:"percent"`
	// Action is what a transaction above the ceiling gets: review, step_up
	// or block. Required.
	Action rule.Action `yaml:"action"`
	// From and Until bound the days, in the pack's time zone, on which the
	// ceiling is in force; zero means unbounded. Until is inclusive.
	From  payment.Date `yaml:"from,omitempty"`
	Until payment.Date `yaml:"until,omitempty"`
	// Disabled keeps a ceiling in the pack without applying it;
	// DisabledReason says why.
	Disabled       bool   `yaml:"disabled,omitempty"`
	DisabledReason string `yaml:"disabled_reason,omitempty"`
	// Citation is the legal source. Required (law).
	Citation rule.Citation `yaml:"citation"`
}

// Policy is a pack's fee-transparency rules: how rates are computed and
// the ceilings that apply. The zero Policy computes nothing.
type Policy struct {
	// Basis is how annual rates are computed. Default: [SimpleActual365].
	Basis Basis `yaml:"basis,omitempty"`
	// Precision is the number of decimal places of percent shown for rates
	// and shares, 1 to 12. Default: [DefaultPrecision] (4).
	Precision int32 `yaml:"precision,omitempty"`
	// Ceilings are checked in order; every one exceeded gives a finding.
	Ceilings []Ceiling `yaml:"ceilings"`
}

// Checker is a compiled [Policy]. A *Checker is immutable and safe for
// concurrent use by multiple goroutines.
type Checker struct {
	ceilings  []Ceiling
	precision int32
	loc       *time.Location
}

// Options configure [Compile]. A nil *Options means the defaults.
type Options struct {
	// Location is the time zone of day counts and effective dates.
	// Default: UTC.
	Location *time.Location
}

// Compile checks p and returns its [Checker]. Errors are a
// [rule.ErrorList] of [rule.CodePackSchema] errors, each message starting
// with the field path ("ceilings[0].percent: …") and wrapping
// [ErrInvalidPolicy].
func Compile(p Policy, opts *Options) (*Checker, error) {
	var errs rule.ErrorList
	bad := func(field, format string, args ...any) {
		errs = append(errs, &rule.Error{Code: rule.CodePackSchema, Msg: field + ": " + fmt.Sprintf(format, args...), Err: ErrInvalidPolicy})
	}
	if p.Basis != "" && p.Basis != SimpleActual365 {
		bad("basis", "unknown basis %q (want %s)", p.Basis, SimpleActual365)
	}
	c := &Checker{precision: p.Precision, loc: time.UTC}
	if opts != nil && opts.Location != nil {
		c.loc = opts.Location
	}
	if p.Precision == 0 {
		c.precision = DefaultPrecision
	} else if p.Precision < 1 || p.Precision > 12 {
		bad("precision", "%d is not between 1 and 12", p.Precision)
	}
	seen := map[rule.ID]bool{}
	for i, ce := range p.Ceilings {
		f := fmt.Sprintf("ceilings[%d]", i)
		switch {
		case ce.ID == "":
			bad(f+".id", "required")
		case seen[ce.ID]:
			bad(f+".id", "%s given twice", ce.ID)
		}
		seen[ce.ID] = true
		if ce.Measure != AnnualRate && ce.Measure != FeeShare {
			bad(f+".measure", "unknown measure %q (want %s or %s)", ce.Measure, AnnualRate, FeeShare)
		}
		if ce.Percent.Sign() < 0 {
			bad(f+".percent", "%s is negative", ce.Percent)
		}
		if ce.Action <= rule.Allow || !ce.Action.Valid() {
			bad(f+".action", "want review, step_up or block, not %s", ce.Action)
		}
		if ce.Citation.Law == "" {
			bad(f+".citation", "every ceiling must name its legal source (law)")
		}
		if !ce.From.IsZero() && !ce.Until.IsZero() && ce.Until.Before(ce.From) {
			bad(f+".until", "%s is before from %s", ce.Until, ce.From)
		}
		if ce.Disabled && ce.DisabledReason == "" {
			bad(f+".disabled_reason", "a disabled ceiling must say why")
		}
		if !ce.Disabled {
			c.ceilings = append(c.ceilings, ce)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Precision returns the number of decimal places of percent the checker
// shows.
func (c *Checker) Precision() int32 { return c.precision }

// Check computes the cost of tx and returns a finding for every ceiling in
// force on the transaction's day that the cost exceeds, with the computed
// figures and the formula in its Values. A transaction without a fee or a
// payout, and one within every ceiling, gets none. tx must have passed
// [payment.Transaction.Validate]; the only error is
// [ErrDueBeforeTransaction].
func (c *Checker) Check(tx *payment.Transaction) ([]rule.Finding, error) {
	if c == nil || len(c.ceilings) == 0 || tx.Fee == nil && tx.Payout == nil {
		return nil, nil
	}
	cost, ok, err := Compute(tx, c.loc, c.precision)
	if err != nil || !ok {
		return nil, err
	}
	lt := tx.Time.In(c.loc)
	day := payment.Date{Year: lt.Year(), Month: lt.Month(), Day: lt.Day()}
	var out []rule.Finding
	var base []rule.Value // the cost's values, computed once for all findings
	for i := range c.ceilings {
		ce := &c.ceilings[i]
		if !ce.From.IsZero() && day.Before(ce.From) || !ce.Until.IsZero() && ce.Until.Before(day) {
			continue
		}
		var msg string
		switch ce.Measure {
		case AnnualRate:
			if !cost.RateAbove(ce.Percent) {
				continue
			}
			msg = fmt.Sprintf("effective annual rate %s%% (%s) is above the ceiling of %s%% a year",
				cost.RateString(), cost.Formula(), ce.Percent)
		case FeeShare:
			if !cost.ShareAbove(ce.Percent) {
				continue
			}
			msg = fmt.Sprintf("fee %s %s is %s%% of the amount, above the ceiling of %s%%",
				cost.Fee, tx.Amount.Currency, cost.FeeShare.StringFixed(cost.Precision), ce.Percent)
		}
		if base == nil {
			base = cost.Values(tx.Amount.Currency)
		}
		vs := make([]rule.Value, len(base), len(base)+2)
		copy(vs, base)
		vs = append(vs, rule.Value{Name: "ceiling_percent", Value: ce.Percent.String()}, rule.Value{Name: "measure", Value: string(ce.Measure)})
		out = append(out, rule.Finding{Rule: ce.ID, Action: ce.Action, Message: msg, Citation: ce.Citation, Values: vs})
	}
	return out, nil
}
