package aml

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	"github.com/shopspring/decimal"
)

// CEL type names of the objects rules see.
const (
	txTypeName       = "aml.Transaction"
	merchantTypeName = "aml.Merchant"
	cryptoTypeName   = "aml.Crypto"
	customerTypeName = "aml.Customer"
	partyTypeName    = "aml.Counterparty"
	deviceTypeName   = "aml.Device"
	velTypeName      = "aml.Velocity"
)

// field is one reflection-free field of a rule-visible object. get reads
// the value from the evaluation state; set reports presence for has().
type field struct {
	t    *cel.Type
	get  func(s *evalState) (ref.Val, error)
	set  func(s *evalState) bool
	memo bool // box once per evaluation
}

// unsetTime is what an unknown timestamp reads as: the Unix epoch. Use has()
// to test presence.
var unsetTime = types.Timestamp{Time: time.Unix(0, 0).UTC()}

func enumTable[E ~uint8](n int, name func(E) string) []ref.Val {
	out := make([]ref.Val, n)
	for i := range out {
		if i == 0 {
			out[i] = types.String("")
			continue
		}
		out[i] = types.String(name(E(i)))
	}
	return out
}

func enumVal(tab []ref.Val, i uint8) ref.Val {
	if int(i) < len(tab) {
		return tab[i]
	}
	return types.String("")
}

// Immutable tables of enum names, boxed once.
var (
	channelVals   = enumTable(payment.NumChannels, payment.Channel.String)
	directionVals = enumTable(payment.NumDirections, payment.Direction.String)
	goodsVals     = enumTable(7, payment.Goods.String)
	walletVals    = enumTable(3, payment.WalletKind.String)
	riskVals      = enumTable(4, payment.Risk.String)
	tierVals      = func() []ref.Val {
		out := make([]ref.Val, payment.NumTiers)
		for i := range out {
			out[i] = types.String(payment.Tier(i).String())
		}
		return out
	}()
)

func str(f func(s *evalState) string) field {
	return field{t: cel.StringType, memo: true,
		get: func(s *evalState) (ref.Val, error) { return types.String(f(s)), nil },
		set: func(s *evalState) bool { return f(s) != "" }}
}

func boolean(f func(s *evalState) bool) field {
	return field{t: cel.BoolType,
		get: func(s *evalState) (ref.Val, error) { return types.Bool(f(s)), nil },
		set: f}
}

