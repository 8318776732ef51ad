package comply_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/memstore"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

var seoul, _ = time.LoadLocation("Asia/Seoul")

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, seoul)

func newEngine(t testing.TB, o *comply.Options) (*comply.Engine, store.Backend) {
	t.Helper()
	var opts comply.Options
	if o != nil {
		opts = *o
	}
	if opts.Packs == nil {
		opts.Packs = []*jurisdiction.Pack{krLimitsOnly()}
	}
	if opts.Store == nil {
		opts.Store = newMemstore(t)
	}
	if opts.Now == nil {
		// A fixed clock: the tests judge transactions of late 2026 whatever
		// the day they run.
		opts.Now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	}
	e, err := comply.New(&opts)
	if err != nil {
		t.Fatal(err)
	}
	return e, opts.Store
}

func newMemstore(t testing.TB) *memstore.Store {
	t.Helper()
	// The KR pack's rules read windows of up to 365 days.
	s, err := memstore.New(&memstore.Options{Retention: 400 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// krLimitsOnly is the KR pack with its limit table alone: the tests of the
// limits see only limit findings. TestFullPack runs the whole pack.
func krLimitsOnly() *jurisdiction.Pack {
	p := kr.Pack()
	p.KYC, p.Rules, p.Reports = nil, nil, nil
	return p
}

var seq atomic.Int64

func mk(cust string, tier payment.Tier, ch payment.Channel, dir payment.Direction, amount string, at time.Time) *payment.Transaction {
	return &payment.Transaction{
		ID:        fmt.Sprintf("tx-%d", seq.Add(1)),
		Time:      at,
		Country:   "KR",
		Channel:   ch,
		Direction: dir,
		Amount:    payment.MustParseMoney(amount),
		Customer:  payment.Customer{Party: payment.Party{ID: cust}, Tier: tier},
	}
}

func ruleIDs(d *comply.Decision) []string {
	var out []string
	for _, f := range d.Findings {
		out = append(out, string(f.Rule))
	}
	sort.Strings(out)
	return out
}

func mustEval(t *testing.T, e *comply.Engine, tx *payment.Transaction) *comply.Decision {
	t.Helper()
	d, err := e.Evaluate(context.Background(), tx)
	if err != nil {
		t.Fatalf("Evaluate(%s): %v", tx.ID, err)
	}
	if d.Action == rule.ActionUnspecified {
		t.Fatalf("Evaluate(%s) returned ActionUnspecified", tx.ID)
	}
	return d
}

// step is one transaction of a scenario and what the engine must answer.
type step struct {
	tx       *payment.Transaction
	funding  payment.Channel
	want     rule.Action
	rules    []string
	requires []string
	reports  []string // report rule ids
	settle   string   // "commit" (default for allowed), "void", "none"
}

func TestKRScenarios(t *testing.T) {
	cb, pp, cash := payment.CarrierBilling, payment.Prepaid, payment.Cash
	pay, in, out := payment.Payment, payment.CashIn, payment.CashOut
	full, basic := payment.TierFull, payment.TierBasic
	tests := []struct {
		name  string
		steps []step
	}{
		{"carrier billing monthly cap: at, just over, next month", []step{
			{tx: mk("a", full, cb, pay, "600000 KRW", t0), want: rule.Allow},
			{tx: mk("a", full, cb, pay, "400000 KRW", t0.Add(time.Hour)), want: rule.Allow},
			{tx: mk("a", full, cb, pay, "1 KRW", t0.Add(2*time.Hour)), want: rule.Block, rules: []string{"kr.carrier_billing.monthly_cap"}},
			// Dec 1st 00:00 Seoul is a new month (Nov 30 15:00 UTC).
			{tx: mk("a", full, cb, pay, "1000000 KRW", time.Date(2026, 12, 1, 0, 0, 0, 0, seoul)), want: rule.Allow},
		}},
		{"carrier billing cap counts the month in Seoul, not UTC", []step{
			// 2026-11-30 23:30 Seoul is still November.
			{tx: mk("b", full, cb, pay, "1000000 KRW", time.Date(2026, 11, 30, 23, 30, 0, 0, seoul)), want: rule.Allow},
			{tx: mk("b", full, cb, pay, "1 KRW", time.Date(2026, 11, 30, 23, 59, 59, 0, seoul)), want: rule.Block, rules: []string{"kr.carrier_billing.monthly_cap"}},
		}},
		{"unnamed prepaid balance: step up to real name, then block over the named cap", []step{
			{tx: mk("c", basic, pp, in, "500000 KRW", t0), want: rule.Allow},
			{tx: mk("c", basic, pp, in, "1 KRW", t0.Add(time.Minute)), want: rule.StepUp, rules: []string{"kr.prepaid.cap.unnamed"}, requires: []string{"tier:full"}},
			{tx: mk("c", basic, pp, pay, "200000 KRW", t0.Add(2*time.Minute)), want: rule.Allow},
			{tx: mk("c", basic, pp, in, "200000 KRW", t0.Add(3*time.Minute)), want: rule.Allow},
			{tx: mk("c", basic, pp, in, "1600000 KRW", t0.Add(4*time.Minute)), want: rule.Block, rules: []string{"kr.prepaid.cap.unnamed"}},
		}},
		{"named prepaid balance: at and over 2,000,000", []step{
			{tx: mk("d", full, pp, in, "1999999 KRW", t0), want: rule.Allow},
			{tx: mk("d", full, pp, in, "1 KRW", t0.Add(time.Minute)), want: rule.Allow},
			{tx: mk("d", full, pp, in, "1 KRW", t0.Add(2*time.Minute)), want: rule.Block, rules: []string{"kr.prepaid.cap.named"}},
		}},
		{"a pending debit does not make room; a committed one does", []step{
			{tx: mk("e", full, pp, in, "2000000 KRW", t0), want: rule.Allow},
			{tx: mk("e", full, pp, pay, "500000 KRW", t0.Add(time.Minute)), want: rule.Allow, settle: "none"},
			{tx: mk("e", full, pp, in, "500000 KRW", t0.Add(2*time.Minute)), want: rule.Block, rules: []string{"kr.prepaid.cap.named"}},
		}},
		{"carrier-billing-funded cash-out is prohibited", []step{
			{tx: mk("f", full, payment.EWallet, out, "10000 KRW", t0), funding: cb, want: rule.Block, rules: []string{"kr.carrier_billing.cashout_ban"}},
			{tx: mk("f", full, payment.EWallet, out, "10000 KRW", t0), funding: payment.BankTransfer, want: rule.Allow},
		}},
		{"CTR: cash in one day summed per customer, per direction", []step{
			{tx: mk("h", full, cash, in, "6000000 KRW", t0), want: rule.Allow},
			{tx: mk("h", full, cash, out, "9000000 KRW", t0.Add(time.Hour)), want: rule.Allow},
			{tx: mk("h", full, cash, in, "3999999 KRW", t0.Add(2*time.Hour)), want: rule.Allow},
			{tx: mk("h", full, cash, in, "1 KRW", t0.Add(3*time.Hour)), want: rule.Allow, reports: []string{"kr.aml.ctr.cash_in"}},
			{tx: mk("h", full, cash, in, "5 KRW", t0.Add(4*time.Hour)), want: rule.Allow, reports: []string{"kr.aml.ctr.cash_in"}},
			// The next day starts from zero.
			{tx: mk("h", full, cash, in, "9999999 KRW", t0.Add(24*time.Hour)), want: rule.Allow},
		}},
		{"CTR before 2019-07-01 used 20,000,000", []step{
			{tx: mk("i", full, cash, in, "15000000 KRW", time.Date(2019, 6, 30, 10, 0, 0, 0, seoul)), want: rule.Allow},
			{tx: mk("i", full, cash, in, "15000000 KRW", time.Date(2019, 7, 1, 10, 0, 0, 0, seoul)), want: rule.Allow, reports: []string{"kr.aml.ctr.cash_in"}},
		}},
		{"a voided payment gives its room back", []step{
			{tx: mk("j", full, cb, pay, "1000000 KRW", t0), want: rule.Allow, settle: "void"},
			{tx: mk("j", full, cb, pay, "1000000 KRW", t0.Add(time.Minute)), want: rule.Allow},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t, nil)
			ctx := context.Background()
			for i, s := range tc.steps {
				s.tx.Funding = s.funding
				d := mustEval(t, e, s.tx)
				var reps []string
				for _, r := range d.Reports {
					reps = append(reps, string(r.Rule))
				}
				var req []string
				for _, f := range d.Findings {
					req = append(req, f.Requires...)
				}
				if d.Action != s.want || !cmp.Equal(ruleIDs(d), s.rules) || !cmp.Equal(reps, s.reports) || !cmp.Equal(req, s.requires) {
					t.Fatalf("step %d: got %s %v requires %v reports %v; want %s %v requires %v reports %v\nfindings: %+v",
						i, d.Action, ruleIDs(d), req, reps, s.want, s.rules, s.requires, s.reports, d.Findings)
				}
				for _, f := range d.Findings {
					if f.Citation.Law == "" || f.Message == "" {
						t.Errorf("step %d: finding %s lacks citation or message", i, f.Rule)
					}
				}
				switch {
				case s.settle == "void":
					if err := d.Void(ctx); err != nil {
						t.Fatal(err)
					}
				case s.settle == "none":
				case d.Allowed():
					if err := d.Commit(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

func TestRetriesCountOnce(t *testing.T) {
	e, _ := newEngine(t, nil)
	ctx := context.Background()
	tx := mk("r", payment.TierFull, payment.CarrierBilling, payment.Payment, "600000 KRW", t0)
	d1 := mustEval(t, e, tx)
	if !d1.Allowed() || !d1.Reserved || d1.Duplicate {
		t.Fatalf("first attempt: %+v", d1)
	}
	d2 := mustEval(t, e, tx)
	if !d2.Allowed() || !d2.Duplicate {
		t.Fatalf("retry: %+v", d2)
	}
	if err := d2.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// Had the retry counted twice, 1,200,000 would be over the cap and a
	// further 400,000 refused.
	if d := mustEval(t, e, mk("r", payment.TierFull, payment.CarrierBilling, payment.Payment, "400000 KRW", t0)); !d.Allowed() {
		t.Fatalf("after retry: %s %v", d.Action, ruleIDs(d))
	}
	// A voided id cannot come back.
	v := mk("r", payment.TierFull, payment.Card, payment.Payment, "1000 KRW", t0)
	dv := mustEval(t, e, v)
	if err := dv.Void(ctx); err != nil {
		t.Fatal(err)
	}
	if d := mustEval(t, e, v); d.Action != rule.Block || !d.Duplicate {
		t.Fatalf("retry of a voided id: %s dup=%v", d.Action, d.Duplicate)
	}
	if err := dv.Commit(ctx); !errors.Is(err, store.ErrVoided) {
		t.Errorf("commit after void = %v, want store.ErrVoided", err)
	}
	blocked := mustEval(t, e, mk("r", payment.TierFull, payment.CarrierBilling, payment.Payment, "1 KRW", t0))
	if blocked.Allowed() || blocked.Reserved {
		t.Fatalf("expected a block that reserved nothing: %+v", blocked)
	}
	if err := blocked.Commit(ctx); !errors.Is(err, comply.ErrNotReserved) {
		t.Errorf("commit of a block = %v, want ErrNotReserved", err)
	}
}

// TestConcurrentEvaluateNeverExceedsCap drives the whole engine, not just
// the store, from many goroutines.
func TestConcurrentEvaluateNeverExceedsCap(t *testing.T) {
	e, _ := newEngine(t, nil)
	ctx := context.Background()
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				tx := mk("conc", payment.TierFull, payment.CarrierBilling, payment.Payment, "30000 KRW", t0.Add(time.Duration(g*20+i)*time.Second))
				d, err := e.Evaluate(ctx, tx)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed() {
					admitted.Add(1)
					if err := d.Commit(ctx); err != nil {
						t.Error(err)
					}
				}
			}
		}(g)
	}
	wg.Wait()
	// 1,000,000 / 30,000 = 33 payments fit, no more and no fewer.
	if got := admitted.Load(); got != 33 {
		t.Fatalf("admitted %d payments of 30,000 KRW under a 1,000,000 KRW cap, want 33", got)
	}
}

type fixedFX map[string]string

func (f fixedFX) Rate(_ context.Context, from, to payment.Currency, _ time.Time) (decimal.Decimal, error) {
	r, ok := f[string(from)+string(to)]
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("no rate %s→%s", from, to)
	}
	return decimal.RequireFromString(r), nil
}

func TestCurrencyConversion(t *testing.T) {
	usd := mk("fx", payment.TierFull, payment.CarrierBilling, payment.Payment, "700.01 USD", t0)
	e, _ := newEngine(t, nil)
	if _, err := e.Evaluate(context.Background(), usd); !errors.Is(err, comply.ErrNoFXSource) {
		t.Fatalf("without FX source: %v, want ErrNoFXSource", err)
	}
	e, _ = newEngine(t, &comply.Options{FX: fixedFX{"USDKRW": "1428.5714"}})
	// 700.01 × 1428.5714 = 1,000,013.766… → rounded up to 1,000,014 KRW: over the cap.
	if d := mustEval(t, e, usd); d.Action != rule.Block {
		t.Fatalf("700.01 USD: %s", d.Action)
	}
	ok := mk("fx", payment.TierFull, payment.CarrierBilling, payment.Payment, "700 USD", t0)
	if d := mustEval(t, e, ok); !d.Allowed() {
		t.Fatalf("700 USD = 999,999.98 → 1,000,000 KRW: %s %v", d.Action, d.Findings)
	}
	eur := mk("fx", payment.TierFull, payment.Card, payment.Payment, "10 EUR", t0)
	if _, err := e.Evaluate(context.Background(), eur); !errors.Is(err, comply.ErrFX) {
		t.Fatalf("missing rate: %v, want ErrFX", err)
	}
}

// failingStore fails every call.
type failingStore struct{ store.Backend }

func (failingStore) Reserve(context.Context, *store.Request) (store.Result, error) {
	return store.Result{}, errors.New("connection refused")
}

func TestStoreFailureFailsClosed(t *testing.T) {
	tx := mk("s", payment.TierFull, payment.Card, payment.Payment, "1000 KRW", t0)
	e, _ := newEngine(t, &comply.Options{Store: failingStore{}})
	if d, err := e.Evaluate(context.Background(), tx); !errors.Is(err, comply.ErrStore) || d != nil {
		t.Fatalf("store down: %v, %v; want ErrStore", d, err)
	}
	e, _ = newEngine(t, &comply.Options{Store: failingStore{}, OnStoreError: rule.Review})
	d := mustEval(t, e, tx)
	if d.Action != rule.Review || d.Findings[0].Code != rule.CodeStoreError || d.Reserved {
		t.Fatalf("fallback: %+v", d)
	}
	if _, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, OnStoreError: rule.Allow}); !errors.Is(err, comply.ErrInvalidOptions) {
		t.Fatalf("OnStoreError=Allow accepted: %v", err)
	}
}

// factsDown reserves but cannot read aggregates.
type factsDown struct{ store.Backend }

func (factsDown) Aggregate(context.Context, *store.AggregateRequest) ([]store.Aggregate, error) {
	return nil, errors.New("replica lagging")
}

func TestFactsFailureFailsClosed(t *testing.T) {
	tx := mk("s2", payment.TierFull, payment.EWallet, payment.CashIn, "1000 KRW", t0)
	st := factsDown{newMemstore(t)}
	e, _ := newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st})
	if d, err := e.Evaluate(context.Background(), tx); !errors.Is(err, comply.ErrStore) || d != nil {
		t.Fatalf("facts down: %v, %v; want ErrStore", d, err)
	}
	// The failed evaluation released its reservation: nothing counts.
	aggs, err := st.Backend.Aggregate(context.Background(), &store.AggregateRequest{Subject: "KR/s2", At: t0,
		Queries: []store.Query{{Window: store.Window{Kind: store.Rolling, Duration: time.Hour}, Classes: ^uint64(0)}}})
	if err != nil || aggs[0].Count != 0 {
		t.Fatalf("after a failed evaluation: %+v, %v", aggs, err)
	}
	e, _ = newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: factsDown{newMemstore(t)}, OnStoreError: rule.Block})
	d := mustEval(t, e, mk("s3", payment.TierFull, payment.EWallet, payment.CashIn, "1000 KRW", t0))
	if d.Action != rule.Block || has(d, "comply.store_unavailable") == nil || d.Reserved {
		t.Fatalf("fallback: %s reserved=%v %+v", d.Action, d.Reserved, d.Findings)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := comply.New(nil); !errors.Is(err, comply.ErrInvalidOptions) {
		t.Errorf("New(nil) = %v", err)
	}
	bad := kr.Pack()
	bad.TimeZone = "Mars/Olympus"
	bad.Limits[0].Citation = rule.Citation{}
	_, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{bad}})
	list := rule.AsList(err)
	if len(list) != 2 || !errors.Is(err, &rule.Error{Code: rule.CodePackSchema}) || !errors.Is(err, &rule.Error{Code: rule.CodeLimitsSchema}) {
		t.Errorf("New(bad pack) = %v", err)
	}
	if _, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack(), kr.Pack()}}); !errors.Is(err, comply.ErrInvalidOptions) {
		t.Errorf("two KR packs: %v", err)
	}
	tx := mk("n", payment.TierFull, payment.Card, payment.Payment, "10 USD", t0)
	tx.Country = "US"
	e, _ := newEngine(t, nil)
	if _, err := e.Evaluate(context.Background(), tx); !errors.Is(err, comply.ErrNoPack) {
		t.Errorf("US transaction: %v, want ErrNoPack", err)
	}
}

