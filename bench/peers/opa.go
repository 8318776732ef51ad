package peers

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/shopspring/decimal"
)

//go:embed policy/*.rego
var policyFS embed.FS

// velNames name the velocity facts in the Rego input, in the order of the
// hand-written queries.
var velNames = [numQueries]string{
	qCashInDay:   "cash_in_day",
	qCashIn24h:   "cash_in_24h",
	qCashIn7d:    "cash_in_7d",
	qCBPayMonth:  "cb_payment_month",
	qCBPay24h:    "cb_payment_24h",
	qTransfer24h: "transfer_24h",
	qAll365d:     "all_365d",
	qAll180d:     "all_180d",
	qAll1h:       "all_1h",
	qCashIn30d:   "cash_in_30d",
	qTransfer30d: "transfer_30d",
}

// opaEval is OPA with the KR pack as Rego.
type opaEval struct {
	st      store.Backend
	loc     *time.Location
	caps    [payment.NumChannels][payment.NumDirections][payment.NumTiers][]store.Cap
	queries []store.Query
	pq      rego.PreparedEvalQuery

	req  store.Request
	areq store.AggregateRequest
}

// NewOPA returns Open Policy Agent evaluating the KR pack as Rego
// (policy/kr.rego, embedded), on st. The query data.kr.decision is
// prepared once (rego.PrepareForEval); each transaction makes the same
// store calls as comply's (one Reserve with the same caps, one Aggregate
// with the same queries), builds the input as an ast.Value (the
// transaction, the reservation's verdict and the velocity facts, amounts as
// exact integers) and evaluates the prepared query once with
// rego.EvalParsedInput. It reserves before evaluating, even when a KYC
// finding will refuse the transaction, since the policy decides that; the
// policy then ignores the reservation's verdict and the caller voids it, so
// the store ends as comply leaves it.
func NewOPA(ctx context.Context, st store.Backend) (Evaluator, error) {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return nil, err
	}
	src, err := policyFS.ReadFile("policy/kr.rego")
	if err != nil {
		return nil, err
	}
	pq, err := rego.New(
		rego.Query("data.kr.decision"),
		rego.Module("policy/kr.rego", string(src)),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("peers: opa: %w", err)
	}
	return &opaEval{st: st, loc: loc, caps: krCaps(loc), queries: toStoreQueries(handQueries(), loc), pq: pq}, nil
}

// num is an exact integer amount as an OPA number.
func num(d decimal.Decimal) (*ast.Term, error) {
	if !d.IsInteger() {
		return nil, fmt.Errorf("peers: opa: amount %s is not a whole number of minor units", d)
	}
	if d.BigInt().IsInt64() {
		return ast.IntNumberTerm(int(d.IntPart())), nil
	}
	return ast.NumberTerm(json.Number(d.String())), nil
}

func str(s string) *ast.Term { return ast.StringTerm(s) }

func item(k string, v *ast.Term) [2]*ast.Term { return ast.Item(ast.StringTerm(k), v) }

// timeItem appends the time as Unix nanoseconds when it is set, as CEL's
// has() sees it.
func timeItem(items [][2]*ast.Term, k string, t time.Time) [][2]*ast.Term {
	if t.IsZero() || t.Before(time.Unix(0, 0)) {
		return items
	}
	return append(items, item(k, ast.IntNumberTerm(int(t.UnixNano()))))
}

