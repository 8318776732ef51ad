package aml

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/shopspring/decimal"
)

// DefaultMaxCost is the default bound on the estimated worst-case cost of
// one expression, in cel-go cost units (roughly one unit per operation;
// Kubernetes allows 10^6 per expression, about 0.1 s). A rule without
// comprehensions costs a few dozen units.
const DefaultMaxCost = 10000

// Options configures [Compile]. A nil *Options means defaults; Compile never
// changes the struct.
type Options struct {
	// OnRuleError is the action of the finding that stands in for a rule
	// that fails at run time (code [rule.CodeEvalError]). It must be Review,
	// StepUp or Block: a failing rule never allows. Default: rule.Review.
	OnRuleError rule.Action
	// MaxCost bounds the estimated worst-case cost of every expression:
	// a rule that could run away is refused at compile time with
	// [CodeCost]. Rules whose estimate exceeds MaxCost/10 also get a
	// run-time cost limit of MaxCost as a backstop. Default: DefaultMaxCost.
	MaxCost uint64
	// Params are named constants available to rules as params.<name>.
	// Values may be decimal.Decimal, int, int64, string, bool,
	// time.Duration or []string. They are merged over [DefaultParams], so a
	// jurisdiction pack sets only what differs (e.g. the KR pack sets
	// ctr_threshold to 10000000 KRW; the US pack to 10000.01 USD, since
	// the US report is due above 10,000 USD and the rule compares with >=).
	// Names are lower-case snake_case. Default: DefaultParams().
	Params map[string]any
	// Lists are named sets of strings available to rules as lists.<name>,
	// e.g. `counterparty.country in lists.fatf_call_for_action`. They are
	// merged over [DefaultLists]. Default: DefaultLists().
	Lists map[string][]string
	// Functions are host functions that rules can call. Default: none.
	Functions []Function
}

// Input is what one evaluation sees.
type Input struct {
	// Tx is the transaction, which must have passed
	// [payment.Transaction.Validate]. Required.
	Tx *payment.Transaction
	// Facts answers the velocity queries of [Program.Queries]. It is called
	// at most once per evaluation, and only if a rule reads vel. Required
	// when Queries is not empty.
	Facts FactSource
	// Location is the pack's time zone: calendar windows, tx.local_* and
	// effective dates use it. The engine caches it; Evaluate never loads a
	// zone. Default: UTC.
	Location *time.Location
	// MaxAmount is the largest amount the customer may move in this
	// transaction under the limits that apply (tx.max_amount in rules), if
	// the engine knows it. Zero means unknown.
	MaxAmount decimal.Decimal
	// CounterpartyFirstSeen is when the host first saw this counterparty for
	// this customer (counterparty.first_seen in rules): tx.Time for a
	// first-time payee; zero when unknown.
	CounterpartyFirstSeen time.Time
}

// Program is a compiled rule set. A *Program is immutable and safe for
// concurrent use by multiple goroutines: compile once, evaluate many times.
type Program struct {
	rules   []*compiledRule
	queries []FactQuery
	onErr   rule.Action
	// states recycles per-evaluation states (*evalState); a sync.Pool is
	// safe for concurrent use, and nothing of a state outlives Evaluate.
	states sync.Pool
}

type compiledRule struct {
	r      Rule
	cond   *compiledExpr
	msg    []msgPart
	values []namedProgram
}

type compiledExpr struct {
	prg     cel.Program
	usesCtx bool  // has comprehensions: evaluate with ContextEval
	guard   guard // (channel, direction) pairs for which it can be true
}

type msgPart struct {
	text string
	expr *compiledExpr // nil for literal text
}

type namedProgram struct {
	name string
	expr *compiledExpr
}

// Queries returns the velocity fact queries the rules need, deduplicated,
// in a stable order. [Input.Facts] is asked for exactly these.
func (p *Program) Queries() []FactQuery {
	out := make([]FactQuery, len(p.queries))
	for i, q := range p.queries {
		out[i] = FactQuery{Window: q.Window, Channels: slices.Clone(q.Channels), Directions: slices.Clone(q.Directions)}
	}
	return out
}

