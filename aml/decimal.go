package aml

import (
	"fmt"
	"math/big"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/shopspring/decimal"
)

// decimalType is the CEL type of exact decimal values. It is an object type
// with traits (not an opaque type) because the standard library binds
// < <= > >= + - * / % and unary - as singletons that dispatch on the traits of
// the left operand; see CEL_NOTES.md §1.1.
var decimalType = cel.ObjectType("decimal",
	traits.ComparerType, traits.AdderType, traits.SubtractorType,
	traits.MultiplierType, traits.DividerType, traits.ModderType, traits.NegatorType)

// DivScale is the number of fractional digits kept by '/' on decimals in
// rules. Results are rounded half away from zero at that scale; the package
// never relies on decimal.DivisionPrecision.
const DivScale = 18

// celDecimal is the CEL value of an exact decimal.
type celDecimal struct{ d decimal.Decimal }

var (
	_ ref.Val           = celDecimal{}
	_ traits.Comparer   = celDecimal{}
	_ traits.Adder      = celDecimal{}
	_ traits.Subtractor = celDecimal{}
	_ traits.Multiplier = celDecimal{}
	_ traits.Divider    = celDecimal{}
	_ traits.Modder     = celDecimal{}
	_ traits.Negater    = celDecimal{}

	decimalReflectType = reflect.TypeFor[decimal.Decimal]()
	stringReflectType  = reflect.TypeFor[string]()
)

// toDecimal converts a right-hand operand. Only decimals, ints and uints are
// accepted: a double never meets money.
func toDecimal(v ref.Val) (decimal.Decimal, ref.Val) {
	switch o := v.(type) {
	case celDecimal:
		return o.d, nil
	case types.Int:
		return decimal.NewFromInt(int64(o)), nil
	case types.Uint:
		return decimal.NewFromUint64(uint64(o)), nil
	case types.Double:
		return decimal.Decimal{}, types.NewErr("decimal: refusing double operand %v; write decimal(\"…\")", float64(o))
	}
	return decimal.Decimal{}, types.MaybeNoSuchOverloadErr(v)
}

func (d celDecimal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case decimalReflectType:
		return d.d, nil
	case stringReflectType:
		return d.d.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from decimal to '%v'", t)
}

func (d celDecimal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case decimalType.TypeName():
		return d
	case types.StringType.TypeName():
		return types.String(d.d.String())
	case types.IntType.TypeName():
		if !d.d.IsInteger() {
			return types.NewErr("decimal %s is not an integer", d.d)
		}
		bi := d.d.BigInt()
		if !bi.IsInt64() {
			return types.NewErr("decimal %s overflows int", d.d)
		}
		return types.Int(bi.Int64())
	case types.TypeType.TypeName():
		return decimalType
	}
	return types.NewErr("type conversion error from 'decimal' to '%s'", t)
}

// Equal is numeric equality between decimals (1.0 == 1.00). A value of any
// other type is simply not equal, which keeps == symmetric under dyn().
func (d celDecimal) Equal(other ref.Val) ref.Val {
	o, ok := other.(celDecimal)
	return types.Bool(ok && d.d.Equal(o.d))
}

func (d celDecimal) Type() ref.Type { return decimalType }
func (d celDecimal) Value() any     { return d.d }
func (d celDecimal) String() string { return d.d.String() }

func (d celDecimal) Compare(other ref.Val) ref.Val {
	o, err := toDecimal(other)
	if err != nil {
		return err
	}
	return types.Int(d.d.Cmp(o))
}

func (d celDecimal) Add(other ref.Val) ref.Val {
	o, err := toDecimal(other)
	if err != nil {
		return err
	}
	return checkBounds(d.d.Add(o))
}

func (d celDecimal) Subtract(other ref.Val) ref.Val {
	o, err := toDecimal(other)
	if err != nil {
		return err
	}
	return checkBounds(d.d.Sub(o))
}

