// Package storetest is the conformance suite for comply's store backends:
// every [store.Backend] (memstore, and later Redis and PostgreSQL backends)
// calls [Run] from its tests. The suite checks the contract documented in
// package store: atomicity and exactness under concurrency, idempotency,
// settlement, exact window edges, out-of-order timestamps, balances,
// observed caps, errors, aggregates, context cancellation and Close.
//
// It imports only [github.com/comply-go/comply/store] from this module
// (plus shopspring/decimal, go-cmp and the standard library, including
// time/tzdata so that the time zones it uses load everywhere).
//
// Every subtest gets a backend from newBackend and uses subject names that
// are unique to the run, so backends that share a server do not see each
// other's data. The suite dates its entries in the first quarter of 2026
// and spans at most 40 days per subject; a backend must keep at least that
// much history per subject, measured from the subject's own entries rather
// than from the wall clock.
//
// Where package store's text leaves room, the suite pins down one reading,
// which every backend must share:
//
//   - An observed cap is reached when the total including the new entry is
//     at least its threshold, or more than it when Exclusive; an enforced
//     cap refuses above its bound, or at it when Exclusive.
//   - [store.Usage] of a rolling cap reports the largest amount and the
//     largest count of the windows the new entry falls in, without it.
//   - A known TxID is a duplicate whatever the rest of a valid request says
//     (time, amount, caps, even currency).
//   - Every cap of a request is validated, also one that does not count the
//     request's class.
//   - Rolling windows are checked at microsecond resolution at least.
//
// Only the Sum of a Balance aggregate is checked; its other fields are
// left to each backend.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the suite's time zones must load on every machine

	"github.com/comply-go/comply/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// Classes used by the suite.
const (
	classPay   uint8 = 1 // an ordinary payment
	classOther uint8 = 5 // a class the caps under test do not count
	classTopUp uint8 = 2 // a balance credit
	classSpend uint8 = 3 // a balance debit
)

const currency = "KRW"

// refTime is the suite's reference time: Tuesday 2026-03-10 12:00 UTC.
func refTime() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }

// Run runs the conformance suite against backends made by newBackend,
// which is called once per subtest and may use t.Cleanup to release them.
// A backend that implements [io.Closer] is also checked for
// [store.ErrClosed] after Close, and one that implements [store.Pinger]
// for Ping.
func Run(t *testing.T, newBackend func(t *testing.T) store.Backend) {
	s := &suite{newBackend: newBackend, run: strconv.FormatInt(time.Now().UnixNano(), 36)}
	tests := []struct {
		name string
		fn   func(t *testing.T, s *suite)
	}{
		{"Reserve/Basic", testReserveBasic},
		{"Reserve/DuplicateChangesNothing", testDuplicateChangesNothing},
		{"Reserve/CapsOfOtherClassesNotChecked", testOtherClasses},
		{"Concurrency/EqualAmountsMatchSerial", testConcurrentEqualAmounts},
		{"Concurrency/VariedAmountsMatchSomeSerialOrder", testConcurrentVariedAmounts},
		{"Concurrency/ReserveVoidMix", testConcurrentReserveVoid},
		{"Concurrency/RetriesCountOnce", testConcurrentRetries},
		{"Concurrency/CommitVoidRace", testCommitVoidRace},
		{"Settlement/VoidGivesRoomBack", testVoidGivesRoomBack},
		{"Settlement/CommitKeepsRoom", testCommitKeepsRoom},
		{"Settlement/Errors", testSettlementErrors},
		{"Rolling/OutOfOrderTargeted", testOutOfOrderTargeted},
		{"Rolling/OutOfOrderConcurrentBruteForce", testOutOfOrderConcurrent},
		{"Windows/RollingBoundaryMicrosecond", testRollingBoundary},
		{"Windows/MonthNewYork", testMonthNewYork},
		{"Windows/DaySeoul", testDaySeoul},
		{"Windows/ExclusiveVersusInclusive", testExclusive},
		{"Windows/FractionalAmounts", testFractional},
		{"Windows/CountLimits", testCountLimits},
		{"Balance/CreditsAndCommittedDebits", testBalance},
		{"Observe/ReachedAtThreshold", testObserve},
		{"Refused/RecordsNothing", testRefusedRecordsNothing},
		{"Errors/CurrencyMismatch", testCurrencyMismatch},
		{"Errors/InvalidRequests", testInvalidRequests},
		{"Aggregate/Semantics", testAggregate},
		{"Aggregate/Fractional", testAggregateFractional},
		{"Aggregate/UnknownSubject", testAggregateUnknown},
		{"Context/Canceled", testContextCanceled},
		{"Close/ErrClosed", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, s) })
	}
}

