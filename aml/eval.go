package aml

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// evalState is the activation of one evaluation: every variable resolves
// to it, and fields read the transaction and the memoized facts through it.
// It lives for one call of Evaluate and is never shared.
type evalState struct {
	ctx   context.Context
	p     *Program
	in    *Input
	tx    *payment.Transaction
	local time.Time

	facts     []Fact
	factsDone bool
	factErr   error
	velMemo   []ref.Val

	memo [maxMemo]ref.Val
}

// ResolveName implements interpreter.Activation.
func (s *evalState) ResolveName(name string) (any, bool) {
	switch name {
	case "tx", "customer", "counterparty", "device", "vel":
		return s, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (s *evalState) Parent() interpreter.Activation { return nil }

const numMetrics = int(metricStddev) + 1

// fact returns fact i, reading every fact the program needs with one call
// to the FactSource the first time any is needed.
func (s *evalState) fact(i int) (*Fact, error) {
	if !s.factsDone {
		s.factsDone = true
		qs := s.p.queries
		if s.in.Facts == nil {
			s.factErr = errors.New("aml: rules read velocity facts but Input.Facts is nil")
			return nil, s.factErr
		}
		fs, err := s.in.Facts.Facts(s.ctx, qs)
		if err := checkFacts(qs, fs, err); err != nil {
			s.factErr = err
			return nil, err
		}
		s.facts = fs
		if n := len(qs) * numMetrics; cap(s.velMemo) >= n {
			s.velMemo = s.velMemo[:n]
		} else {
			s.velMemo = make([]ref.Val, n)
		}
	}
	if s.factErr != nil {
		return nil, s.factErr
	}
	return &s.facts[i], nil
}

func (s *evalState) velValue(i int, m velMetric) (ref.Val, error) {
	f, err := s.fact(i)
	if err != nil {
		return nil, err
	}
	slot := i*numMetrics + int(m)
	if v := s.velMemo[slot]; v != nil {
		return v, nil
	}
	var v ref.Val
	switch m {
	case metricSum:
		v = celDecimal{f.Sum}
	case metricCount:
		v = types.Int(f.Count)
	case metricDistinct:
		v = types.Int(f.Distinct)
	case metricSumSquares:
		v = celDecimal{f.SumSquares}
	case metricLast:
		v = timestampVal(f.Last)
	case metricLastAmount:
		v = celDecimal{f.LastAmount}
	case metricMean:
		v = celDecimal{f.mean()}
	case metricStddev:
		v = celDecimal{f.stddev()}
	}
	s.velMemo[slot] = v
	return v, nil
}

// Evaluate runs every rule that is in effect on the transaction's date
// and returns a finding for each rule whose condition holds, in rule order.
//
// A rule that fails at run time (a division by zero, a cost limit, a
// malformed field) does not drop the decision: it yields a finding with the
// action [Options.OnRuleError] (default Review) and code
// [rule.CodeEvalError] whose message names the error, and the other rules
// still run.
//
// The error is non-nil only when the program could not decide: the context
// was canceled or its deadline passed, the [FactSource] failed, or in or
// in.Tx is nil. Then the findings are nil.
func (p *Program) Evaluate(ctx context.Context, in *Input) ([]rule.Finding, error) {
	if in == nil || in.Tx == nil {
		return nil, errors.New("aml: Evaluate: nil input or transaction")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("aml: %w", err)
	}
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	s, _ := p.states.Get().(*evalState)
	if s == nil {
		s = &evalState{}
	}
	defer p.release(s)
	s.ctx, s.p, s.in, s.tx, s.local = ctx, p, in, in.Tx, in.Tx.Time.In(loc)
	date := payment.Date{Year: s.local.Year(), Month: s.local.Month(), Day: s.local.Day()}
	var out []rule.Finding
	ch, dir := int(in.Tx.Channel), int(in.Tx.Direction)
	if ch >= payment.NumChannels || dir >= payment.NumDirections {
		return nil, errors.New("aml: Evaluate: transaction has an invalid channel or direction; validate it first")
	}
	for _, cr := range p.rules {
		if !cr.cond.guard[ch][dir] || !cr.r.Active(date) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("aml: %w", err)
		}
		v, err := s.eval(cr.cond)
		if s.factErr != nil {
			return nil, s.factErr
		}
		if err == nil {
			b, ok := v.(types.Bool)
			if !ok {
				err = fmt.Errorf("condition returned %s, not bool", v.Type().TypeName())
			} else if !b {
				continue
			}
		}
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, fmt.Errorf("aml: %w", cerr)
			}
			out = append(out, p.errorFinding(cr, err))
			continue
		}
		f := s.finding(cr)
		if s.factErr != nil {
			return nil, s.factErr
		}
		out = append(out, f)
	}
	return out, nil
}

