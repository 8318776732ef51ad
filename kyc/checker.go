package kyc

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Codes of the findings and errors of this package.
const (
	// CodePolicy marks an invalid [Policy] field.
	CodePolicy rule.Code = "kyc_policy_error"
	// CodeEDD marks a finding from an enhanced-due-diligence trigger.
	CodeEDD rule.Code = "kyc_edd"
	// CodeAge marks a finding from an age minimum.
	CodeAge rule.Code = "kyc_age"
	// CodeRefused marks a finding from a [Refusal].
	CodeRefused rule.Code = "kyc_refused"
)

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Sentinel errors of [Checker.Check].
const (
	// ErrCurrency is wrapped by the error Check returns when the
	// transaction amount is not in the pack currency. The error also wraps
	// [payment.ErrCurrencyMismatch].
	ErrCurrency sentinel = "kyc: amount not in the pack currency"
	// ErrNilTransaction is returned by Check for a nil transaction.
	ErrNilTransaction sentinel = "kyc: nil transaction"
)

// Checker is a compiled [Policy]. A Checker is immutable and safe for
// concurrent use by multiple goroutines.
type Checker struct {
	loc          *time.Location
	jurisdiction string
	currency     payment.Currency
	tierNames    [payment.NumTiers]string
	// tierChecks[t] is every verification tier t implies (its own and
	// those of lower tiers), in Check order.
	tierChecks [payment.NumTiers][]payment.Check
	cdd        []threshold
	edd        []eddTrigger
	age        []ageRule
	refusals   []refusal
	// byRoute[channel][direction] lists the indexes of the CDD thresholds
	// that can apply to that route, lowest amount first.
	byRoute [payment.NumChannels][payment.NumDirections][]int
}

type scope struct {
	channels   uint32 // bit per channel; 0 = all
	directions uint32
	from       payment.Date
	until      payment.Date
}

type threshold struct {
	Threshold
	sc     scope
	strict bool
	label  string // ">= 10000000 KRW"
}

type eddTrigger struct {
	EDDTrigger
	sc scope
}

type ageRule struct {
	AgeRule
	sc scope
}

type refusal struct {
	Refusal
	sc scope
}

