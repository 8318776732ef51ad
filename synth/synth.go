package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/shopspring/decimal"
)

// Scenario names a planted typology.
type Scenario string

// The scenarios, each shaped after one red flag of aml/builtin.yaml (see
// Scenario.Rules for the rules expected to flag it).
const (
	// Structuring: three cash cash-ins on one day, each below the
	// 10,000,000 KRW CTR threshold, together at or above it.
	Structuring Scenario = "structuring"
	// RapidCashOut: a bank top-up of the e-wallet cashed out almost in full
	// 5 to 25 minutes later.
	RapidCashOut Scenario = "rapid_cash_out"
	// CarrierCashing: gift cards bought through carrier billing, then a
	// cash-out funded by carrier billing (소액결제 현금화).
	CarrierCashing Scenario = "carrier_cashing"
	// FanIn: six incoming transfers from six new senders within six hours.
	FanIn Scenario = "fan_in"
	// FanOut: six transfers to six new receivers within three hours.
	FanOut Scenario = "fan_out"
	// Dormant: activity 200 to 300 days earlier, nothing since, then a
	// transfer of 1,000,000 KRW or more.
	Dormant Scenario = "dormant_reactivation"
	// FATFCountry: a transfer to a counterparty in a FATF call-for-action
	// country (KP, IR, MM).
	FATFCountry Scenario = "fatf_country"
	// RoundBurst: four payments within 50 minutes, all multiples of 10,000 KRW.
	RoundBurst Scenario = "round_burst"
	// TravelRuleMissing: a crypto withdrawal of 1,000,000 KRW or more to a
	// hosted wallet without travel-rule data.
	TravelRuleMissing Scenario = "travel_rule_missing"
	// AccountTakeover: a new device (or a SIM swap) and a first-time payee,
	// and a transfer of 500,000 KRW or more.
	AccountTakeover Scenario = "account_takeover"
	// AmountAnomaly: six small e-wallet loads (cash_in) over ten days, then
	// one load of 40 to 80 times their mean.
	AmountAnomaly Scenario = "amount_anomaly"
)

var scenarios = []Scenario{Structuring, RapidCashOut, CarrierCashing, FanIn, FanOut, Dormant, FATFCountry, RoundBurst, TravelRuleMissing, AccountTakeover, AmountAnomaly}

// Scenarios returns every scenario, in a fixed order.
func Scenarios() []Scenario { return slices.Clone(scenarios) }

// Rules returns the ids of the rules any of which is expected to flag the
// scenario's trigger transaction under the KR pack (aml/builtin.yaml, and
// for carrier cashing the KR prohibition too), or nil for an unknown
// scenario.
func (s Scenario) Rules() []string {
	switch s {
	case Structuring:
		return []string{"aml.structuring.daily_threshold"}
	case RapidCashOut:
		return []string{"aml.pass_through.rapid_cash_out"}
	case CarrierCashing:
		return []string{"kr.aml.carrier_billing.cash_out", "kr.carrier_billing.cashout_ban"}
	case FanIn:
		return []string{"aml.mule.fan_in"}
	case FanOut:
		return []string{"aml.mule.fan_out"}
	case Dormant:
		return []string{"aml.dormant.reactivation"}
	case FATFCountry:
		return []string{"aml.geo.fatf_call_for_action"}
	case RoundBurst:
		return []string{"aml.round_amount.burst"}
	case TravelRuleMissing:
		return []string{"aml.crypto.travel_rule_missing", "kr.vasp.travel_rule"}
	case AccountTakeover:
		return []string{"aml.ato.new_device_new_payee"}
	case AmountAnomaly:
		return []string{"aml.anomaly.amount_zscore"}
	}
	return nil
}

func (s Scenario) valid() bool { return slices.Contains(scenarios, s) }

// DefaultRate is the share of customers planted with each scenario when
// Options.Rates is nil.
const DefaultRate = 0.005

// ErrInvalidOptions is wrapped by the errors of New.
const ErrInvalidOptions sentinel = "synth: invalid options"

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Options configures New. A nil *Options means every default.
type Options struct {
	// Seed makes the history: the same Options give the same transactions.
	// Default 0 (a valid seed).
	Seed uint64
	// Customers is the population size. Default 1000.
	Customers int
	// Start is the first instant of the history. Planted history that must
	// precede a scenario (a dormant customer's old activity, an anomaly's
	// baseline) may lie before it. Default 2026-09-01 00:00 in Seoul (KST).
	Start time.Time
	// Days is the length of the history in days. Default 30.
	Days int
	// PerDay is the mean number of background transactions of a customer
	// per day; each customer's own rate varies around it. Default 1.
	PerDay float64
	// Rates is the share of customers planted with each scenario, in
	// [0, 1], summing to at most 1; each planted customer carries one
	// scenario once. The number planted is the share times Customers,
	// rounded. Default (nil): DefaultRate for every scenario. A scenario
	// absent from a non-nil map is not planted.
	Rates map[Scenario]float64
}