func (d celDecimal) Multiply(other ref.Val) ref.Val {
	o, err := toDecimal(other)
	if err != nil {
		return err
	}
	return checkBounds(d.d.Mul(o))
}

func (d celDecimal) Divide(other ref.Val) ref.Val {
	o, err := toDecimal(other)
	if err != nil {
		return err
	}
	if o.IsZero() {
		return types.NewErr("division by zero")
	}
	return checkBounds(d.d.DivRound(o, DivScale))
}

func (d celDecimal) Modulo(other ref.Val) ref.Val {
	o, err := toDecimal(other)
	if err != nil {
		return err
	}
	if o.IsZero() {
		return types.NewErr("modulus by zero")
	}
	return checkBounds(d.d.Mod(o))
}

func (d celDecimal) Negate() ref.Val { return celDecimal{d.d.Neg()} }

// maxDecimalDigits bounds the size of intermediate results so that a rule
// multiplying a value by itself again and again cannot exhaust memory: 10^200
// is far beyond any amount, and 400 fractional digits beyond any precision.
const maxDecimalDigits = 200

// checkBounds refuses results of 10^200 or more, or with more than 400
// fractional digits. It avoids Cmp against a huge constant, which would
// rescale through math/big on every call.
func checkBounds(d decimal.Decimal) ref.Val {
	if d.IsZero() {
		return celDecimal{d}
	}
	e := int(d.Exponent())
	if e < -2*maxDecimalDigits || e > maxDecimalDigits || d.NumDigits()+e > maxDecimalDigits {
		return types.NewErr("decimal result out of range")
	}
	return celDecimal{d}
}

// parseDecimalLiteral parses the text of decimal("…"): a plain decimal with
// an optional sign, as payment.ParseAmount accepts, so that "1e6", "NaN" and
// thousands separators are refused at compile time.
func parseDecimalLiteral(s string) (decimal.Decimal, error) {
	body := s
	if len(body) > 0 && (body[0] == '-' || body[0] == '+') {
		body = body[1:]
	}
	intPart, frac, hasPoint := cutByte(body, '.')
	if intPart == "" || (hasPoint && frac == "") || !allDigits(intPart) || !allDigits(frac) {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal literal %q: want digits with an optional point, such as \"1000000\" or \"0.5\"", s)
	}
	if len(intPart)+len(frac) > 60 {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal literal %q: more than 60 digits", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal literal %q", s)
	}
	return d, nil
}