// release clears a state and returns it to the program's pool.
func (p *Program) release(s *evalState) {
	clear(s.velMemo)
	velMemo := s.velMemo[:0]
	*s = evalState{velMemo: velMemo}
	p.states.Put(s)
}

func (s *evalState) eval(ce *compiledExpr) (ref.Val, error) {
	var v ref.Val
	var err error
	if ce.usesCtx {
		v, _, err = ce.prg.ContextEval(s.ctx, s)
	} else {
		v, _, err = ce.prg.Eval(s)
	}
	if err != nil {
		return nil, err
	}
	if types.IsError(v) {
		return nil, v.(*types.Err)
	}
	return v, nil
}

func (p *Program) errorFinding(cr *compiledRule, err error) rule.Finding {
	return rule.Finding{
		Rule:     cr.r.ID,
		Version:  cr.r.Version,
		Action:   p.onErr,
		Code:     rule.CodeEvalError,
		Message:  fmt.Sprintf("rule %s failed at run time: %v", cr.r.ID, err),
		Citation: cr.r.Citation,
		Values:   []rule.Value{{Name: "error", Value: err.Error()}},
	}
}

// finding renders the message and the deciding values of a rule that
// fired.
func (s *evalState) finding(cr *compiledRule) rule.Finding {
	f := rule.Finding{
		Rule:     cr.r.ID,
		Version:  cr.r.Version,
		Action:   cr.r.Action,
		Citation: cr.r.Citation,
	}
	if len(cr.r.Requires) > 0 {
		f.Requires = append([]string(nil), cr.r.Requires...)
	}
	if len(cr.msg) == 1 && cr.msg[0].expr == nil {
		f.Message = cr.msg[0].text
	} else {
		var b strings.Builder
		for _, part := range cr.msg {
			if part.expr == nil {
				b.WriteString(part.text)
				continue
			}
			b.WriteString(s.format(part.expr))
		}
		f.Message = strings.TrimSpace(b.String())
	}
	if len(cr.values) > 0 {
		f.Values = make([]rule.Value, len(cr.values))
		for i, nv := range cr.values {
			f.Values[i] = rule.Value{Name: nv.name, Value: s.format(nv.expr)}
		}
	}
	return f
}

func (s *evalState) format(ce *compiledExpr) string {
	v, err := s.eval(ce)
	if err != nil {
		return "<error: " + err.Error() + ">"
	}
	return formatValue(v, s.local.Location(), 0)
}

// formatValue renders a CEL value as text: decimals exactly, timestamps in
// RFC 3339 in the pack's time zone, durations as Go durations.
func formatValue(v ref.Val, loc *time.Location, depth int) string {
	switch x := v.(type) {
	case celDecimal:
		return x.d.String()
	case types.String:
		return string(x)
	case types.Int:
		return strconv.FormatInt(int64(x), 10)
	case types.Uint:
		return strconv.FormatUint(uint64(x), 10)
	case types.Bool:
		return strconv.FormatBool(bool(x))
	case types.Timestamp:
		return x.Time.In(loc).Format(time.RFC3339)
	case types.Duration:
		return x.Duration.String()
	case types.Null:
		return "null"
	case traits.Lister:
		if depth > 2 {
			return "[…]"
		}
		var b strings.Builder
		b.WriteByte('[')
		it := x.Iterator()
		for n := 0; it.HasNext() == types.True; n++ {
			if n > 0 {
				b.WriteString(", ")
			}
			if n >= 20 {
				b.WriteString("…")
				break
			}
			b.WriteString(formatValue(it.Next(), loc, depth+1))
		}
		b.WriteByte(']')
		return b.String()
	}
	return fmt.Sprint(v.Value())
}