// Label says which transactions of which customer carry a planted
// scenario.
type Label struct {
	// Scenario is the planted typology.
	Scenario Scenario `json:"scenario"`
	// Customer is the customer's id.
	Customer string `json:"customer"`
	// Trigger is the id of the transaction that Rules are expected to flag.
	Trigger string `json:"trigger"`
	// TxIDs are every planted transaction of the scenario, in time order,
	// the trigger among them.
	TxIDs []string `json:"tx_ids"`
	// Rules are Scenario.Rules.
	Rules []string `json:"rules"`
}

// Generator makes one synthetic history. It is immutable after New and
// safe for concurrent use; every pass over it yields the same history.
type Generator struct {
	o         Options
	customers []*customer
	planted   []*payment.Transaction // time order
	labels    []Label
	scenario  map[string]Scenario // customer id → its scenario
}

type window struct{ from, to time.Time }

type customer struct {
	idx     int
	cust    payment.Customer
	device  *payment.Device
	friends []*payment.Party
	rate    float64
	skip    []window // background left out around planted activity
	planted Scenario
}

// kst is Korea Standard Time; Korea keeps no daylight saving time.
var kst = time.FixedZone("KST", 9*60*60)

// New validates opts and plans the history: the customers and the planted
// scenarios with their labels. The background is made on each pass (Each,
// Write). Errors wrap ErrInvalidOptions.
func New(opts *Options) (*Generator, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Customers < 0 || o.Days < 0 || o.PerDay < 0 || math.IsNaN(o.PerDay) || math.IsInf(o.PerDay, 0) {
		return nil, fmt.Errorf("%w: Customers, Days and PerDay must not be negative", ErrInvalidOptions)
	}
	if o.Customers == 0 {
		o.Customers = 1000
	}
	if o.Days == 0 {
		o.Days = 30
	}
	if o.PerDay == 0 {
		o.PerDay = 1
	}
	if o.PerDay > 1000 {
		return nil, fmt.Errorf("%w: PerDay %g is not a plausible daily rate", ErrInvalidOptions, o.PerDay)
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 9, 1, 0, 0, 0, 0, kst)
	}
	rates := o.Rates
	if rates == nil {
		rates = make(map[Scenario]float64, len(scenarios))
		for _, s := range scenarios {
			rates[s] = DefaultRate
		}
	}
	total := 0.0
	for s, r := range rates {
		if !s.valid() {
			return nil, fmt.Errorf("%w: unknown scenario %q", ErrInvalidOptions, s)
		}
		if r < 0 || r > 1 || math.IsNaN(r) {
			return nil, fmt.Errorf("%w: rate of %s is %g, want a share in [0, 1]", ErrInvalidOptions, s, r)
		}
		total += r
	}
	if total > 1+1e-9 {
		return nil, fmt.Errorf("%w: rates sum to %g, more than 1", ErrInvalidOptions, total)
	}
	o.Rates = rates
	g := &Generator{o: o, scenario: map[string]Scenario{}}
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	g.customers = make([]*customer, o.Customers)
	for i := range g.customers {
		g.customers[i] = newCustomer(r, i, o)
	}
	// Each planted customer carries one scenario: walk a permutation.
	perm := r.Perm(o.Customers)
	next := 0
	for _, s := range scenarios {
		n := int(math.Round(rates[s] * float64(o.Customers)))
		for k := 0; k < n && next < len(perm); k++ {
			c := g.customers[perm[next]]
			next++
			g.plant(r, c, s, k)
		}
	}
	slices.SortStableFunc(g.planted, func(a, b *payment.Transaction) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return g, nil
}

var (
	familyNames = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "전", "홍"}
	givenNames  = []string{"민준", "서연", "도윤", "하은", "시우", "지우", "예준", "수아", "주원", "지호", "서윤", "하준", "지민", "채원", "건우", "다은", "현우", "유진", "우진", "소율"}
)

func koreanName(r *rand.Rand) string {
	return familyNames[r.IntN(len(familyNames))] + givenNames[r.IntN(len(givenNames))]
}

