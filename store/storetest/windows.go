package storetest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

func loadLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// testOutOfOrderTargeted checks that a reservation dated before entries
// already admitted is checked against every window that contains it, and
// only against those: exact, not merely conservative.
func testOutOfOrderTargeted(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("24h", rolling(24*time.Hour), bit(classPay), "1000")}
	expect(t, b, request(sub, "later", t0.Add(10*time.Hour), "600", caps...), store.Reserved)
	// Fits (t0−24h, t0] but would push (t0−14h, t0+10h] to 1100.
	res := expect(t, b, request(sub, "early", t0, "500", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "24h", Amount: dec("600"), Count: 1},
	}})
	// Exactly fills (t0−14h, t0+10h].
	expect(t, b, request(sub, "fits", t0, "400", caps...), store.Reserved)
	// Windows containing t0−15h end before t0+9h: they hold "fits" but not
	// "later", so 400 more fits although the later-dated entries sum to 1000.
	expect(t, b, request(sub, "before", t0.Add(-15*time.Hour), "400", caps...), store.Reserved)
	// ... and 201 more would push (t0−24h, t0] to 1001.
	res = expect(t, b, request(sub, "over", t0.Add(-15*time.Hour), "201", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "24h", Amount: dec("800"), Count: 2},
	}})
	expect(t, b, request(sub, "exact", t0.Add(-15*time.Hour), "200", caps...), store.Reserved)
	// (t0, t0+24h] holds only "later".
	expect(t, b, request(sub, "tail", t0.Add(24*time.Hour), "401", caps...), store.Refused)
	expect(t, b, request(sub, "tail", t0.Add(24*time.Hour), "400", caps...), store.Reserved)
	q := store.Query{Window: rolling(24 * time.Hour), Classes: bit(classPay)}
	checkSumCount(t, b, sub, t0, q, "1000", 3)
	checkSumCount(t, b, sub, t0.Add(10*time.Hour), q, "1000", 2)
	checkSumCount(t, b, sub, t0.Add(24*time.Hour), q, "1000", 2)
}

type admitted struct {
	at     time.Time
	amount int64
}

// windowTotal is the brute-force total of the entries in (end−w, end].
func windowTotal(es []admitted, end time.Time, w time.Duration) (sum, n int64) {
	for _, e := range es {
		if e.at.After(end.Add(-w)) && !e.at.After(end) {
			sum += e.amount
			n++
		}
	}
	return sum, n
}

func testOutOfOrderConcurrent(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	const (
		n     = 400
		w     = 24 * time.Hour
		limit = 20_000
	)
	caps := []store.Cap{amountCap("24h", rolling(w), bit(classPay), strconv.Itoa(limit))}
	type tx struct {
		at     time.Time
		amount int64
	}
	txs := make([]tx, n)
	for i := range txs { // two entries every 20 minutes over 66 hours
		txs[i] = tx{at: t0.Add(time.Duration(i/2) * 20 * time.Minute), amount: int64(i*7919%1000 + 1)}
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(n)
	statuses := make([]store.Status, n)
	errs := make([]error, n)
	runConcurrently(16, n, func(k int) {
		i := order[k]
		r := request(sub, fmt.Sprintf("tx-%d", i), txs[i].at, "1", caps...)
		r.Amount = decimal.NewFromInt(txs[i].amount)
		res, err := b.Reserve(t.Context(), r)
		statuses[i], errs[i] = res.Status, err
	})
	var in, out []admitted
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Reserve #%d: %v", i, errs[i])
		}
		switch statuses[i] {
		case store.Reserved:
			in = append(in, admitted(txs[i]))
		case store.Refused:
			out = append(out, admitted(txs[i]))
		default:
			t.Fatalf("Reserve #%d = %v, want reserved or refused", i, statuses[i])
		}
	}
	if len(in) == 0 || len(out) == 0 {
		t.Fatalf("admitted %d and refused %d: the test no longer exercises the cap", len(in), len(out))
	}
	// No window over the admitted entries exceeds the cap; a window's
	// total only grows at an entry, so checking the windows ending at
	// each entry checks them all.
	for _, e := range in {
		if sum, _ := windowTotal(in, e.at, w); sum > limit {
			t.Fatalf("window ending %v holds %d, above the cap %d", e.at, sum, limit)
		}
	}
	// No refusal was spurious: each refused entry would overflow some
	// window even given only what was admitted in the end.
	for _, r := range out {
		over := false
		for _, end := range append([]admitted{r}, in...) {
			if end.at.Before(r.at) || !end.at.Before(r.at.Add(w)) {
				continue
			}
			if sum, _ := windowTotal(in, end.at, w); sum+r.amount > limit {
				over = true
				break
			}
		}
		if !over {
			t.Fatalf("refused %d at %v although it fits every window containing it", r.amount, r.at)
		}
	}
	// The backend's own totals agree with the brute force.
	q := store.Query{Window: rolling(w), Classes: bit(classPay)}
	for i := 0; i < len(in); i += 7 {
		sum, count := windowTotal(in, in[i].at, w)
		checkSumCount(t, b, sub, in[i].at, q, strconv.FormatInt(sum, 10), count)
	}
}