// CompilePolicy validates p and compiles it. It checks that every rule has
// an id and a citation, that amounts are not negative, that operators,
// tiers, checks, channels, directions and countries are known, that
// effective dates are ordered, and that age minimums are positive. The
// error is a [rule.ErrorList] of [rule.Error] values with [CodePolicy],
// each naming the offending field. p is not retained: later changes to it do
// not affect the Checker.
func CompilePolicy(p Policy) (*Checker, error) {
	var errs rule.ErrorList
	add := func(field, format string, args ...any) {
		errs = append(errs, &rule.Error{Code: CodePolicy, Msg: field + ": " + fmt.Sprintf(format, args...)})
	}
	c := &Checker{jurisdiction: p.Jurisdiction, currency: p.Currency, loc: time.UTC}
	if p.TimeZone != "" {
		loc, err := time.LoadLocation(p.TimeZone)
		if err != nil {
			add("time_zone", "%q is not an IANA time zone", p.TimeZone)
		} else {
			c.loc = loc
		}
	}
	// "EU" is the reserved ISO 3166-1 code of the European Union, whose
	// pack judges the member states.
	if p.Jurisdiction != "" && p.Jurisdiction != "EU" {
		if _, err := payment.ParseCountry(p.Jurisdiction); err != nil {
			add("jurisdiction", "%v", err)
		}
	}
	if _, err := payment.ParseCurrency(string(p.Currency)); err != nil {
		add("currency", "%v", err)
	}
	for t := range payment.NumTiers {
		c.tierNames[t] = payment.Tier(t).String()
	}
	var own [payment.NumTiers][]payment.Check
	seenTier := map[payment.Tier]bool{}
	for i, ts := range p.Tiers {
		f := fmt.Sprintf("tiers[%d]", i)
		if !ts.Tier.Valid() {
			add(f+".tier", "unknown tier %s", ts.Tier)
			continue
		}
		if seenTier[ts.Tier] {
			add(f+".tier", "tier %s listed twice", ts.Tier)
		}
		seenTier[ts.Tier] = true
		if ts.Name != "" {
			c.tierNames[ts.Tier] = ts.Name
		}
		checkChecks(f+".requires", ts.Requires, add)
		own[ts.Tier] = ts.Requires
	}
	var acc []payment.Check
	for t := range payment.NumTiers {
		acc = mergeChecks(acc, own[t])
		c.tierChecks[t] = slices.Clone(acc)
	}

	for i, th := range p.CDD {
		f := fmt.Sprintf("cdd[%d]", i)
		ruleHeader(f, th.ID, th.Citation, add)
		sc := compileScope(f, th.Scope, add)
		checkRequirement(f+".require", th.Require, add)
		if th.Amount.Sign() < 0 {
			add(f+".amount", "negative threshold %s", th.Amount)
		}
		strict := false
		switch th.Operator {
		case "", ">=":
		case ">":
			strict = true
		default:
			add(f+".operator", "unknown operator %q: want \">=\" or \">\"", th.Operator)
		}
		op := ">="
		if strict {
			op = ">"
		}
		cp := th
		cp.Require.Checks = slices.Clone(th.Require.Checks)
		c.cdd = append(c.cdd, threshold{Threshold: cp, sc: sc, strict: strict,
			label: op + " " + th.Amount.String() + " " + string(p.Currency)})
	}
	for i, e := range p.EDD {
		f := fmt.Sprintf("edd[%d]", i)
		ruleHeader(f, e.ID, e.Citation, add)
		sc := compileScope(f, e.Scope, add)
		checkRequirement(f+".require", e.Require, add)
		switch e.Kind {
		case EDDPEP, EDDHighRisk:
			if len(e.Countries) > 0 {
				add(f+".countries", "only a %q trigger takes countries", EDDCountry)
			}
		case EDDCountry:
			if len(e.Countries) == 0 {
				add(f+".countries", "a %q trigger needs countries", EDDCountry)
			}
			checkCountries(f+".countries", e.Countries, add)
		default:
			add(f+".kind", "unknown EDD trigger %q: want pep, high_risk or country", e.Kind)
		}
		if e.MinAmount.Sign() < 0 {
			add(f+".min_amount", "negative amount %s", e.MinAmount)
		}
		cp := e
		cp.Countries = slices.Clone(e.Countries)
		cp.Require.Checks = slices.Clone(e.Require.Checks)
		c.edd = append(c.edd, eddTrigger{EDDTrigger: cp, sc: sc})
	}
	for i, a := range p.Age {
		f := fmt.Sprintf("age[%d]", i)
		ruleHeader(f, a.ID, a.Citation, add)
		sc := compileScope(f, a.Scope, add)
		if a.MinAge <= 0 || a.MinAge > 150 {
			add(f+".min_age", "%d is not a positive age", a.MinAge)
		}
		c.age = append(c.age, ageRule{AgeRule: a, sc: sc})
	}
	for i, r := range p.Refusals {
		f := fmt.Sprintf("refusals[%d]", i)
		ruleHeader(f, r.ID, r.Citation, add)
		sc := compileScope(f, r.Scope, add)
		if len(r.Countries) == 0 {
			add(f+".countries", "required")
		}
		checkCountries(f+".countries", r.Countries, add)
		cp := r
		cp.Countries = slices.Clone(r.Countries)
		c.refusals = append(c.refusals, refusal{Refusal: cp, sc: sc})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	order := make([]int, len(c.cdd))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return c.cdd[a].Amount.Cmp(c.cdd[b].Amount) })
	for ch := range payment.NumChannels {
		for d := range payment.NumDirections {
			for _, i := range order {
				if c.cdd[i].sc.route(payment.Channel(ch), payment.Direction(d)) {
					c.byRoute[ch][d] = append(c.byRoute[ch][d], i)
				}
			}
		}
	}
	return c, nil
}

