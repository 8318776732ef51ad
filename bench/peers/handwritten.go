package peers

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// The KR figures in force over the stream (2026), as a hand-writer copies
// them from the pack: jurisdiction/kr and the defaults of aml.DefaultParams.
var (
	krwCBMonthlyCap     = decimal.NewFromInt(1_000_000)
	krwPrepaidUnnamed   = decimal.NewFromInt(500_000)
	krwPrepaidNamed     = decimal.NewFromInt(2_000_000)
	krwCTR              = decimal.NewFromInt(10_000_000)
	krwOneOffCDD        = decimal.NewFromInt(10_000_000)
	krwVASPCDD          = decimal.NewFromInt(1_000_000)
	krwWireCDD          = decimal.NewFromInt(1_000_000)
	krwTravelRule       = decimal.NewFromInt(1_000_000)
	krwWireInfo         = decimal.NewFromInt(1_000_000)
	krwNearCap          = decimal.NewFromInt(800_000) // 1,000,000 × 0.8
	krwDormantLarge     = decimal.NewFromInt(1_000_000)
	krwRoundUnit        = decimal.NewFromInt(10_000)
	krwATOLarge         = decimal.NewFromInt(500_000)
	eurSelfHosted       = decimal.NewFromInt(1000)
	rapidShare          = decimal.RequireFromString("0.9")
	payoutMinShare      = decimal.RequireFromString("0.5")
	anomalyRatio        = decimal.NewFromInt(3)
	anomalyZ2           = decimal.NewFromInt(16) // z ≥ 4, squared
	testDepositMaxShare = decimal.RequireFromString("0.1")
	rapidWindow         = 30 * time.Minute
	atoWindow           = 72 * time.Hour
	advanceFeeWait      = 24 * time.Hour
	advanceFeeMax       = 720 * time.Hour
	testDepositWindow   = 24 * time.Hour
	travelRuleLegacyEnd = payment.Date{Year: 2027, Month: time.February, Day: 18}
	selfHostedFrom      = payment.Date{Year: 2024, Month: time.December, Day: 30}
)