// Bounds of the timestamps rules see: host-supplied times (device.first_seen,
// counterparty.first_seen) are clamped into the range that
// payment.Transaction.Validate allows for tx.time, so that subtracting them
// from tx.time never overflows a duration.
var (
	minRuleTime = time.Unix(0, 0).UTC()
	maxRuleTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func timestampVal(t time.Time) ref.Val {
	switch {
	case t.IsZero(), t.Before(minRuleTime):
		return unsetTime
	case t.After(maxRuleTime):
		return types.Timestamp{Time: maxRuleTime}
	}
	return types.Timestamp{Time: t}
}

func timestamp(f func(s *evalState) time.Time) field {
	return field{t: cel.TimestampType, memo: true,
		get: func(s *evalState) (ref.Val, error) {
			return timestampVal(f(s)), nil
		},
		set: func(s *evalState) bool { return !f(s).IsZero() }}
}

func integer(f func(s *evalState) int64) field {
	return field{t: cel.IntType,
		get: func(s *evalState) (ref.Val, error) { return types.Int(f(s)), nil },
		set: func(*evalState) bool { return true }}
}

func enum(tab []ref.Val, f func(s *evalState) uint8) field {
	return field{t: cel.StringType,
		get: func(s *evalState) (ref.Val, error) { return enumVal(tab, f(s)), nil },
		set: func(s *evalState) bool { return f(s) != 0 }}
}

func object(name string, set func(s *evalState) bool) field {
	return field{t: cel.ObjectType(name), get: nil, set: set}
}

var (
	noMerchant payment.Merchant
	noCrypto   payment.CryptoDetails
	noParty    payment.Party
	noDevice   payment.Device
	noTravel   payment.TravelRule
)

func (s *evalState) merchant() *payment.Merchant {
	if s.tx.Merchant == nil {
		return &noMerchant
	}
	return s.tx.Merchant
}

func (s *evalState) crypto() *payment.CryptoDetails {
	if s.tx.Crypto == nil {
		return &noCrypto
	}
	return s.tx.Crypto
}

func (s *evalState) party() *payment.Party {
	if s.tx.Counterparty == nil {
		return &noParty
	}
	return s.tx.Counterparty
}

func (s *evalState) device() *payment.Device {
	if s.tx.Device == nil {
		return &noDevice
	}
	return s.tx.Device
}

func (s *evalState) travel() *payment.TravelRule {
	if tr := s.crypto().TravelRule; tr != nil {
		return tr
	}
	return &noTravel
}

// optMoney is a decimal field read from an optional amount of the
// transaction (nil: not set, reads as zero). It is not memoized: the memo
// slots are few, and these fields are read by few rules.
func optMoney(m func(*evalState) *payment.Money) field {
	return field{t: decimalType,
		get: func(s *evalState) (ref.Val, error) {
			if v := m(s); v != nil {
				return celDecimal{v.Amount}, nil
			}
			return celDecimal{decimal.Zero}, nil
		},
		set: func(s *evalState) bool { return m(s) != nil }}
}

// objectFields lists every field of every rule-visible object. The field
// documentation lives in doc.go; keep the two in step.
func objectFields() map[string]map[string]field {
	return map[string]map[string]field{
		txTypeName: {
			"id":        str(func(s *evalState) string { return s.tx.ID }),
			"time":      timestamp(func(s *evalState) time.Time { return s.tx.Time }),
			"country":   str(func(s *evalState) string { return s.tx.Country }),
			"channel":   enum(channelVals, func(s *evalState) uint8 { return uint8(s.tx.Channel) }),
			"direction": enum(directionVals, func(s *evalState) uint8 { return uint8(s.tx.Direction) }),
			"funding":   enum(channelVals, func(s *evalState) uint8 { return uint8(s.tx.Funding) }),
			"amount": {t: decimalType, memo: true,
				get: func(s *evalState) (ref.Val, error) { return celDecimal{s.tx.Amount.Amount}, nil },
				set: func(*evalState) bool { return true }},
			"currency": str(func(s *evalState) string { return string(s.tx.Amount.Currency) }),
			"max_amount": {t: decimalType, memo: true,
				get: func(s *evalState) (ref.Val, error) { return celDecimal{s.in.MaxAmount}, nil },
				set: func(s *evalState) bool { return !s.in.MaxAmount.IsZero() }},
			"fee":             optMoney(func(s *evalState) *payment.Money { return s.tx.Fee }),
			"payout":          optMoney(func(s *evalState) *payment.Money { return s.tx.Payout }),
			"promised_payout": optMoney(func(s *evalState) *payment.Money { return s.tx.PromisedPayout }),
			"local_hour":      integer(func(s *evalState) int64 { return int64(s.local.Hour()) }),
			"local_minute":    integer(func(s *evalState) int64 { return int64(s.local.Minute()) }),
			"local_weekday":   integer(func(s *evalState) int64 { return int64(s.local.Weekday()) }),
			"local_day":       integer(func(s *evalState) int64 { return int64(s.local.Day()) }),
			"local_month":     integer(func(s *evalState) int64 { return int64(s.local.Month()) }),
			"local_year":      integer(func(s *evalState) int64 { return int64(s.local.Year()) }),
			"local_date":      str(func(s *evalState) string { return s.local.Format(time.DateOnly) }),
			"merchant":        object(merchantTypeName, func(s *evalState) bool { return s.tx.Merchant != nil }),
			"crypto":          object(cryptoTypeName, func(s *evalState) bool { return s.tx.Crypto != nil }),
		},
		merchantTypeName: {
			"id":              str(func(s *evalState) string { return s.merchant().ID }),
			"category":        str(func(s *evalState) string { return s.merchant().Category }),
			"goods":           enum(goodsVals, func(s *evalState) uint8 { return uint8(s.merchant().Goods) }),
			"cash_equivalent": boolean(func(s *evalState) bool { return s.merchant().Goods.CashEquivalent() }),
		},
		cryptoTypeName: {
			"network": str(func(s *evalState) string { return s.crypto().Network }),
			"asset":   str(func(s *evalState) string { return s.crypto().Asset }),
			"asset_amount": {t: decimalType, memo: true,
				get: func(s *evalState) (ref.Val, error) {
					a := s.crypto().AssetAmount
					if a == "" {
						return celDecimal{decimal.Zero}, nil
					}
					d, err := payment.ParseAmount(a)
					if err != nil {
						return nil, err
					}
					return celDecimal{d}, nil
				},
				set: func(s *evalState) bool { return s.crypto().AssetAmount != "" }},
			"address":              str(func(s *evalState) string { return s.crypto().Address }),
			"wallet":               enum(walletVals, func(s *evalState) uint8 { return uint8(s.crypto().Wallet) }),
			"ownership_proven":     boolean(func(s *evalState) bool { return s.crypto().OwnershipProven }),
			"travel_rule_complete": boolean(func(s *evalState) bool { return s.crypto().TravelRule.Complete() }),
			"originator_name":      str(func(s *evalState) string { return s.travel().OriginatorName }),
			"originator_account":   str(func(s *evalState) string { return s.travel().OriginatorAccount }),
			"beneficiary_name":     str(func(s *evalState) string { return s.travel().BeneficiaryName }),
			"beneficiary_account":  str(func(s *evalState) string { return s.travel().BeneficiaryAccount }),
		},
		customerTypeName: {
			"id":         str(func(s *evalState) string { return s.tx.Customer.ID }),
			"name":       str(func(s *evalState) string { return s.tx.Customer.Name }),
			"country":    str(func(s *evalState) string { return s.tx.Customer.Country }),
			"account":    str(func(s *evalState) string { return s.tx.Customer.Account }),
			"tier":       enum(tierVals, func(s *evalState) uint8 { return uint8(s.tx.Customer.Tier) }),
			"tier_level": integer(func(s *evalState) int64 { return int64(s.tx.Customer.Tier) }),
			"risk":       enum(riskVals, func(s *evalState) uint8 { return uint8(s.tx.Customer.Risk) }),
			"pep":        boolean(func(s *evalState) bool { return s.tx.Customer.PEP }),
			"verified": {t: cel.ListType(cel.StringType), memo: true,
				get: func(s *evalState) (ref.Val, error) {
					names := make([]string, len(s.tx.Customer.Verified))
					for i, c := range s.tx.Customer.Verified {
						names[i] = c.String()
					}
					return types.NewStringList(types.DefaultTypeAdapter, names), nil
				},
				set: func(s *evalState) bool { return len(s.tx.Customer.Verified) > 0 }},
			"age": {t: cel.IntType,
				get: func(s *evalState) (ref.Val, error) {
					b := s.tx.Customer.BirthDate
					if b.IsZero() {
						return types.Int(-1), nil
					}
					return types.Int(b.AgeAt(s.local)), nil
				},
				set: func(s *evalState) bool { return !s.tx.Customer.BirthDate.IsZero() }},
		},
		partyTypeName: {
			"id":         str(func(s *evalState) string { return s.party().ID }),
			"name":       str(func(s *evalState) string { return s.party().Name }),
			"country":    str(func(s *evalState) string { return s.party().Country }),
			"account":    str(func(s *evalState) string { return s.party().Account }),
			"first_seen": timestamp(func(s *evalState) time.Time { return s.in.CounterpartyFirstSeen }),
		},
		deviceTypeName: {
			"id":          str(func(s *evalState) string { return s.device().ID }),
			"ip":          str(func(s *evalState) string { return s.device().IP }),
			"first_seen":  timestamp(func(s *evalState) time.Time { return s.device().FirstSeen }),
			"sim_changed": timestamp(func(s *evalState) time.Time { return s.device().SIMChanged }),
		},
	}
}

// provider decorates the environment's type provider with the
// rule-visible objects, whose fields are read by plain Go functions (no
// reflection), and with the velocity facts, whose fields are parsed from
// their names and registered as queries.
type provider struct {
	types.Provider
	fields map[string]map[string]*types.FieldType
	names  map[string][]string
	reg    *queryRegistry
	// memoSlots is the number of per-evaluation memo slots used by fields.
	memoSlots int
}

// maxMemo bounds the memo slots of plain fields; see evalState.memo.
const maxMemo = 32

func newProvider(base types.Provider, reg *queryRegistry) *provider {
	p := &provider{Provider: base, reg: reg,
		fields: map[string]map[string]*types.FieldType{}, names: map[string][]string{}}
	for typ, fs := range objectFields() {
		m := map[string]*types.FieldType{}
		names := make([]string, 0, len(fs))
		for name, f := range fs {
			names = append(names, name)
			m[name] = p.fieldType(f)
		}
		slices.Sort(names)
		p.fields[typ] = m
		p.names[typ] = names
	}
	return p
}

func (p *provider) fieldType(f field) *types.FieldType {
	isSet := func(o any) bool {
		s, ok := o.(*evalState)
		return ok && f.set(s)
	}
	if f.get == nil { // nested object: the state itself carries it
		return &types.FieldType{Type: f.t, IsSet: isSet, GetFrom: func(o any) (any, error) {
			if _, ok := o.(*evalState); !ok {
				return nil, errBadObject
			}
			return o, nil
		}}
	}
	get := f.get
	if f.memo {
		slot := p.memoSlots
		p.memoSlots++
		if p.memoSlots > maxMemo {
			panic("aml: too many memoized fields") // caught by the package's own tests
		}
		get = func(s *evalState) (ref.Val, error) {
			if v := s.memo[slot]; v != nil {
				return v, nil
			}
			v, err := f.get(s)
			if err == nil {
				s.memo[slot] = v
			}
			return v, err
		}
	}
	return &types.FieldType{Type: f.t, IsSet: isSet, GetFrom: func(o any) (any, error) {
		s, ok := o.(*evalState)
		if !ok {
			return nil, errBadObject
		}
		return get(s)
	}}
}

var errBadObject = fmt.Errorf("aml: field selected on a value that is not a rule object")

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if _, ok := p.fields[name]; ok {
		return types.NewTypeTypeWithParam(cel.ObjectType(name)), true
	}
	if _, ok := parseVelType(name); ok {
		return types.NewTypeTypeWithParam(cel.ObjectType(name)), true
	}
	return p.Provider.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if n, ok := p.names[name]; ok {
		return n, true
	}
	if _, ok := parseVelType(name); ok {
		return nil, true
	}
	return p.Provider.FindStructFieldNames(name)
}