func ruleHeader(f string, id rule.ID, cit rule.Citation, add func(string, string, ...any)) {
	if id == "" {
		add(f+".id", "required")
	}
	if cit.Law == "" {
		add(f+".citation", "a citation naming the law is required")
	}
}

func compileScope(f string, s Scope, add func(string, string, ...any)) scope {
	var sc scope
	for i, ch := range s.Channels {
		if !ch.Valid() {
			add(fmt.Sprintf("%s.channels[%d]", f, i), "unknown channel %s", ch)
			continue
		}
		sc.channels |= 1 << ch
	}
	for i, d := range s.Directions {
		if !d.Valid() {
			add(fmt.Sprintf("%s.directions[%d]", f, i), "unknown direction %s", d)
			continue
		}
		sc.directions |= 1 << d
	}
	if !s.From.IsZero() && !s.Until.IsZero() && s.Until.Before(s.From) {
		add(f+".until", "%s is before from %s", s.Until, s.From)
	}
	sc.from, sc.until = s.From, s.Until
	return sc
}

func checkRequirement(f string, r Requirement, add func(string, string, ...any)) {
	if !r.Tier.Valid() {
		add(f+".tier", "unknown tier %s", r.Tier)
	}
	if r.Tier == payment.TierUnverified && len(r.Checks) == 0 {
		add(f, "requires nothing: name a tier above unverified or a check")
	}
	checkChecks(f+".checks", r.Checks, add)
}

func checkChecks(f string, cs []payment.Check, add func(string, string, ...any)) {
	for i, ch := range cs {
		if ch == payment.CheckUnspecified || ch.String() == fmt.Sprintf("check(%d)", uint8(ch)) {
			add(fmt.Sprintf("%s[%d]", f, i), "unknown verification %s", ch)
		}
	}
}

func checkCountries(f string, cs []string, add func(string, string, ...any)) {
	for i, cc := range cs {
		if _, err := payment.ParseCountry(cc); err != nil {
			add(fmt.Sprintf("%s[%d]", f, i), "%v", err)
		}
	}
}

func mergeChecks(acc, more []payment.Check) []payment.Check {
	for _, ch := range more {
		if !slices.Contains(acc, ch) {
			acc = append(acc, ch)
		}
	}
	return acc
}

func (s *scope) route(ch payment.Channel, d payment.Direction) bool {
	return (s.channels == 0 || s.channels&(1<<ch) != 0) && (s.directions == 0 || s.directions&(1<<d) != 0)
}

// inForce reports whether day is within [from, until).
func (s *scope) inForce(day payment.Date) bool {
	if !s.from.IsZero() && day.Before(s.from) {
		return false
	}
	if !s.until.IsZero() && s.until.Before(day) {
		return false
	}
	return true
}

func (s *scope) applies(tx *payment.Transaction, day payment.Date) bool {
	return s.route(tx.Channel, tx.Direction) && s.inForce(day)
}

func dayOf(t time.Time) payment.Date {
	y, m, d := t.Date()
	return payment.Date{Year: y, Month: m, Day: d}
}

// Jurisdiction returns the pack's country code.
func (c *Checker) Jurisdiction() string { return c.jurisdiction }

// Currency returns the pack currency.
func (c *Checker) Currency() payment.Currency { return c.currency }

// TierName returns the local label of tier t, or its English name when the
// policy gives none.
func (c *Checker) TierName(t payment.Tier) string {
	if !t.Valid() {
		return t.String()
	}
	return c.tierNames[t]
}