// Rules returns the compiled rules, in evaluation order.
func (p *Program) Rules() []Rule {
	out := make([]Rule, len(p.rules))
	for i, cr := range p.rules {
		out[i] = cr.r
	}
	return out
}

// MustCompile is like [Compile] but panics on error. It is meant for
// package-level variables and tests.
func MustCompile(rules []Rule, opts *Options) *Program {
	p, err := Compile(rules, opts)
	if err != nil {
		panic(err)
	}
	return p
}

type compiler struct {
	env     *cel.Env
	opt     *cel.StaticOptimizer
	est     costEstimator
	maxCost uint64
	prov    *provider
	errs    rule.ErrorList
}

// Compile type-checks every rule once and returns the Program that
// evaluates them. Errors are a [rule.ErrorList], sorted by position, whose
// positions point into the rules' YAML files (file:line:col of the offending
// token inside the expression) with the source line, and whose codes are
// stable: [rule.CodeParse], [rule.CodeType], [CodeCost], [CodeSchema],
// [CodeDuplicateID], [CodeOptions].
func Compile(rules []Rule, opts *Options) (*Program, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &compiler{maxCost: o.MaxCost}
	if c.maxCost == 0 {
		c.maxCost = DefaultMaxCost
	}
	onErr := o.OnRuleError
	switch onErr {
	case rule.ActionUnspecified:
		onErr = rule.Review
	case rule.Review, rule.StepUp, rule.Block:
	default:
		c.errs.Add(rule.Pos{}, CodeOptions, "OnRuleError must be review, step_up or block, not %s: a failing rule never allows", onErr)
	}
	params := DefaultParams()
	maps.Copy(params, o.Params)
	lists := DefaultLists()
	maps.Copy(lists, o.Lists)

	reg := &queryRegistry{}
	envOpts := decimalLib()
	envOpts = append(envOpts,
		cel.HomogeneousAggregateLiterals(),
		func(e *cel.Env) (*cel.Env, error) {
			c.prov = newProvider(e.CELTypeProvider(), reg)
			return cel.CustomTypeProvider(c.prov)(e)
		},
		cel.Variable("tx", cel.ObjectType(txTypeName)),
		cel.Variable("customer", cel.ObjectType(customerTypeName)),
		cel.Variable("counterparty", cel.ObjectType(partyTypeName)),
		cel.Variable("device", cel.ObjectType(deviceTypeName)),
		cel.Variable("vel", cel.ObjectType(velTypeName)),
	)
	c.est = costEstimator{sizes: map[string]uint64{}}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if !validName(name) {
			c.errs.Add(rule.Pos{}, CodeOptions, "invalid parameter name %q: want lower-case snake_case", name)
			continue
		}
		t, v, err := paramValue(name, params[name])
		if err != nil {
			c.errs.Add(rule.Pos{}, CodeOptions, "%v", err)
			continue
		}
		if l, ok := params[name].([]string); ok {
			c.est.sizes["params."+name] = uint64(len(l))
		}
		envOpts = append(envOpts, cel.Constant("params."+name, t, v))
	}
	for _, name := range slices.Sorted(maps.Keys(lists)) {
		if !validName(name) {
			c.errs.Add(rule.Pos{}, CodeOptions, "invalid list name %q: want lower-case snake_case", name)
			continue
		}
		c.est.sizes["lists."+name] = uint64(len(lists[name]))
		envOpts = append(envOpts, cel.Constant("lists."+name, cel.ListType(cel.StringType),
			types.NewStringList(types.DefaultTypeAdapter, slices.Clone(lists[name]))))
	}
	for i := range o.Functions {
		opt, err := o.Functions[i].envOption()
		if err != nil {
			c.errs.Add(rule.Pos{}, CodeOptions, "%v", err)
			continue
		}
		envOpts = append(envOpts, opt)
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	env, err := cel.NewEnv(envOpts...)
	if err != nil {
		if len(o.Functions) > 0 { // most likely a clash with a built-in function
			c.errs.Add(rule.Pos{}, CodeOptions, "building the CEL environment: %v", err)
			return nil, c.errs
		}
		return nil, fmt.Errorf("aml: building the CEL environment: %w", err)
	}
	c.env = env
	if c.opt, err = cel.NewStaticOptimizer(intOperandRewriter{}); err != nil {
		return nil, fmt.Errorf("aml: %w", err)
	}

	p := &Program{onErr: onErr}
	var seen []*Rule
	for i := range rules {
		r := rules[i]
		r.Tags = slices.Clone(r.Tags)
		r.Requires = slices.Clone(r.Requires)
		r.Values = slices.Clone(r.Values)
		if r.Severity == SeverityUnspecified {
			r.Severity = SeverityMedium
		}
		if !c.checkRule(&r) {
			continue
		}
		for _, prev := range seen {
			if prev.ID == r.ID && overlaps(prev, &r) {
				where := ""
				if prev.Pos.IsValid() {
					where = " (also at " + prev.Pos.String() + ")"
				}
				c.addErr(r.Pos, CodeDuplicateID, r.exprSrc, "duplicate rule id %q%s with overlapping effective dates", r.ID, where)
			}
		}
		seen = append(seen, &rules[i])
		cr := &compiledRule{r: r}
		var ok bool
		cr.cond, ok = c.compile(&r, r.Expr, r.exprSrc, 0, true)
		for _, v := range r.Values {
			ce, vok := c.compile(&r, v.Expr, v.src, 0, false)
			ok = ok && vok
			cr.values = append(cr.values, namedProgram{name: v.Name, expr: ce})
		}
		var mok bool
		cr.msg, mok = c.compileMessage(&r)
		if ok && mok {
			p.rules = append(p.rules, cr)
		}
	}
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	p.queries = reg.list
	return p, nil
}