// The country lists of aml.DefaultLists.
var (
	fatfCallForAction = []string{"KP", "IR", "MM"}
	fatfGrey          = []string{"AO", "BO", "BA", "BG", "CM", "CI", "CD", "HT", "IQ", "KE", "KW", "LA", "LB", "MC", "NP", "PG", "SS", "SY", "VE", "VN", "VG", "YE"}
	euMembers         = []string{"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
	mccCashEquivalent = []string{"4829", "6051", "6540", "5816", "7994"}
)

// mirroredAML are the ids of the KR pack's monitoring rules (rules.yaml and
// the built-in typologies the pack keeps) that the hand-written and Rego
// peers mirror. TestSameRules checks it against the compiled pack, so a
// rule added to the pack cannot go unmirrored unnoticed.
var mirroredAML = []string{
	"kr.vasp.travel_rule", "kr.aml.wire_info.domestic",
	"aml.structuring.daily_threshold", "aml.pass_through.rapid_cash_out", "aml.carrier_billing.cash_out",
	"aml.carrier_billing.cash_equivalent_near_cap", "aml.carrier_billing.resale", "aml.mule.fan_in", "aml.mule.fan_out",
	"aml.dormant.reactivation", "aml.geo.fatf_call_for_action", "aml.geo.fatf_increased_monitoring", "aml.round_amount.burst",
	"eu.aml.crypto.self_hosted_unproven", "aml.ato.new_device_new_payee", "aml.anomaly.amount_zscore",
	"aml.scam.advance_fee_no_payout", "aml.scam.guaranteed_payout", "aml.scam.test_deposits_new_payee",
}

// The velocity facts, in the order of the hand-written queries.
const (
	qCashInDay = iota
	qCashIn24h
	qCashIn7d
	qCBPayMonth
	qCBPay24h
	qTransfer24h
	qAll365d
	qAll180d
	qAll1h
	qCashIn30d
	qTransfer30d
	numQueries
)

// handQueries are the hand-written velocity queries: the same set as the KR
// AML program's Queries (TestSameQueries checks it).
func handQueries() []aml.FactQuery {
	cashIn := []payment.Direction{payment.CashIn}
	cb := []payment.Channel{payment.CarrierBilling}
	pay := []payment.Direction{payment.Payment}
	roll := func(d time.Duration) aml.FactWindow { return aml.FactWindow{Kind: aml.Rolling, Duration: d} }
	day := 24 * time.Hour
	qs := make([]aml.FactQuery, numQueries)
	qs[qCashInDay] = aml.FactQuery{Window: aml.FactWindow{Kind: aml.CalendarDay}, Directions: cashIn}
	qs[qCashIn24h] = aml.FactQuery{Window: roll(day), Directions: cashIn}
	qs[qCashIn7d] = aml.FactQuery{Window: roll(7 * day), Directions: cashIn}
	qs[qCBPayMonth] = aml.FactQuery{Window: aml.FactWindow{Kind: aml.CalendarMonth}, Channels: cb, Directions: pay}
	qs[qCBPay24h] = aml.FactQuery{Window: roll(day), Channels: cb, Directions: pay}
	qs[qTransfer24h] = aml.FactQuery{Window: roll(day), Directions: []payment.Direction{payment.Transfer}}
	qs[qAll365d] = aml.FactQuery{Window: roll(365 * day)}
	qs[qAll180d] = aml.FactQuery{Window: roll(180 * day)}
	qs[qAll1h] = aml.FactQuery{Window: roll(time.Hour)}
	qs[qCashIn30d] = aml.FactQuery{Window: roll(30 * day), Directions: cashIn}
	qs[qTransfer30d] = aml.FactQuery{Window: roll(30 * day), Directions: []payment.Direction{payment.Transfer}}
	return qs
}

// toStoreQueries maps fact queries to store queries as comply does: the
// classes of their channel × direction pairs, calendar windows in loc.
func toStoreQueries(qs []aml.FactQuery, loc *time.Location) []store.Query {
	out := make([]store.Query, len(qs))
	for i, q := range qs {
		for ch := 1; ch < payment.NumChannels; ch++ {
			for dir := 1; dir < payment.NumDirections; dir++ {
				if q.Matches(payment.Channel(ch), payment.Direction(dir)) {
					out[i].Classes |= 1 << limits.Class(payment.Channel(ch), payment.Direction(dir))
				}
			}
		}
		switch q.Window.Kind {
		case aml.Rolling:
			out[i].Window = store.Window{Kind: store.Rolling, Duration: q.Window.Duration}
		case aml.CalendarDay:
			out[i].Window = store.Window{Kind: store.Day, Location: loc}
		case aml.CalendarMonth:
			out[i].Window = store.Window{Kind: store.Month, Location: loc}
		}
	}
	return out
}

// bit is the class bit of a channel and direction.
func bit(ch payment.Channel, dir payment.Direction) uint64 { return 1 << limits.Class(ch, dir) }

// krCaps returns, for every channel, direction and tier, the store caps of
// the KR limit rows in force (the windowed rows that count that class).
func krCaps(loc *time.Location) [payment.NumChannels][payment.NumDirections][payment.NumTiers][]store.Cap {
	var caps [payment.NumChannels][payment.NumDirections][payment.NumTiers][]store.Cap
	amt := decimal.NewNullDecimal
	monthly := store.Cap{ID: "kr.carrier_billing.monthly_cap", Window: store.Window{Kind: store.Month, Location: loc},
		Classes: bit(payment.CarrierBilling, payment.Payment), MaxAmount: amt(krwCBMonthlyCap)}
	prepaidDebits := bit(payment.Prepaid, payment.CashOut) | bit(payment.Prepaid, payment.Payment) | bit(payment.Prepaid, payment.Transfer)
	unnamed := store.Cap{ID: "kr.prepaid.cap.unnamed", Window: store.Window{Kind: store.Balance},
		Classes: bit(payment.Prepaid, payment.CashIn), Debits: prepaidDebits, MaxAmount: amt(krwPrepaidUnnamed)}
	named := unnamed
	named.ID, named.MaxAmount = "kr.prepaid.cap.named", amt(krwPrepaidNamed)
	day := store.Window{Kind: store.Day, Location: loc}
	ctrIn := store.Cap{ID: "kr.aml.ctr.cash_in", Window: day, Classes: bit(payment.Cash, payment.CashIn) | bit(payment.Cash, payment.Payment),
		MaxAmount: amt(krwCTR), Observe: true}
	ctrOut := store.Cap{ID: "kr.aml.ctr.cash_out", Window: day, Classes: bit(payment.Cash, payment.CashOut), MaxAmount: amt(krwCTR), Observe: true}
	for t := range payment.NumTiers {
		caps[payment.CarrierBilling][payment.Payment][t] = []store.Cap{monthly}
		balance := named
		if payment.Tier(t) < payment.TierFull {
			balance = unnamed
		}
		caps[payment.Prepaid][payment.CashIn][t] = []store.Cap{balance}
		caps[payment.Cash][payment.CashIn][t] = []store.Cap{ctrIn}
		caps[payment.Cash][payment.Payment][t] = []store.Cap{ctrIn}
		caps[payment.Cash][payment.CashOut][t] = []store.Cap{ctrOut}
	}
	return caps
}

// handwritten is the KR pack written by hand.
type handwritten struct {
	st      store.Backend
	loc     *time.Location
	caps    [payment.NumChannels][payment.NumDirections][payment.NumTiers][]store.Cap
	queries []store.Query

	req  store.Request
	areq store.AggregateRequest
}

// NewHandwritten returns the KR pack written by hand in Go, on st: the
// limit rows, the KYC policy, rules.yaml and the built-in typologies in
// force over the stream, each an if statement over the transaction and the
// velocity facts. It makes the same store calls as comply: one Reserve with
// the same caps (skipped, as comply skips it, when a KYC or per-transaction
// finding already steps up or blocks) and one Aggregate with the same
// queries, then commits what it allows or holds and voids what it refuses.
// It expects valid KRW transactions, as the stream is; it does not
// validate them.
func NewHandwritten(st store.Backend) (Evaluator, error) {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return nil, err
	}
	return &handwritten{st: st, loc: loc, caps: krCaps(loc), queries: toStoreQueries(handQueries(), loc)}, nil
}