type suite struct {
	newBackend func(t *testing.T) store.Backend
	run        string // makes subject names unique to one run
}

// backend returns a fresh backend and a subject name unique to the test.
func (s *suite) backend(t *testing.T) (store.Backend, string) {
	t.Helper()
	b := s.newBackend(t)
	if b == nil {
		t.Fatal("newBackend returned nil")
	}
	return b, s.subject(t, "")
}

func (s *suite) subject(t *testing.T, suffix string) string {
	return "storetest/" + s.run + "/" + t.Name() + suffix
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func amountCap(id string, w store.Window, classes uint64, limit string) store.Cap {
	return store.Cap{ID: id, Window: w, Classes: classes, MaxAmount: decimal.NewNullDecimal(dec(limit))}
}

func countCap(id string, w store.Window, classes uint64, limit int64) store.Cap {
	return store.Cap{ID: id, Window: w, Classes: classes, MaxCount: limit, LimitCount: true}
}

func rolling(d time.Duration) store.Window { return store.Window{Kind: store.Rolling, Duration: d} }

func dayIn(loc *time.Location) store.Window { return store.Window{Kind: store.Day, Location: loc} }

func monthIn(loc *time.Location) store.Window { return store.Window{Kind: store.Month, Location: loc} }

func bit(c uint8) uint64 { return 1 << c }

func request(subject, id string, at time.Time, amount string, caps ...store.Cap) *store.Request {
	return &store.Request{
		Subject: subject, TxID: id, Time: at, Class: classPay,
		Amount: dec(amount), Currency: currency, Caps: caps,
	}
}

func reserve(t *testing.T, b store.Backend, r *store.Request) store.Result {
	t.Helper()
	res, err := b.Reserve(context.Background(), r)
	if err != nil {
		t.Fatalf("Reserve(%s %s %v %v): %v", r.TxID, r.Time.Format(time.RFC3339Nano), r.Amount, r.Class, err)
	}
	return res
}

// expect reserves r and checks the status.
func expect(t *testing.T, b store.Backend, r *store.Request, want store.Status) store.Result {
	t.Helper()
	res := reserve(t, b, r)
	if res.Status != want {
		t.Fatalf("Reserve(%s %v at %s) = %v %+v, want %v", r.TxID, r.Amount, r.Time.Format(time.RFC3339Nano), res.Status, res, want)
	}
	return res
}

func resultOpts() []cmp.Option {
	return []cmp.Option{
		cmpopts.EquateEmpty(),
		cmpopts.SortSlices(func(a, b store.Usage) bool { return a.Cap < b.Cap }),
	}
}

func checkResult(t *testing.T, got, want store.Result) {
	t.Helper()
	if diff := cmp.Diff(want, got, resultOpts()...); diff != "" {
		t.Errorf("Reserve() result mismatch (-want +got):\n%s", diff)
	}
}

func aggregate(t *testing.T, b store.Backend, subject string, at time.Time, except string, qs ...store.Query) []store.Aggregate {
	t.Helper()
	got, err := b.Aggregate(context.Background(), &store.AggregateRequest{Subject: subject, At: at, Except: except, Queries: qs})
	if err != nil {
		t.Fatalf("Aggregate(%s at %v): %v", subject, at, err)
	}
	if len(got) != len(qs) {
		t.Fatalf("Aggregate returned %d answers for %d queries", len(got), len(qs))
	}
	return got
}

// sumCount aggregates one query and returns its sum and count.
func sumCount(t *testing.T, b store.Backend, subject string, at time.Time, q store.Query) (decimal.Decimal, int64) {
	t.Helper()
	a := aggregate(t, b, subject, at, "", q)[0]
	return a.Sum, a.Count
}

func checkSumCount(t *testing.T, b store.Backend, subject string, at time.Time, q store.Query, wantSum string, wantCount int64) {
	t.Helper()
	sum, n := sumCount(t, b, subject, at, q)
	if !sum.Equal(dec(wantSum)) || n != wantCount {
		t.Errorf("Aggregate(%v at %s) = sum %v count %d, want sum %s count %d",
			q.Window.Kind, at.Format(time.RFC3339Nano), sum, n, wantSum, wantCount)
	}
}

func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want one wrapping %q", what, err, want)
	}
}