func overlaps(a, b *Rule) bool {
	// [aFrom, aUntil] and [bFrom, bUntil] overlap unless one ends before
	// the other starts.
	if !a.EffectiveUntil.IsZero() && !b.EffectiveFrom.IsZero() && a.EffectiveUntil.Before(b.EffectiveFrom) {
		return false
	}
	if !b.EffectiveUntil.IsZero() && !a.EffectiveFrom.IsZero() && b.EffectiveUntil.Before(a.EffectiveFrom) {
		return false
	}
	return true
}

func (c *compiler) addErr(pos rule.Pos, code rule.Code, m *srcMap, format string, args ...any) {
	e := &rule.Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)}
	if m != nil {
		e.Source = m.line(pos.Line)
	}
	c.errs = append(c.errs, e)
}

// checkRule validates the fields of a rule that ParseRules validates for
// YAML, for rules built in Go.
func (c *compiler) checkRule(r *Rule) bool {
	ok := true
	bad := func(format string, args ...any) {
		c.addErr(r.Pos, CodeSchema, r.exprSrc, format, args...)
		ok = false
	}
	if !validID(string(r.ID)) {
		bad("invalid rule id %q: want lower-case letters, digits, '_', '-' and '.'", r.ID)
	}
	if r.Version == "" {
		bad("rule %s: missing version", orUnnamed(r.ID))
	}
	if strings.TrimSpace(r.Expr) == "" {
		bad("rule %s: missing expr", orUnnamed(r.ID))
	}
	if !r.Action.Valid() {
		bad("rule %s: invalid action %s", orUnnamed(r.ID), r.Action)
	}
	if r.Severity > SeverityCritical {
		bad("rule %s: invalid severity %s", orUnnamed(r.ID), r.Severity)
	}
	for _, v := range r.Values {
		if v.Name == "" || strings.TrimSpace(v.Expr) == "" {
			bad("rule %s: a value needs both name and expr", orUnnamed(r.ID))
		}
	}
	if !r.EffectiveFrom.IsZero() && !r.EffectiveUntil.IsZero() && r.EffectiveUntil.Before(r.EffectiveFrom) {
		bad("rule %s: effective_until %s is before effective_from %s", orUnnamed(r.ID), r.EffectiveUntil, r.EffectiveFrom)
	}
	return ok
}