// add adds a finding's rule id and raises the action.
func (o *Outcome) add(id string, a rule.Action) {
	o.Rules = append(o.Rules, id)
	o.Action = rule.Max(o.Action, a)
}

// Evaluate implements Evaluator.
func (h *handwritten) Evaluate(ctx context.Context, tx *payment.Transaction) (Outcome, error) {
	if tx.Amount.Currency != "KRW" {
		return Outcome{}, fmt.Errorf("peers: handwritten: %s is not KRW", tx.Amount.Currency)
	}
	var o Outcome
	amount := tx.Amount.Amount
	ch, dir, cust := tx.Channel, tx.Direction, &tx.Customer
	subject := "KR/" + cust.ID

	// The limit table's prohibition: no cash-out of carrier-billed value.
	if dir == payment.CashOut && tx.Funding == payment.CarrierBilling {
		o.add("kr.carrier_billing.cashout_ban", rule.Block)
	}
	// The KYC policy: CDD thresholds, then EDD triggers.
	if cust.Tier < payment.TierFull {
		switch {
		case ch == payment.Crypto:
			if amount.GreaterThanOrEqual(krwVASPCDD) {
				o.add("kr.aml.cdd.vasp_one_off", rule.StepUp)
			}
		default:
			if amount.GreaterThanOrEqual(krwOneOffCDD) {
				o.add("kr.aml.cdd.one_off_krw", rule.StepUp)
			}
		}
		if ch == payment.BankTransfer && (dir == payment.Transfer || dir == payment.CashOut) && amount.GreaterThanOrEqual(krwWireCDD) {
			o.add("kr.aml.cdd.wire", rule.StepUp)
		}
	}
	if cust.Tier < payment.TierEnhanced {
		if cust.PEP {
			o.add("kr.aml.edd.pep", rule.StepUp)
		}
		if cust.Risk == payment.RiskHigh {
			o.add("kr.aml.edd.high_risk", rule.StepUp)
		}
		if slices.Contains(fatfCallForAction, cust.Country) || (tx.Counterparty != nil && slices.Contains(fatfCallForAction, tx.Counterparty.Country)) {
			o.add("kr.aml.edd.high_risk_country", rule.StepUp)
		}
	}

	// The one atomic reservation, when nothing refused the transaction yet.
	reserved := false
	if o.Action < rule.StepUp {
		h.req = store.Request{Subject: subject, TxID: tx.ID, Time: tx.Time, Class: limits.Class(ch, dir),
			Amount: amount, Currency: "KRW", Caps: h.caps[ch][dir][cust.Tier]}
		if tx.Counterparty != nil {
			h.req.Counterparty = tx.Counterparty.ID
		}
		res, err := h.st.Reserve(ctx, &h.req)
		if err != nil {
			return Outcome{}, err
		}
		switch res.Status {
		case store.Reserved:
			reserved = true
			for _, u := range res.Reached {
				o.Reports = append(o.Reports, "CTR:"+u.ID)
			}
		case store.Refused:
			for _, u := range res.Violations {
				a := rule.Block
				// An unnamed prepaid balance that a named one would hold
				// asks for real-name verification.
				if u.ID == "kr.prepaid.cap.unnamed" && u.Amount.Add(amount).LessThanOrEqual(krwPrepaidNamed) {
					a = rule.StepUp
				}
				o.add(u.ID, a)
			}
		default:
			return Outcome{}, fmt.Errorf("peers: handwritten: %s: unexpected %s", tx.ID, res.Status)
		}
	}

	// The monitoring rules over the velocity facts.
	h.areq = store.AggregateRequest{Subject: subject, At: tx.Time, Except: tx.ID, Queries: h.queries}
	vel, err := h.st.Aggregate(ctx, &h.areq)
	if err != nil {
		return Outcome{}, err
	}
	if len(vel) != numQueries {
		return Outcome{}, fmt.Errorf("peers: handwritten: %d facts for %d queries", len(vel), numQueries)
	}
	before := o.Action
	o.Action = rule.ActionUnspecified
	h.monitor(tx, vel, &o)
	// The STR duty: a monitoring finding that asks for review or more.
	if o.Action >= rule.Review {
		o.Reports = append(o.Reports, "STR:kr.aml.str")
	}
	o.Action = rule.Max(o.Action, before)
	if o.Action == rule.ActionUnspecified {
		o.Action = rule.Allow
	}
	if reserved {
		if o.Action >= rule.StepUp {
			err = h.st.Void(ctx, subject, tx.ID)
		} else {
			err = h.st.Commit(ctx, subject, tx.ID)
		}
		if err != nil {
			return Outcome{}, err
		}
	}
	o.normalize()
	return o, nil
}

