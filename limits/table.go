package limits

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

// Options configures [NewTable]. The zero value is not enough: Currency is
// required.
type Options struct {
	// Currency is the currency of every amount in the table. Required.
	Currency payment.Currency
	// Location is the time zone of calendar windows and effective dates.
	// Default: UTC.
	Location *time.Location
	// File names the source of the rows in error positions. Optional.
	File string
	// Positions gives, row by row, where each row stands in File, for
	// error positions. Optional.
	Positions []rule.Pos
}

// Row is a compiled [Limit]. Its fields are read-only.
type Row struct {
	Limit
	// Index is the row's position in the table.
	Index int
	// Classes is the set of store entry classes the row counts (credits,
	// for a Balance), as a bit mask of [Class] values.
	Classes uint64
	// Debits is, for a Balance, the set of classes that reduce it.
	Debits uint64

	from, until time.Time // [from, until); zero means unbounded
	channels    uint16
	directions  uint8
	funding     uint16
	tiers       uint8
}

// InForce reports whether the row applies at t.
func (r *Row) InForce(t time.Time) bool {
	return (r.from.IsZero() || !t.Before(r.from)) && (r.until.IsZero() || t.Before(r.until))
}

// matches reports whether the row applies to tx, without looking at time.
func (r *Row) matches(tx *payment.Transaction) bool {
	if r.channels&(1<<tx.Channel) == 0 {
		return false
	}
	// A balance row applies to every direction on its channels: credits
	// are checked, debits are recorded and reduce the balance.
	if r.Kind != Balance && r.directions&(1<<tx.Direction) == 0 {
		return false
	}
	if r.funding != 0 && r.funding&(1<<tx.Funding) == 0 {
		return false
	}
	return r.tiers&(1<<tx.Customer.Tier) != 0
}

// allowsTier reports whether the row applies to customers at tier t.
func (r *Row) allowsTier(t payment.Tier) bool { return r.tiers&(1<<t) != 0 }

// Table is a compiled limit table. It is immutable and safe for concurrent
// use by multiple goroutines.
type Table struct {
	currency payment.Currency
	loc      *time.Location
	rows     []*Row
	// byClass lists, for each channel × direction class, the rows that may
	// apply (before tier, funding and time are checked).
	byClass [64][]*Row
}

