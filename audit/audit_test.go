package audit_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

func TestAppendVerify(t *testing.T) {
	ds := loadDecided(t)
	path := writeLog(t, t.TempDir(), ds, nil)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head, err := audit.ReadHeadFile(audit.HeadPath(path))
	if err != nil {
		t.Fatal(err)
	}
	res, err := audit.Verify(f, &audit.VerifyOptions{Head: &head})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != len(ds) || res.Head != head || head.Seq != uint64(len(ds)) || res.AfterHead != 0 {
		t.Fatalf("Verify = %+v, head file %+v; want %d records ending at the head", res, head, len(ds))
	}
	// Each record holds its decision and chains to the one before.
	prev := audit.Genesis
	for i, l := range lines(t, path) {
		r, err := audit.ParseRecord(l)
		if err != nil {
			t.Fatal(err)
		}
		if r.Seq != uint64(i+1) || r.Prev != prev || r.Tx.ID != ds[i].tx.ID || r.Action != ds[i].d.Action ||
			len(r.Findings) != len(ds[i].d.Findings) || len(r.Reports) != len(ds[i].d.Reports) || len(r.Packs) != len(ds[i].d.Packs) {
			t.Errorf("record %d = seq %d prev %s tx %s %s; want the decision on %s (%s)", i+1, r.Seq, r.Prev, r.Tx.ID, r.Action, ds[i].tx.ID, ds[i].d.Action)
		}
		if sum, _ := r.Sum(); sum != r.Hash {
			t.Errorf("record %d: Sum %s, Hash %s", i+1, sum, r.Hash)
		}
		if !r.Tx.Time.Equal(ds[i].tx.Time) || r.Tx.Time.Location().String() != "UTC" {
			t.Errorf("record %d: time %v, want %v in UTC", i+1, r.Tx.Time, ds[i].tx.Time)
		}
		// The line survives a JSON round trip byte for byte.
		again, err := r.Line()
		if err != nil || !bytes.Equal(again, l) {
			t.Errorf("record %d: re-encoded line differs (%v):\n%s\n%s", i+1, err, again, l)
		}
		prev = r.Hash
	}
	// The test data must exercise findings and reports, or the checks
	// above prove little.
	var findings, reports int
	for _, x := range ds {
		findings += len(x.d.Findings)
		reports += len(x.d.Reports)
	}
	if findings == 0 || reports == 0 {
		t.Fatalf("test data raise %d findings and %d reports; want some of each", findings, reports)
	}
}

// personal are the personal values of testdata/tx.jsonl.
var personal = []string{"최유진", "안시우", "Tan Wei", "Lim Mei", "c04", "c18", "acct-buyback-01", "상품권매입",
	"1999-01-05", "1970-06-06", "010-1234-5678", "110-222-333333", "dev-77aa", "203.0.113.9", "0xabc1def", "acc-1", "acc-2"}

