package storetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// Environment variables that turn a test binary into a [CrossProcess] child.
const (
	envChild = "COMPLY_STORETEST_CHILD" // the child's index
	envRun   = "COMPLY_STORETEST_RUN"   // the run id shared by parent and children
	envLog   = "COMPLY_STORETEST_LOG"   // the child's log file
)

// CrossProcessOptions configures [CrossProcess]. A nil *CrossProcessOptions
// is invalid: NewBackend is required. The zero value of every other field
// is its default.
type CrossProcessOptions struct {
	// NewBackend opens a backend on the shared server, in the parent and in
	// every child process. run is the same string in all of them: use it
	// to isolate the run (a key prefix, a schema) from other runs. It may
	// use t.Cleanup to release the backend. Required.
	NewBackend func(t testing.TB, run string) store.Backend
	// Processes is the number of child processes. Default: 4.
	Processes int
	// Cap is the shared month cap, in whole units. Default: 200,000.
	Cap int64
	// KillAfter is the number of commits the victim (child 0) logs before
	// the parent kills it with SIGKILL. Default: 25.
	KillAfter int
	// Timeout bounds the whole run. Default: 2 minutes.
	Timeout time.Duration
}

// CrossProcess checks that a backend shared by several OS processes keeps a
// cap across all of them, and that killing one of them with SIGKILL
// mid-run loses no committed reservation and double-counts none.
//
// The test function that calls CrossProcess is re-executed (os.Args[0]
// with -test.run naming exactly t.Name()) as opts.Processes child
// processes; in a child, CrossProcess plays the child's part and returns.
// So the calling test must not do anything else that assumes it is the
// parent, and the backend must reach a server (not process memory).
//
// Each child loops over its own transaction ids for one shared subject:
// Reserve (half the time sent twice, as a client retry would), then Commit
// (or, for every fifth id, Void), appending "reserved", "committed",
// "voided" and "refused" lines to its own log file with an fsync after
// each, so the log records only what the store had already confirmed. A
// child stops after 40 refusals in a row. Once child 0 has logged
// opts.KillAfter commits the parent sends it SIGKILL.
//
// When every child is done, the parent probes every id a child logged (and
// the one after the last, which may have been in flight) with a Reserve
// that can only be refused or a duplicate, so the probe records nothing,
// and checks:
//   - every id logged committed is committed (none lost, also for the
//     killed child); every id a survivor logged voided is voided and every
//     other id a survivor reserved is committed;
//   - an id the killed child reserved but did not log as settled is
//     pending or committed;
//   - the store's month total and count equal exactly the sum and number
//     of the distinct ids found pending or committed (none double-counted,
//     retries included), and never exceed the cap.
func CrossProcess(t *testing.T, opts *CrossProcessOptions) {
	t.Helper()
	if opts == nil || opts.NewBackend == nil {
		t.Fatal("storetest.CrossProcess: opts.NewBackend is required")
	}
	o := *opts
	if o.Processes <= 0 {
		o.Processes = 4
	}
	if o.Cap <= 0 {
		o.Cap = 200_000
	}
	if o.KillAfter <= 0 {
		o.KillAfter = 25
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if idx := os.Getenv(envChild); idx != "" {
		n, err := strconv.Atoi(idx)
		if err != nil {
			t.Fatalf("bad %s=%q", envChild, idx)
		}
		crossChild(t, &o, n, os.Getenv(envRun), os.Getenv(envLog))
		return
	}
	crossParent(t, &o)
}

// crossSubject is the subject every process reserves against.
func crossSubject(run string) string { return "storetest/" + run + "/cross-process" }

func crossCaps(limit int64) []store.Cap {
	return []store.Cap{
		amountCap("month", monthIn(nil), bit(classPay), strconv.FormatInt(limit, 10)),
		amountCap("rolling-31d", rolling(31*24*time.Hour), bit(classPay), strconv.FormatInt(limit, 10)),
	}
}

// crossAmount is the amount of child idx's i-th id: 1 to 997 units.
func crossAmount(idx, i int) int64 { return int64((idx*7919+i*104729)%997 + 1) }

func crossID(idx, i int) string { return fmt.Sprintf("p%d-%d", idx, i) }

// crossTime dates child idx's i-th id within March 2026.
func crossTime(idx, i int) time.Time {
	return refTime().Add(time.Duration(idx)*time.Hour + time.Duration(i)*time.Second)
}

func crossChild(t *testing.T, o *CrossProcessOptions, idx int, run, logPath string) {
	if run == "" || logPath == "" {
		t.Fatalf("child %d: %s and %s must be set", idx, envRun, envLog)
	}
	b := o.NewBackend(t, run)
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	logLine := func(format string, args ...any) {
		if _, err := fmt.Fprintf(f, format+"\n", args...); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	sub, caps := crossSubject(run), crossCaps(o.Cap)
	ctx := context.Background()
	refusedInARow := 0
	for i := 0; refusedInARow < 40; i++ {
		id := crossID(idx, i)
		r := request(sub, id, crossTime(idx, i), "1", caps...)
		r.Amount = decimal.NewFromInt(crossAmount(idx, i))
		res, err := b.Reserve(ctx, r)
		if err != nil {
			t.Fatalf("Reserve(%s): %v", id, err)
		}
		if i%2 == 1 && res.Status == store.Reserved { // a client retry
			again, err := b.Reserve(ctx, r)
			if err != nil || again.Status != store.Duplicate || again.State != store.Pending {
				t.Fatalf("retry of %s = %+v, %v; want a duplicate of a pending entry", id, again, err)
			}
		}
		switch res.Status {
		case store.Refused:
			refusedInARow++
			logLine("refused %s", id)
			continue
		case store.Reserved:
			refusedInARow = 0
			logLine("reserved %s", id)
		default:
			t.Fatalf("Reserve(%s) = %v", id, res.Status)
		}
		if i%5 == 4 {
			if err := b.Void(ctx, sub, id); err != nil {
				t.Fatalf("Void(%s): %v", id, err)
			}
			logLine("voided %s", id)
			continue
		}
		if err := b.Commit(ctx, sub, id); err != nil {
			t.Fatalf("Commit(%s): %v", id, err)
		}
		logLine("committed %s", id)
	}
}

// testPattern is a -test.run pattern that matches exactly the test name.
func testPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

type childLog struct {
	last  int               // largest index logged, -1 if none
	state map[string]string // id -> last logged word
	n     map[string]int    // word -> count
}

func readChildLog(path string) (*childLog, error) {
	l := &childLog{last: -1, state: map[string]string{}, n: map[string]int{}}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		word, id, ok := strings.Cut(sc.Text(), " ")
		if !ok { // a torn last line of a killed child
			continue
		}
		_, num, _ := strings.Cut(id, "-")
		i, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		l.state[id] = word
		l.n[word]++
		l.last = max(l.last, i)
	}
	return l, sc.Err()
}

func crossParent(t *testing.T, o *CrossProcessOptions) {
	run := "xp" + strconv.FormatInt(time.Now().UnixNano(), 36)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	type child struct {
		cmd  *exec.Cmd
		log  string
		out  strings.Builder
		done chan error
	}
	children := make([]*child, o.Processes)
	for i := range children {
		c := &child{log: fmt.Sprintf("%s/child-%d.log", dir, i), done: make(chan error, 1)}
		c.cmd = exec.CommandContext(ctx, os.Args[0], "-test.run="+testPattern(t.Name()), "-test.count=1", "-test.timeout="+o.Timeout.String())
		c.cmd.Env = append(os.Environ(), envChild+"="+strconv.Itoa(i), envRun+"="+run, envLog+"="+c.log)
		c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
		children[i] = c
	}
	for _, c := range children {
		if err := c.cmd.Start(); err != nil {
			t.Fatalf("start child: %v", err)
		}
		go func() { c.done <- c.cmd.Wait() }()
	}
	// Kill child 0 once it has logged KillAfter commits.
	victim := children[0]
	var victimErr error
	killed := false
	for !killed {
		select {
		case victimErr = <-victim.done:
			t.Fatalf("child 0 ended (%v) before it logged %d commits; output:\n%s", victimErr, o.KillAfter, victim.out.String())
		case <-ctx.Done():
			t.Fatalf("timeout waiting for child 0 to log %d commits", o.KillAfter)
		case <-time.After(2 * time.Millisecond):
		}
		l, err := readChildLog(victim.log)
		if err != nil {
			t.Fatal(err)
		}
		if l.n["committed"] >= o.KillAfter {
			if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("SIGKILL child 0: %v", err)
			}
			killed = true
		}
	}
	victimErr = <-victim.done
	var ee *exec.ExitError
	if !errors.As(victimErr, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("child 0 ended with %v, want killed by SIGKILL", victimErr)
	}
	for i, c := range children[1:] {
		if err := <-c.done; err != nil {
			t.Fatalf("child %d: %v; output:\n%s", i+1, err, c.out.String())
		}
	}

	b := o.NewBackend(t, run)
	sub, caps := crossSubject(run), crossCaps(o.Cap)
	// probe returns the stored state of an id, StateUnknown if none,
	// recording nothing: a request bigger than the cap is refused.
	probe := func(idx, i int) store.EntryState {
		t.Helper()
		r := request(sub, crossID(idx, i), crossTime(idx, i), strconv.FormatInt(o.Cap+1, 10), caps...)
		res, err := b.Reserve(ctx, r)
		switch {
		case err != nil:
			t.Fatalf("probe %s: %v", r.TxID, err)
		case res.Status == store.Refused:
			return store.StateUnknown
		case res.Status == store.Duplicate:
			return res.State
		}
		t.Fatalf("probe %s = %v, want refused or duplicate", r.TxID, res.Status)
		return store.StateUnknown
	}
	var sum, count, committed, killedPending int64
	for idx, c := range children {
		l, err := readChildLog(c.log)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i <= l.last+1; i++ {
			id, st := crossID(idx, i), probe(idx, i)
			logged := l.state[id]
			ok := true
			switch {
			case logged == "committed":
				ok = st == store.Committed
			case logged == "voided":
				ok = st == store.Voided
			case idx != 0 && logged == "refused", idx != 0 && logged == "" && i == l.last+1:
				ok = st == store.StateUnknown
			case idx != 0:
				ok = false // a survivor settles every id it reserved
			case logged == "reserved":
				ok = st == store.Pending || st == store.Committed || st == store.Voided && i%5 == 4
			case logged == "refused":
				ok = st == store.StateUnknown
			default: // the killed child's id in flight: reserved or not, never settled
				ok = i == l.last+1 && (st == store.StateUnknown || st == store.Pending)
			}
			if !ok {
				t.Errorf("child %d id %s: logged %q, stored state %v", idx, id, logged, st)
			}
			if st == store.Pending || st == store.Committed {
				sum += crossAmount(idx, i)
				count++
			}
			if st == store.Committed {
				committed++
			}
			if idx == 0 && st == store.Pending {
				killedPending++
			}
		}
	}
	got := aggregate(t, b, sub, refTime().Add(20*24*time.Hour), "", store.Query{Window: monthIn(nil), Classes: bit(classPay)})[0]
	if !got.Sum.Equal(decimal.NewFromInt(sum)) || got.Count != count {
		t.Errorf("store month total = %v in %d entries; the ids found pending or committed sum to %d in %d", got.Sum, got.Count, sum, count)
	}
	if got.Sum.GreaterThan(decimal.NewFromInt(o.Cap)) {
		t.Errorf("admitted %v across %d processes, above the cap %d", got.Sum, o.Processes, o.Cap)
	}
	if got.Sum.LessThan(decimal.NewFromInt(o.Cap / 2)) {
		t.Errorf("admitted only %v of the cap %d: the run did not exercise the cap", got.Sum, o.Cap)
	}
	t.Logf("%d processes (child 0 killed after %d commits): %d entries admitted for %v of %d, %d committed, %d left pending by the killed child",
		o.Processes, o.KillAfter, count, got.Sum, o.Cap, committed, killedPending)
}
