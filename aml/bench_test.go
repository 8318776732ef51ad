package aml

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// benchSource answers with facts prepared for one transaction, without
// allocating, so that benchmarks measure rule evaluation.
type benchSource struct{ answers []Fact }

func (s *benchSource) Facts(_ context.Context, qs []FactQuery) ([]Fact, error) {
	return s.answers[:len(qs)], nil
}

type benchCase struct {
	tx  *payment.Transaction
	src *benchSource
	in  Input
}

// benchCases is a mix of eight transactions: five quiet and three that fire
// (a rapid cash-out; a structured cash-in that is also an amount anomaly; a
// transfer to a grey-list country), every one with a 30-day history.
func benchCases(tb testing.TB, queries []FactQuery) []*benchCase {
	known := &payment.Device{ID: "d", FirstSeen: t0.Add(-400 * 24 * time.Hour)}
	type spec struct {
		mods  []func(*payment.Transaction)
		facts map[string]Fact
	}
	history := map[string]Fact{
		cashIn30d: {Count: 12, Sum: dec("3600000"), SumSquares: dec("3000000000000")},
		all365d:   {Count: 80}, all180d: {Count: 40},
		all1h: {Count: 1, Sum: dec("12345"), LastAmount: dec("12345")},
	}
	with := func(extra map[string]Fact) map[string]Fact {
		m := map[string]Fact{}
		for k, v := range history {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	specs := []spec{
		{fns(amount("10000")), with(map[string]Fact{cashInDay: {Count: 1, Sum: dec("20000")}})},
		{fns(channel(payment.Card), dir(payment.Payment), amount("35000"), func(tx *payment.Transaction) {
			tx.Merchant = &payment.Merchant{ID: "m", Category: "5411", Goods: payment.GoodsGeneral}
		}), with(nil)},
		{fns(channel(payment.CarrierBilling), dir(payment.Payment), amount("50000"), func(tx *payment.Transaction) {
			tx.Merchant = &payment.Merchant{ID: "m", Category: "5815", Goods: payment.GoodsGiftCard}
		}), with(map[string]Fact{cbMonth: {Count: 3, Sum: dec("300000")}})},
		{fns(channel(payment.BankTransfer), dir(payment.Transfer), amount("200000"), func(tx *payment.Transaction) {
			tx.Counterparty = &payment.Party{ID: "p", Country: "JP"}
			tx.Device = known
		}), with(map[string]Fact{xfer24h: {Count: 1, Distinct: 1}})},
		{fns(dir(payment.CashOut), amount("95000")), with(map[string]Fact{
			cashIn24h: {Count: 1, Distinct: 1, Sum: dec("100000"), Last: t0.Add(-10 * time.Minute), LastAmount: dec("100000")}})},
		{fns(channel(payment.Crypto), dir(payment.CashOut), amount("500000"), func(tx *payment.Transaction) {
			tx.Crypto = &payment.CryptoDetails{Network: "ethereum", Asset: "USDT", Address: "0x1", Wallet: payment.WalletHosted,
				TravelRule: &payment.TravelRule{OriginatorName: "a", OriginatorAccount: "b", BeneficiaryName: "c", BeneficiaryAccount: "d"}}
		}), with(nil)},
		{fns(amount("4000000")), with(map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}})},
		{fns(channel(payment.BankTransfer), dir(payment.Transfer), amount("30000"), func(tx *payment.Transaction) {
			tx.Counterparty = &payment.Party{ID: "p2", Country: "VN"}
			tx.Device = known
		}), with(map[string]Fact{xfer24h: {Count: 1, Distinct: 1}})},
	}
	var out []*benchCase
	for _, s := range specs {
		tx := newTx(s.mods...)
		if err := tx.Validate(); err != nil {
			tb.Fatal(err)
		}
		src := &benchSource{answers: make([]Fact, len(queries))}
		for i, q := range queries {
			src.answers[i] = s.facts[q.String()]
		}
		c := &benchCase{tx: tx, src: src}
		c.in = Input{Tx: tx, Facts: src, Location: seoul}
		out = append(out, c)
	}
	return out
}

