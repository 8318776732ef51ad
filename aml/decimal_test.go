package aml

import (
	"strings"
	"testing"

	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

func TestDecimalExpressions(t *testing.T) {
	tests := []struct {
		expr   string
		amount string
		want   bool
	}{
		{`decimal("0.1") + decimal("0.2") == decimal("0.3")`, "1", true},
		{`tx.amount > decimal("1000000")`, "1000000", false},
		{`tx.amount > decimal("1000000")`, "1000000.000001", true},
		{`tx.amount >= 1000000`, "999999.999999", false},
		{`tx.amount >= 1000000`, "1000000", true},
		{`1000000 <= tx.amount`, "1000000", true},
		{`1000000 <= tx.amount`, "999999.999999", false},
		{`tx.amount == decimal("1000000")`, "1000000.000", true},
		{`tx.amount + 1 > decimal("1000000.5")`, "1000000", true},
		{`2 * tx.amount == decimal("0.6")`, "0.3", true},
		{`tx.amount * 3 / 3 == tx.amount`, "0.3", true},
		{`tx.amount - decimal("0.000001") < 1`, "1", true},
		{`-tx.amount < 0`, "5", true},
		{`tx.amount % 10000 == decimal("0")`, "30000", true},
		{`tx.amount % 10000 == decimal("0")`, "30000.5", false},
		{`tx.amount.abs() == tx.amount`, "5", true},
		{`decimal("2").sqrt() >= decimal("1.414213562373095048") && decimal("2").sqrt() < decimal("1.414213562373095049")`, "1", true},
		{`decimal("16").sqrt() == decimal("4")`, "1", true},
		{`tx.amount.round(0) == decimal("3")`, "2.5", true},
		{`string(tx.amount) == "12.5"`, "12.50", true},
		{`int(tx.amount) == 12`, "12", true},
		{`dyn(tx.amount) == 12`, "12", false},
		{`params.ctr_threshold == decimal("10000000")`, "1", true},
		{`tx.amount < params.ctr_threshold * decimal("0.5")`, "4999999.999999", true},
		{`tx.amount < params.ctr_threshold * decimal("0.5")`, "5000000", false},
	}
	for _, tc := range tests {
		t.Run(tc.expr+"/"+tc.amount, func(t *testing.T) {
			p := mustCompileExpr(t, tc.expr)
			tx := newTx(amount(tc.amount))
			mustValid(t, tx)
			if got := fires(t, p, &Input{Tx: tx}); got != tc.want {
				t.Errorf("%s with amount %s = %v, want %v", tc.expr, tc.amount, got, tc.want)
			}
		})
	}
}

func TestDecimalCompileErrors(t *testing.T) {
	tests := []struct {
		expr string
		code rule.Code
		msg  string
	}{
		{`tx.amount > 1000000.0`, rule.CodeType, "double literal"},
		{`tx.amount > double(1)`, rule.CodeType, "double() is not allowed"},
		{`tx.amount == 1000000`, rule.CodeType, "no matching overload"},
		{`tx.amount > decimal("1e6")`, rule.CodeType, "invalid decimal literal"},
		{`tx.amount > decimal("abc")`, rule.CodeType, "invalid decimal literal"},
		{`tx.time.getHours("Asia/Seoul") > 3`, rule.CodeType, "loads the zone database"},
		{`tx.amount`, rule.CodeType, "must be a bool"},
		{`tx.amout > 1`, rule.CodeType, "undefined field 'amout'"},
		{`tx.amount > `, rule.CodeParse, "Syntax error"},
		{`vel.sum_24x > 1`, rule.CodeType, "undefined field 'sum_24x'"},
		{`vel.cash_in.cash_out.sum_1h > 1`, rule.CodeType, "undefined field 'cash_out'"},
		{`decimal("1") / 0 > 1`, rule.CodeType, "division by zero"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := compileExpr(t, tc.expr, nil)
			l := rule.AsList(err)
			if len(l) == 0 {
				t.Fatalf("Compile(%q) = %v, want a %s error", tc.expr, err, tc.code)
			}
			if l[0].Code != tc.code || !strings.Contains(l[0].Msg, tc.msg) {
				t.Errorf("Compile(%q) = %s: %s, want %s containing %q", tc.expr, l[0].Code, l[0].Msg, tc.code, tc.msg)
			}
		})
	}
}

func TestSqrtDecimal(t *testing.T) {
	for _, s := range []string{"0", "1", "2", "0.0001", "123456789.123456789", "1000000000000000000000000000000"} {
		d := dec(s)
		r := sqrtDecimal(d)
		ulp := decimal.New(1, -DivScale)
		next := r.Add(ulp)
		if r.Mul(r).GreaterThan(d) || next.Mul(next).LessThanOrEqual(d) {
			t.Errorf("sqrt(%s) = %s: not the truncated root", s, r)
		}
	}
}

func TestFactStddev(t *testing.T) {
	// amounts 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population stddev 2.
	var f Fact
	for _, a := range []int64{2, 4, 4, 4, 5, 5, 7, 9} {
		f.Sum = f.Sum.Add(decimal.NewFromInt(a))
		f.SumSquares = f.SumSquares.Add(decimal.NewFromInt(a * a))
		f.Count++
	}
	if got := f.mean(); !got.Equal(dec("5")) {
		t.Errorf("mean = %s, want 5", got)
	}
	if got := f.stddev(); !got.Equal(dec("2")) {
		t.Errorf("stddev = %s, want 2", got)
	}
	if got := (&Fact{Count: 1, Sum: dec("3"), SumSquares: dec("9")}).stddev(); !got.IsZero() {
		t.Errorf("stddev of one amount = %s, want 0", got)
	}
}