func (p *provider) FindStructFieldType(name, fieldName string) (*types.FieldType, bool) {
	if fs, ok := p.fields[name]; ok {
		ft, ok := fs[fieldName]
		return ft, ok
	}
	if f, ok := parseVelType(name); ok {
		return p.velField(f, fieldName)
	}
	return p.Provider.FindStructFieldType(name, fieldName)
}

// NewValue refuses to build rule objects inside expressions.
func (p *provider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := p.fields[name]; ok {
		return types.NewErr("aml: cannot construct %s in a rule", name)
	}
	if _, ok := parseVelType(name); ok {
		return types.NewErr("aml: cannot construct %s in a rule", name)
	}
	return p.Provider.NewValue(name, fields)
}

func (p *provider) velField(f velFilter, name string) (*types.FieldType, bool) {
	// A channel or direction narrows the filter: vel.cash_in, vel.carrier_billing.payment.
	if c, err := payment.ParseChannel(name); err == nil && name == c.String() && f.channel == 0 && f.direction == 0 {
		sub := velFilter{channel: c}
		return p.velObject(sub), true
	}
	if d, err := payment.ParseDirection(name); err == nil && name == d.String() && f.direction == 0 {
		sub := velFilter{channel: f.channel, direction: d}
		return p.velObject(sub), true
	}
	m, w, ok := parseVelField(name)
	if !ok {
		return nil, false
	}
	idx := p.reg.add(f.query(w))
	ft := &types.FieldType{
		IsSet: func(any) bool { return true },
		GetFrom: func(o any) (any, error) {
			s, ok := o.(*evalState)
			if !ok {
				return nil, errBadObject
			}
			return s.velValue(idx, m)
		},
	}
	switch m {
	case metricCount, metricDistinct:
		ft.Type = cel.IntType
	case metricLast:
		ft.Type = cel.TimestampType
	default:
		ft.Type = decimalType
	}
	return ft, true
}