// exprPos maps a CEL location (1-based line, 0-based rune column) inside
// text, which starts at rune offset base of the map's text, to a file
// position.
func exprPos(r *Rule, text string, m *srcMap, base, line, col int) (rule.Pos, string) {
	if line < 1 { // cel-go reports some parser errors at line -1
		line, col = 1, 0
	}
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			break
		}
		off += utf8.RuneCountInString(text[:i+1])
		text = text[i+1:]
	}
	if col < 0 {
		col = 0
	}
	off += col
	if m != nil {
		p := m.posAt(base + off)
		return p, m.line(p.Line)
	}
	// A rule built in Go: position relative to the expression.
	src, _, _ := strings.Cut(text, "\n")
	return rule.Pos{File: r.Pos.File, Line: line, Col: col + 1}, src
}

// qualifiedName returns the identifier after "<ns>." at the CEL location
// (1-based line, 0-based rune column) in text, or "".
func qualifiedName(text string, line, col int, ns string) string {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	rs := []rune(lines[line-1])
	if col < 0 || col > len(rs) {
		return ""
	}
	rest := string(rs[col:])
	if !strings.HasPrefix(rest, ns+".") {
		return ""
	}
	rest = rest[len(ns)+1:]
	end := strings.IndexFunc(rest, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// compile parses, checks, rewrites, cost-checks and plans one expression.
func (c *compiler) compile(r *Rule, text string, m *srcMap, base int, wantBool bool) (*compiledExpr, bool) {
	report := func(code rule.Code, iss *cel.Issues) {
		for _, e := range iss.Errors() {
			pos, src := exprPos(r, text, m, base, e.Location.Line(), e.Location.Column())
			msg := e.Message
			if strings.Contains(msg, "no matching overload for '_==_'") || strings.Contains(msg, "no matching overload for '_!=_'") {
				if strings.Contains(msg, "decimal") {
					msg += `: a decimal equals only a decimal; write decimal("…")`
				}
			}
			// lists.<name> and params.<name> are declared one by one, so
			// cel-go calls an unknown one an undeclared 'lists': name it.
			for _, ns := range []string{"lists", "params"} {
				if strings.HasPrefix(msg, "undeclared reference to '"+ns+"'") {
					if name := qualifiedName(text, e.Location.Line(), e.Location.Column(), ns); name != "" {
						msg = fmt.Sprintf("unknown %s %q: not in the pack's %s nor the defaults", strings.TrimSuffix(ns, "s"), name, ns)
					}
				}
			}
			c.errs = append(c.errs, &rule.Error{Pos: pos, Code: code, Msg: msg, Source: src})
		}
	}
	at := func(code rule.Code, format string, args ...any) {
		pos, src := exprPos(r, text, m, base, 1, leadingSpace(text))
		c.errs = append(c.errs, &rule.Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...), Source: src})
	}
	parsed, iss := c.env.Parse(text)
	if iss.Err() != nil {
		report(rule.CodeParse, iss)
		return nil, false
	}
	if lits := checkLiterals(parsed.NativeRep()); len(lits) > 0 {
		info := parsed.NativeRep().SourceInfo()
		for _, li := range lits {
			loc := info.GetStartLocation(li.id)
			pos, src := exprPos(r, text, m, base, loc.Line(), loc.Column())
			c.errs = append(c.errs, &rule.Error{Pos: pos, Code: rule.CodeType, Msg: li.msg, Source: src})
		}
		return nil, false
	}
	checked, iss := c.env.Check(parsed)
	if iss.Err() != nil {
		report(rule.CodeType, iss)
		return nil, false
	}
	if lits := checkEnumLiterals(checked.NativeRep()); len(lits) > 0 {
		info := checked.NativeRep().SourceInfo()
		for _, li := range lits {
			loc := info.GetStartLocation(li.id)
			pos, src := exprPos(r, text, m, base, loc.Line(), loc.Column())
			c.errs = append(c.errs, &rule.Error{Pos: pos, Code: rule.CodeType, Msg: li.msg, Source: src})
		}
		return nil, false
	}
	if wantBool && !checked.OutputType().IsExactType(types.BoolType) {
		at(rule.CodeType, "rule %s: expr must be a bool condition, got %s", r.ID, checked.OutputType())
		return nil, false
	}
	est, err := c.env.EstimateCost(checked, c.est)
	if err != nil {
		at(CodeCost, "cannot estimate cost: %v", err)
		return nil, false
	}
	comp := firstComprehension(checked)
	if est.Max > c.maxCost {
		line, col := 1, leadingSpace(text)
		if comp != nil {
			line, col = comp.line, comp.col
		}
		pos, src := exprPos(r, text, m, base, line, col)
		c.errs = append(c.errs, &rule.Error{Pos: pos, Code: CodeCost, Source: src,
			Msg: fmt.Sprintf("rule %s: estimated worst-case cost %s exceeds the bound %d: iterate only over lists of known size and avoid nesting comprehensions", r.ID, costString(est.Max), c.maxCost)})
		return nil, false
	}
	optimized, iss := c.opt.Optimize(c.env, checked)
	if iss.Err() != nil {
		report(rule.CodeType, iss)
		return nil, false
	}
	popts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize), foldConstants()}
	ce := &compiledExpr{guard: allGuard()}
	if wantBool {
		ce.guard = ruleGuard(checked.NativeRep().Expr())
	}
	if comp != nil {
		popts = append(popts, cel.InterruptCheckFrequency(100))
		ce.usesCtx = true
	}
	if est.Max > c.maxCost/10 {
		popts = append(popts, cel.CostLimit(c.maxCost))
	}
	prg, err := c.env.Program(optimized, popts...)
	if err != nil {
		at(rule.CodeType, "%v", err)
		return nil, false
	}
	ce.prg = prg
	return ce, true
}