// ---------------------------------------------------------------------------

func testReserveBasic(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "1000")}
	res := expect(t, b, request(sub, "a", t0, "300", caps...), store.Reserved)
	checkResult(t, res, store.Result{Status: store.Reserved})
	expect(t, b, request(sub, "b", t0.Add(time.Minute), "700", caps...), store.Reserved)
	res = expect(t, b, request(sub, "c", t0.Add(2*time.Minute), "1", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "day", Amount: dec("1000"), Count: 2},
	}})
	q := store.Query{Window: dayIn(nil), Classes: bit(classPay)}
	checkSumCount(t, b, sub, t0.Add(time.Hour), q, "1000", 2)
	if p, ok := b.(store.Pinger); ok {
		if err := p.Ping(context.Background()); err != nil {
			t.Errorf("Ping() = %v, want nil", err)
		}
	}
}

func testDuplicateChangesNothing(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "1000")}
	expect(t, b, request(sub, "a", t0, "300", caps...), store.Reserved)
	// A retry with other content (even one that would be refused) is a
	// duplicate and changes nothing.
	for _, r := range []*store.Request{
		request(sub, "a", t0, "300", caps...),
		request(sub, "a", t0.Add(time.Hour), "5000", caps...),
		request(sub, "a", t0, "1"),
		{Subject: sub, TxID: "a", Time: t0, Class: classOther, Amount: dec("7"), Currency: "USD"},
	} {
		res := reserve(t, b, r)
		checkResult(t, res, store.Result{Status: store.Duplicate, State: store.Pending})
	}
	checkSumCount(t, b, sub, t0.Add(2*time.Hour), store.Query{Window: dayIn(nil), Classes: bit(classPay)}, "300", 1)
}

func testOtherClasses(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{
		amountCap("pay-only", dayIn(nil), bit(classPay), "100"),
		countCap("none", rolling(time.Hour), 0, 0),
	}
	r := request(sub, "o1", t0, "5000", caps...)
	r.Class = classOther
	expect(t, b, r, store.Reserved)
	expect(t, b, request(sub, "p1", t0, "100", caps...), store.Reserved)
	res := expect(t, b, request(sub, "p2", t0, "1", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "pay-only", Amount: dec("100"), Count: 1},
	}})
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classOther)}, "5000", 1)
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classOther) | bit(classPay)}, "5100", 2)
}

// ---------------------------------------------------------------------------
// Concurrency.

// runConcurrently calls fn(i) for i in [0, n) from workers goroutines,
// started together.
func runConcurrently(workers, n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := w; i < n; i += workers {
				fn(i)
			}
		}()
	}
	close(start)
	wg.Wait()
}