func (p *provider) velObject(f velFilter) *types.FieldType {
	return &types.FieldType{Type: cel.ObjectType(f.typeName()),
		IsSet: func(any) bool { return true },
		GetFrom: func(o any) (any, error) {
			if _, ok := o.(*evalState); !ok {
				return nil, errBadObject
			}
			return o, nil
		}}
}

// ---- compile-time checks -------------------------------------------------

// tzAccessors are the timestamp accessors that take a time-zone name and
// load the zone database on every call in cel-go; rules use the pack-zone
// fields tx.local_* instead.
var tzAccessors = map[string]bool{
	"getFullYear": true, "getMonth": true, "getDayOfYear": true, "getDayOfMonth": true,
	"getDate": true, "getDayOfWeek": true, "getHours": true, "getMinutes": true,
	"getSeconds": true, "getMilliseconds": true,
}

// literalIssue is a problem found in the literals of a parsed expression.
type literalIssue struct {
	id  int64
	msg string
}

// checkLiterals refuses double literals and conversions (money is exact),
// malformed decimal("…") literals, and timestamp accessors with a time-zone
// argument. It runs on the parsed AST, before type-checking, so that
// `tx.amount > 1.5` is reported as a double literal rather than as a missing
// overload.
func checkLiterals(a *ast.AST) []literalIssue {
	var out []literalIssue
	root := ast.NavigateAST(a)
	for _, e := range ast.MatchDescendants(root, ast.KindMatcher(ast.LiteralKind)) {
		if d, ok := e.AsLiteral().(types.Double); ok {
			txt := strconv.FormatFloat(float64(d), 'f', -1, 64)
			out = append(out, literalIssue{e.ID(), fmt.Sprintf("double literal %s is not allowed: money is exact; write decimal(%q)", txt, txt)})
		}
	}
	for _, e := range ast.MatchDescendants(root, ast.KindMatcher(ast.CallKind)) {
		call := e.AsCall()
		switch fn := call.FunctionName(); {
		case fn == "double":
			out = append(out, literalIssue{e.ID(), "double() is not allowed: money is exact; use decimal()"})
		case fn == "decimal" && len(call.Args()) == 1 && call.Args()[0].Kind() == ast.LiteralKind:
			if s, ok := call.Args()[0].AsLiteral().(types.String); ok {
				if _, err := parseDecimalLiteral(string(s)); err != nil {
					out = append(out, literalIssue{call.Args()[0].ID(), err.Error()})
				}
			}
		case tzAccessors[fn] && call.IsMemberFunction() && len(call.Args()) == 1:
			out = append(out, literalIssue{e.ID(), fn + "(time zone) is not allowed: it loads the zone database on every call; use tx.local_hour, tx.local_weekday, tx.local_day or tx.local_date (pack time zone)"})
		}
	}
	slices.SortFunc(out, func(a, b literalIssue) int { return int(a.id - b.id) })
	return out
}

