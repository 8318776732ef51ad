package aml

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/shopspring/decimal"
)

// Type is the type of a host function's parameter or result.
type Type uint8

// The types a host function can take and return, with the Go type of the
// value it sees or returns.
const (
	TypeUnspecified Type = iota
	TypeBool             // bool
	TypeInt              // int64
	TypeString           // string
	TypeDecimal          // decimal.Decimal
	TypeTimestamp        // time.Time
	TypeDuration         // time.Duration
	TypeStringList       // []string
)

var typeNames = [...]string{"unspecified", "bool", "int", "string", "decimal", "timestamp", "duration", "list(string)"}

// String returns the type's CEL name, e.g. "decimal".
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

func (t Type) cel() *cel.Type {
	switch t {
	case TypeBool:
		return cel.BoolType
	case TypeInt:
		return cel.IntType
	case TypeString:
		return cel.StringType
	case TypeDecimal:
		return decimalType
	case TypeTimestamp:
		return cel.TimestampType
	case TypeDuration:
		return cel.DurationType
	case TypeStringList:
		return cel.ListType(cel.StringType)
	}
	return nil
}

// Function is a host function that rules can call, e.g. a lookup in a
// host-maintained set: Function{Name: "is_mule_account", Params:
// []Type{TypeString}, Result: TypeBool, Impl: …} makes
// is_mule_account(counterparty.account) available. The function must be
// pure (the same arguments always give the same result), fast, and safe
// for concurrent use; it must not do I/O, since rules run synchronously on
// the payment path. An error or a panic in Impl becomes the rule's run-time
// error (a Review finding, see [Options.OnRuleError]).
type Function struct {
	// Name is the function's name: lower-case snake_case.
	Name string
	// Params are the parameter types.
	Params []Type
	// Result is the result type.
	Result Type
	// Impl computes the result from arguments of the Go types listed at
	// [Type], and returns a value of the Go type of Result.
	Impl func(args []any) (any, error)
}

func (f *Function) envOption() (cel.EnvOption, error) {
	if !validName(f.Name) {
		return nil, fmt.Errorf("invalid function name %q: want lower-case snake_case", f.Name)
	}
	if f.Impl == nil {
		return nil, fmt.Errorf("function %s: nil Impl", f.Name)
	}
	params := make([]*cel.Type, len(f.Params))
	sig := make([]string, len(f.Params))
	for i, p := range f.Params {
		if params[i] = p.cel(); params[i] == nil {
			return nil, fmt.Errorf("function %s: parameter %d has unsupported type %s", f.Name, i+1, p)
		}
		sig[i] = p.String()
	}
	res := f.Result.cel()
	if res == nil {
		return nil, fmt.Errorf("function %s: unsupported result type %s", f.Name, f.Result)
	}
	impl, result, name := f.Impl, f.Result, f.Name
	return cel.Function(name, cel.Overload("host_"+name+"_"+strings.Join(sig, "_"), params, res,
		cel.FunctionBinding(func(args ...ref.Val) ref.Val {
			in := make([]any, len(args))
			for i, a := range args {
				v, err := fromCEL(a)
				if err != nil {
					return types.NewErr("%s: %v", name, err)
				}
				in[i] = v
			}
			out, err := impl(in)
			if err != nil {
				return types.NewErr("%s: %v", name, err)
			}
			return toCEL(name, result, out)
		}))), nil
}

func fromCEL(v ref.Val) (any, error) {
	switch x := v.(type) {
	case types.Bool:
		return bool(x), nil
	case types.Int:
		return int64(x), nil
	case types.String:
		return string(x), nil
	case celDecimal:
		return x.d, nil
	case types.Timestamp:
		return x.Time, nil
	case types.Duration:
		return x.Duration, nil
	case traits.Lister:
		var out []string
		it := x.Iterator()
		for it.HasNext() == types.True {
			s, ok := it.Next().(types.String)
			if !ok {
				return nil, fmt.Errorf("list element is not a string")
			}
			out = append(out, string(s))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported argument type %s", v.Type().TypeName())
}

func toCEL(name string, t Type, v any) ref.Val {
	ok := false
	var out ref.Val
	switch t {
	case TypeBool:
		var b bool
		if b, ok = v.(bool); ok {
			out = types.Bool(b)
		}
	case TypeInt:
		var i int64
		if i, ok = v.(int64); ok {
			out = types.Int(i)
		}
	case TypeString:
		var s string
		if s, ok = v.(string); ok {
			out = types.String(s)
		}
	case TypeDecimal:
		var d decimal.Decimal
		if d, ok = v.(decimal.Decimal); ok {
			out = checkBounds(d)
		}
	case TypeTimestamp:
		var ts time.Time
		if ts, ok = v.(time.Time); ok {
			out = types.Timestamp{Time: ts}
		}
	case TypeDuration:
		var d time.Duration
		if d, ok = v.(time.Duration); ok {
			out = types.Duration{Duration: d}
		}
	case TypeStringList:
		var l []string
		if l, ok = v.([]string); ok {
			out = types.NewStringList(types.DefaultTypeAdapter, l)
		}
	}
	if !ok {
		return types.NewErr("%s returned %T, want %s", name, v, t)
	}
	return out
}
