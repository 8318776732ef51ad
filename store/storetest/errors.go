package storetest

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func checkAggregates(t *testing.T, what string, got, want []store.Aggregate) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Aggregate() %s mismatch (-want +got):\n%s", what, diff)
	}
}

func testCurrencyMismatch(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "1000")}
	q := store.Query{Window: dayIn(nil), Classes: bit(classPay)}
	expect(t, b, request(sub, "krw", t0, "100", caps...), store.Reserved)
	before := aggregate(t, b, sub, t0, "", q)
	usd := request(sub, "usd", t0, "1", caps...)
	usd.Currency = "USD"
	_, err := b.Reserve(t.Context(), usd)
	checkErr(t, "Reserve(USD on a KRW subject)", err, store.ErrCurrencyMismatch)
	checkAggregates(t, "after a currency mismatch", aggregate(t, b, sub, t0, "", q), before)
	checkErr(t, "Void(refused usd)", b.Void(t.Context(), sub, "usd"), store.ErrNotFound)
	expect(t, b, request(sub, "usd", t0, "100", caps...), store.Reserved) // the id is still free
}

func testInvalidRequests(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	q := store.Query{Window: rolling(time.Hour), Classes: bit(classPay)}
	expect(t, b, request(sub, "base", t0, "100"), store.Reserved)
	before := aggregate(t, b, sub, t0, "", q)
	ok := func(mod func(r *store.Request)) *store.Request {
		r := request(sub, "bad", t0, "5", amountCap("day", dayIn(nil), bit(classPay), "1000"))
		mod(r)
		return r
	}
	tests := []struct {
		name string
		req  *store.Request
	}{
		{"empty subject", ok(func(r *store.Request) { r.Subject = "" })},
		{"empty tx id", ok(func(r *store.Request) { r.TxID = "" })},
		{"zero time", ok(func(r *store.Request) { r.Time = time.Time{} })},
		{"zero amount", ok(func(r *store.Request) { r.Amount = decimal.Zero })},
		{"zero-value amount", ok(func(r *store.Request) { r.Amount = decimal.Decimal{} })},
		{"negative amount", ok(func(r *store.Request) { r.Amount = dec("-5") })},
		{"class 64", ok(func(r *store.Request) { r.Class = 64 })},
		{"class 255", ok(func(r *store.Request) { r.Class = 255 })},
		{"rolling zero", ok(func(r *store.Request) { r.Caps[0].Window = rolling(0) })},
		{"rolling negative", ok(func(r *store.Request) { r.Caps[0].Window = rolling(-time.Hour) })},
		{"unspecified window", ok(func(r *store.Request) { r.Caps[0].Window = store.Window{} })},
		{"unknown window kind", ok(func(r *store.Request) { r.Caps[0].Window = store.Window{Kind: 99} })},
		{"bad window of another class's cap", ok(func(r *store.Request) {
			r.Caps = append(r.Caps, store.Cap{ID: "other", Window: rolling(0), Classes: bit(classOther)})
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := b.Reserve(t.Context(), tc.req)
			checkErr(t, "Reserve", err, store.ErrInvalidRequest)
			if res.Status == store.Reserved {
				t.Errorf("Reserve() status = %v with an error", res.Status)
			}
		})
	}
	checkAggregates(t, "after invalid requests", aggregate(t, b, sub, t0, "", q), before)
	expect(t, b, request(sub, "bad", t0, "5"), store.Reserved) // nothing was recorded under the id

	_, err := b.Aggregate(t.Context(), &store.AggregateRequest{Subject: sub, At: t0, Queries: []store.Query{{Window: rolling(0)}}})
	checkErr(t, "Aggregate(rolling 0)", err, store.ErrInvalidRequest)
	_, err = b.Aggregate(t.Context(), &store.AggregateRequest{Subject: sub, At: t0, Queries: []store.Query{{}}})
	checkErr(t, "Aggregate(unspecified window)", err, store.ErrInvalidRequest)
}

func testAggregate(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	add := func(id string, class uint8, at time.Time, amount, cp string) {
		t.Helper()
		r := request(sub, id, at, amount)
		r.Class, r.Counterparty = class, cp
		expect(t, b, r, store.Reserved)
	}
	add("a1", classPay, t0.Add(-3*time.Hour), "100", "alice")
	add("a2", classPay, t0.Add(-2*time.Hour), "200", "bob")
	add("a3", classPay, t0.Add(-1*time.Hour), "300", "alice")
	add("a4", classPay, t0, "400", "")
	add("o1", classOther, t0.Add(-30*time.Minute), "1000", "carol")
	add("a5", classPay, t0.Add(time.Hour), "500", "dave") // after At
	add("v1", classPay, t0.Add(-90*time.Minute), "50", "erin")
	if err := b.Void(t.Context(), sub, "v1"); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(t.Context(), sub, "a2"); err != nil {
		t.Fatal(err)
	}
	pay := bit(classPay)
	queries := []store.Query{
		{Window: rolling(24 * time.Hour), Classes: pay},
		{Window: rolling(24 * time.Hour), Classes: pay | bit(classOther)},
		{Window: rolling(90 * time.Minute), Classes: pay},
		{Window: dayIn(nil), Classes: pay},
		{Window: monthIn(nil), Classes: bit(classOther)},
		{Window: rolling(time.Hour), Classes: 0},
	}
	full := store.Aggregate{
		Sum: dec("1000"), SumSquares: dec("300000"), Count: 4, Distinct: 2, Last: t0, LastAmount: dec("400"),
	}
	want := []store.Aggregate{
		full,
		{Sum: dec("2000"), SumSquares: dec("1300000"), Count: 5, Distinct: 3, Last: t0, LastAmount: dec("400")},
		{Sum: dec("700"), SumSquares: dec("250000"), Count: 2, Distinct: 1, Last: t0, LastAmount: dec("400")},
		full,
		{Sum: dec("1000"), SumSquares: dec("1000000"), Count: 1, Distinct: 1, Last: t0.Add(-30 * time.Minute), LastAmount: dec("1000")},
		{},
	}
	checkAggregates(t, "at t0", aggregate(t, b, sub, t0, "", queries...), want)

	exceptA4 := []store.Aggregate{
		{Sum: dec("600"), SumSquares: dec("140000"), Count: 3, Distinct: 2, Last: t0.Add(-time.Hour), LastAmount: dec("300")},
		{Sum: dec("1600"), SumSquares: dec("1140000"), Count: 4, Distinct: 3, Last: t0.Add(-30 * time.Minute), LastAmount: dec("1000")},
		{Sum: dec("300"), SumSquares: dec("90000"), Count: 1, Distinct: 1, Last: t0.Add(-time.Hour), LastAmount: dec("300")},
		{Sum: dec("600"), SumSquares: dec("140000"), Count: 3, Distinct: 2, Last: t0.Add(-time.Hour), LastAmount: dec("300")},
		want[4],
		{},
	}
	checkAggregates(t, "at t0 except a4", aggregate(t, b, sub, t0, "a4", queries...), exceptA4)

	checkAggregates(t, "before every entry", aggregate(t, b, sub, t0.Add(-4*time.Hour), "", queries...),
		make([]store.Aggregate, len(queries)))
	if got := aggregate(t, b, sub, t0, ""); len(got) != 0 {
		t.Errorf("Aggregate() with no queries = %v, want none", got)
	}
}

func testAggregateFractional(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	expect(t, b, request(sub, "a", t0, "1.5"), store.Reserved)
	expect(t, b, request(sub, "b", t0.Add(time.Second), "2.25"), store.Reserved)
	got := aggregate(t, b, sub, t0.Add(time.Minute), "", store.Query{Window: dayIn(nil), Classes: bit(classPay)})
	checkAggregates(t, "fractional", got, []store.Aggregate{{
		Sum: dec("3.75"), SumSquares: dec("7.3125"), Count: 2, Last: t0.Add(time.Second), LastAmount: dec("2.25"),
	}})
}

func testAggregateUnknown(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	got := aggregate(t, b, sub+"/unknown", t0, "x",
		store.Query{Window: rolling(time.Hour), Classes: bit(classPay)},
		store.Query{Window: store.Window{Kind: store.Balance}, Classes: bit(classTopUp), Debits: bit(classSpend)},
	)
	checkAggregates(t, "unknown subject", got, make([]store.Aggregate, 2))
}

func testContextCanceled(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	q := store.Query{Window: dayIn(nil), Classes: bit(classPay)}
	expect(t, b, request(sub, "a", t0, "100"), store.Reserved)
	before := aggregate(t, b, sub, t0, "", q)

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, c := range []struct {
		name string
		ctx  context.Context
		want error
	}{{"canceled", canceled, context.Canceled}, {"deadline", expired, context.DeadlineExceeded}} {
		res, err := b.Reserve(c.ctx, request(sub, "b", t0, "100"))
		checkErr(t, c.name+" Reserve", err, c.want)
		if res.Status == store.Reserved {
			t.Errorf("%s Reserve() status = reserved with an error", c.name)
		}
		checkErr(t, c.name+" Commit", b.Commit(c.ctx, sub, "a"), c.want)
		checkErr(t, c.name+" Void", b.Void(c.ctx, sub, "a"), c.want)
		_, err = b.Aggregate(c.ctx, &store.AggregateRequest{Subject: sub, At: t0, Queries: []store.Query{q}})
		checkErr(t, c.name+" Aggregate", err, c.want)
	}
	checkAggregates(t, "after canceled calls", aggregate(t, b, sub, t0, "", q), before)
	// Nothing was recorded or settled: "b" is new and "a" still pending.
	expect(t, b, request(sub, "b", t0, "100"), store.Reserved)
	checkResult(t, reserve(t, b, request(sub, "a", t0, "100")), store.Result{Status: store.Duplicate, State: store.Pending})
}

func testClose(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	c, ok := b.(io.Closer)
	if !ok {
		t.Skip("backend does not implement io.Closer")
	}
	expect(t, b, request(sub, "a", t0, "100"), store.Reserved)
	p, isPinger := b.(store.Pinger)
	if isPinger {
		if err := p.Ping(t.Context()); err != nil {
			t.Fatalf("Ping() before Close = %v", err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	ctx := t.Context()
	_, err := b.Reserve(ctx, request(sub, "b", t0, "100"))
	checkErr(t, "Reserve after Close", err, store.ErrClosed)
	_, err = b.Reserve(ctx, request(sub, "a", t0, "100"))
	checkErr(t, "Reserve(known id) after Close", err, store.ErrClosed)
	checkErr(t, "Commit after Close", b.Commit(ctx, sub, "a"), store.ErrClosed)
	checkErr(t, "Void after Close", b.Void(ctx, sub, "a"), store.ErrClosed)
	_, err = b.Aggregate(ctx, &store.AggregateRequest{Subject: sub, At: t0, Queries: []store.Query{{Window: dayIn(nil), Classes: bit(classPay)}}})
	checkErr(t, "Aggregate after Close", err, store.ErrClosed)
	if isPinger {
		checkErr(t, "Ping after Close", p.Ping(ctx), store.ErrClosed)
	}
}