var decimalOps = map[string]bool{
	operators.Less: true, operators.LessEquals: true, operators.Greater: true,
	operators.GreaterEquals: true, operators.Add: true, operators.Subtract: true,
	operators.Multiply: true, operators.Divide: true, operators.Modulo: true,
}

// intOperandRewriter rewrites `<int> OP <decimal>` (int on either side)
// into `decimal(<int>) OP <decimal>`: the left operand must carry the
// decimal traits at run time, and a constant right operand is then folded
// once.
type intOperandRewriter struct{}

func (intOperandRewriter) Optimize(ctx *cel.OptimizerContext, a *ast.AST) *ast.AST {
	for _, c := range ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.CallKind)) {
		call := c.AsCall()
		if !decimalOps[call.FunctionName()] || len(call.Args()) != 2 {
			continue
		}
		l, r := call.Args()[0], call.Args()[1]
		for _, p := range [][2]ast.Expr{{l, r}, {r, l}} {
			if a.GetType(p[0].ID()).IsExactType(types.IntType) && a.GetType(p[1].ID()).IsExactType(decimalType) {
				inner := ctx.NewLiteral(types.Int(0))
				inner.SetKindCase(p[0])
				p[0].SetKindCase(ctx.NewCall("decimal", inner))
			}
		}
	}
	return a
}