// handwritten is the built-in typology set coded by hand in Go, with the
// same parameters, the same lazily fetched and memoized facts and the same
// findings (messages and values), as the baseline for the CEL program.
type handwritten struct {
	rules map[rule.ID]*Rule
	// indexes of the facts in the program's queries
	cashInDay, cashIn24h, cashIn7d, cashIn30d, cbMonth, cb24h, xfer24h, all1h, all180d, all365d int
	queries                                                                                     []FactQuery
	black, grey, eu, mcc                                                                        map[string]bool
}

func newHandwritten(tb testing.TB, p *Program) *handwritten {
	h := &handwritten{rules: map[rule.ID]*Rule{}, queries: p.queries}
	for _, r := range Builtin() {
		h.rules[r.ID] = &r
	}
	idx := func(k string) int {
		for i, q := range p.queries {
			if q.String() == k {
				return i
			}
		}
		tb.Fatalf("no query %s", k)
		return 0
	}
	h.cashInDay, h.cashIn24h, h.cashIn7d, h.cashIn30d = idx(cashInDay), idx(cashIn24h), idx(cashIn7d), idx(cashIn30d)
	h.cbMonth, h.cb24h, h.xfer24h = idx(cbMonth), idx(cb24h), idx(xfer24h)
	h.all1h, h.all180d, h.all365d = idx(all1h), idx(all180d), idx(all365d)
	set := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range l {
			m[s] = true
		}
		return m
	}
	lists := DefaultLists()
	h.black, h.grey, h.eu, h.mcc = set(lists["fatf_call_for_action"]), set(lists["fatf_increased_monitoring"]), set(lists["eu"]), set(lists["mcc_cash_equivalent"])
	return h
}

var (
	hwCTR       = dec("10000000")
	hwShare90   = dec("0.9")
	hwCap80     = dec("800000")
	hwHalf      = dec("0.5")
	hwMillion   = dec("1000000")
	hwRound     = dec("10000")
	hwEU        = dec("1000")
	hwATO       = dec("500000")
	hwThree     = decimal.NewFromInt(3)
	hwFour      = dec("4")
	hwTFRStart  = payment.Date{Year: 2024, Month: 12, Day: 30}
	hwATOWindow = 72 * time.Hour
)

type hwEval struct {
	h     *handwritten
	ctx   context.Context
	in    *Input
	facts []Fact
	err   error
}

func (e *hwEval) f(i int) *Fact {
	if e.facts == nil && e.err == nil {
		e.facts, e.err = e.in.Facts.Facts(e.ctx, e.h.queries)
		if e.err == nil && len(e.facts) != len(e.h.queries) {
			e.err = errShortFacts
		}
	}
	if e.err != nil {
		return &Fact{}
	}
	return &e.facts[i]
}

var errShortFacts = errorString("short facts")

type errorString string

func (e errorString) Error() string { return string(e) }

func (h *handwritten) finding(id rule.ID, msg string, values ...rule.Value) rule.Finding {
	r := h.rules[id]
	return rule.Finding{Rule: r.ID, Version: r.Version, Action: r.Action, Citation: r.Citation, Message: msg, Values: values, Requires: slices.Clone(r.Requires)}
}

func isZeroMod(d, unit decimal.Decimal) bool { return d.Mod(unit).IsZero() }