func testRollingBoundary(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	const w = 24 * time.Hour
	caps := []store.Cap{countCap("one-per-24h", rolling(w), bit(classPay), 1)}
	expect(t, b, request(sub, "t0", t0, "100", caps...), store.Reserved)
	q := store.Query{Window: rolling(w), Classes: bit(classPay)}
	checkSumCount(t, b, sub, t0.Add(-time.Microsecond), q, "0", 0)
	checkSumCount(t, b, sub, t0, q, "100", 1)
	checkSumCount(t, b, sub, t0.Add(w-time.Microsecond), q, "100", 1)
	checkSumCount(t, b, sub, t0.Add(w), q, "0", 0)

	res := expect(t, b, request(sub, "late-1us", t0.Add(w-time.Microsecond), "100", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "one-per-24h", Amount: dec("100"), Count: 1},
	}})
	expect(t, b, request(sub, "early+1us", t0.Add(-w+time.Microsecond), "100", caps...), store.Refused)
	expect(t, b, request(sub, "early", t0.Add(-w), "100", caps...), store.Reserved)
	expect(t, b, request(sub, "late", t0.Add(w), "100", caps...), store.Reserved)
	checkSumCount(t, b, sub, t0.Add(w), q, "100", 1)
}

func testMonthNewYork(t *testing.T, s *suite) {
	b, sub := s.backend(t)
	ny := loadLocation(t, "America/New_York")
	caps := []store.Cap{amountCap("month-ny", monthIn(ny), bit(classPay), "1000")}
	jan31 := time.Date(2026, 1, 31, 23, 30, 0, 0, ny) // 2026-02-01 04:30 UTC
	feb1 := time.Date(2026, 2, 1, 0, 10, 0, 0, ny)
	jan2 := time.Date(2026, 1, 2, 10, 0, 0, 0, ny)
	expect(t, b, request(sub, "jan31", jan31, "800", caps...), store.Reserved)
	expect(t, b, request(sub, "feb1", feb1, "800", caps...), store.Reserved)
	res := expect(t, b, request(sub, "jan2", jan2, "300", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "month-ny", Amount: dec("800"), Count: 1},
	}})
	expect(t, b, request(sub, "jan2", jan2, "200", caps...), store.Reserved)

	qny := store.Query{Window: monthIn(ny), Classes: bit(classPay)}
	checkSumCount(t, b, sub, time.Date(2026, 1, 31, 23, 59, 0, 0, ny), qny, "1000", 2)
	checkSumCount(t, b, sub, time.Date(2026, 2, 1, 0, 20, 0, 0, ny), qny, "800", 1)
	checkSumCount(t, b, sub, time.Date(2026, 2, 1, 0, 5, 0, 0, ny), qny, "0", 0)
	// In UTC the January 31 entry is in February.
	qutc := store.Query{Window: monthIn(nil), Classes: bit(classPay)}
	checkSumCount(t, b, sub, time.Date(2026, 2, 1, 5, 0, 0, 0, time.UTC), qutc, "800", 1)
	checkSumCount(t, b, sub, time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), qutc, "200", 1)
}

