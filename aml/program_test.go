package aml

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "update golden files")

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestErrorPositions checks that errors point into the YAML file for every
// scalar style: plain, block (| and >-), double- and single-quoted, plain
// over several lines, message placeholders, value expressions and
// non-ASCII text.
func TestErrorPositions(t *testing.T) {
	const file = "testdata/positions.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := ParseRules(file, data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(rules, nil)
	l := rule.AsList(err)
	if len(l) != 9 {
		t.Fatalf("got %d errors, want 9:\n%v", len(l), err)
	}
	type at struct {
		Line, Col int
		Code      rule.Code
	}
	var got []at
	for _, e := range l {
		got = append(got, at{e.Pos.Line, e.Pos.Col, e.Code})
	}
	want := []at{
		{5, 13, rule.CodeType}, {11, 11, rule.CodeType}, {15, 37, rule.CodeType}, {19, 37, rule.CodeType},
		{25, 12, rule.CodeType}, {30, 12, rule.CodeType}, {35, 44, rule.CodeType}, {44, 13, rule.CodeType},
		{48, 37, rule.CodeType},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions mismatch (-want +got):\n%s", diff)
	}
	golden(t, "testdata/positions.golden", err.Error()+"\n")
}

func TestParseRulesSchema(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // "line:col code"
	}{
		{"not yaml", "rules:\n\t- id: x\n", []string{"2:0 aml_yaml_error"}},
		{"empty", "", []string{"1:0 aml_schema_error"}},
		{"top-level key", "rule:\n  - id: x\n", []string{"1:1 aml_schema_error"}},
		{"unknown field", "rules:\n  - id: a.b\n    version: \"1\"\n    action: block\n    expr: true\n    acton: review\n", []string{"6:5 aml_schema_error"}},
		{"missing fields", "rules:\n  - id: a.b\n", []string{"2:5 aml_schema_error", "2:5 aml_schema_error", "2:5 aml_schema_error"}},
		{"bad action", "rules:\n  - id: a.b\n    version: \"1\"\n    action: deny\n    expr: true\n", []string{"4:13 aml_schema_error"}},
		{"bad date", "rules:\n  - id: a.b\n    version: \"1\"\n    action: block\n    expr: true\n    effective_from: 2026-13-01\n", []string{"6:21 aml_schema_error"}},
		{"bad id", "rules:\n  - id: A B\n    version: \"1\"\n    action: block\n    expr: true\n", []string{"2:9 aml_schema_error"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRules("f.yaml", []byte(tc.yaml))
			var got []string
			for _, e := range rule.AsList(err) {
				got = append(got, strings.TrimPrefix(e.Pos.String(), "f.yaml:")+" "+string(e.Code))
				if e.Pos.Line > 0 && e.Pos.Col == 0 && !strings.Contains(e.Pos.String(), ":") {
					t.Errorf("bad position %v", e.Pos)
				}
			}
			for i := range got {
				// Pos.String leaves out a zero column.
				if !strings.Contains(got[i], ":") {
					got[i] = strings.Replace(got[i], " ", ":0 ", 1)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}

func TestDuplicateIDs(t *testing.T) {
	r := Rule{ID: "a.b", Version: "1", Expr: "true", Action: rule.Review}
	r2 := r
	r2.Version = "2"
	if _, err := Compile([]Rule{r, r2}, nil); !errors.Is(err, &rule.Error{Code: CodeDuplicateID}) {
		t.Errorf("Compile(duplicate) = %v, want %s", err, CodeDuplicateID)
	}
	// Two versions with disjoint effective dates are one rule's history.
	r.EffectiveUntil = payment.Date{Year: 2027, Month: 2, Day: 18}
	r2.EffectiveFrom = payment.Date{Year: 2027, Month: 2, Day: 19}
	if _, err := Compile([]Rule{r, r2}, nil); err != nil {
		t.Errorf("Compile(disjoint versions) = %v", err)
	}
}

func TestEffectiveDates(t *testing.T) {
	mk := func(v string, from, until payment.Date) Rule {
		return Rule{ID: "kr.travel_rule", Version: v, Expr: "true", Action: rule.Block, EffectiveFrom: from, EffectiveUntil: until}
	}
	cut := payment.Date{Year: 2027, Month: 2, Day: 19}
	last := payment.Date{Year: 2027, Month: 2, Day: 18}
	p := MustCompile([]Rule{mk("legacy", payment.Date{}, last), mk("2027", cut, payment.Date{})}, nil)
	tests := []struct {
		t    time.Time
		want string
	}{
		// 2027-02-18 23:59 KST is still the old rule, although it is
		// 2027-02-18 14:59 UTC; 2027-02-19 00:00 KST is the new one.
		{time.Date(2027, 2, 18, 23, 59, 0, 0, seoul), "legacy"},
		{time.Date(2027, 2, 19, 0, 0, 0, 0, seoul), "2027"},
		{time.Date(2027, 2, 18, 15, 30, 0, 0, time.UTC), "2027"},
	}
	for _, tc := range tests {
		tx := newTx(func(tx *payment.Transaction) { tx.Time = tc.t })
		fs, err := p.Evaluate(context.Background(), &Input{Tx: tx, Location: seoul})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Version != tc.want {
			t.Errorf("at %v: findings %+v, want version %s", tc.t, fs, tc.want)
		}
	}
}

func TestRuntimeErrorBecomesReview(t *testing.T) {
	rules := []Rule{
		{ID: "t.div", Version: "1", Expr: `tx.amount / (tx.amount - tx.amount) > 1`, Action: rule.Block},
		{ID: "t.ok", Version: "1", Expr: `tx.amount > 1`, Action: rule.StepUp, Message: "amount {{tx.amount}}"},
		{ID: "t.asset", Version: "1", Expr: `tx.crypto.asset_amount > 1`, Action: rule.Block},
	}
	p := MustCompile(rules, nil)
	tx := newTx()
	fs, err := p.Evaluate(context.Background(), &Input{Tx: tx})
	if err != nil {
		t.Fatal(err)
	}
	want := []rule.Finding{
		{Rule: "t.div", Version: "1", Action: rule.Review, Code: rule.CodeEvalError,
			Message: "rule t.div failed at run time: division by zero",
			Values:  []rule.Value{{Name: "error", Value: "division by zero"}}},
		{Rule: "t.ok", Version: "1", Action: rule.StepUp, Message: "amount 10000"},
	}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("Evaluate() mismatch (-want +got):\n%s", diff)
	}
	// OnRuleError chooses the action.
	p = MustCompile(rules[:1], &Options{OnRuleError: rule.Block})
	fs, _ = p.Evaluate(context.Background(), &Input{Tx: tx})
	if len(fs) != 1 || fs[0].Action != rule.Block {
		t.Errorf("OnRuleError=Block: %+v", fs)
	}
	if _, err := Compile(rules, &Options{OnRuleError: rule.Allow}); !errors.Is(err, &rule.Error{Code: CodeOptions}) {
		t.Errorf("OnRuleError=Allow: %v, want %s", err, CodeOptions)
	}
}

func TestFactsFetchedOnceAndLazily(t *testing.T) {
	rules := []Rule{
		{ID: "t.a", Version: "1", Expr: `tx.direction == "cash_out" && vel.sum_24h > 100`, Action: rule.Review},
		{ID: "t.b", Version: "1", Expr: `tx.direction == "cash_out" && vel.cash_in.count_day >= 2 && vel.sum_24h > 0`, Action: rule.Review},
		{ID: "t.c", Version: "1", Expr: `vel.carrier_billing.payment.sum_month + tx.amount > 0 || vel.transfer.distinct_7d > 3`, Action: rule.Review},
	}
	p := MustCompile(rules, nil)
	var keys []string
	for _, q := range p.Queries() {
		keys = append(keys, q.String())
	}
	if diff := cmp.Diff([]string{"all/24h", "cash_in/day", "carrier_billing.payment/month", "transfer/7d"}, keys); diff != "" {
		t.Errorf("Queries() mismatch (-want +got):\n%s", diff)
	}
	q := p.Queries()[2]
	if diff := cmp.Diff(FactQuery{Window: FactWindow{Kind: CalendarMonth}, Channels: []payment.Channel{payment.CarrierBilling}, Directions: []payment.Direction{payment.Payment}}, q); diff != "" {
		t.Errorf("query mismatch: %s", diff)
	}

	src := &facts{m: map[string]Fact{"all/24h": {Sum: dec("500")}, "cash_in/day": {Count: 2}}}
	fs, err := p.Evaluate(context.Background(), &Input{Tx: newTx(dir(payment.CashOut)), Facts: src})
	if err != nil {
		t.Fatal(err)
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("FactSource called %d times, want 1", n)
	}
	if len(fs) != 3 {
		t.Errorf("findings %v, want 3", ruleIDs(fs))
	}

	// A program without vel never calls the source.
	p2 := MustCompile([]Rule{{ID: "t.x", Version: "1", Expr: `tx.amount > 1`, Action: rule.Review}}, nil)
	src2 := &facts{}
	if _, err := p2.Evaluate(context.Background(), &Input{Tx: newTx(), Facts: src2}); err != nil || src2.calls.Load() != 0 {
		t.Errorf("no-vel program: err %v, %d calls", err, src2.calls.Load())
	}
	if len(p2.Queries()) != 0 {
		t.Errorf("no-vel program has queries %v", p2.Queries())
	}

	// Short-circuit: the cheap clause is false, so no facts are read.
	p3 := MustCompile(rules[:1], nil)
	src3 := &facts{}
	if _, err := p3.Evaluate(context.Background(), &Input{Tx: newTx(), Facts: src3}); err != nil || src3.calls.Load() != 0 {
		t.Errorf("short-circuit: err %v, %d calls", err, src3.calls.Load())
	}

	// A failing source means the program could not decide.
	boom := errors.New("store down")
	_, err = p.Evaluate(context.Background(), &Input{Tx: newTx(dir(payment.CashOut)), Facts: &facts{err: boom}})
	if !errors.Is(err, boom) {
		t.Errorf("Evaluate with failing source = %v, want %v", err, boom)
	}
	_, err = p.Evaluate(context.Background(), &Input{Tx: newTx(dir(payment.CashOut))})
	if err == nil {
		t.Error("Evaluate without a FactSource: want an error")
	}
}

func TestContext(t *testing.T) {
	p := builtinProgram(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Evaluate(ctx, &Input{Tx: newTx()}); !errors.Is(err, context.Canceled) {
		t.Errorf("Evaluate(canceled) = %v, want context.Canceled", err)
	}

	// A long comprehension is interrupted by the deadline. The cost bound
	// is raised so that the rule compiles at all.
	big := make([]string, 3000)
	for i := range big {
		big[i] = "x"
	}
	slow, err := compileExpr(t, `lists.big.all(a, lists.big.all(b, a == b))`, &Options{MaxCost: 1 << 40, Lists: map[string][]string{"big": big}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = slow.Evaluate(ctx, &Input{Tx: newTx()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Evaluate(slow) = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("deadline honoured after %v", d)
	}
}

func TestCostBound(t *testing.T) {
	_, err := compileExpr(t, `lists.eu.all(a, lists.eu.all(b, lists.eu.all(c, a + b + c != "")))`, nil)
	if !errors.Is(err, &rule.Error{Code: CodeCost}) {
		t.Errorf("Compile(runaway) = %v, want %s", err, CodeCost)
	}
	// The runtime limit backs up the estimate.
	p, err := compileExpr(t, `lists.eu.all(a, lists.eu.all(b, a != "" && b != ""))`, &Options{MaxCost: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if !fires(t, p, &Input{Tx: newTx()}) {
		t.Error("bounded comprehension did not fire")
	}
}

func TestConcurrentEvaluate(t *testing.T) {
	p := builtinProgram(t)
	src := &facts{m: map[string]Fact{cashInDay: {Count: 1, Sum: dec("6000000")}, cashIn30d: {Count: 10, Sum: dec("100000"), SumSquares: dec("1999800010")}}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				amt := "4000000"
				if (g+i)%2 == 0 {
					amt = "100"
				}
				fs, err := p.Evaluate(context.Background(), &Input{Tx: newTx(amount(amt)), Facts: src, Location: seoul})
				if err != nil {
					t.Error(err)
					return
				}
				if got := len(fs); (amt == "4000000") != (got == 2) {
					t.Errorf("amount %s: %v", amt, ruleIDs(fs))
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestOptions(t *testing.T) {
	// A pack overrides a parameter: the US CTR is more than 10,000 USD.
	opts := &Options{Params: map[string]any{"ctr_threshold": dec("10000.01")}}
	p, err := Compile(Builtin(), opts)
	if err != nil {
		t.Fatal(err)
	}
	tx := newTx(func(tx *payment.Transaction) { tx.Country = "US"; tx.Amount = payment.MustParseMoney("5000.01 USD") })
	in := &Input{Tx: tx, Facts: &facts{m: map[string]Fact{cashInDay: {Count: 1, Sum: dec("5000")}}}}
	fs, err := p.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"aml.structuring.daily_threshold"}, ruleIDs(fs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []*Options{
		{Params: map[string]any{"x": 1.5}},
		{Params: map[string]any{"Bad-Name": 1}},
		{Lists: map[string][]string{"": nil}},
	} {
		if _, err := Compile(nil, bad); !errors.Is(err, &rule.Error{Code: CodeOptions}) {
			t.Errorf("Compile(%+v) = %v, want %s", bad, err, CodeOptions)
		}
	}
}

func TestModelFields(t *testing.T) {
	tx := newTx(func(tx *payment.Transaction) {
		tx.Direction = payment.CashOut
		tx.Channel = payment.Crypto
		tx.Crypto = &payment.CryptoDetails{Network: "bitcoin", Asset: "BTC", AssetAmount: "0.5", Address: "bc1", Wallet: payment.WalletSelfHosted}
		tx.Customer.Verified = []payment.Check{payment.CheckPhone, payment.CheckRealName}
		tx.Customer.BirthDate = payment.Date{Year: 1960, Month: 11, Day: 25}
		tx.Customer.Risk = payment.RiskHigh
		tx.Merchant = &payment.Merchant{ID: "m", Category: "6051", Goods: payment.GoodsVoucher}
		tx.Device = &payment.Device{ID: "d", IP: "10.0.0.1"}
	})
	mustValid(t, tx)
	exprs := []string{
		`tx.id == "tx-1" && tx.country == "KR" && tx.channel == "crypto" && tx.direction == "cash_out"`,
		`tx.currency == "KRW" && tx.funding == "" && !has(tx.funding) && !has(tx.max_amount)`,
		`tx.local_hour == 10 && tx.local_date == "2026-11-24" && tx.local_weekday == 2 && tx.local_day == 24 && tx.local_month == 11 && tx.local_year == 2026`,
		`tx.time == timestamp("2026-11-24T01:00:00Z")`,
		`tx.crypto.asset_amount == decimal("0.5") && tx.crypto.wallet == "self_hosted" && !tx.crypto.travel_rule_complete && tx.crypto.network == "bitcoin"`,
		`has(tx.crypto) && has(tx.merchant) && tx.merchant.cash_equivalent && tx.merchant.goods == "voucher"`,
		`"real_name" in customer.verified && customer.tier == "full" && customer.tier_level == 2 && customer.risk == "high"`,
		`customer.age == 65 && !customer.pep && customer.name == "Kim"`,
		`!has(counterparty.id) && counterparty.country == "" && !has(counterparty.first_seen)`,
		`device.ip == "10.0.0.1" && !has(device.first_seen) && device.first_seen == timestamp("1970-01-01T00:00:00Z")`,
		`lists.fatf_call_for_action.exists(c, c == "KP") && params.ato_window == duration("72h")`,
		`vel.count_1h == 0 && vel.last_1h == timestamp("1970-01-01T00:00:00Z") && vel.mean_30d == decimal("0")`,
	}
	for _, e := range exprs {
		p := mustCompileExpr(t, e)
		if !fires(t, p, &Input{Tx: tx, Location: seoul, Facts: &facts{}}) {
			t.Errorf("%s: false", e)
		}
	}
}