func (h *handwritten) Evaluate(ctx context.Context, in *Input) ([]rule.Finding, error) {
	tx := in.Tx
	e := &hwEval{h: h, ctx: ctx, in: in}
	amt := tx.Amount.Amount
	cur := string(tx.Amount.Currency)
	local := tx.Time.In(in.Location)
	var out []rule.Finding
	cp := tx.Counterparty
	if cp == nil {
		cp = &payment.Party{}
	}
	outward := tx.Direction == payment.CashOut || tx.Direction == payment.Transfer

	if tx.Direction == payment.CashIn && amt.LessThan(hwCTR) {
		if f := e.f(h.cashInDay); f.Count+1 >= 2 && f.Sum.LessThan(hwCTR) && f.Sum.Add(amt).GreaterThanOrEqual(hwCTR) {
			total := f.Sum.Add(amt)
			n := strconv.FormatInt(f.Count+1, 10)
			out = append(out, h.finding("aml.structuring.daily_threshold",
				"cash-ins today "+f.Sum.String()+" plus this "+amt.String()+" "+cur+" reach the reporting threshold "+hwCTR.String()+" in "+n+" pieces, each below it",
				rule.Value{Name: "day_total", Value: total.String()}, rule.Value{Name: "pieces", Value: n}, rule.Value{Name: "threshold", Value: hwCTR.String()}))
		}
	}
	if tx.Direction == payment.CashOut {
		if f := e.f(h.cashIn24h); f.Count > 0 && tx.Time.Sub(f.Last) <= 30*time.Minute && amt.GreaterThanOrEqual(f.LastAmount.Mul(hwShare90)) {
			since := tx.Time.Sub(f.Last)
			out = append(out, h.finding("aml.pass_through.rapid_cash_out",
				"cash-out of "+amt.String()+" "+cur+" "+since.String()+" after a cash-in of "+f.LastAmount.String(),
				rule.Value{Name: "since_cash_in", Value: since.String()}, rule.Value{Name: "last_cash_in", Value: f.LastAmount.String()},
				rule.Value{Name: "share_of_cash_in", Value: amt.DivRound(f.LastAmount, DivScale).Round(4).String()}))
		}
	}
	if tx.Direction == payment.CashOut && tx.Funding == payment.CarrierBilling {
		if tx.Country == "KR" {
			out = append(out, h.finding("kr.aml.carrier_billing.cash_out", "cash-out of "+amt.String()+" "+cur+" funded by carrier billing (소액결제 현금화, 정보통신망법 제72조①4)",
				rule.Value{Name: "funding", Value: tx.Funding.String()}))
		} else {
			out = append(out, h.finding("aml.carrier_billing.cash_out", "cash-out of "+amt.String()+" "+cur+" funded by carrier billing",
				rule.Value{Name: "funding", Value: tx.Funding.String()}))
		}
	}
	if tx.Channel == payment.CarrierBilling && tx.Direction == payment.Payment && tx.Merchant != nil &&
		(tx.Merchant.Goods.CashEquivalent() || h.mcc[tx.Merchant.Category]) {
		if f := e.f(h.cbMonth); f.Sum.Add(amt).GreaterThanOrEqual(hwCap80) {
			total := f.Sum.Add(amt).String()
			out = append(out, h.finding("aml.carrier_billing.cash_equivalent_near_cap",
				"carrier-billed "+tx.Merchant.Goods.String()+" purchase of "+amt.String()+" brings the month's carrier billing to "+total+" of the 1000000 cap",
				rule.Value{Name: "month_total", Value: total}, rule.Value{Name: "goods", Value: tx.Merchant.Goods.String()}, rule.Value{Name: "merchant_category", Value: tx.Merchant.Category}))
		}
	}
	if outward {
		if f := e.f(h.cb24h); f.Count > 0 && amt.GreaterThanOrEqual(f.Sum.Mul(hwHalf)) && amt.LessThanOrEqual(f.Sum) {
			out = append(out, h.finding("aml.carrier_billing.resale",
				tx.Direction.String()+" of "+amt.String()+" "+cur+" within 24h of carrier-billed purchases of "+f.Sum.String(),
				rule.Value{Name: "carrier_billed_24h", Value: f.Sum.String()}, rule.Value{Name: "payout_share", Value: amt.DivRound(f.Sum, DivScale).Round(4).String()}))
		}
	}
	if tx.Direction != payment.Payment {
		if f24, f7 := e.f(h.cashIn24h), e.f(h.cashIn7d); f24.Distinct >= 5 || f7.Distinct >= 10 {
			a, b := strconv.FormatInt(f24.Distinct, 10), strconv.FormatInt(f7.Distinct, 10)
			out = append(out, h.finding("aml.mule.fan_in", a+" distinct senders in 24h, "+b+" in 7 days",
				rule.Value{Name: "senders_24h", Value: a}, rule.Value{Name: "senders_7d", Value: b}))
		}
	}
	if tx.Direction == payment.Transfer {
		if f := e.f(h.xfer24h); f.Distinct >= 5 {
			a := strconv.FormatInt(f.Distinct, 10)
			out = append(out, h.finding("aml.mule.fan_out", "transfer after "+a+" distinct receivers in 24h", rule.Value{Name: "receivers_24h", Value: a}))
		}
	}
	if outward {
		if y, hy := e.f(h.all365d), e.f(h.all180d); y.Count > 0 && hy.Count == 0 && amt.GreaterThanOrEqual(hwMillion) {
			days := strconv.FormatInt(int64(tx.Time.Sub(y.Last).Hours())/24, 10)
			out = append(out, h.finding("aml.dormant.reactivation", tx.Direction.String()+" of "+amt.String()+" "+cur+" after "+days+" days without activity",
				rule.Value{Name: "idle_days", Value: days}, rule.Value{Name: "last_activity", Value: y.Last.In(in.Location).Format(time.RFC3339)}))
		}
	}
	geo := func(set map[string]bool, id rule.ID, what string) {
		if set[tx.Customer.Country] || set[cp.Country] {
			out = append(out, h.finding(id, "customer country "+tx.Customer.Country+", counterparty country "+cp.Country+": "+what,
				rule.Value{Name: "customer_country", Value: tx.Customer.Country}, rule.Value{Name: "counterparty_country", Value: cp.Country}))
		}
	}
	geo(h.black, "aml.geo.fatf_call_for_action", "FATF call for action")
	geo(h.grey, "aml.geo.fatf_increased_monitoring", "FATF increased monitoring")
	if isZeroMod(amt, hwRound) {
		if f := e.f(h.all1h); f.Count+1 >= 4 && isZeroMod(f.LastAmount, hwRound) && isZeroMod(f.Sum, hwRound) {
			n, total := strconv.FormatInt(f.Count+1, 10), f.Sum.Add(amt).String()
			out = append(out, h.finding("aml.round_amount.burst", n+" transactions in 1h totalling "+total+", all in multiples of 10000",
				rule.Value{Name: "count_1h", Value: n}, rule.Value{Name: "total_1h", Value: total}))
		}
	}
	if tx.Channel == payment.Crypto && outward && tx.Crypto != nil {
		c := tx.Crypto
		if c.Wallet == payment.WalletHosted && amt.GreaterThanOrEqual(hwMillion) && !c.TravelRule.Complete() {
			tr := c.TravelRule
			if tr == nil {
				tr = &payment.TravelRule{}
			}
			out = append(out, h.finding("aml.crypto.travel_rule_missing",
				"crypto "+tx.Direction.String()+" of "+amt.String()+" "+cur+" to a VASP without complete travel-rule data (threshold 1000000)",
				rule.Value{Name: "originator_name", Value: tr.OriginatorName}, rule.Value{Name: "beneficiary_name", Value: tr.BeneficiaryName}, rule.Value{Name: "threshold", Value: "1000000"}))
		}
		date := payment.Date{Year: local.Year(), Month: local.Month(), Day: local.Day()}
		if h.eu[tx.Country] && c.Wallet == payment.WalletSelfHosted && !c.OwnershipProven && amt.GreaterThan(hwEU) && !date.Before(hwTFRStart) {
			out = append(out, h.finding("eu.aml.crypto.self_hosted_unproven",
				"transfer of "+amt.String()+" "+cur+" to self-hosted address "+c.Address+" without proof of ownership",
				rule.Value{Name: "address", Value: c.Address}, rule.Value{Name: "threshold", Value: "1000"}))
		}
	}
	if outward && tx.Device != nil {
		d := tx.Device
		newDevice := !d.FirstSeen.IsZero() && tx.Time.Sub(d.FirstSeen) < hwATOWindow || !d.SIMChanged.IsZero() && tx.Time.Sub(d.SIMChanged) < hwATOWindow
		newPayee := !in.CounterpartyFirstSeen.IsZero() && tx.Time.Sub(in.CounterpartyFirstSeen) < hwATOWindow
		if newDevice && newPayee {
			var near bool
			if !in.MaxAmount.IsZero() {
				near = amt.GreaterThanOrEqual(in.MaxAmount.Mul(hwShare90))
			} else {
				near = amt.GreaterThanOrEqual(hwATO)
			}
			if near {
				out = append(out, h.finding("aml.ato.new_device_new_payee", amt.String()+" "+cur+" to a new payee from a new device",
					rule.Value{Name: "device_first_seen", Value: d.FirstSeen.Format(time.RFC3339)}))
			}
		}
	}
	if f := e.f(h.cashIn30d); tx.Direction == payment.CashIn && f.Count >= 5 {
		mean := f.mean()
		if amt.GreaterThan(mean.Mul(hwThree)) {
			sd := f.stddev()
			if sd.IsZero() || amt.Sub(mean).DivRound(sd, DivScale).GreaterThanOrEqual(hwFour) {
				z := "n/a (constant history)"
				if !sd.IsZero() {
					z = amt.Sub(mean).DivRound(sd, DivScale).Round(2).String()
				}
				out = append(out, h.finding("aml.anomaly.amount_zscore",
					"load of "+amt.String()+" "+cur+" against a 30-day load mean of "+mean.Round(2).String()+" (stddev "+sd.Round(2).String()+", n="+strconv.FormatInt(f.Count, 10)+")",
					rule.Value{Name: "mean_30d", Value: mean.Round(2).String()}, rule.Value{Name: "stddev_30d", Value: sd.Round(2).String()},
					rule.Value{Name: "z_score", Value: z}, rule.Value{Name: "history_count", Value: strconv.FormatInt(f.Count, 10)}))
			}
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	return out, nil
}

// TestHandwrittenAgrees checks that the baseline decides like the CEL
// program on the benchmark transactions, so that the comparison is fair.
func TestHandwrittenAgrees(t *testing.T) {
	p := builtinProgram(t)
	h := newHandwritten(t, p)
	fired := 0
	for i, c := range benchCases(t, p.queries) {
		got, err := p.Evaluate(context.Background(), &c.in)
		if err != nil {
			t.Fatal(err)
		}
		want, err := h.Evaluate(context.Background(), &c.in)
		if err != nil {
			t.Fatal(err)
		}
		fired += len(got)
		if diff := cmp.Diff(ruleIDs(want), ruleIDs(got)); diff != "" {
			t.Errorf("case %d: fired rules differ (-handwritten +cel):\n%s", i, diff)
		}
	}
	if fired != 4 {
		t.Errorf("%d findings over the benchmark mix, want 4", fired)
	}
}

// BenchmarkTypologies evaluates the whole built-in typology set on a mix of
// eight transactions: "cel" runs the compiled Program, "handwritten" the
// same logic coded in Go. ns/op is per transaction.
func BenchmarkTypologies(b *testing.B) {
	p := builtinProgram(b)
	cases := benchCases(b, p.queries)
	ctx := context.Background()
	b.Run("cel", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c := cases[i%len(cases)]
			if _, err := p.Evaluate(ctx, &c.in); err != nil {
				b.Fatal(err)
			}
		}
	})
	h := newHandwritten(b, p)
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c := cases[i%len(cases)]
			if _, err := h.Evaluate(ctx, &c.in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRule evaluates each built-in rule alone over the same mix: the
// cost per rule, per transaction (including the one batched fact read when
// the rule reads vel).
func BenchmarkRule(b *testing.B) {
	ctx := context.Background()
	for _, r := range Builtin() {
		p := MustCompile([]Rule{r}, nil)
		cases := benchCases(b, p.queries)
		b.Run(string(r.ID), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				c := cases[i%len(cases)]
				if _, err := p.Evaluate(ctx, &c.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompileBuiltin measures compiling the whole built-in set.
func BenchmarkCompileBuiltin(b *testing.B) {
	rules := Builtin()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(rules, nil); err != nil {
			b.Fatal(err)
		}
	}
}