func newCustomer(r *rand.Rand, i int, o Options) *customer {
	id := fmt.Sprintf("c%06d", i+1)
	c := &customer{idx: i}
	c.cust.ID = id
	c.cust.Name = koreanName(r)
	c.cust.Country = "KR"
	c.cust.BirthDate = payment.Date{Year: 1955 + r.IntN(50), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
	// Tiers: 8 % unverified, 42 % phone-verified, 45 % real name, 5 % enhanced.
	switch p := r.Float64(); {
	case p < 0.08:
		c.cust.Tier = payment.TierUnverified
	case p < 0.50:
		c.cust.Tier = payment.TierBasic
		c.cust.Verified = []payment.Check{payment.CheckPhone}
	case p < 0.95:
		c.cust.Tier = payment.TierFull
		c.cust.Verified = []payment.Check{payment.CheckPhone, payment.CheckRealName}
	default:
		c.cust.Tier = payment.TierEnhanced
		c.cust.Verified = []payment.Check{payment.CheckPhone, payment.CheckRealName, payment.CheckIDDocument, payment.CheckSourceOfFunds}
	}
	c.device = &payment.Device{ID: "d" + id[1:] + "-1", FirstSeen: o.Start.Add(-time.Duration(30+r.IntN(900)) * 24 * time.Hour)}
	nf := 2 + r.IntN(4)
	for k := 0; k < nf; k++ {
		c.friends = append(c.friends, &payment.Party{
			ID: fmt.Sprintf("p%06d-%d", i+1, k+1), Name: koreanName(r), Country: "KR",
			FirstSeen: o.Start.Add(-time.Duration(60+r.IntN(700)) * 24 * time.Hour),
		})
	}
	// Activity varies between customers: log-normal with mean 1.
	c.rate = o.PerDay * math.Exp(0.6*r.NormFloat64()-0.18)
	return c
}

// krw returns an amount in KRW.
func krw(v int64) payment.Money {
	return payment.Money{Amount: decimal.NewFromInt(v), Currency: "KRW"}
}

// logNormal returns a log-normal amount with the given median, rounded to
// unit and at least unit.
func logNormal(r *rand.Rand, median float64, sigma float64, unit int64) int64 {
	v := median * math.Exp(sigma*r.NormFloat64())
	n := int64(math.Round(v/float64(unit))) * unit
	if n < unit {
		n = unit
	}
	if n > 50_000_000 {
		n = 50_000_000
	}
	return n
}

// daytime returns an instant on the day starting at day0, weighted towards
// the waking hours of Seoul.
func daytime(r *rand.Rand, day0 time.Time) time.Time {
	hour := hourWeights.pick(r)
	return day0.Add(time.Duration(hour)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
}

type weights []float64

func (w weights) pick(r *rand.Rand) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	p := r.Float64() * total
	for i, x := range w {
		if p < x {
			return i
		}
		p -= x
	}
	return len(w) - 1
}

// hourWeights is the relative activity of each hour of a Seoul day.
var hourWeights = weights{1, 0.6, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 5, 5, 6, 8, 7, 6, 6, 6, 7, 8, 9, 9, 8, 6, 3}

func (g *Generator) newTx(c *customer, id string, at time.Time, ch payment.Channel, dir payment.Direction, amount int64) *payment.Transaction {
	return &payment.Transaction{
		ID: id, Time: at, Country: "KR", Channel: ch, Direction: dir,
		Amount: krw(amount), Customer: c.cust, Device: c.device,
	}
}

// Labels returns the labels of the planted scenarios, grouped by scenario
// in the order of Scenarios.
func (g *Generator) Labels() []Label {
	out := make([]Label, len(g.labels))
	for i, l := range g.labels {
		out[i] = l
		out[i].TxIDs = slices.Clone(l.TxIDs)
		out[i].Rules = slices.Clone(l.Rules)
	}
	return out
}

// ScenarioOf returns the scenario planted in the customer with this id, or
// "" for a background customer.
func (g *Generator) ScenarioOf(customerID string) Scenario { return g.scenario[customerID] }

// Customers returns the population size.
func (g *Generator) Customers() int { return len(g.customers) }

// Each calls fn with every transaction of the history in time order (ties
// by id), stopping at the first error, which it returns. The transaction
// is fn's to keep, but its Customer, Counterparty and Device may share
// memory with other transactions: treat them as read-only.
func (g *Generator) Each(fn func(*payment.Transaction) error) error {
	o := g.o
	rngs := make([]*rand.Rand, len(g.customers))
	seq := make([]int, len(g.customers))
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(o.Seed, uint64(i)+1))
	}
	pi := 0
	var day []*payment.Transaction
	emit := func(end time.Time) error {
		for pi < len(g.planted) && g.planted[pi].Time.Before(end) {
			day = append(day, g.planted[pi])
			pi++
		}
		slices.SortStableFunc(day, func(a, b *payment.Transaction) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		for _, tx := range day {
			if err := fn(tx); err != nil {
				return err
			}
		}
		clear(day)
		day = day[:0]
		return nil
	}
	// Planted history before Start comes first.
	if err := emit(o.Start); err != nil {
		return err
	}
	for d := 0; d < o.Days; d++ {
		day0 := o.Start.AddDate(0, 0, d)
		for i, c := range g.customers {
			r := rngs[i]
			n := poisson(r, c.rate)
			for k := 0; k < n; k++ {
				seq[i]++
				tx := g.background(r, c, daytime(r, day0), seq[i])
				if c.skipped(tx.Time) {
					continue
				}
				day = append(day, tx)
			}
		}
		if err := emit(o.Start.AddDate(0, 0, d+1)); err != nil {
			return err
		}
	}
	// Planted activity that runs past the end.
	return emit(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
}

func (c *customer) skipped(t time.Time) bool {
	for _, w := range c.skip {
		if !t.Before(w.from) && t.Before(w.to) {
			return true
		}
	}
	return false
}

// poisson draws from a Poisson distribution with mean lambda (Knuth; the
// rates here are small).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		n := int(math.Round(lambda + math.Sqrt(lambda)*r.NormFloat64()))
		return max(n, 0)
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// backgroundMix is the channel mix of ordinary activity; see background.
var backgroundMix = weights{0.28, 0.18, 0.14, 0.07, 0.06, 0.09, 0.10, 0.04, 0.02, 0.02}

var (
	topUps     = []int64{10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 300_000}
	topUpMix   = weights{30, 20, 15, 25, 8, 1.5, 0.5}
	prepaidMix = weights{35, 25, 10, 20, 10}
)

// background makes one ordinary transaction of customer c at t.
func (g *Generator) background(r *rand.Rand, c *customer, t time.Time, seq int) *payment.Transaction {
	id := fmt.Sprintf("t%06d-%05d", c.idx+1, seq)
	var tx *payment.Transaction
	switch backgroundMix.pick(r) {
	case 0: // card purchase
		tx = g.newTx(c, id, t, payment.Card, payment.Payment, logNormal(r, 18_000, 0.6, 100))
		tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m%04d", r.IntN(2000)), Category: "5411", Goods: payment.GoodsGeneral}
	case 1: // e-wallet purchase
		tx = g.newTx(c, id, t, payment.EWallet, payment.Payment, logNormal(r, 12_000, 0.6, 100))
		tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m%04d", r.IntN(2000)), Category: "5812", Goods: payment.GoodsGeneral}
	case 2: // carrier-billed digital goods
		tx = g.newTx(c, id, t, payment.CarrierBilling, payment.Payment, logNormal(r, 9_900, 0.7, 100))
		switch p := r.Float64(); {
		case p < 0.6:
			tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m9%03d", r.IntN(300)), Category: "5815", Goods: payment.GoodsDigitalContent}
		case p < 0.9:
			tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m9%03d", r.IntN(300)), Category: "5816", Goods: payment.GoodsGameCurrency}
		default:
			tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m8%03d", r.IntN(100)), Category: "5947", Goods: payment.GoodsGiftCard}
		}
	case 3: // prepaid purchase (transit, convenience store)
		tx = g.newTx(c, id, t, payment.Prepaid, payment.Payment, logNormal(r, 6_000, 0.7, 100))
		tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m7%03d", r.IntN(500)), Category: "4111", Goods: payment.GoodsTransitTopUp}
	case 4: // prepaid top-up
		tx = g.newTx(c, id, t, payment.Prepaid, payment.CashIn, topUps[prepaidMix.pick(r)])
	case 5: // e-wallet top-up from the bank
		tx = g.newTx(c, id, t, payment.EWallet, payment.CashIn, topUps[topUpMix.pick(r)])
		tx.Funding = payment.BankTransfer
	case 6: // transfer to a friend
		tx = g.newTx(c, id, t, payment.EWallet, payment.Transfer, logNormal(r, 25_000, 0.7, 1000))
		tx.Counterparty = c.friends[r.IntN(len(c.friends))]
	case 7: // transfer from a friend
		tx = g.newTx(c, id, t, payment.EWallet, payment.CashIn, logNormal(r, 25_000, 0.7, 1000))
		tx.Counterparty = c.friends[r.IntN(len(c.friends))]
	case 8: // bank transfer
		tx = g.newTx(c, id, t, payment.BankTransfer, payment.Transfer, logNormal(r, 80_000, 0.7, 1000))
		tx.Counterparty = c.friends[r.IntN(len(c.friends))]
	default: // withdrawal to the bank
		tx = g.newTx(c, id, t, payment.EWallet, payment.CashOut, logNormal(r, 60_000, 0.7, 1000))
		tx.Funding = payment.EWallet
	}
	return tx
}

// Write writes the history as JSON lines (payment's JSON encoding), one
// transaction a line, and returns how many it wrote.
func (g *Generator) Write(w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := g.Each(func(tx *payment.Transaction) error {
		n++
		return enc.Encode(tx)
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// WriteLabels writes the labels as JSON lines, one label a line.
func (g *Generator) WriteLabels(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, l := range g.labels {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}
