package aml

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/shopspring/decimal"
)

// WindowKind is the shape of a [FactWindow].
type WindowKind uint8

// The window kinds.
const (
	WindowUnspecified WindowKind = iota
	// Rolling is the window (t−Duration, t], where t is the transaction's
	// time.
	Rolling
	// CalendarDay is the calendar day that contains t, in the pack's time
	// zone, up to t.
	CalendarDay
	// CalendarMonth is the calendar month that contains t, in the pack's
	// time zone, up to t.
	CalendarMonth
)

var windowKindNames = [...]string{"unspecified", "rolling", "day", "month"}

// String returns "rolling", "day", "month" or "unspecified".
func (k WindowKind) String() string {
	if int(k) < len(windowKindNames) {
		return windowKindNames[k]
	}
	return "window(" + strconv.Itoa(int(k)) + ")"
}

// FactWindow is the period a [Fact] is aggregated over. Every window is
// anchored at the evaluated transaction's time; calendar windows use the
// pack's time zone, which the engine knows.
type FactWindow struct {
	Kind WindowKind
	// Duration is the length of a Rolling window; zero otherwise.
	Duration time.Duration
}

// String renders the window the way rules name it: "30m", "24h", "7d",
// "day" or "month". Whole days from two days up are written in days.
func (w FactWindow) String() string {
	switch w.Kind {
	case CalendarDay:
		return "day"
	case CalendarMonth:
		return "month"
	case Rolling:
		switch d := w.Duration; {
		case d%(24*time.Hour) == 0 && d >= 48*time.Hour:
			return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
		case d%time.Hour == 0:
			return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
		case d%time.Minute == 0:
			return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
		}
		return w.Duration.String()
	}
	return w.Kind.String()
}

// maxRollingWindow bounds rolling windows named in rules.
const maxRollingWindow = 3660 * 24 * time.Hour