func TestPersonalData(t *testing.T) {
	ds := loadDecided(t)
	dir := t.TempDir()
	b, err := os.ReadFile(writeLog(t, dir, ds, nil))
	if err != nil {
		t.Fatal(err)
	}
	// Hex digests may hold "c04" by chance: leave them out of the search.
	noHex := regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAll(b, nil)
	for _, p := range personal {
		if bytes.Contains(noHex, []byte(p)) {
			t.Errorf("the hashed log holds %q", p)
		}
	}
	recs := parseAll(t, b)
	// The same customer hashes the same in every record, and differently
	// from another customer.
	c04a, c04b, c18 := recs[0].Tx.Customer.Name, recs[1].Tx.Customer.Name, recs[2].Tx.Customer.Name
	if c04a != c04b || c04a == c18 || !strings.HasPrefix(c04a, audit.HashPrefix) || len(c04a) != len(audit.HashPrefix)+64 {
		t.Errorf("customer names hashed as %q, %q, %q", c04a, c04b, c18)
	}
	if recs[0].PII != audit.PIIHMAC || recs[0].KeyID == "" || strings.Contains(recs[0].KeyID, string(testKey)) {
		t.Errorf("pii %q key id %q", recs[0].PII, recs[0].KeyID)
	}
	if tr := recs[3].Tx.Crypto.TravelRule; tr == nil || !strings.HasPrefix(tr.OriginatorName, audit.HashPrefix) || tr.BeneficiaryName != "" {
		t.Errorf("travel rule %+v", tr)
	}
	if recs[0].Tx.Merchant == nil || recs[0].Tx.Merchant.ID != "m-giftcards" || recs[0].Tx.Amount.String() != "300000 KRW" {
		t.Errorf("non-personal fields changed: %+v %v", recs[0].Tx.Merchant, recs[0].Tx.Amount)
	}

	// Another key: other hashes, another key id.
	b2, err := os.ReadFile(writeLog(t, t.TempDir(), ds, &audit.Options{Key: []byte("another-key-of-16+bytes"), Now: fixedNow}))
	if err != nil {
		t.Fatal(err)
	}
	recs2 := parseAll(t, b2)
	if recs2[0].Tx.Customer.Name == c04a || recs2[0].KeyID == recs[0].KeyID {
		t.Errorf("a different key gave the same hash or key id")
	}
	// A key id of the host's choosing.
	b3, _ := os.ReadFile(writeLog(t, t.TempDir(), ds[:1], &audit.Options{Key: testKey, KeyID: "2026-q4", Now: fixedNow}))
	if r := parseAll(t, b3)[0]; r.KeyID != "2026-q4" || r.Tx.Customer.Name != c04a {
		t.Errorf("KeyID: %q, name %q", r.KeyID, r.Tx.Customer.Name)
	}

	// Plain keeps them as given.
	b4, err := os.ReadFile(writeLog(t, t.TempDir(), ds, &audit.Options{Plain: true, Now: fixedNow}))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range personal {
		if !bytes.Contains(b4, []byte(p)) {
			t.Errorf("the plain log lacks %q", p)
		}
	}
	if r := parseAll(t, b4)[0]; r.PII != audit.PIIPlain || r.KeyID != "" || r.Tx.Customer.BirthDate != "1999-01-05" {
		t.Errorf("plain record: pii %q key %q birth %q", r.PII, r.KeyID, r.Tx.Customer.BirthDate)
	}
	if _, err := audit.Verify(bytes.NewReader(b4), nil); err != nil {
		t.Errorf("plain log: %v", err)
	}
}