func testConcurrentEqualAmounts(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	const (
		n      = 10_000
		amount = 700
		limit  = 1_000_000
	)
	caps := []store.Cap{amountCap("month", monthIn(nil), bit(classPay), strconv.Itoa(limit))}
	statuses := make([]store.Status, n)
	errs := make([]error, n)
	// Readers check that every snapshot is consistent while writers run.
	q := store.Query{Window: monthIn(nil), Classes: bit(classPay)}
	done := make(chan struct{})
	var readers sync.WaitGroup
	readerErrs := make([]error, 4)
	for r := range readerErrs {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := b.Aggregate(context.Background(), &store.AggregateRequest{Subject: sub, At: t0.Add(600 * time.Minute), Queries: []store.Query{q}})
				switch {
				case err != nil:
					readerErrs[r] = err
				case len(got) != 1:
					readerErrs[r] = fmt.Errorf("%d answers for 1 query", len(got))
				case got[0].Sum.GreaterThan(decimal.NewFromInt(limit)) || !got[0].Sum.Equal(decimal.NewFromInt(got[0].Count*amount)):
					readerErrs[r] = fmt.Errorf("snapshot sum %v count %d: over the cap or inconsistent", got[0].Sum, got[0].Count)
				default:
					continue
				}
				return
			}
		}()
	}
	runConcurrently(64, n, func(i int) {
		at := t0.Add(time.Duration(i%500) * time.Minute) // out of order, same month
		res, err := b.Reserve(context.Background(), request(sub, fmt.Sprintf("tx-%d", i), at, strconv.Itoa(amount), caps...))
		statuses[i], errs[i] = res.Status, err
	})
	close(done)
	readers.Wait()
	for _, err := range readerErrs {
		if err != nil {
			t.Errorf("concurrent Aggregate: %v", err)
		}
	}
	admitted := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Reserve #%d: %v", i, errs[i])
		}
		switch statuses[i] {
		case store.Reserved:
			admitted++
		case store.Refused:
		default:
			t.Fatalf("Reserve #%d = %v, want reserved or refused", i, statuses[i])
		}
	}
	// Any serial run admits exactly floor(limit/amount) equal amounts.
	if want := limit / amount; admitted != want {
		t.Errorf("admitted %d reservations of %d against %d, a serial run admits %d", admitted, amount, limit, want)
	}
	checkSumCount(t, b, sub, t0.Add(600*time.Minute), store.Query{Window: monthIn(nil), Classes: bit(classPay)},
		strconv.Itoa(admitted*amount), int64(admitted))
}

func testConcurrentVariedAmounts(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	const (
		n     = 10_000
		limit = 1_000_000
	)
	caps := []store.Cap{amountCap("month", monthIn(nil), bit(classPay), strconv.Itoa(limit))}
	amount := func(i int) int64 { return int64(i*7919%1000 + 1) } // 1..1000
	statuses := make([]store.Status, n)
	errs := make([]error, n)
	runConcurrently(64, n, func(i int) {
		at := t0.Add(time.Duration(i%1000) * time.Minute)
		r := request(sub, fmt.Sprintf("tx-%d", i), at, "1", caps...)
		r.Amount = decimal.NewFromInt(amount(i))
		res, err := b.Reserve(context.Background(), r)
		statuses[i], errs[i] = res.Status, err
	})
	var sum, count int64
	var refused []int64
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Reserve #%d: %v", i, errs[i])
		}
		switch statuses[i] {
		case store.Reserved:
			sum += amount(i)
			count++
		case store.Refused:
			refused = append(refused, amount(i))
		default:
			t.Fatalf("Reserve #%d = %v, want reserved or refused", i, statuses[i])
		}
	}
	if sum > limit {
		t.Fatalf("admitted sum %d exceeds the cap %d", sum, limit)
	}
	// The outcome is that of a serial run in some order (admitted first,
	// then the refused) exactly when every refused amount would not fit in
	// the room left at the end: state only grows, so each refusal saw at
	// most the final sum.
	for _, a := range refused {
		if a <= limit-sum {
			t.Fatalf("refused amount %d although %d of room is left at the end (admitted %d): no serial run refuses it", a, limit-sum, sum)
		}
	}
	if len(refused) == 0 {
		t.Fatal("nothing refused: the test no longer saturates the cap")
	}
	checkSumCount(t, b, sub, t0.Add(1000*time.Minute), store.Query{Window: monthIn(nil), Classes: bit(classPay)},
		strconv.FormatInt(sum, 10), count)
}

