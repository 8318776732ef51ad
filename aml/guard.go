package aml

import (
	"fmt"
	"strings"

	"github.com/comply-go/comply/payment"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
)

// guard is the set of (channel, direction) pairs for which a rule's
// condition can be true, read from the top-level conjuncts of its
// expression such as tx.direction == "cash_out" or
// tx.channel in ["crypto", "e_wallet"]. CEL's && is false as soon as any
// operand is false, whatever the others evaluate to (errors included), so
// skipping a rule whose guard excludes the transaction never changes a
// result: it is rule indexing, as a hand-written engine would do with an
// if statement.
type guard [payment.NumChannels][payment.NumDirections]bool

func allGuard() guard {
	var g guard
	for c := range g {
		for d := range g[c] {
			g[c][d] = true
		}
	}
	return g
}

// txEnumField returns "channel", "direction" or "funding" when e selects
// that field of tx.
func txEnumField(e ast.Expr) string {
	if e.Kind() != ast.SelectKind {
		return ""
	}
	sel := e.AsSelect()
	if sel.IsTestOnly() || sel.Operand().Kind() != ast.IdentKind || sel.Operand().AsIdent() != "tx" {
		return ""
	}
	switch f := sel.FieldName(); f {
	case "channel", "direction", "funding":
		return f
	}
	return ""
}

// enumComparison recognises `tx.<field> == "lit"`, `"lit" == tx.<field>`,
// `!=`, and `tx.<field> in ["a", "b"]`. It returns the field, the literal
// names with their expression ids, and whether the comparison is negated.
func enumComparison(e ast.Expr) (field string, names []string, ids []int64, negated, ok bool) {
	if e.Kind() != ast.CallKind {
		return "", nil, nil, false, false
	}
	call := e.AsCall()
	args := call.Args()
	if len(args) != 2 {
		return "", nil, nil, false, false
	}
	lit := func(x ast.Expr) (string, bool) {
		if x.Kind() != ast.LiteralKind {
			return "", false
		}
		s, ok := x.AsLiteral().(types.String)
		return string(s), ok
	}
	switch call.FunctionName() {
	case operators.Equals, operators.NotEquals:
		negated = call.FunctionName() == operators.NotEquals
		for _, p := range [][2]ast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
			if f := txEnumField(p[0]); f != "" {
				if s, ok := lit(p[1]); ok {
					return f, []string{s}, []int64{p[1].ID()}, negated, true
				}
			}
		}
	case operators.In:
		f := txEnumField(args[0])
		if f == "" || args[1].Kind() != ast.ListKind {
			return "", nil, nil, false, false
		}
		for _, el := range args[1].AsList().Elements() {
			s, ok := lit(el)
			if !ok {
				return "", nil, nil, false, false
			}
			names = append(names, s)
			ids = append(ids, el.ID())
		}
		return f, names, ids, false, true
	}
	return "", nil, nil, false, false
}

// enumIndex returns the value of a channel or direction name; ok is false
// for a name that is not one.
func enumIndex(field, name string) (int, bool) {
	switch field {
	case "channel", "funding":
		if name == "" && field == "funding" {
			return 0, true
		}
		c, err := payment.ParseChannel(name)
		return int(c), err == nil && c.String() == name
	case "direction":
		d, err := payment.ParseDirection(name)
		return int(d), err == nil && d.String() == name
	}
	return 0, false
}

func enumNamesFor(field string) string {
	var names []string
	switch field {
	case "direction":
		for d := payment.Direction(1); d.Valid(); d++ {
			names = append(names, d.String())
		}
	default:
		for c := payment.Channel(1); c.Valid(); c++ {
			names = append(names, c.String())
		}
	}
	return strings.Join(names, ", ")
}

// checkEnumLiterals reports comparisons of tx.channel, tx.direction or
// tx.funding with a name that is not a channel or direction: such a
// comparison is constant, and almost always a typo ("cashout").
func checkEnumLiterals(a *ast.AST) []literalIssue {
	var out []literalIssue
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.CallKind)) {
		field, names, ids, _, ok := enumComparison(e)
		if !ok {
			continue
		}
		for i, n := range names {
			if _, ok := enumIndex(field, n); !ok {
				kind := "channel"
				if field == "direction" {
					kind = "direction"
				}
				out = append(out, literalIssue{ids[i], fmt.Sprintf("unknown %s %q in a comparison with tx.%s (want one of %s)", kind, n, field, enumNamesFor(field))})
			}
		}
	}
	return out
}

// ruleGuard computes the guard of a boolean expression from its top-level
// conjuncts.
func ruleGuard(e ast.Expr) guard {
	g := allGuard()
	var walk func(ast.Expr)
	walk = func(e ast.Expr) {
		if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == operators.LogicalAnd {
			for _, a := range e.AsCall().Args() {
				walk(a)
			}
			return
		}
		field, names, _, negated, ok := enumComparison(e)
		if !ok || field == "funding" {
			return
		}
		var set [max(payment.NumChannels, payment.NumDirections)]bool
		for _, n := range names {
			if i, ok := enumIndex(field, n); ok {
				set[i] = true
			}
		}
		for c := range g {
			for d := range g[c] {
				i := c
				if field == "direction" {
					i = d
				}
				if set[i] == negated {
					g[c][d] = false
				}
			}
		}
	}
	walk(e)
	return g
}