// Check returns the findings of the policy for tx, in a stable order:
// refusals and age minimums (Block), then CDD thresholds and EDD triggers
// (StepUp, whose Requires names exactly the tier and verifications missing,
// e.g. "tier:full" and "verification:real_name"). It returns no findings
// when the customer has everything the transaction needs; that path does
// not allocate.
//
// Check expects tx.Amount in the pack currency (the engine converts first);
// when the currencies differ it returns an error wrapping [ErrCurrency] and
// [payment.ErrCurrencyMismatch], and no findings. It does not validate tx
// otherwise (call [payment.Transaction.Validate] first). The day of the
// transaction, for effective dates and ages, is the calendar date of
// tx.Time in tx.Time's location.
func (c *Checker) Check(tx *payment.Transaction) ([]rule.Finding, error) {
	if tx == nil {
		return nil, ErrNilTransaction
	}
	if tx.Amount.Currency != c.currency {
		return nil, fmt.Errorf("%w: %w: %s, want %s", ErrCurrency, payment.ErrCurrencyMismatch, tx.Amount.Currency, c.currency)
	}
	day := dayOf(tx.Time.In(c.loc))
	cust := &tx.Customer
	var out []rule.Finding

	for i := range c.refusals {
		r := &c.refusals[i]
		if !r.sc.applies(tx, day) {
			continue
		}
		who, cc := countryHit(tx, r.Countries)
		if who == "" {
			continue
		}
		out = append(out, rule.Finding{
			Rule:     r.ID,
			Action:   rule.Block,
			Code:     CodeRefused,
			Message:  fmt.Sprintf("the %s's country %s is refused: the customer can never qualify", who, cc),
			Citation: r.Citation,
			Values:   []rule.Value{{Name: who + ".country", Value: cc}},
		})
	}
	for i := range c.age {
		a := &c.age[i]
		if !a.sc.applies(tx, day) {
			continue
		}
		if f, ok := c.checkAge(a, tx); ok {
			out = append(out, f)
		}
	}
	ch, dir := tx.Channel, tx.Direction
	if ch.Valid() && dir.Valid() {
		for _, i := range c.byRoute[ch][dir] {
			th := &c.cdd[i]
			cmp := tx.Amount.Amount.Cmp(th.Amount)
			if cmp < 0 || (cmp == 0 && th.strict) {
				// Thresholds are sorted by amount: the rest are higher,
				// unless two share an amount with different operators.
				if cmp < 0 {
					break
				}
				continue
			}
			if !th.sc.inForce(day) || c.satisfied(cust, th.Require) {
				continue
			}
			req := c.missing(cust, th.Require)
			what := th.Description
			if what == "" {
				what = "CDD threshold"
			}
			out = append(out, rule.Finding{
				Rule:     th.ID,
				Action:   rule.StepUp,
				Code:     rule.CodeThreshold,
				Message:  fmt.Sprintf("%s: %s reaches %s; requires %s", what, tx.Amount, th.label, c.describe(th.Require, req)),
				Citation: th.Citation,
				Values: []rule.Value{
					{Name: "amount", Value: tx.Amount.String()},
					{Name: "threshold", Value: th.label},
					{Name: "customer.tier", Value: cust.Tier.String()},
					{Name: "required.tier", Value: th.Require.Tier.String()},
				},
				Requires: req,
			})
		}
	}
	for i := range c.edd {
		e := &c.edd[i]
		if !e.sc.applies(tx, day) {
			continue
		}
		var vals []rule.Value
		switch e.Kind {
		case EDDPEP:
			if !cust.PEP {
				continue
			}
			if c.satisfied(cust, e.Require) || tx.Amount.Amount.Cmp(e.MinAmount) < 0 {
				continue
			}
			vals = []rule.Value{{Name: "customer.pep", Value: "true"}}
		case EDDHighRisk:
			if cust.Risk != payment.RiskHigh {
				continue
			}
			if c.satisfied(cust, e.Require) || tx.Amount.Amount.Cmp(e.MinAmount) < 0 {
				continue
			}
			vals = []rule.Value{{Name: "customer.risk", Value: cust.Risk.String()}}
		case EDDCountry:
			who, cc := countryHit(tx, e.Countries)
			if who == "" {
				continue
			}
			if c.satisfied(cust, e.Require) || tx.Amount.Amount.Cmp(e.MinAmount) < 0 {
				continue
			}
			vals = []rule.Value{{Name: who + ".country", Value: cc}}
		}
		req := c.missing(cust, e.Require)
		vals = append(vals,
			rule.Value{Name: "customer.tier", Value: cust.Tier.String()},
			rule.Value{Name: "required.tier", Value: e.Require.Tier.String()})
		out = append(out, rule.Finding{
			Rule:     e.ID,
			Action:   rule.StepUp,
			Code:     CodeEDD,
			Message:  fmt.Sprintf("enhanced due diligence (%s) requires %s", e.Kind, c.describe(e.Require, req)),
			Citation: e.Citation,
			Values:   vals,
			Requires: req,
		})
	}
	return out, nil
}