func TestHooksWrapEvaluate(t *testing.T) {
	var seen []string
	hook := func(name string) comply.Hook {
		return func(next comply.EvaluateFunc) comply.EvaluateFunc {
			return func(ctx context.Context, tx *payment.Transaction) (*comply.Decision, error) {
				seen = append(seen, name+">")
				d, err := next(ctx, tx)
				seen = append(seen, "<"+name)
				return d, err
			}
		}
	}
	e, _ := newEngine(t, &comply.Options{Hooks: []comply.Hook{hook("a"), hook("b")}})
	mustEval(t, e, mk("h", payment.TierFull, payment.Card, payment.Payment, "10 KRW", t0))
	if want := []string{"a>", "b>", "<b", "<a"}; !cmp.Equal(seen, want) {
		t.Errorf("hooks ran %v, want %v", seen, want)
	}
}

// TestDefaultStoreKeepsTheLongestWindow: the default memstore must keep
// entries for the longest rolling window of any limit row, even when no
// rule reads one that long.
func TestDefaultStoreKeepsTheLongestWindow(t *testing.T) {
	p := krLimitsOnly()
	p.Limits = append(p.Limits, limits.Limit{
		ID: "test.yearly", Kind: limits.Rolling, Window: 365 * 24 * time.Hour, Channels: []payment.Channel{payment.EWallet},
		MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(1000)), Citation: rule.Citation{Law: "test"},
	})
	e, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{p}, Now: func() time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	d := mustEval(t, e, mk("year", payment.TierFull, payment.EWallet, payment.Payment, "600 KRW", t0))
	if !d.Allowed() {
		t.Fatalf("%s %+v", d.Action, d.Findings)
	}
	if d := mustEval(t, e, mk("year", payment.TierFull, payment.EWallet, payment.Payment, "600 KRW", t0)); d.Action != rule.Block {
		t.Fatalf("second: %s", d.Action)
	}
}