// TestFindingsScrubbed checks that a personal value quoted in a finding or
// a report is hashed there too.
func TestFindingsScrubbed(t *testing.T) {
	x := loadDecided(t)[0]
	d := *x.d
	d.Findings = append([]rule.Finding{{Rule: "test.screening", Action: rule.Review,
		Message: `the customer's name "최유진" may match "최유진" on a list`,
		Values:  []rule.Value{{Name: "query", Value: "최유진"}, {Name: "account", Value: "010-1234-5678"}, {Name: "amount", Value: "300000 KRW"}}}}, d.Findings...)
	d.Reports = []rule.Report{{Kind: rule.STR, Rule: "test.str", Key: "test.str:c04:2026-10-01"}}
	l, err := audit.New(&memSink{}, &audit.Options{Key: testKey, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Append(context.Background(), x.tx, &d)
	if err != nil {
		t.Fatal(err)
	}
	name := r.Tx.Customer.Name
	f := r.Findings[0]
	if want := `the customer's name "` + name + `" may match "` + name + `" on a list`; f.Message != want {
		t.Errorf("message %q, want %q", f.Message, want)
	}
	if f.Values[0].Value != name || f.Values[1].Value != r.Tx.Customer.Account || f.Values[2].Value != "300000 KRW" {
		t.Errorf("values %+v", f.Values)
	}
	if r.Reports[0].Key != "test.str:"+r.Tx.Customer.ID+":2026-10-01" {
		t.Errorf("report key %q", r.Reports[0].Key)
	}
	if d.Findings[0].Values[0].Value != "최유진" {
		t.Errorf("the caller's decision was changed")
	}
}

func parseAll(t *testing.T, b []byte) []*audit.Record {
	t.Helper()
	var out []*audit.Record
	for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		r, err := audit.ParseRecord(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// memSink is a Sink in memory, for tests.
type memSink struct {
	mu    sync.Mutex
	head  audit.Head
	lines [][]byte
	fail  error
}

func (m *memSink) Append(_ context.Context, next func(audit.Head) (audit.Entry, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	e, err := next(m.head)
	if err != nil {
		return err
	}
	m.lines = append(m.lines, e.Line)
	m.head = e.Head
	return nil
}

func (m *memSink) Close() error { return nil }

func TestBadInput(t *testing.T) {
	ds := loadDecided(t)
	dir := t.TempDir()
	path := writeLog(t, dir, ds[:3], nil)
	before, _ := os.ReadFile(path)
	sink, err := audit.OpenFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.New(sink, &audit.Options{Key: testKey, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	bad := *ds[3].tx
	bad.Amount = payment.Money{}
	unspecified := *ds[3].d
	unspecified.Action = rule.ActionUnspecified
	tests := []struct {
		name string
		tx   *payment.Transaction
		d    *comply.Decision
	}{
		{"nil transaction", nil, ds[3].d},
		{"nil decision", ds[3].tx, nil},
		{"another transaction's decision", ds[3].tx, ds[4].d},
		{"invalid transaction", &bad, ds[3].d},
		{"no action", ds[3].tx, &unspecified},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := l.Append(context.Background(), tc.tx, tc.d)
			if !errors.Is(err, audit.ErrInvalidRecord) || r != nil {
				t.Errorf("Append = %v, %v; want ErrInvalidRecord", r, err)
			}
		})
	}
	// The chain goes on after the refusals.
	if _, err := l.Append(context.Background(), ds[3].tx, ds[3].d); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(context.Background(), ds[4].tx, ds[4].d); !errors.Is(err, audit.ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.HasPrefix(after, before) || bytes.Count(after, []byte("\n")) != 4 {
		t.Errorf("the earlier records changed or the refused ones were written:\n%s", after)
	}
	// Same log in one go: identical bytes, so reopening continued the chain.
	want, _ := os.ReadFile(writeLog(t, t.TempDir(), ds[:4], nil))
	if !bytes.Equal(after, want) {
		t.Errorf("reopened log differs from one written in one go")
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opts *audit.Options
		ok   bool
	}{
		{"nil", nil, false},
		{"zero", &audit.Options{}, false},
		{"short key", &audit.Options{Key: []byte("short")}, false},
		{"key and plain", &audit.Options{Key: testKey, Plain: true}, false},
		{"plain with key id", &audit.Options{Plain: true, KeyID: "k1"}, false},
		{"key", &audit.Options{Key: testKey}, true},
		{"plain", &audit.Options{Plain: true}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := audit.New(&memSink{}, tc.opts)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, audit.ErrInvalidOptions)) {
				t.Errorf("New = %v, want ok %v", err, tc.ok)
			}
		})
	}
	if _, err := audit.New(nil, &audit.Options{Plain: true}); !errors.Is(err, audit.ErrInvalidOptions) {
		t.Errorf("nil sink: %v", err)
	}
	for _, fo := range []*audit.FileOptions{{Sync: 9}, {Sync: audit.SyncInterval, Interval: -1}} {
		if _, err := audit.OpenFile(filepath.Join(t.TempDir(), "x"), fo); !errors.Is(err, audit.ErrInvalidOptions) {
			t.Errorf("OpenFile(%+v) = %v", fo, err)
		}
	}
}

// TestConcurrentAppend appends from many goroutines to one log; the chain
// must stay linear. Run with -race.
func TestConcurrentAppend(t *testing.T) {
	ds := loadDecided(t)
	for _, pol := range []audit.SyncPolicy{audit.SyncNever, audit.SyncInterval, audit.SyncAlways} {
		t.Run(pol.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			sink, err := audit.OpenFile(path, &audit.FileOptions{Sync: pol, Interval: 5e6})
			if err != nil {
				t.Fatal(err)
			}
			l, err := audit.New(sink, &audit.Options{Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			const workers, each = 8, 25
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						x := ds[(w+i)%len(ds)]
						if _, err := l.Append(context.Background(), x.tx, x.d); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			head, err := audit.ReadHeadFile(audit.HeadPath(path))
			if err != nil {
				t.Fatal(err)
			}
			f, _ := os.Open(path)
			defer f.Close()
			res, err := audit.Verify(f, &audit.VerifyOptions{Head: &head})
			if err != nil || res.Records != workers*each || head.Seq != workers*each {
				t.Fatalf("Verify = %+v, %v; head %+v", res, err, head)
			}
		})
	}
}

func TestHook(t *testing.T) {
	ds := loadDecided(t)
	ms := &memSink{}
	l, err := audit.New(ms, &audit.Options{Key: testKey, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	eval := l.Hook()(func(ctx context.Context, tx *payment.Transaction) (*comply.Decision, error) {
		for _, x := range ds {
			if x.tx.ID == tx.ID {
				return x.d, nil
			}
		}
		return nil, errors.New("unknown")
	})
	if d, err := eval(context.Background(), ds[0].tx); err != nil || d != ds[0].d {
		t.Fatalf("hook = %v, %v", d, err)
	}
	if _, err := eval(context.Background(), &payment.Transaction{ID: "nope"}); err == nil || len(ms.lines) != 1 {
		t.Fatalf("an evaluation error was recorded or swallowed: %v, %d lines", err, len(ms.lines))
	}
	nilEval := l.Hook()(func(context.Context, *payment.Transaction) (*comply.Decision, error) { return nil, nil })
	if d, err := nilEval(context.Background(), ds[0].tx); err == nil || d != nil {
		t.Fatalf("hook on a nil decision = %v, %v; want an error", d, err)
	}
	ms.fail = errors.New("disk full")
	if d, err := eval(context.Background(), ds[2].tx); err == nil || d != nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("hook with a failing sink = %v, %v; want an error and no decision", d, err)
	}
}

// TestLocked checks that a second writer of the same file is refused until
// the first closes it.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	s1, err := audit.OpenFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s2, err := audit.OpenFile(path, nil); !errors.Is(err, audit.ErrLocked) {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("second OpenFile = %v, want ErrLocked", err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s3, err := audit.OpenFile(path, nil)
	if err != nil {
		t.Fatalf("OpenFile after Close: %v", err)
	}
	s3.Close()
}

// TestKeyRotation reopens a log with another key: the chain goes on, each
// record names its key, and the whole log verifies.
func TestKeyRotation(t *testing.T) {
	ds := loadDecided(t)
	path := writeLog(t, t.TempDir(), ds[:3], nil)
	sink, err := audit.OpenFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.New(sink, &audit.Options{Key: []byte("the-next-key-of-2027"), KeyID: "2027-01", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ds[3:] {
		if _, err := l.Append(context.Background(), x.tx, x.d); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	recs := parseAll(t, b)
	if len(recs) != 6 || recs[2].KeyID == "2027-01" || recs[3].KeyID != "2027-01" {
		t.Fatalf("%d records, key ids %q then %q", len(recs), recs[2].KeyID, recs[3].KeyID)
	}
	// The same customer (c18, records 3 and 6) hashes differently under the
	// two keys.
	if recs[2].Tx.Customer.ID == recs[5].Tx.Customer.ID {
		t.Errorf("the new key gave the old hash")
	}
	if _, err := audit.Verify(bytes.NewReader(b), nil); err != nil {
		t.Fatal(err)
	}
}