// NewTable validates and compiles rows. It returns a [rule.ErrorList] naming
// every problem: a row without ID or citation, an unknown kind, a missing
// or negative bound, an unknown channel, direction or tier, an empty
// effective period, or rows with the same ID whose periods overlap
// ([rule.CodeLimitsOverlap]).
func NewTable(rows []Limit, opts *Options) (*Table, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	var errs rule.ErrorList
	if _, err := payment.ParseCurrency(string(o.Currency)); err != nil {
		errs.Add(rule.Pos{File: o.File}, rule.CodeLimitsSchema, "table currency: %v", err)
	}
	t := &Table{currency: o.Currency, loc: o.Location}
	for i := range rows {
		r, rowErrs := compileRow(&rows[i], i, &o)
		errs = append(errs, rowErrs...)
		if r != nil {
			t.rows = append(t.rows, r)
		}
	}
	// Overlapping periods of rows with one ID.
	for i, a := range t.rows {
		for _, b := range t.rows[i+1:] {
			if a.ID == b.ID && overlaps(a, b) {
				pos := rule.Pos{File: o.File}
				if b.Index < len(o.Positions) {
					pos = o.Positions[b.Index]
				}
				errs.Add(pos, rule.CodeLimitsOverlap, "rows %d and %d (%s) are both in force on some day; give them disjoint from/until dates", a.Index, b.Index, a.ID)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for _, r := range t.rows {
		if r.Disabled {
			continue
		}
		for ch := 1; ch < payment.NumChannels; ch++ {
			for dir := 1; dir < payment.NumDirections; dir++ {
				if r.channels&(1<<ch) != 0 && (r.directions&(1<<dir) != 0 || r.Kind == Balance) {
					c := Class(payment.Channel(ch), payment.Direction(dir))
					t.byClass[c] = append(t.byClass[c], r)
				}
			}
		}
	}
	return t, nil
}

func overlaps(a, b *Row) bool {
	// [a.from, a.until) ∩ [b.from, b.until) ≠ ∅ with zero as unbounded.
	aEndsBeforeB := !a.until.IsZero() && !b.from.IsZero() && !a.until.After(b.from)
	bEndsBeforeA := !b.until.IsZero() && !a.from.IsZero() && !b.until.After(a.from)
	return !aEndsBeforeB && !bEndsBeforeA
}

func compileRow(l *Limit, i int, o *Options) (*Row, rule.ErrorList) {
	var errs rule.ErrorList
	pos := rule.Pos{File: o.File}
	if i < len(o.Positions) {
		pos = o.Positions[i]
	}
	bad := func(format string, args ...any) {
		errs.Add(pos, rule.CodeLimitsSchema, "row %d (%s): "+format, append([]any{i, l.ID}, args...)...)
	}
	r := &Row{Limit: *l, Index: i}
	if l.ID == "" {
		bad("missing id")
	} else if strings.ContainsAny(string(l.ID), " \t\n") {
		bad("id contains white space")
	}
	if l.Citation.Law == "" {
		bad("missing citation: every limit and threshold must name its legal source")
	}
	switch {
	case l.Kind == KindUnspecified || l.Kind >= numKinds:
		bad("unknown kind %s", l.Kind)
	case l.Kind == Rolling && l.Window <= 0:
		bad("rolling row needs a positive window")
	case l.Kind != Rolling && l.Window != 0:
		bad("window is only for rolling rows")
	}
	if l.Kind == Prohibition {
		if l.MaxAmount.Valid || l.LimitCount {
			bad("a prohibition has no amount or count bound")
		}
	} else if l.Kind != KindUnspecified {
		if !l.MaxAmount.Valid && !l.LimitCount {
			bad("needs max_amount or max_count")
		}
		if l.MaxAmount.Valid && l.MaxAmount.Decimal.Sign() < 0 {
			bad("max_amount %s is negative", l.MaxAmount.Decimal)
		}
		if l.LimitCount && l.MaxCount < 0 {
			bad("max_count %d is negative", l.MaxCount)
		}
		if l.LimitCount && (l.Kind == PerTransaction || l.Kind == Balance) {
			bad("a %s row cannot limit a count", l.Kind)
		}
	}
	if l.Report != nil {
		if !l.Kind.Windowed() && l.Kind != PerTransaction || l.Kind == Balance {
			bad("a report threshold must be per transaction or over a rolling, day or month window")
		}
		if l.Report.Kind == "" {
			bad("report without kind")
		}
		if l.Action != rule.ActionUnspecified && l.Action != rule.Allow {
			bad("a report threshold does not refuse; leave action empty")
		}
	} else if l.Action != rule.ActionUnspecified && !l.Action.Valid() {
		bad("unknown action %s", l.Action)
	}
	if l.Disabled && l.DisabledReason == "" {
		bad("disabled without disabled_reason")
	}
	r.channels = maskChannels(l.Channels, &bad)
	r.funding = 0
	if len(l.Funding) > 0 {
		r.funding = maskChannels(l.Funding, &bad)
	}
	r.directions = maskDirections(l.Directions, l.Kind == Balance, &bad)
	r.tiers = 0
	if len(l.Tiers) == 0 {
		r.tiers = 1<<payment.NumTiers - 1
	}
	for _, tier := range l.Tiers {
		if !tier.Valid() {
			bad("unknown tier %s", tier)
			continue
		}
		r.tiers |= 1 << tier
	}
	if !l.From.IsZero() {
		r.from = time.Date(l.From.Year, l.From.Month, l.From.Day, 0, 0, 0, 0, o.Location)
	}
	if !l.Until.IsZero() {
		r.until = time.Date(l.Until.Year, l.Until.Month, l.Until.Day+1, 0, 0, 0, 0, o.Location)
	}
	if !r.from.IsZero() && !r.until.IsZero() && !r.from.Before(r.until) {
		bad("from %s is after until %s", l.From, l.Until)
	}
	for ch := 1; ch < payment.NumChannels; ch++ {
		if r.channels&(1<<ch) == 0 {
			continue
		}
		for dir := 1; dir < payment.NumDirections; dir++ {
			c := uint64(1) << Class(payment.Channel(ch), payment.Direction(dir))
			if r.directions&(1<<dir) != 0 {
				r.Classes |= c
			} else if l.Kind == Balance {
				r.Debits |= c
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return r, nil
}

func maskChannels(chs []payment.Channel, bad *func(string, ...any)) uint16 {
	if len(chs) == 0 {
		return 1<<payment.NumChannels - 2 // every valid channel
	}
	var m uint16
	for _, c := range chs {
		if !c.Valid() {
			(*bad)("unknown channel %s", c)
			continue
		}
		m |= 1 << c
	}
	return m
}

func maskDirections(dirs []payment.Direction, balance bool, bad *func(string, ...any)) uint8 {
	if len(dirs) == 0 {
		if balance {
			return 1 << payment.CashIn
		}
		return 1<<payment.NumDirections - 2
	}
	var m uint8
	for _, d := range dirs {
		if !d.Valid() {
			(*bad)("unknown direction %s", d)
			continue
		}
		m |= 1 << d
	}
	return m
}

// Currency returns the table's currency.
func (t *Table) Currency() payment.Currency { return t.currency }

// Location returns the table's time zone.
func (t *Table) Location() *time.Location { return t.loc }

// Rows returns the compiled rows, in table order. The slice must not be
// changed.
func (t *Table) Rows() []*Row { return t.rows }

// Applicable appends to dst the enabled rows that apply to tx — its channel,
// direction, funding source and customer tier — and are in force at tx.Time,
// and returns the extended slice. tx must be valid.
func (t *Table) Applicable(tx *payment.Transaction, dst []*Row) []*Row {
	c := Class(tx.Channel, tx.Direction)
	if c >= 64 {
		return dst
	}
	for _, r := range t.byClass[c] {
		if r.matches(tx) && r.InForce(tx.Time) {
			dst = append(dst, r)
		}
	}
	return dst
}

// CheckTransaction appends to dst the findings of the rows in rows that need
// no history — prohibitions and per-transaction caps and thresholds — and
// returns the extended slice. amount is tx's amount in the table's currency.
// Windowed rows in rows are skipped; per-transaction report thresholds are
// returned by [Table.TransactionReports].
func (t *Table) CheckTransaction(tx *payment.Transaction, amount decimal.Decimal, rows []*Row, dst []rule.Finding) []rule.Finding {
	for _, r := range rows {
		switch {
		case r.Kind == Prohibition:
			dst = append(dst, rule.Finding{
				Rule:     r.ID,
				Action:   orDefault(r.Action, rule.Block),
				Code:     rule.CodeProhibited,
				Message:  t.prohibitionMessage(r, tx),
				Citation: r.Citation,
				Values: []rule.Value{
					{Name: "channel", Value: tx.Channel.String()},
					{Name: "direction", Value: tx.Direction.String()},
					{Name: "funding", Value: tx.Funding.String()},
				},
			})
		case r.Kind == PerTransaction && r.Report == nil:
			if !r.exceeds(decimal.Zero, 0, amount) {
				continue
			}
			dst = append(dst, t.Breach(tx, r, amount, decimal.Zero, 0))
		}
	}
	return dst
}

// TransactionReports appends to dst the report duties of per-transaction
// thresholds in rows that amount reaches.
func (t *Table) TransactionReports(tx *payment.Transaction, amount decimal.Decimal, rows []*Row, dst []rule.Report) []rule.Report {
	for _, r := range rows {
		if r.Kind == PerTransaction && r.Report != nil && r.Reaches(amount) {
			dst = append(dst, t.ReportDuty(tx, r, amount))
		}
	}
	return dst
}

func (t *Table) prohibitionMessage(r *Row, tx *payment.Transaction) string {
	if r.Description != "" {
		return fmt.Sprintf("%s is prohibited: %s", describe(tx), r.Description)
	}
	return describe(tx) + " is prohibited"
}

func describe(tx *payment.Transaction) string {
	s := tx.Channel.String() + " " + tx.Direction.String()
	if tx.Funding != payment.ChannelUnspecified {
		s += " funded by " + tx.Funding.String()
	}
	return s
}

func orDefault(a, def rule.Action) rule.Action {
	if a == rule.ActionUnspecified {
		return def
	}
	return a
}

// exceeds reports whether adding amount (and one to the count) to the
// totals used and count breaks the row's bounds.
func (r *Row) exceeds(used decimal.Decimal, count int64, amount decimal.Decimal) bool {
	if r.MaxAmount.Valid {
		c := used.Add(amount).Cmp(r.MaxAmount.Decimal)
		if c > 0 || (r.Exclusive && c == 0) {
			return true
		}
	}
	if r.LimitCount {
		if count+1 > r.MaxCount || (r.Exclusive && count+1 == r.MaxCount) {
			return true
		}
	}
	return false
}

// Reaches reports whether total reaches the row's report threshold: at
// least MaxAmount, or more than it when Exclusive.
func (r *Row) Reaches(total decimal.Decimal) bool {
	c := total.Cmp(r.MaxAmount.Decimal)
	return c > 0 || (!r.Exclusive && c == 0)
}

// Bound renders the row's bound with its operator and currency, e.g.
// "<= 1000000 KRW".
func (t *Table) Bound(r *Row) string {
	var parts []string
	if r.MaxAmount.Valid {
		op := "<="
		switch {
		case r.Report != nil && r.Exclusive:
			op = ">"
		case r.Report != nil:
			op = ">="
		case r.Exclusive:
			op = "<"
		}
		parts = append(parts, op+" "+r.MaxAmount.Decimal.String()+" "+string(t.currency))
	}
	if r.LimitCount {
		op := "<="
		if r.Exclusive {
			op = "<"
		}
		parts = append(parts, fmt.Sprintf("%s %d transactions", op, r.MaxCount))
	}
	return strings.Join(parts, " and ")
}

// WindowName describes the row's window, e.g. "calendar month (Asia/Seoul)".
func (t *Table) WindowName(r *Row) string {
	switch r.Kind {
	case PerTransaction:
		return "per transaction"
	case Rolling:
		return "rolling " + r.Window.String()
	case Day:
		return "calendar day (" + t.loc.String() + ")"
	case Month:
		return "calendar month (" + t.loc.String() + ")"
	case Balance:
		return "balance"
	}
	return r.Kind.String()
}

// Breach returns the finding for a transaction of amount (in the table's
// currency) that breaks row r, given the totals used and count already in
// r's window (zero for a per-transaction row). The action is r.Action if
// set; otherwise StepUp to the lowest higher KYC tier that r's group would
// allow, naming it in Requires; otherwise Block.
func (t *Table) Breach(tx *payment.Transaction, r *Row, amount, used decimal.Decimal, count int64) rule.Finding {
	f := rule.Finding{
		Rule:     r.ID,
		Action:   r.Action,
		Code:     rule.CodeLimitExceeded,
		Citation: r.Citation,
	}
	total := used.Add(amount)
	f.Values = append(make([]rule.Value, 0, 5),
		rule.Value{Name: "amount", Value: amount.String() + " " + string(t.currency)},
		rule.Value{Name: "limit", Value: t.Bound(r)},
		rule.Value{Name: "window", Value: t.WindowName(r)},
	)
	if r.Kind != PerTransaction {
		f.Values = append(f.Values,
			rule.Value{Name: "used", Value: used.String() + " " + string(t.currency)},
			rule.Value{Name: "total", Value: total.String() + " " + string(t.currency)})
	}
	if r.Kind == PerTransaction {
		f.Code = rule.CodeThreshold
	}
	if f.Action == rule.ActionUnspecified {
		f.Action = rule.Block
		if tier, ok := t.stepUpTier(tx, r, amount, used, count); ok {
			f.Action = rule.StepUp
			f.Requires = []string{"tier:" + tier.String()}
		}
	}
	what := r.Description
	if what == "" {
		what = string(r.ID)
	}
	if r.Kind == PerTransaction {
		f.Message = fmt.Sprintf("%s: %s %s is outside %s for a customer at tier %s", what, amount, t.currency, t.Bound(r), tx.Customer.Tier)
	} else {
		f.Message = fmt.Sprintf("%s: %s total %s %s would break %s", what, t.WindowName(r), total, t.currency, t.Bound(r))
	}
	if f.Action == rule.StepUp && len(f.Requires) > 0 {
		f.Message += "; verification to " + f.Requires[0] + " would allow it"
	}
	return f
}

// stepUpTier finds the lowest tier above the customer's at which the
// transaction would pass r's group.
func (t *Table) stepUpTier(tx *payment.Transaction, r *Row, amount, used decimal.Decimal, count int64) (payment.Tier, bool) {
	if r.Group == "" {
		return 0, false
	}
	for tier := tx.Customer.Tier + 1; tier.Valid(); tier++ {
		var governing *Row
		for _, o := range t.rows {
			if o.Group == r.Group && !o.Disabled && o.Report == nil && o.allowsTier(tier) && o.InForce(tx.Time) && o.Kind == r.Kind {
				governing = o
				break
			}
		}
		if governing == nil || !governing.exceeds(used, count, amount) {
			return tier, true
		}
	}
	return 0, false
}

// ReportDuty returns the report duty raised by threshold row r for a
// transaction whose window total (including it) is total.
func (t *Table) ReportDuty(tx *payment.Transaction, r *Row, total decimal.Decimal) rule.Report {
	rep := rule.Report{
		Kind:        r.Report.Kind,
		Rule:        r.ID,
		Threshold:   t.Bound(r),
		Aggregation: t.aggregation(r),
		Total:       total.String() + " " + string(t.currency),
		Due:         r.Report.Due,
		Citation:    r.Citation,
	}
	local := tx.Time.In(t.loc)
	switch r.Kind {
	case Day:
		rep.Key = string(r.ID) + ":" + tx.Customer.ID + ":" + local.Format(time.DateOnly)
	case Month:
		rep.Key = string(r.ID) + ":" + tx.Customer.ID + ":" + local.Format("2006-01")
	default:
		rep.Key = string(r.ID) + ":" + tx.ID
	}
	return rep
}

func (t *Table) aggregation(r *Row) string {
	var chs, dirs []string
	for _, c := range r.Channels {
		chs = append(chs, c.String())
	}
	for _, d := range r.Directions {
		dirs = append(dirs, d.String())
	}
	what := "all channels"
	if len(chs) > 0 {
		what = strings.Join(chs, "+")
	}
	if len(dirs) > 0 {
		what += " " + strings.Join(dirs, "+")
	}
	return what + " per customer, " + t.WindowName(r)
}

// TierSet returns the tiers a row applies to, in order.
func (r *Row) TierSet() []payment.Tier {
	var out []payment.Tier
	for t := payment.Tier(0); t.Valid(); t++ {
		if r.allowsTier(t) {
			out = append(out, t)
		}
	}
	return slices.Clip(out)
}