func testDaySeoul(t *testing.T, s *suite) {
	b, sub := s.backend(t)
	seoul := loadLocation(t, "Asia/Seoul")
	late := time.Date(2026, 3, 10, 23, 59, 59, 0, seoul)  // 14:59:59 UTC
	midnight := time.Date(2026, 3, 11, 0, 0, 0, 0, seoul) // 15:00 UTC, same UTC day
	morning := time.Date(2026, 3, 10, 9, 0, 0, 0, seoul)
	caps := []store.Cap{amountCap("day-seoul", dayIn(seoul), bit(classPay), "1000")}
	expect(t, b, request(sub, "late", late, "700", caps...), store.Reserved)
	expect(t, b, request(sub, "midnight", midnight, "700", caps...), store.Reserved)
	expect(t, b, request(sub, "morning", morning, "400", caps...), store.Refused)
	expect(t, b, request(sub, "morning", morning, "300", caps...), store.Reserved)
	q := store.Query{Window: dayIn(seoul), Classes: bit(classPay)}
	checkSumCount(t, b, sub, late, q, "1000", 2)
	checkSumCount(t, b, sub, midnight, q, "700", 1)

	// The same two entries share one UTC day.
	sub2 := s.subject(t, "/utc")
	capsUTC := []store.Cap{amountCap("day-utc", dayIn(nil), bit(classPay), "1000")}
	expect(t, b, request(sub2, "late", late, "700", capsUTC...), store.Reserved)
	expect(t, b, request(sub2, "midnight", midnight, "700", capsUTC...), store.Refused)
}

func testExclusive(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	incl := []store.Cap{amountCap("incl", dayIn(nil), bit(classPay), "1000")}
	expect(t, b, request(sub, "a", t0, "600", incl...), store.Reserved)
	expect(t, b, request(sub, "b", t0, "400", incl...), store.Reserved) // exactly the cap
	expect(t, b, request(sub, "c", t0, "1", incl...), store.Refused)

	sub2 := s.subject(t, "/exclusive")
	excl := []store.Cap{amountCap("excl", dayIn(nil), bit(classPay), "1000")}
	excl[0].Exclusive = true
	expect(t, b, request(sub2, "a", t0, "600", excl...), store.Reserved)
	res := expect(t, b, request(sub2, "b", t0, "400", excl...), store.Refused) // would reach the cap
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "excl", Amount: dec("600"), Count: 1},
	}})
	expect(t, b, request(sub2, "c", t0, "399", excl...), store.Reserved)
	expect(t, b, request(sub2, "d", t0, "1", excl...), store.Refused)
}

func testFractional(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "100.50")}
	expect(t, b, request(sub, "a", t0, "60", caps...), store.Reserved)
	expect(t, b, request(sub, "b", t0, "40.25", caps...), store.Reserved)
	expect(t, b, request(sub, "c", t0, "0.250", caps...), store.Reserved) // exactly 100.50
	res := expect(t, b, request(sub, "d", t0, "0.0001", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "day", Amount: dec("100.5"), Count: 3},
	}})
	checkSumCount(t, b, sub, t0, store.Query{Window: dayIn(nil), Classes: bit(classPay)}, "100.5", 3)

	sub2 := s.subject(t, "/tiny")
	caps2 := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "0.3")}
	expect(t, b, request(sub2, "a", t0, "0.1", caps2...), store.Reserved)
	expect(t, b, request(sub2, "b", t0, "0.2", caps2...), store.Reserved) // 0.1+0.2 is exactly 0.3
	expect(t, b, request(sub2, "c", t0, "0.000000001", caps2...), store.Refused)
}