func cutByte(s string, c byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// sqrtDecimal returns the square root of a non-negative d, truncated (not
// rounded) to DivScale fractional digits. It is exact in the sense that the
// result r satisfies r² ≤ d < (r + 10^-DivScale)²: it takes the integer
// square root (math/big.Int.Sqrt) of d scaled by 10^(2·DivScale), so no
// binary floating point is involved.
func sqrtDecimal(d decimal.Decimal) decimal.Decimal {
	if d.Sign() <= 0 {
		return decimal.Zero
	}
	// d = coef × 10^exp. We want floor(sqrt(d × 10^(2s))) × 10^-s.
	scaled := d.Shift(2 * DivScale).Truncate(0) // d × 10^(2s), integer part
	n := scaled.BigInt()
	r := new(big.Int).Sqrt(n)
	return decimal.NewFromBigInt(r, -DivScale)
}

func binOverloads(op, name string, result *cel.Type) cel.EnvOption {
	// Declarations only, no binding: the standard library's singleton for op
	// calls the trait method of the left operand. The rewriter turns an int
	// left operand facing a decimal into decimal(int).
	return cel.Function(op,
		cel.Overload(name+"_decimal_decimal", []*cel.Type{decimalType, decimalType}, result),
		cel.Overload(name+"_decimal_int", []*cel.Type{decimalType, cel.IntType}, result),
		cel.Overload(name+"_int_decimal", []*cel.Type{cel.IntType, decimalType}, result),
	)
}

func decimalUnary(f func(decimal.Decimal) ref.Val) func(ref.Val) ref.Val {
	return func(v ref.Val) ref.Val {
		d, ok := v.(celDecimal)
		if !ok {
			return types.MaybeNoSuchOverloadErr(v)
		}
		return f(d.d)
	}
}

// decimalLib declares the decimal type, its operators and helpers.
func decimalLib() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Types(decimalType),
		binOverloads(operators.Less, "less", cel.BoolType),
		binOverloads(operators.LessEquals, "less_equals", cel.BoolType),
		binOverloads(operators.Greater, "greater", cel.BoolType),
		binOverloads(operators.GreaterEquals, "greater_equals", cel.BoolType),
		binOverloads(operators.Add, "add", decimalType),
		binOverloads(operators.Subtract, "subtract", decimalType),
		binOverloads(operators.Multiply, "multiply", decimalType),
		binOverloads(operators.Divide, "divide", decimalType),
		binOverloads(operators.Modulo, "modulo", decimalType),
		cel.Function(operators.Negate,
			cel.Overload("negate_decimal", []*cel.Type{decimalType}, decimalType)),
		cel.Function("decimal",
			cel.Overload("decimal_string", []*cel.Type{cel.StringType}, decimalType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					s, ok := v.(types.String)
					if !ok {
						return types.MaybeNoSuchOverloadErr(v)
					}
					d, err := parseDecimalLiteral(string(s))
					if err != nil {
						return types.NewErr("%v", err)
					}
					return celDecimal{d}
				})),
			cel.Overload("decimal_int", []*cel.Type{cel.IntType}, decimalType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					i, ok := v.(types.Int)
					if !ok {
						return types.MaybeNoSuchOverloadErr(v)
					}
					return celDecimal{decimal.NewFromInt(int64(i))}
				})),
			cel.Overload("decimal_decimal", []*cel.Type{decimalType}, decimalType,
				cel.UnaryBinding(func(v ref.Val) ref.Val { return v })),
		),
		cel.Function("abs",
			cel.MemberOverload("decimal_abs", []*cel.Type{decimalType}, decimalType,
				cel.UnaryBinding(decimalUnary(func(d decimal.Decimal) ref.Val { return celDecimal{d.Abs()} })))),
		cel.Function("sqrt",
			cel.MemberOverload("decimal_sqrt", []*cel.Type{decimalType}, decimalType,
				cel.UnaryBinding(decimalUnary(func(d decimal.Decimal) ref.Val {
					if d.Sign() < 0 {
						return types.NewErr("sqrt of negative decimal %s", d)
					}
					return celDecimal{sqrtDecimal(d)}
				})))),
		cel.Function("round",
			cel.MemberOverload("decimal_round_int", []*cel.Type{decimalType, cel.IntType}, decimalType,
				cel.BinaryBinding(func(v, p ref.Val) ref.Val {
					d, ok := v.(celDecimal)
					n, ok2 := p.(types.Int)
					if !ok || !ok2 {
						return types.MaybeNoSuchOverloadErr(v)
					}
					if n < -DivScale || n > DivScale {
						return types.NewErr("round: places %d out of range [-%d, %d]", n, DivScale, DivScale)
					}
					return celDecimal{d.d.Round(int32(n))}
				}))),
		cel.Function("string",
			cel.Overload("decimal_to_string", []*cel.Type{decimalType}, cel.StringType,
				cel.UnaryBinding(decimalUnary(func(d decimal.Decimal) ref.Val { return types.String(d.String()) })))),
		cel.Function("int",
			cel.Overload("decimal_to_int", []*cel.Type{decimalType}, cel.IntType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					d, ok := v.(celDecimal)
					if !ok {
						return types.MaybeNoSuchOverloadErr(v)
					}
					return d.ConvertToType(types.IntType)
				}))),
	}
}