// parseWindow parses the window suffix of a velocity field: "<n>m", "<n>h",
// "<n>d", "day" or "month".
func parseWindow(s string) (FactWindow, bool) {
	switch s {
	case "day":
		return FactWindow{Kind: CalendarDay}, true
	case "month":
		return FactWindow{Kind: CalendarMonth}, true
	}
	if len(s) < 2 || s[0] == '0' {
		return FactWindow{}, false
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if err != nil || n <= 0 || n > 100000 {
		return FactWindow{}, false
	}
	var unit time.Duration
	switch s[len(s)-1] {
	case 'm':
		unit = time.Minute
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	default:
		return FactWindow{}, false
	}
	d := time.Duration(n) * unit
	if d > maxRollingWindow {
		return FactWindow{}, false
	}
	return FactWindow{Kind: Rolling, Duration: d}, true
}

// FactQuery asks for one aggregate of the customer's earlier transactions.
// Rules name queries through the vel variable; see the package
// documentation for the naming scheme.
type FactQuery struct {
	Window FactWindow
	// Channels selects the transactions counted by channel; nil means all.
	Channels []payment.Channel
	// Directions selects the transactions counted by direction; nil means
	// all.
	Directions []payment.Direction
}

// Matches reports whether the query counts transactions of channel c and
// direction d. A store that keys entries by channel × direction selects a
// query's entries with it.
func (q FactQuery) Matches(c payment.Channel, d payment.Direction) bool {
	return (q.Channels == nil || slices.Contains(q.Channels, c)) &&
		(q.Directions == nil || slices.Contains(q.Directions, d))
}

// String renders the query in the rule naming scheme, for example
// "carrier_billing.payment/month" or "all/24h".
func (q FactQuery) String() string {
	var parts []string
	for _, c := range q.Channels {
		parts = append(parts, c.String())
	}
	for _, d := range q.Directions {
		parts = append(parts, d.String())
	}
	if len(parts) == 0 {
		parts = append(parts, "all")
	}
	return strings.Join(parts, ".") + "/" + q.Window.String()
}

func (q FactQuery) key() string { return q.String() }

// Fact is the answer to one [FactQuery]: aggregates of the customer's
// transactions in the window, EXCLUDING the transaction being evaluated.
type Fact struct {
	// Sum is the total amount.
	Sum decimal.Decimal
	// SumSquares is the sum of the squared amounts, for an exact variance.
	SumSquares decimal.Decimal
	// Count is the number of transactions.
	Count int64
	// Distinct is the number of distinct non-empty counterparties.
	Distinct int64
	// Last is the time of the latest counted transaction; zero when none.
	Last time.Time
	// LastAmount is the amount of that transaction.
	LastAmount decimal.Decimal
}

// FactSource answers fact queries for the transaction being evaluated. The
// root engine implements it over the store, answering all queries in one
// round trip. Facts returns exactly one Fact per query, in order; an error
// means the facts could not be read, and [Program.Evaluate] then returns it
// rather than deciding.
type FactSource interface {
	Facts(ctx context.Context, qs []FactQuery) ([]Fact, error)
}

// FactSourceFunc adapts a function to [FactSource].
type FactSourceFunc func(ctx context.Context, qs []FactQuery) ([]Fact, error)

// Facts calls f.
func (f FactSourceFunc) Facts(ctx context.Context, qs []FactQuery) ([]Fact, error) {
	return f(ctx, qs)
}

// queryRegistry collects the queries that the rules of one Program name,
// deduplicated. It is filled while compiling and read-only afterwards.
type queryRegistry struct {
	index map[string]int
	list  []FactQuery
}

func (r *queryRegistry) add(q FactQuery) int {
	k := q.key()
	if i, ok := r.index[k]; ok {
		return i
	}
	if r.index == nil {
		r.index = map[string]int{}
	}
	r.index[k] = len(r.list)
	r.list = append(r.list, FactQuery{
		Window:     q.Window,
		Channels:   slices.Clone(q.Channels),
		Directions: slices.Clone(q.Directions),
	})
	return len(r.list) - 1
}

// velFilter is the channel/direction selection named by the path of a vel
// field, e.g. vel.carrier_billing.payment.
type velFilter struct {
	channel   payment.Channel
	direction payment.Direction
}

func (f velFilter) typeName() string {
	name := velTypeName
	if f.channel != payment.ChannelUnspecified {
		name += "." + f.channel.String()
	}
	if f.direction != payment.DirectionUnspecified {
		name += "." + f.direction.String()
	}
	return name
}

func (f velFilter) query(w FactWindow) FactQuery {
	q := FactQuery{Window: w}
	if f.channel != payment.ChannelUnspecified {
		q.Channels = []payment.Channel{f.channel}
	}
	if f.direction != payment.DirectionUnspecified {
		q.Directions = []payment.Direction{f.direction}
	}
	return q
}

// parseVelType parses a velocity type name back into its filter.
func parseVelType(name string) (velFilter, bool) {
	if name == velTypeName {
		return velFilter{}, true
	}
	rest, ok := strings.CutPrefix(name, velTypeName+".")
	if !ok {
		return velFilter{}, false
	}
	var f velFilter
	for _, p := range strings.Split(rest, ".") {
		if c, err := payment.ParseChannel(p); err == nil && p == c.String() && f.channel == payment.ChannelUnspecified && f.direction == payment.DirectionUnspecified {
			f.channel = c
			continue
		}
		if d, err := payment.ParseDirection(p); err == nil && p == d.String() && f.direction == payment.DirectionUnspecified {
			f.direction = d
			continue
		}
		return velFilter{}, false
	}
	return f, true
}

// velMetric is what a velocity field reads from a Fact.
type velMetric uint8

const (
	metricSum velMetric = iota
	metricCount
	metricDistinct
	metricSumSquares
	metricLast
	metricLastAmount
	metricMean
	metricStddev
)

var velMetrics = map[string]velMetric{
	"sum":         metricSum,
	"count":       metricCount,
	"distinct":    metricDistinct,
	"sumsq":       metricSumSquares,
	"last":        metricLast,
	"last_amount": metricLastAmount,
	"mean":        metricMean,
	"stddev":      metricStddev,
}

// parseVelField splits "sum_24h" into its metric and window.
func parseVelField(field string) (velMetric, FactWindow, bool) {
	i := strings.LastIndexByte(field, '_')
	if i <= 0 {
		return 0, FactWindow{}, false
	}
	m, ok := velMetrics[field[:i]]
	if !ok {
		return 0, FactWindow{}, false
	}
	w, ok := parseWindow(field[i+1:])
	return m, w, ok
}

// mean returns Sum/Count rounded to DivScale places, or zero for no data.
func (f *Fact) mean() decimal.Decimal {
	if f.Count <= 0 {
		return decimal.Zero
	}
	return f.Sum.DivRound(decimal.NewFromInt(f.Count), DivScale)
}

// stddev returns the population standard deviation of the amounts,
// sqrt(n·Σx² − (Σx)²) / n, computed exactly up to the final square root
// (truncated to DivScale places) and division (rounded to DivScale places).
// It returns zero for fewer than two amounts.
func (f *Fact) stddev() decimal.Decimal {
	if f.Count < 2 {
		return decimal.Zero
	}
	n := decimal.NewFromInt(f.Count)
	num := n.Mul(f.SumSquares).Sub(f.Sum.Mul(f.Sum))
	if num.Sign() <= 0 {
		return decimal.Zero
	}
	return sqrtDecimal(num).DivRound(n, DivScale)
}

func checkFacts(qs []FactQuery, fs []Fact, err error) error {
	if err != nil {
		return fmt.Errorf("aml: reading facts: %w", err)
	}
	if len(fs) != len(qs) {
		return fmt.Errorf("aml: reading facts: got %d answers for %d queries", len(fs), len(qs))
	}
	return nil
}