func testCountLimits(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{countCap("three", monthIn(nil), bit(classPay), 3)}
	for i := range 3 {
		expect(t, b, request(sub, fmt.Sprintf("tx-%d", i), t0.Add(time.Duration(i)*time.Hour), "1000000", caps...), store.Reserved)
	}
	res := expect(t, b, request(sub, "tx-3", t0, "1", caps...), store.Refused)
	checkResult(t, res, store.Result{Status: store.Refused, Violations: []store.Usage{
		{Cap: 0, ID: "three", Amount: dec("3000000"), Count: 3},
	}})

	sub2 := s.subject(t, "/exclusive")
	excl := []store.Cap{countCap("below-three", monthIn(nil), bit(classPay), 3)}
	excl[0].Exclusive = true
	expect(t, b, request(sub2, "a", t0, "1", excl...), store.Reserved)
	expect(t, b, request(sub2, "b", t0, "1", excl...), store.Reserved)
	expect(t, b, request(sub2, "c", t0, "1", excl...), store.Refused)

	// Both bounds: either one refuses.
	sub3 := s.subject(t, "/both")
	both := []store.Cap{amountCap("both", dayIn(nil), bit(classPay), "100")}
	both[0].LimitCount, both[0].MaxCount = true, 2
	expect(t, b, request(sub3, "a", t0, "10", both...), store.Reserved)
	expect(t, b, request(sub3, "b", t0, "95", both...), store.Refused)
	expect(t, b, request(sub3, "c", t0, "10", both...), store.Reserved)
	expect(t, b, request(sub3, "d", t0, "10", both...), store.Refused)
}

func testBalance(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	ctx := t.Context()
	balance := store.Window{Kind: store.Balance}
	caps := []store.Cap{{
		ID: "prepaid", Window: balance, Classes: bit(classTopUp), Debits: bit(classSpend),
		MaxAmount: decimal.NewNullDecimal(dec("2000")),
	}}
	q := store.Query{Window: balance, Classes: bit(classTopUp), Debits: bit(classSpend)}
	credit := func(id, amount string, at time.Time) *store.Request {
		r := request(sub, id, at, amount, caps...)
		r.Class = classTopUp
		return r
	}
	debit := func(id, amount string, at time.Time) *store.Request {
		r := request(sub, id, at, amount, caps...)
		r.Class = classSpend
		return r
	}
	mustSettle := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	checkBalance := func(want string) {
		t.Helper()
		if got := aggregate(t, b, sub, t0.Add(time.Hour), "", q)[0].Sum; !got.Equal(dec(want)) {
			t.Errorf("balance = %v, want %s", got, want)
		}
	}
	expect(t, b, credit("c1", "1500", t0), store.Reserved)
	res := expect(t, b, credit("c2", "600", t0), store.Refused)
	if len(res.Violations) != 1 || !res.Violations[0].Amount.Equal(dec("1500")) || res.Violations[0].ID != "prepaid" {
		t.Errorf("violations = %+v, want the prepaid cap with a balance of 1500", res.Violations)
	}
	// A debit is never refused by a balance cap, and a pending one does not
	// reduce the balance.
	expect(t, b, debit("d1", "1000", t0), store.Reserved)
	checkBalance("1500")
	expect(t, b, credit("c3", "600", t0), store.Refused)
	mustSettle(b.Commit(ctx, sub, "d1"))
	checkBalance("500")
	expect(t, b, credit("c3", "600", t0), store.Reserved)
	checkBalance("1100")
	expect(t, b, credit("c4", "1000", t0), store.Refused)
	// A voided credit gives its room back.
	mustSettle(b.Void(ctx, sub, "c3"))
	checkBalance("500")
	expect(t, b, credit("c4", "1000", t0), store.Reserved)
	// A committed credit still counts.
	mustSettle(b.Commit(ctx, sub, "c1"))
	checkBalance("1500")
	expect(t, b, credit("c5", "501", t0), store.Refused)
	expect(t, b, credit("c6", "500", t0), store.Reserved) // exactly 2000
	expect(t, b, debit("d2", "5000", t0), store.Reserved)
	checkBalance("2000")
	// A voided debit never counts, a committed one always does; the
	// balance ignores At.
	mustSettle(b.Void(ctx, sub, "d2"))
	expect(t, b, debit("d3", "300", t0.Add(2*time.Hour)), store.Reserved)
	mustSettle(b.Commit(ctx, sub, "d3"))
	checkBalance("1700")
	if got := aggregate(t, b, sub, t0.Add(-48*time.Hour), "", q)[0].Sum; !got.Equal(dec("1700")) {
		t.Errorf("balance as of before every entry = %v, want 1700 (a balance counts every entry)", got)
	}
	if got := aggregate(t, b, sub, t0.Add(time.Hour), "c6", q)[0].Sum; !got.Equal(dec("1200")) {
		t.Errorf("balance except c6 = %v, want 1200", got)
	}
	expect(t, b, credit("c7", "300", t0), store.Reserved)
	expect(t, b, credit("c8", "1", t0), store.Refused)
}