// monitor applies rules.yaml and the built-in typologies (less the two the
// KR pack excludes).
func (h *handwritten) monitor(tx *payment.Transaction, vel []store.Aggregate, o *Outcome) {
	amount := tx.Amount.Amount
	ch, dir := tx.Channel, tx.Direction
	outward := dir == payment.CashOut || dir == payment.Transfer
	local := tx.Time.In(h.loc)
	date := payment.Date{Year: local.Year(), Month: local.Month(), Day: local.Day()}
	cpCountry := ""
	if tx.Counterparty != nil {
		cpCountry = tx.Counterparty.Country
	}

	// rules.yaml
	if ch == payment.Crypto && outward && tx.Crypto != nil && tx.Crypto.Wallet == payment.WalletHosted && !tx.Crypto.TravelRule.Complete() {
		if travelRuleLegacyEnd.Before(date) || amount.GreaterThanOrEqual(krwTravelRule) {
			o.add("kr.vasp.travel_rule", rule.Block)
		}
	}
	if ch == payment.BankTransfer && outward && (cpCountry == "" || cpCountry == "KR") && amount.GreaterThan(krwWireInfo) {
		o.add("kr.aml.wire_info.domestic", rule.Allow)
	}

	// aml/builtin.yaml
	cashInDay := &vel[qCashInDay]
	if dir == payment.CashIn && amount.LessThan(krwCTR) && cashInDay.Count+1 >= 2 &&
		cashInDay.Sum.LessThan(krwCTR) && cashInDay.Sum.Add(amount).GreaterThanOrEqual(krwCTR) {
		o.add("aml.structuring.daily_threshold", rule.Review)
	}
	if cashIn := &vel[qCashIn24h]; dir == payment.CashOut && cashIn.Count > 0 && tx.Time.Sub(cashIn.Last) <= rapidWindow &&
		amount.GreaterThanOrEqual(cashIn.LastAmount.Mul(rapidShare)) {
		o.add("aml.pass_through.rapid_cash_out", rule.Review)
	}
	if tx.Country != "KR" && dir == payment.CashOut && tx.Funding == payment.CarrierBilling {
		o.add("aml.carrier_billing.cash_out", rule.Review)
	}
	if ch == payment.CarrierBilling && dir == payment.Payment {
		var goods payment.Goods
		var mcc string
		if tx.Merchant != nil {
			goods, mcc = tx.Merchant.Goods, tx.Merchant.Category
		}
		if (goods.CashEquivalent() || slices.Contains(mccCashEquivalent, mcc)) && vel[qCBPayMonth].Sum.Add(amount).GreaterThanOrEqual(krwNearCap) {
			o.add("aml.carrier_billing.cash_equivalent_near_cap", rule.Review)
		}
	}
	if cb := &vel[qCBPay24h]; outward && cb.Count > 0 && amount.GreaterThanOrEqual(cb.Sum.Mul(payoutMinShare)) && amount.LessThanOrEqual(cb.Sum) {
		o.add("aml.carrier_billing.resale", rule.Review)
	}
	if dir != payment.Payment && (vel[qCashIn24h].Distinct >= 5 || vel[qCashIn7d].Distinct >= 10) {
		o.add("aml.mule.fan_in", rule.Review)
	}
	if dir == payment.Transfer && vel[qTransfer24h].Distinct >= 5 {
		o.add("aml.mule.fan_out", rule.Review)
	}
	if outward && vel[qAll365d].Count > 0 && vel[qAll180d].Count == 0 && amount.GreaterThanOrEqual(krwDormantLarge) {
		o.add("aml.dormant.reactivation", rule.Review)
	}
	if slices.Contains(fatfCallForAction, tx.Customer.Country) || slices.Contains(fatfCallForAction, cpCountry) {
		o.add("aml.geo.fatf_call_for_action", rule.Block)
	}
	if slices.Contains(fatfGrey, tx.Customer.Country) || slices.Contains(fatfGrey, cpCountry) {
		o.add("aml.geo.fatf_increased_monitoring", rule.Review)
	}
	if h1 := &vel[qAll1h]; h1.Count+1 >= 4 && amount.Mod(krwRoundUnit).IsZero() &&
		h1.LastAmount.Mod(krwRoundUnit).IsZero() && h1.Sum.Mod(krwRoundUnit).IsZero() {
		o.add("aml.round_amount.burst", rule.Review)
	}
	if ch == payment.Crypto && outward && slices.Contains(euMembers, tx.Country) && !date.Before(selfHostedFrom) && tx.Crypto != nil &&
		tx.Crypto.Wallet == payment.WalletSelfHosted && !tx.Crypto.OwnershipProven && amount.GreaterThan(eurSelfHosted) {
		o.add("eu.aml.crypto.self_hosted_unproven", rule.StepUp)
	}
	if outward && tx.Device != nil && tx.Counterparty != nil && !tx.Counterparty.FirstSeen.IsZero() &&
		tx.Time.Sub(tx.Counterparty.FirstSeen) < atoWindow &&
		((!tx.Device.FirstSeen.IsZero() && tx.Time.Sub(tx.Device.FirstSeen) < atoWindow) ||
			(!tx.Device.SIMChanged.IsZero() && tx.Time.Sub(tx.Device.SIMChanged) < atoWindow)) &&
		amount.GreaterThanOrEqual(krwATOLarge) { // KR has no per-transaction cap, so tx.max_amount is unset
		o.add("aml.ato.new_device_new_payee", rule.Review)
	}
	if m := &vel[qCashIn30d]; tx.Direction == payment.CashIn && m.Count >= 5 && anomalous(amount, m) {
		o.add("aml.anomaly.amount_zscore", rule.Review)
	}
	// The scam typologies.
	var payeeSeen time.Time
	if tx.Counterparty != nil {
		payeeSeen = tx.Counterparty.FirstSeen
	}
	if dir == payment.Transfer && !payeeSeen.IsZero() {
		since := tx.Time.Sub(payeeSeen)
		in30 := &vel[qCashIn30d]
		if since >= advanceFeeWait && since <= advanceFeeMax && vel[qTransfer30d].Count > 0 &&
			!(in30.Count > 0 && !in30.Last.Before(payeeSeen)) {
			o.add("aml.scam.advance_fee_no_payout", rule.Review)
		}
		if t24 := &vel[qTransfer24h]; since <= testDepositWindow && t24.Count >= 2 && !t24.Last.Before(payeeSeen) &&
			t24.Sum.LessThanOrEqual(amount.Mul(testDepositMaxShare).Mul(decimal.NewFromInt(t24.Count))) {
			o.add("aml.scam.test_deposits_new_payee", rule.Review)
		}
	}
	if (dir == payment.Transfer || dir == payment.Payment || dir == payment.CashOut) && tx.PromisedPayout != nil &&
		tx.PromisedPayout.Amount.GreaterThan(amount) {
		o.add("aml.scam.guaranteed_payout", rule.Review)
	}
}

// anomalous is the load-anomaly test on the earlier cash_in loads: more
// than three times their 30-day mean (Sum/Count rounded to aml.DivScale
// places, as vel.cash_in.mean_30d is) and
// a constant history or a z-score of at least 4, compared exactly as
// (n·x − Σx)² ≥ 16·(n·Σx² − (Σx)²).
func anomalous(amount decimal.Decimal, m *store.Aggregate) bool {
	n := decimal.NewFromInt(m.Count)
	mean := m.Sum.DivRound(n, aml.DivScale)
	if !amount.GreaterThan(mean.Mul(anomalyRatio)) {
		return false
	}
	d := n.Mul(m.SumSquares).Sub(m.Sum.Mul(m.Sum))
	if d.Sign() <= 0 {
		return true
	}
	dev := n.Mul(amount).Sub(m.Sum)
	return dev.Sign() >= 0 && dev.Mul(dev).GreaterThanOrEqual(anomalyZ2.Mul(d))
}