// Evaluate implements Evaluator.
func (p *opaEval) Evaluate(ctx context.Context, tx *payment.Transaction) (Outcome, error) {
	if tx.Amount.Currency != "KRW" {
		return Outcome{}, fmt.Errorf("peers: opa: %s is not KRW", tx.Amount.Currency)
	}
	amount, err := num(tx.Amount.Amount)
	if err != nil {
		return Outcome{}, err
	}
	cust := &tx.Customer
	subject := "KR/" + cust.ID

	p.req = store.Request{Subject: subject, TxID: tx.ID, Time: tx.Time, Class: limits.Class(tx.Channel, tx.Direction),
		Amount: tx.Amount.Amount, Currency: "KRW", Caps: p.caps[tx.Channel][tx.Direction][cust.Tier]}
	if tx.Counterparty != nil {
		p.req.Counterparty = tx.Counterparty.ID
	}
	res, err := p.st.Reserve(ctx, &p.req)
	if err != nil {
		return Outcome{}, err
	}
	var violations, reached []*ast.Term
	switch res.Status {
	case store.Reserved:
		for _, u := range res.Reached {
			reached = append(reached, str(u.ID))
		}
	case store.Refused:
		for _, u := range res.Violations {
			used, err := num(u.Amount)
			if err != nil {
				return Outcome{}, err
			}
			violations = append(violations, ast.ObjectTerm(item("id", str(u.ID)), item("used", used)))
		}
	default:
		return Outcome{}, fmt.Errorf("peers: opa: %s: unexpected %s", tx.ID, res.Status)
	}

	p.areq = store.AggregateRequest{Subject: subject, At: tx.Time, Except: tx.ID, Queries: p.queries}
	vel, err := p.st.Aggregate(ctx, &p.areq)
	if err != nil {
		return Outcome{}, err
	}
	if len(vel) != numQueries {
		return Outcome{}, fmt.Errorf("peers: opa: %d facts for %d queries", len(vel), numQueries)
	}
	velItems := make([][2]*ast.Term, numQueries)
	for i := range vel {
		a := &vel[i]
		sum, err := num(a.Sum)
		if err != nil {
			return Outcome{}, err
		}
		sumsq, err := num(a.SumSquares)
		if err != nil {
			return Outcome{}, err
		}
		last, err := num(a.LastAmount)
		if err != nil {
			return Outcome{}, err
		}
		fact := [][2]*ast.Term{item("count", ast.IntNumberTerm(int(a.Count))), item("distinct", ast.IntNumberTerm(int(a.Distinct))),
			item("sum", sum), item("sumsq", sumsq), item("last_amount", last)}
		fact = timeItem(fact, "last", a.Last)
		velItems[i] = item(velNames[i], ast.ObjectTerm(fact...))
	}

	local := tx.Time.In(p.loc)
	txItems := [][2]*ast.Term{
		item("country", str(tx.Country)),
		item("channel", str(tx.Channel.String())),
		item("direction", str(tx.Direction.String())),
		item("funding", str(tx.Funding.String())),
		item("amount", amount),
		item("time", ast.IntNumberTerm(int(tx.Time.UnixNano()))),
		item("date", str(local.Format(time.DateOnly))),
	}
	if pp := tx.PromisedPayout; pp != nil {
		v, err := num(pp.Amount)
		if err != nil {
			return Outcome{}, err
		}
		txItems = append(txItems, item("promised_payout", v))
	}
	if m := tx.Merchant; m != nil {
		txItems = append(txItems, item("merchant", ast.ObjectTerm(item("category", str(m.Category)), item("goods", str(m.Goods.String())))))
	}
	if c := tx.Crypto; c != nil {
		txItems = append(txItems, item("crypto", ast.ObjectTerm(item("wallet", str(c.Wallet.String())),
			item("travel_rule_complete", ast.BooleanTerm(c.TravelRule.Complete())),
			item("ownership_proven", ast.BooleanTerm(c.OwnershipProven)))))
	}
	cpItems := [][2]*ast.Term{item("country", str(""))}
	if cp := tx.Counterparty; cp != nil {
		cpItems[0] = item("country", str(cp.Country))
		cpItems = timeItem(cpItems, "first_seen", cp.FirstSeen)
	}
	var devItems [][2]*ast.Term
	if d := tx.Device; d != nil {
		devItems = timeItem(devItems, "first_seen", d.FirstSeen)
		devItems = timeItem(devItems, "sim_changed", d.SIMChanged)
	}
	input := ast.NewObject(
		item("tx", ast.ObjectTerm(txItems...)),
		item("customer", ast.ObjectTerm(
			item("tier", str(cust.Tier.String())),
			item("country", str(cust.Country)),
			item("pep", ast.BooleanTerm(cust.PEP)),
			item("risk", str(cust.Risk.String())))),
		item("counterparty", ast.ObjectTerm(cpItems...)),
		item("device", ast.ObjectTerm(devItems...)),
		item("reservation", ast.ObjectTerm(item("violations", ast.ArrayTerm(violations...)), item("reached", ast.ArrayTerm(reached...)))),
		item("vel", ast.ObjectTerm(velItems...)),
	)

	rs, err := p.pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return Outcome{}, fmt.Errorf("peers: opa: %w", err)
	}
	o, err := outcomeOf(rs)
	if err != nil {
		return Outcome{}, fmt.Errorf("peers: opa: %s: %w", tx.ID, err)
	}
	if res.Status == store.Reserved {
		if o.Action >= rule.StepUp {
			err = p.st.Void(ctx, subject, tx.ID)
		} else {
			err = p.st.Commit(ctx, subject, tx.ID)
		}
		if err != nil {
			return Outcome{}, err
		}
	}
	return o, nil
}

// outcomeOf reads data.kr.decision.
func outcomeOf(rs rego.ResultSet) (Outcome, error) {
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return Outcome{}, fmt.Errorf("no decision")
	}
	m, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return Outcome{}, fmt.Errorf("decision is %T", rs[0].Expressions[0].Value)
	}
	n, ok := m["action"].(json.Number)
	if !ok {
		return Outcome{}, fmt.Errorf("action is %T", m["action"])
	}
	a, err := n.Int64()
	if err != nil || !rule.Action(a).Valid() || a == 0 {
		return Outcome{}, fmt.Errorf("action %s", n)
	}
	o := Outcome{Action: rule.Action(a)}
	for _, k := range []string{"rules", "reports"} {
		l, ok := m[k].([]any)
		if !ok {
			return Outcome{}, fmt.Errorf("%s is %T", k, m[k])
		}
		for _, v := range l {
			s, ok := v.(string)
			if !ok {
				return Outcome{}, fmt.Errorf("%s holds %T", k, v)
			}
			if k == "rules" {
				o.Rules = append(o.Rules, s)
			} else {
				o.Reports = append(o.Reports, s)
			}
		}
	}
	o.normalize()
	return o, nil
}