func testObserve(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	atLeast := amountCap("at-least-1000", dayIn(nil), bit(classPay), "1000")
	atLeast.Observe = true
	moreThan := amountCap("more-than-1000", dayIn(nil), bit(classPay), "1000")
	moreThan.Observe, moreThan.Exclusive = true, true
	third := countCap("third-in-24h", rolling(24*time.Hour), bit(classPay), 3)
	third.Observe = true
	limit := amountCap("limit", dayIn(nil), bit(classPay), "7000")
	caps := []store.Cap{atLeast, moreThan, third, limit}

	steps := []struct {
		id, amount string
		want       store.Result
	}{
		{"a", "600", store.Result{Status: store.Reserved}},
		{"b", "399", store.Result{Status: store.Reserved}},
		{"c", "1", store.Result{Status: store.Reserved, Reached: []store.Usage{
			{Cap: 0, ID: "at-least-1000", Amount: dec("999"), Count: 2},
			{Cap: 2, ID: "third-in-24h", Amount: dec("999"), Count: 2},
		}}},
		{"d", "5000", store.Result{Status: store.Reserved, Reached: []store.Usage{
			{Cap: 0, ID: "at-least-1000", Amount: dec("1000"), Count: 3},
			{Cap: 1, ID: "more-than-1000", Amount: dec("1000"), Count: 3},
			{Cap: 2, ID: "third-in-24h", Amount: dec("1000"), Count: 3},
		}}},
		// Refused by the enforced cap: nothing is reported as reached.
		{"e", "1001", store.Result{Status: store.Refused, Violations: []store.Usage{
			{Cap: 3, ID: "limit", Amount: dec("6000"), Count: 4},
		}}},
	}
	for i, st := range steps {
		res := reserve(t, b, request(sub, st.id, t0.Add(time.Duration(i)*time.Minute), st.amount, caps...))
		checkResult(t, res, st.want)
	}
	// An observed cap alone never refuses.
	sub2 := s.subject(t, "/alone")
	expect(t, b, request(sub2, "a", t0, "100000", atLeast, moreThan), store.Reserved)
	expect(t, b, request(sub2, "b", t0, "100000", atLeast, moreThan), store.Reserved)
}

func testRefusedRecordsNothing(t *testing.T, s *suite) {
	t0 := refTime()
	b, sub := s.backend(t)
	caps := []store.Cap{amountCap("day", dayIn(nil), bit(classPay), "1000")}
	q := store.Query{Window: dayIn(nil), Classes: bit(classPay)}
	expect(t, b, request(sub, "a", t0, "800", caps...), store.Reserved)
	before := aggregate(t, b, sub, t0.Add(time.Hour), "", q)
	expect(t, b, request(sub, "x", t0, "300", caps...), store.Refused)
	expect(t, b, request(sub, "x", t0, "300", caps...), store.Refused) // judged afresh, not a duplicate
	after := aggregate(t, b, sub, t0.Add(time.Hour), "", q)
	checkAggregates(t, "after refusals", after, before)
	checkErr(t, "Commit(refused)", b.Commit(t.Context(), sub, "x"), store.ErrNotFound)
	checkErr(t, "Void(refused)", b.Void(t.Context(), sub, "x"), store.ErrNotFound)
	expect(t, b, request(sub, "x", t0, "200", caps...), store.Reserved)
	checkResult(t, reserve(t, b, request(sub, "x", t0, "200", caps...)), store.Result{Status: store.Duplicate, State: store.Pending})
	checkSumCount(t, b, sub, t0.Add(time.Hour), q, "1000", 2)
}