// foldable lists the pure functions whose calls on constants are computed
// once when the program is built. cel.OptOptimize does not fold custom
// functions, so without this decimal("10000") would be parsed on every
// evaluation.
var foldable = map[string]bool{
	"decimal": true, "duration": true, "timestamp": true,
	operators.Add: true, operators.Subtract: true, operators.Multiply: true,
	operators.Divide: true, operators.Modulo: true, operators.Negate: true,
	operators.Less: true, operators.LessEquals: true, operators.Greater: true,
	operators.GreaterEquals: true, operators.Equals: true, operators.NotEquals: true,
}

func foldConstants() cel.ProgramOption {
	return cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		call, ok := i.(interpreter.InterpretableCall)
		if !ok || !foldable[call.Function()] {
			return i, nil
		}
		for _, a := range call.Args() {
			if _, isConst := a.(interpreter.InterpretableConst); !isConst {
				return i, nil
			}
		}
		v := call.Eval(interpreter.EmptyActivation())
		if types.IsError(v) {
			return nil, fmt.Errorf("%v", v)
		}
		return interpreter.NewConstValue(call.ID(), v), nil
	})
}

// costEstimator gives the checker's cost estimate the sizes it cannot see:
// named lists, the customer's verifications and strings from the model.
type costEstimator struct{ sizes map[string]uint64 }

func (e costEstimator) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	path := n.Path()
	if len(path) >= 1 {
		if sz, ok := e.sizes[strings.Join(path, ".")]; ok {
			return &checker.SizeEstimate{Min: 0, Max: sz}
		}
	}
	if len(path) == 2 && path[0] == "customer" && path[1] == "verified" {
		return &checker.SizeEstimate{Min: 0, Max: 16}
	}
	if t := n.Type(); t != nil && t.IsExactType(types.StringType) && len(path) > 0 {
		return &checker.SizeEstimate{Min: 0, Max: 1024}
	}
	return nil
}

// EstimateCallCost gives decimal operations a unit cost: amounts are
// bounded (payment.MaxIntegerDigits), so comparing or combining two of them
// costs about one operation, not one per byte as for strings.
func (costEstimator) EstimateCallCost(_, _ string, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
	isDec := func(n checker.AstNode) bool { return n != nil && n.Type() != nil && n.Type().IsExactType(decimalType) }
	if target != nil && isDec(*target) {
		return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: 1}}
	}
	for _, a := range args {
		if isDec(a) {
			return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: 1}}
		}
	}
	return nil
}

// paramValue converts a parameter to a CEL constant.
func paramValue(name string, v any) (*cel.Type, ref.Val, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return decimalType, celDecimal{x}, nil
	case int:
		return cel.IntType, types.Int(x), nil
	case int64:
		return cel.IntType, types.Int(x), nil
	case string:
		return cel.StringType, types.String(x), nil
	case bool:
		return cel.BoolType, types.Bool(x), nil
	case time.Duration:
		return cel.DurationType, types.Duration{Duration: x}, nil
	case []string:
		return cel.ListType(cel.StringType), types.NewStringList(types.DefaultTypeAdapter, slices.Clone(x)), nil
	}
	return nil, nil, fmt.Errorf("parameter %q has unsupported type %T (want decimal.Decimal, int, int64, string, bool, time.Duration or []string)", name, v)
}

func validName(s string) bool {
	if s == "" || len(s) > 64 || !(s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