// testConcurrentReserveVoid voids half of what it admits while other
// goroutines keep reserving: the live total never exceeds the cap, and the
// backend's total is exactly what was admitted and not voided.
func testConcurrentReserveVoid(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	const (
		n     = 2000
		limit = 50_000
	)
	caps := []store.Cap{
		amountCap("day", dayIn(nil), bit(classPay), strconv.Itoa(limit)),
		amountCap("24h", rolling(24*time.Hour), bit(classPay), strconv.Itoa(limit)),
	}
	amount := func(i int) int64 { return int64(i*7919%1000 + 1) }
	live := make([]bool, n)
	errs := make([]error, n)
	runConcurrently(32, n, func(i int) {
		id := fmt.Sprintf("tx-%d", i)
		r := request(sub, id, t0.Add(time.Duration(i%300)*time.Second), "1", caps...)
		r.Amount = decimal.NewFromInt(amount(i))
		res, err := b.Reserve(context.Background(), r)
		if err != nil || res.Status != store.Reserved {
			errs[i] = err
			return
		}
		if i%2 == 0 {
			errs[i] = b.Void(context.Background(), sub, id)
			return
		}
		live[i] = true
	})
	var sum, count int64
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("#%d: %v", i, errs[i])
		}
		if live[i] {
			sum += amount(i)
			count++
		}
	}
	if sum > limit {
		t.Fatalf("live sum %d exceeds the cap %d", sum, limit)
	}
	if count == 0 {
		t.Fatal("nothing admitted")
	}
	checkSumCount(t, b, sub, t0.Add(time.Hour), store.Query{Window: dayIn(nil), Classes: bit(classPay)},
		strconv.FormatInt(sum, 10), count)
	checkSumCount(t, b, sub, t0.Add(time.Hour), store.Query{Window: rolling(24 * time.Hour), Classes: bit(classPay)},
		strconv.FormatInt(sum, 10), count)
}

func testConcurrentRetries(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "1000")}
	const n = 64
	results := make([]store.Result, n)
	errs := make([]error, n)
	runConcurrently(n, n, func(i int) {
		results[i], errs[i] = b.Reserve(context.Background(), request(sub, "same", t0, "600", caps...))
	})
	reserved, duplicates := 0, 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Reserve #%d: %v", i, errs[i])
		}
		switch r := results[i]; {
		case r.Status == store.Reserved:
			reserved++
		case r.Status == store.Duplicate && r.State == store.Pending:
			duplicates++
		default:
			t.Errorf("Reserve #%d = %+v, want reserved or duplicate of a pending entry", i, r)
		}
	}
	if reserved != 1 || duplicates != n-1 {
		t.Errorf("%d reserved and %d duplicates, want 1 and %d", reserved, duplicates, n-1)
	}
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classPay)}, "600", 1)
}

func testCommitVoidRace(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	const n = 32
	for i := range n {
		expect(t, b, request(sub, fmt.Sprintf("tx-%d", i), t0, "10"), store.Reserved)
	}
	commitErrs := make([]error, n)
	voidErrs := make([]error, n)
	runConcurrently(2*n, 2*n, func(i int) {
		id := fmt.Sprintf("tx-%d", i/2)
		if i%2 == 0 {
			commitErrs[i/2] = b.Commit(context.Background(), sub, id)
		} else {
			voidErrs[i/2] = b.Void(context.Background(), sub, id)
		}
	})
	var wantSum, wantCount int64
	for i := range n {
		c, v := commitErrs[i], voidErrs[i]
		switch {
		case c == nil && errors.Is(v, store.ErrCommitted):
			wantSum += 10
			wantCount++
			checkResult(t, reserve(t, b, request(sub, fmt.Sprintf("tx-%d", i), t0, "10")),
				store.Result{Status: store.Duplicate, State: store.Committed})
		case v == nil && errors.Is(c, store.ErrVoided):
			checkResult(t, reserve(t, b, request(sub, fmt.Sprintf("tx-%d", i), t0, "10")),
				store.Result{Status: store.Duplicate, State: store.Voided})
		default:
			t.Errorf("tx-%d: Commit = %v, Void = %v; want exactly one to win and the other to fail with ErrCommitted or ErrVoided", i, c, v)
		}
	}
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classPay)},
		strconv.FormatInt(wantSum, 10), wantCount)
}