func (c *Checker) checkAge(a *ageRule, tx *payment.Transaction) (rule.Finding, bool) {
	cust := &tx.Customer
	if !cust.Has(payment.CheckAge) || cust.BirthDate.IsZero() {
		minAge := fmt.Sprint(a.MinAge)
		msg := "the channel requires a verified age of at least " + minAge
		if cust.Has(payment.CheckAge) {
			msg += "; the verified birth date is missing"
		}
		return rule.Finding{
			Rule:     a.ID,
			Action:   rule.StepUp,
			Code:     CodeAge,
			Message:  msg,
			Citation: a.Citation,
			Values:   []rule.Value{{Name: "min_age", Value: minAge}},
			Requires: []string{"verification:" + payment.CheckAge.String()},
		}, true
	}
	age := cust.BirthDate.AgeAt(tx.Time.In(c.loc))
	if age >= a.MinAge {
		return rule.Finding{}, false
	}
	return rule.Finding{
		Rule:     a.ID,
		Action:   rule.Block,
		Code:     CodeAge,
		Message:  fmt.Sprintf("the customer is %d, under the minimum age %d of the channel: the customer can never qualify", age, a.MinAge),
		Citation: a.Citation,
		Values: []rule.Value{
			{Name: "customer.age", Value: fmt.Sprint(age)},
			{Name: "min_age", Value: fmt.Sprint(a.MinAge)},
		},
	}, true
}

// countryHit returns "customer" or "counterparty" and the country when
// either side's country is in list.
func countryHit(tx *payment.Transaction, list []string) (string, string) {
	if cc := tx.Customer.Country; cc != "" && slices.Contains(list, cc) {
		return "customer", cc
	}
	if tx.Counterparty != nil {
		if cc := tx.Counterparty.Country; cc != "" && slices.Contains(list, cc) {
			return "counterparty", cc
		}
	}
	return "", ""
}

// satisfied reports whether the customer meets r: tier at least r.Tier and
// every check of r.Checks verified. A customer's tier vouches for the
// checks of that tier.
func (c *Checker) satisfied(cust *payment.Customer, r Requirement) bool {
	if cust.Tier < r.Tier {
		return false
	}
	for _, ch := range r.Checks {
		if !cust.Has(ch) && !c.tierHas(cust.Tier, ch) {
			return false
		}
	}
	return true
}

func (c *Checker) tierHas(t payment.Tier, ch payment.Check) bool {
	return t.Valid() && slices.Contains(c.tierChecks[t], ch)
}

// missing lists what the customer lacks for r: "tier:<name>" when the tier
// is too low, then "verification:<check>" for every check of the required
// tier (cumulative) and of r.Checks that the customer has not passed.
func (c *Checker) missing(cust *payment.Customer, r Requirement) []string {
	var out []string
	var need []payment.Check
	if cust.Tier < r.Tier {
		out = append(out, "tier:"+r.Tier.String())
		need = append(need, c.tierChecks[r.Tier]...)
	}
	need = mergeChecks(need, r.Checks)
	for _, ch := range need {
		if cust.Has(ch) || c.tierHas(cust.Tier, ch) {
			continue
		}
		out = append(out, "verification:"+ch.String())
	}
	return out
}

func (c *Checker) describe(r Requirement, missing []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tier %s (%s)", r.Tier, c.TierName(r.Tier))
	for _, ch := range r.Checks {
		b.WriteString(" and ")
		b.WriteString(ch.String())
	}
	b.WriteString("; missing ")
	b.WriteString(strings.Join(missing, ", "))
	return b.String()
}