func costString(n uint64) string {
	if n == ^uint64(0) {
		return "unbounded"
	}
	return strconv.FormatUint(n, 10)
}

func leadingSpace(s string) int {
	n := 0
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			break
		}
		if r == '\n' {
			return 0
		}
		n++
	}
	return n
}

type exprLoc struct{ line, col int }

// firstComprehension returns the location of the outermost, leftmost
// comprehension (all, exists, map, filter, …) of the expression, or nil.
func firstComprehension(a *cel.Ast) *exprLoc {
	info := a.NativeRep().SourceInfo()
	var best *exprLoc
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.ComprehensionKind)) {
		loc := info.GetStartLocation(e.ID())
		if loc.Line() <= 0 {
			continue
		}
		if best == nil || loc.Line() < best.line || loc.Line() == best.line && loc.Column() < best.col {
			best = &exprLoc{loc.Line(), loc.Column()}
		}
	}
	return best
}

// compileMessage splits the message template into literal text and
// {{expr}} placeholders.
func (c *compiler) compileMessage(r *Rule) ([]msgPart, bool) {
	msg := r.Message
	if msg == "" {
		msg = r.Description
		if msg == "" {
			msg = "rule " + string(r.ID) + " matched"
		}
		return []msgPart{{text: strings.TrimSpace(msg)}}, true
	}
	var parts []msgPart
	ok := true
	rest := msg
	consumed := 0 // runes of msg before rest
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			parts = append(parts, msgPart{text: rest})
			break
		}
		if i > 0 {
			parts = append(parts, msgPart{text: rest[:i]})
		}
		j := strings.Index(rest[i+2:], "}}")
		base := consumed + utf8.RuneCountInString(rest[:i+2])
		if j < 0 {
			pos, src := exprPos(r, rest[i:], r.msgSrc, consumed+utf8.RuneCountInString(rest[:i]), 1, 0)
			c.errs = append(c.errs, &rule.Error{Pos: pos, Code: CodeSchema, Source: src, Msg: "message: unclosed {{"})
			return nil, false
		}
		text := rest[i+2 : i+2+j]
		ce, eok := c.compile(r, text, r.msgSrc, base, false)
		ok = ok && eok
		parts = append(parts, msgPart{expr: ce})
		adv := i + 2 + j + 2
		consumed += utf8.RuneCountInString(rest[:adv])
		rest = rest[adv:]
	}
	return parts, ok
}