// ---------------------------------------------------------------------------
// Settlement.

func testVoidGivesRoomBack(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{
		amountCap("rolling", rolling(24*time.Hour), bit(classPay), "1000"),
		amountCap("day", dayIn(nil), bit(classPay), "1000"),
		amountCap("month", monthIn(nil), bit(classPay), "1000"),
		countCap("count", rolling(time.Hour), bit(classPay), 4),
	}
	for i := range 4 {
		expect(t, b, request(sub, fmt.Sprintf("fill-%d", i), t0.Add(time.Duration(i)*time.Minute), "250", caps...), store.Reserved)
	}
	res := expect(t, b, request(sub, "next", t0.Add(5*time.Minute), "250", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "rolling", Amount: dec("1000"), Count: 4},
		{Cap: 1, ID: "day", Amount: dec("1000"), Count: 4},
		{Cap: 2, ID: "month", Amount: dec("1000"), Count: 4},
		{Cap: 3, ID: "count", Amount: dec("1000"), Count: 4},
	}})
	if err := b.Void(context.Background(), sub, "fill-2"); err != nil {
		t.Fatalf("Void: %v", err)
	}
	checkSumCount(t, b, sub, t0.Add(10*time.Minute), store.Query{Window: rolling(24 * time.Hour), Classes: bit(classPay)}, "750", 3)
	expect(t, b, request(sub, "next", t0.Add(5*time.Minute), "250", caps...), store.Reserved)
	expect(t, b, request(sub, "after", t0.Add(6*time.Minute), "1", caps...), store.Refused)
}

func testCommitKeepsRoom(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "1000")}
	expect(t, b, request(sub, "a", t0, "600", caps...), store.Reserved)
	expect(t, b, request(sub, "b", t0, "400", caps...), store.Reserved)
	for _, id := range []string{"a", "b"} {
		if err := b.Commit(context.Background(), sub, id); err != nil {
			t.Fatalf("Commit(%s): %v", id, err)
		}
	}
	expect(t, b, request(sub, "c", t0, "1", caps...), store.Refused)
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classPay)}, "1000", 2)
}

func testSettlementErrors(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	ctx := context.Background()
	expect(t, b, request(sub, "c", t0, "100"), store.Reserved)
	expect(t, b, request(sub, "v", t0, "200"), store.Reserved)
	steps := []struct {
		name string
		call func() error
		want error // nil: must succeed
	}{
		{"commit", func() error { return b.Commit(ctx, sub, "c") }, nil},
		{"commit again", func() error { return b.Commit(ctx, sub, "c") }, nil},
		{"void committed", func() error { return b.Void(ctx, sub, "c") }, store.ErrCommitted},
		{"void", func() error { return b.Void(ctx, sub, "v") }, nil},
		{"void again", func() error { return b.Void(ctx, sub, "v") }, nil},
		{"commit voided", func() error { return b.Commit(ctx, sub, "v") }, store.ErrVoided},
		{"commit unknown", func() error { return b.Commit(ctx, sub, "nope") }, store.ErrNotFound},
		{"void unknown", func() error { return b.Void(ctx, sub, "nope") }, store.ErrNotFound},
		{"commit unknown subject", func() error { return b.Commit(ctx, sub+"/none", "c") }, store.ErrNotFound},
		{"void unknown subject", func() error { return b.Void(ctx, sub+"/none", "c") }, store.ErrNotFound},
	}
	for _, st := range steps {
		err := st.call()
		if st.want == nil {
			if err != nil {
				t.Errorf("%s: %v, want nil", st.name, err)
			}
			continue
		}
		checkErr(t, st.name, err, st.want)
	}
	checkResult(t, reserve(t, b, request(sub, "v", t0, "200")), store.Result{Status: store.Duplicate, State: store.Voided})
	checkResult(t, reserve(t, b, request(sub, "c", t0, "100")), store.Result{Status: store.Duplicate, State: store.Committed})
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classPay)}, "100", 1)
}
