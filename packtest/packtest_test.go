package packtest

import (
	"errors"
	"github.com/shopspring/decimal"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
)

// fixtures returns testdata as a MapFS, to change files in.
func fixtures(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("testdata"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile("testdata/" + p)
		out[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunGood(t *testing.T) {
	for _, dir := range []string{"kr", "jp"} {
		t.Run(dir, func(t *testing.T) { Run(t, os.DirFS("testdata"), dir) })
	}
}

// summary is what a test compares of a Result.
type summary struct {
	Name     string
	Line     int
	Failures []string // "line: step N: message"
}

func summarize(r *Result) []summary {
	var out []summary
	for _, c := range r.Cases {
		s := summary{Name: c.Name, Line: c.Pos.Line}
		for _, f := range c.Failures {
			s.Failures = append(s.Failures, f.Error())
		}
		out = append(out, s)
	}
	return out
}

func TestRunDirFailing(t *testing.T) {
	res, err := RunDir(os.DirFS("testdata"), "failing", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{
		{Name: "passes", Line: 2},
		{Name: "wrong action", Line: 8, Failures: []string{"failing/tests.yaml:10:9: step 1 (t1): want action allow, got block"}},
		{Name: "missing rule and report", Line: 14, Failures: []string{"failing/tests.yaml:16:9: step 1 (t1): missing rules kr.nope; missing reports kr.aml.ctr.cash_in"}},
		{Name: "error wanted, decision got", Line: 20, Failures: []string{"failing/tests.yaml:22:9: step 1 (t1): want error no_fx_source, got a decision: allow"}},
	}
	if diff := cmp.Diff(want, summarize(res)); diff != "" {
		t.Errorf("RunDir() mismatch (-want +got):\n%s", diff)
	}
	if got := res.Failed(); got != 3 {
		t.Errorf("Failed() = %d, want 3", got)
	}
	if d := res.Cases[1].Failures[0].Details; len(d) == 0 || d[0][:len("finding kr.carrier_billing.monthly_cap block")] != "finding kr.carrier_billing.monthly_cap block" {
		t.Errorf("details = %q, want the monthly cap finding first", d)
	}
}

func TestParseErrors(t *testing.T) {
	const tx = `{id: t1, time: 2026-11-02T10:00:00+09:00, channel: cash, direction: cash_in, amount: "1", customer: {id: c1}}`
	tests := []struct {
		name string
		yaml string
		want []string // "line:col: message"
	}{
		{"yaml syntax", "tests: [", []string{"1: did not find expected node content"}},
		{"empty", "", []string{"1: empty test file: want a mapping with a \"tests\" list"}},
		{"unknown top key", "test: []\n", []string{"1:1: unknown key \"test\" in a mapping with a \"tests\" list"}},
		{"no cases", "tests: []\n", []string{"1:8: no test cases"}},
		{"unknown case key", "tests:\n  - name: a\n    stpes: []\n", []string{"2:5: test case \"a\" has no steps", "3:5: unknown key \"stpes\" in a test case (name, steps, fx, packs, now)"}},
		{"no name", "tests:\n  - steps: [{tx: " + tx + ", want: {action: allow}}]\n", []string{"2:5: a test case needs a name"}},
		{"duplicate name", "tests:\n  - {name: a, steps: [{tx: " + tx + ", want: {action: allow}}]}\n  - {name: a, steps: [{tx: " + tx + ", want: {action: allow}}]}\n",
			[]string{"3:5: duplicate case name \"a\" (first at line 2)"}},
		{"unknown want key", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n        want: {action: allow, rule: [x]}\n",
			[]string{"5:31: unknown key \"rule\" in want (action, rules, only_rules, requires, reports, error)"}},
		{"missing action", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n        want: {rules: [x]}\n", []string{"5:15: want: missing action"}},
		{"bad action", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n        want: {action: deny}\n", []string{"5:24: action must be allow, review, step_up or block, not \"deny\""}},
		{"bad error name", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n        want: {error: nope}\n", []string{"5:23: unknown error \"nope\" (want one of fx, invalid_transaction, no_fx_source, no_pack, store)"}},
		{"error and action", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n        want: {error: no_pack, action: block}\n", []string{"5:15: want: error excludes action, rules, only_rules, requires and reports"}},
		{"bad settle", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n        settle: later\n        want: {action: allow}\n", []string{"5:17: settle must be commit, void or none, not \"later\""}},
		{"no want", "tests:\n  - name: a\n    steps:\n      - tx: " + tx + "\n", []string{"4:9: step 1 has no want"}},
		{"unknown tx field", "tests:\n  - name: a\n    steps:\n      - tx: {id: t1, time: 2026-11-02T10:00:00+09:00, channel: cash,\n             direction: cash_in, amount: \"1\", customer: {id: c1, teir: full}}\n        want: {action: allow}\n",
			[]string{"5:66: tx: unknown field \"teir\""}},
		{"float amount", "tests:\n  - name: a\n    steps:\n      - tx: {id: t1, time: 2026-11-02T10:00:00+09:00, channel: cash, direction: cash_in, amount: 0.1, customer: {id: c1}}\n        want: {action: allow}\n",
			[]string{"4:98: amount 0.1: write it as a string (\"0.1\"); money is never a float"}},
		{"undecodable tx", "tests:\n  - name: a\n    steps:\n      - tx: {id: t1, time: yesterday, channel: cash, direction: cash_in, amount: \"1\", customer: {id: c1}}\n        want: {action: allow}\n",
			[]string{"4:13: tx: payment: invalid JSON: parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\" (a test of an invalid transaction wants error: invalid_transaction)"}},
		{"bad fx", "tests:\n  - name: a\n    fx: {USDKR: \"1\", EURKRW: 1.5, USDJPY: \"-1\"}\n    steps:\n      - tx: " + tx + "\n        want: {action: allow}\n",
			[]string{"3:10: fx: \"USDKR\" is not a currency pair such as USDKRW", "3:30: fx: write the rate as a string (\"1.5\"), never a float", "3:43: fx: rate \"-1\" must be a positive decimal"}},
		{"pack outside", "tests:\n  - name: a\n    packs: [../../us]\n    steps:\n      - tx: " + tx + "\n        want: {action: allow}\n",
			[]string{"3:13: pack folder \"../us\" is outside the file system the pack was loaded from; load a file system that holds both folders"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fixtures(t)
			fsys["kr/tests.yaml"] = &fstest.MapFile{Data: []byte(tc.yaml)}
			_, err := RunDir(fsys, "kr", nil)
			if err == nil {
				t.Fatal("RunDir() succeeded, want errors")
			}
			var got []string
			for _, e := range rule.AsList(err) {
				if e.Pos.File != "kr/tests.yaml" || e.Code != rule.CodePackSchema {
					t.Errorf("error %v: want file kr/tests.yaml and code %s", e, rule.CodePackSchema)
				}
				got = append(got, e.Pos.String()[len("kr/tests.yaml:"):]+": "+e.Msg)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string // file → content ("" removes it)
		dir    string
		opts   *Options
		is     error
		want   []string // positions and codes of the rule.ErrorList
	}{
		{name: "no tests.yaml", change: map[string]string{"kr/tests.yaml": ""}, dir: "kr", is: ErrNoTests},
		{name: "no pack", dir: "nowhere", want: []string{"nowhere/pack.yaml pack_missing_file"}},
		{name: "bad pack", change: map[string]string{"kr/pack.yaml": "code: KR\nversion: x\nname: K\ncurrency: KRW\ntime_zone: Asia/Seoul\nbogus: 1\n"}, dir: "kr",
			want: []string{"kr/pack.yaml:6:1 pack_schema_error"}},
		{name: "overlay without its base", change: map[string]string{"kr/pack.yaml": ""}, dir: "failing", is: ErrBase},
		{name: "overlay without its base, Options.Packs does not know it", change: map[string]string{"kr/pack.yaml": ""}, dir: "failing",
			opts: &Options{Packs: func(string) *jurisdiction.Pack { return nil }}, is: ErrNoPack},
		{name: "a pack by code with no folder", change: map[string]string{"jp/pack.yaml": ""}, dir: "kr", is: ErrNoPack,
			want: []string{"kr/tests.yaml:69:13 pack_schema_error"}},
		{name: "extra pack that does not load", change: map[string]string{"jp/pack.yaml": "code: JP\n"}, dir: "kr",
			want: []string{"jp/pack.yaml:1:1 pack_schema_error", "jp/pack.yaml:1:1 pack_schema_error", "jp/pack.yaml:1:1 pack_schema_error", "jp/pack.yaml:1:1 pack_schema_error", "kr/tests.yaml:69:13 pack_schema_error"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fixtures(t)
			for f, data := range tc.change {
				if data == "" {
					delete(fsys, f)
				} else {
					fsys[f] = &fstest.MapFile{Data: []byte(data)}
				}
			}
			_, err := RunDir(fsys, tc.dir, tc.opts)
			if err == nil {
				t.Fatal("RunDir() succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("RunDir() = %v, want %v", err, tc.is)
			}
			var got []string
			for _, e := range rule.AsList(err) {
				got = append(got, e.Pos.String()+" "+string(e.Code))
			}
			if tc.want != nil {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("errors mismatch (-want +got):\n%s\n%v", diff, err)
				}
			}
		})
	}
}

// TestOptionsPacks runs the overlay fixture and the cross-border case with
// the packs they name by code supplied by Options.Packs instead of folders.
func TestOptionsPacks(t *testing.T) {
	fsys := fixtures(t)
	krFS := fstest.MapFS{}
	for name, f := range fsys {
		if rest, ok := strings.CutPrefix(name, "kr/"); ok && rest != "tests.yaml" {
			krFS[rest] = f
			delete(fsys, name)
		}
		if rest, ok := strings.CutPrefix(name, "jp/"); ok {
			krFS["jp/"+rest] = f
			delete(fsys, name)
		}
	}
	packs := map[string]*jurisdiction.Pack{}
	for code, dir := range map[string]string{"KR": ".", "JP": "jp"} {
		p, err := jurisdiction.Load(krFS, dir)
		if err != nil {
			t.Fatal(err)
		}
		packs[code] = p
	}
	opts := &Options{Packs: func(code string) *jurisdiction.Pack { return packs[code] }}
	res, err := RunDir(fsys, "failing", opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pack.Code != "KR" || !strings.HasSuffix(res.Pack.Version, "+ACME 1") || res.Failed() != 3 {
		t.Errorf("overlay: pack %v, %d failed, want KR …+ACME 1 and 3", res.Pack, res.Failed())
	}
	fsys["kr/pack.yaml"] = krFS["pack.yaml"]
	for _, f := range []string{"limits.yaml", "kyc.yaml", "rules.yaml", "reports.yaml"} {
		fsys["kr/"+f] = krFS[f]
	}
	res, err = RunDir(fsys, "kr", opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() != 0 {
		t.Errorf("kr: %+v", res.Cases)
	}
}

func TestRetention(t *testing.T) {
	day := 24 * time.Hour
	long := &jurisdiction.Pack{Limits: []limits.Limit{{Kind: limits.Rolling, Window: 500 * day}, {Kind: limits.Month}}}
	short := &jurisdiction.Pack{Limits: []limits.Limit{{Kind: limits.Rolling, Window: 30 * day}}}
	if got := retention([]*jurisdiction.Pack{short}); got != Retention {
		t.Errorf("retention(short) = %v, want %v", got, Retention)
	}
	if got := retention([]*jurisdiction.Pack{short, long}); got != 501*day {
		t.Errorf("retention(short, long) = %v, want %v", got, 501*day)
	}
}

func TestFXMap(t *testing.T) {
	m := fxMap{"USDKRW": decimal.RequireFromString("1400")}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if r, err := m.Rate(t.Context(), "USD", "KRW", at); err != nil || !r.Equal(decimal.RequireFromString("1400")) {
		t.Errorf("USD→KRW = %v, %v", r, err)
	}
	if r, err := m.Rate(t.Context(), "KRW", "KRW", at); err != nil || !r.Equal(decimal.NewFromInt(1)) {
		t.Errorf("KRW→KRW = %v, %v", r, err)
	}
	if _, err := m.Rate(t.Context(), "KRW", "USD", at); !errors.Is(err, errNoRate) {
		t.Errorf("KRW→USD error = %v, want errNoRate", err)
	}
}
