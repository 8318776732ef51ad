package packtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store/memstore"
	"github.com/shopspring/decimal"
)

// Retention is how long the store of each case keeps entries at least; a
// pack with a longer rolling limit gets that window and a day more.
const Retention = 400 * 24 * time.Hour

// retention returns the store retention for packs.
func retention(packs []*jurisdiction.Pack) time.Duration {
	r := Retention
	for _, p := range packs {
		for _, l := range p.Limits {
			if l.Kind == limits.Rolling && l.Window+24*time.Hour > r {
				r = l.Window + 24*time.Hour
			}
		}
	}
	return min(r, memstore.MaxRetention)
}

// Result is the outcome of the tests of one pack folder.
type Result struct {
	// Dir is the pack's folder in the file system.
	Dir string `json:"dir"`
	// Pack is the pack under test.
	Pack jurisdiction.Ref `json:"pack"`
	// Cases are the cases in the order of tests.yaml.
	Cases []CaseResult `json:"cases"`
}

// Failed returns the number of cases that failed.
func (r *Result) Failed() int {
	n := 0
	for i := range r.Cases {
		if !r.Cases[i].Passed() {
			n++
		}
	}
	return n
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	// Name is the case's name.
	Name string `json:"name"`
	// Pos is where the case starts in tests.yaml.
	Pos rule.Pos `json:"pos"`
	// Failures says, one entry per failed step, what the engine answered
	// instead of what the case wants. Empty when the case passed.
	Failures []Failure `json:"failures,omitempty"`
}

// Passed reports whether every step of the case got what it wants.
func (c *CaseResult) Passed() bool { return len(c.Failures) == 0 }

// Failure is one step that did not get what it wants.
type Failure struct {
	// Pos is where the step starts in tests.yaml.
	Pos rule.Pos `json:"pos"`
	// Step is the step's number, from 1.
	Step int `json:"step"`
	// TxID is the step's transaction id.
	TxID string `json:"tx_id"`
	// Msg says what was wanted and what was got, on one line.
	Msg string `json:"message"`
	// Details are further lines: the decision's findings and reports.
	Details []string `json:"details,omitempty"`
}

// Error renders "file:line: step N (tx id): message".
func (f *Failure) Error() string {
	return fmt.Sprintf("%s: step %d (%s): %s", f.Pos, f.Step, f.TxID, f.Msg)
}

// suite is a loaded pack with its cases.
type suite struct {
	dir   string
	main  *jurisdiction.Pack
	cases []*tcase
	extra map[string]*jurisdiction.Pack // by packRef.key; nil when it failed to load
}

// Options configures [RunDir]. A nil *Options means the defaults.
type Options struct {
	// Packs returns the pack of a country code when the file system has no
	// folder for it: the base of an overlay (extends: KR) or a pack a case
	// names by code (packs: [US]). Return nil for an unknown code. The
	// command-line tool answers with the built-in packs. Default: none,
	// only folders count.
	Packs func(code string) *jurisdiction.Pack
}

// RunDir loads the pack in fsys at dir with [jurisdiction.Load], reads
// dir/tests.yaml, and runs every case. The error is for a pack or a test
// file that cannot be loaded (a [rule.ErrorList] with positions where there
// are); failed cases are in the Result. RunDir may be called from several
// goroutines at once when opts.Packs is safe for that.
func RunDir(fsys fs.FS, dir string, opts *Options) (*Result, error) {
	l := &loader{fsys: fsys}
	if opts != nil {
		l.opts = *opts
	}
	s, err := l.suite(dir)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: dir, Pack: s.main.Ref()}
	for _, c := range s.cases {
		res.Cases = append(res.Cases, s.run(context.Background(), c))
	}
	return res, nil
}

// Run loads the pack in fsys at dir and runs every case of its tests.yaml
// as a subtest named after the case, failing it with the step's file:line,
// what was wanted and what the engine answered. It stops the test with
// t.Fatal when the pack or the test file cannot be loaded.
func Run(t *testing.T, fsys fs.FS, dir string) {
	t.Helper()
	l := &loader{fsys: fsys}
	s, err := l.suite(dir)
	if err != nil {
		t.Fatalf("packtest: %v", err)
	}
	t.Run("citations", func(t *testing.T) { checkCitations(t, s.main) })
	for _, c := range s.cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.run(t.Context(), c)
			for _, f := range r.Failures {
				t.Error(strings.Join(append([]string{f.Error()}, indent(f.Details)...), "\n"))
			}
		})
	}
}

// checkCitations asserts that every limit row and report duty of p names
// its law and the confidence of its figure. (Load already refuses an
// unverified figure that is enabled.)
func checkCitations(t *testing.T, p *jurisdiction.Pack) {
	for _, r := range p.Limits {
		if r.Citation.Law == "" || r.Citation.Confidence == "" {
			t.Errorf("limit %s: citation %+v lacks law or confidence", r.ID, r.Citation)
		}
	}
	for _, d := range p.Reports {
		if d.Citation.Law == "" || d.Citation.Confidence == "" {
			t.Errorf("report duty %s: citation %+v lacks law or confidence", d.ID, d.Citation)
		}
	}
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "    " + l
	}
	return out
}

// loader loads packs from a file system.
type loader struct {
	fsys fs.FS
	opts Options
}

// suite reads the pack, its tests and the extra packs the cases name.
func (l *loader) suite(dir string) (*suite, error) {
	dir = path.Clean(dir)
	main, err := l.load(dir)
	if err != nil {
		return nil, err
	}
	file := path.Join(dir, TestsFile)
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNoTests, file, err)
	}
	return l.newSuite(dir, file, data, main)
}

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Errors of [RunDir] and [Run] beside the [rule.ErrorList] of a pack or
// test file that does not load; test them with errors.Is.
const (
	// ErrNoTests: the pack folder has no readable tests.yaml.
	ErrNoTests sentinel = "packtest: no tests"
	// ErrNoPack: a pack named by its code has no folder beside the pack
	// under test (../us for US) and Options.Packs does not know it.
	ErrNoPack sentinel = "packtest: pack not found"
	// ErrBase: the pack is an overlay (extends: CODE) and the pack it
	// extends could not be loaded.
	ErrBase sentinel = "packtest: cannot load the pack an overlay extends"
)

// load loads the pack in dir. An overlay (extends: KR) is layered over
// the pack of that code (see byCode).
func (l *loader) load(dir string) (*jurisdiction.Pack, error) {
	p, err := jurisdiction.Load(l.fsys, dir)
	if err != nil {
		return nil, err
	}
	if p.Extends == "" {
		return p, nil
	}
	sib := path.Join(dir, "..", strings.ToLower(p.Extends))
	if !validPath(sib) {
		sib = ""
	}
	base, err := l.byCode(p.Extends, sib)
	if err != nil {
		return nil, fmt.Errorf("%w: %s extends %s: %w", ErrBase, dir, p.Extends, err)
	}
	if base.Extends != "" {
		return nil, fmt.Errorf("%w: %s extends %s, itself an overlay", ErrBase, dir, p.Extends)
	}
	return jurisdiction.Overlay(base, p)
}

// byCode loads the pack of a country code: from folder dir when it holds a
// pack.yaml, else from Options.Packs.
func (l *loader) byCode(code, dir string) (*jurisdiction.Pack, error) {
	if dir != "" {
		if _, err := fs.Stat(l.fsys, path.Join(dir, jurisdiction.FilePack)); err == nil {
			return l.load(dir)
		}
	}
	if l.opts.Packs != nil {
		if p := l.opts.Packs(code); p != nil {
			return p, nil
		}
	}
	if dir == "" {
		return nil, fmt.Errorf("%w: %s (its folder would be outside the file system)", ErrNoPack, code)
	}
	return nil, fmt.Errorf("%w: %s (no %s)", ErrNoPack, code, path.Join(dir, jurisdiction.FilePack))
}

// newSuite parses tests.yaml for main, loading the extra packs the cases
// name.
func (l *loader) newSuite(dir, file string, data []byte, main *jurisdiction.Pack) (*suite, error) {
	p := &parser{file: file, dir: dir, code: main.Code}
	s := &suite{dir: dir, main: main, extra: map[string]*jurisdiction.Pack{}}
	s.cases = p.parse(data)
	for _, c := range s.cases {
		for _, ref := range c.packs {
			if _, done := s.extra[ref.key()]; done {
				continue
			}
			var x *jurisdiction.Pack
			var err error
			if ref.code != "" {
				x, err = l.byCode(ref.code, ref.dir)
			} else {
				x, err = l.load(ref.dir)
			}
			s.extra[ref.key()] = x
			if err != nil {
				l := rule.AsList(err)
				if len(l) > 0 {
					p.errorAt(ref.pos.Line, ref.pos.Col, "pack %s does not load", ref.name())
					p.errs = append(p.errs, l...)
				} else {
					p.errorAt(ref.pos.Line, ref.pos.Col, "pack %s: %v", ref.name(), err)
					p.errs[len(p.errs)-1].Err = err
				}
			}
		}
	}
	for _, c := range s.cases {
		packs := s.packs(c)
		p.decode(c, func(country string) payment.Currency {
			for _, x := range packs {
				if x != nil && x.Code == country {
					return x.Currency
				}
			}
			return ""
		})
	}
	if len(p.errs) > 0 {
		p.errs.Sort()
		return nil, p.errs
	}
	return s, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// packs returns the packs of case c: the pack under test first.
func (s *suite) packs(c *tcase) []*jurisdiction.Pack {
	out := []*jurisdiction.Pack{s.main}
	for _, ref := range c.packs {
		if x := s.extra[ref.key()]; x != nil && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// run runs case c on a fresh engine and store.
func (s *suite) run(ctx context.Context, c *tcase) CaseResult {
	res := CaseResult{Name: c.name, Pos: c.pos}
	fail := func(st *step, i int, msg string, details ...string) {
		id := ""
		if st.tx != nil {
			id = st.tx.ID
		}
		res.Failures = append(res.Failures, Failure{Pos: st.pos, Step: i + 1, TxID: id, Msg: msg, Details: details})
	}
	now := c.now
	if now.IsZero() {
		for _, st := range c.steps {
			if st.tx != nil && st.tx.Time.After(now) {
				now = st.tx.Time
			}
		}
		now = now.Add(time.Hour)
	}
	packs := s.packs(c)
	ms, err := memstore.New(&memstore.Options{Retention: retention(packs)})
	if err != nil {
		fail(c.steps[0], 0, "memstore: "+err.Error())
		return res
	}
	defer ms.Close()
	opts := &comply.Options{
		Packs: packs,
		Store: ms,
		Now:   func() time.Time { return now },
	}
	if len(c.fx) > 0 {
		opts.FX = fxMap(c.fx)
	}
	eng, err := comply.New(opts)
	if err != nil {
		fail(c.steps[0], 0, "comply.New: "+firstLine(err), strings.Split(err.Error(), "\n")...)
		return res
	}
	for i, st := range c.steps {
		if st.tx == nil {
			// Not decodable: the case wants an invalid transaction.
			if st.txErr != nil && st.want.err != comply.ErrInvalidTransaction {
				fail(st, i, "tx: "+st.txErr.Error())
			}
			continue
		}
		d, err := eng.Evaluate(ctx, st.tx)
		if msg, details := check(&st.want, d, err); msg != "" {
			fail(st, i, msg, details...)
		}
		if err != nil || d == nil {
			continue
		}
		var serr error
		switch st.settle {
		case settleDefault:
			if d.Allowed() && d.Reserved && !d.Duplicate {
				serr = d.Commit(ctx)
			}
		case settleCommit:
			serr = d.Commit(ctx)
		case settleVoid:
			serr = d.Void(ctx)
		}
		if serr != nil {
			fail(st, i, "settle: "+serr.Error())
		}
	}
	return res
}

// check compares a step's outcome with what it wants and returns the
// failure message and details, or "" when the step passed.
func check(w *want, d *comply.Decision, err error) (string, []string) {
	if w.err != nil {
		switch {
		case err == nil:
			return fmt.Sprintf("want error %s, got a decision: %s", w.errName, d.Action), describe(d)
		case !errors.Is(err, w.err):
			return fmt.Sprintf("want error %s, got error: %v", w.errName, err), nil
		}
		return "", nil
	}
	if err != nil {
		return fmt.Sprintf("want action %s, got error: %v", w.action, err), nil
	}
	var msgs []string
	if d.Action != w.action {
		msgs = append(msgs, fmt.Sprintf("want action %s, got %s", w.action, d.Action))
	}
	got := map[rule.ID]bool{}
	var gotIDs []rule.ID
	requires := map[string]bool{}
	for _, f := range d.Findings {
		if !got[f.Rule] {
			gotIDs = append(gotIDs, f.Rule)
		}
		got[f.Rule] = true
		for _, r := range f.Requires {
			requires[r] = true
		}
	}
	if missing := missingIDs(w.rules, got); len(missing) > 0 {
		msgs = append(msgs, "missing rules "+joinIDs(missing))
	}
	if w.hasOnly {
		want := map[rule.ID]bool{}
		for _, id := range w.onlyRules {
			want[id] = true
		}
		missing := missingIDs(w.onlyRules, got)
		extra := missingIDs(gotIDs, want)
		if len(missing) > 0 {
			msgs = append(msgs, "missing rules "+joinIDs(missing))
		}
		if len(extra) > 0 {
			msgs = append(msgs, "unexpected rules "+joinIDs(extra))
		}
	}
	var missingReq []string
	for _, r := range w.requires {
		if !requires[r] {
			missingReq = append(missingReq, r)
		}
	}
	if len(missingReq) > 0 {
		msgs = append(msgs, "missing requires "+strings.Join(missingReq, ", "))
	}
	if w.hasReports {
		gotRep := map[rule.ID]bool{}
		for _, r := range d.Reports {
			gotRep[r.Rule] = true
		}
		if len(w.reports) == 0 && len(d.Reports) > 0 {
			msgs = append(msgs, "want no reports")
		}
		if missing := missingIDs(w.reports, gotRep); len(missing) > 0 {
			msgs = append(msgs, "missing reports "+joinIDs(missing))
		}
	}
	if len(msgs) == 0 {
		return "", nil
	}
	return strings.Join(dedupe(msgs), "; "), describe(d)
}

func dedupe(s []string) []string {
	out := s[:0]
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			out = append(out, x)
		}
		seen[x] = true
	}
	return out
}

func missingIDs(want []rule.ID, got map[rule.ID]bool) []rule.ID {
	var out []rule.ID
	for _, id := range want {
		if !got[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func joinIDs(ids []rule.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// describe lists a decision's findings and reports, one a line.
func describe(d *comply.Decision) []string {
	if d == nil {
		return nil
	}
	var out []string
	if len(d.Findings) == 0 {
		out = append(out, "findings: none")
	}
	for _, f := range d.Findings {
		l := fmt.Sprintf("finding %s %s: %s", f.Rule, f.Action, f.Message)
		if len(f.Requires) > 0 {
			l += " [requires " + strings.Join(f.Requires, ", ") + "]"
		}
		out = append(out, l)
	}
	for _, r := range d.Reports {
		l := fmt.Sprintf("report %s %s", r.Kind, r.Rule)
		if r.Total != "" {
			l += ": total " + r.Total
		}
		if r.Threshold != "" {
			l += ", threshold " + r.Threshold
		}
		out = append(out, l)
	}
	return out
}

// fxMap is a comply.FXSource of fixed rates keyed "USDKRW".
type fxMap map[string]decimal.Decimal

// errNoRate is returned for a pair the case gives no rate for.
var errNoRate = errors.New("packtest: no rate in the case's fx")

// Rate implements comply.FXSource.
func (m fxMap) Rate(_ context.Context, from, to payment.Currency, _ time.Time) (decimal.Decimal, error) {
	if from == to {
		return decimal.NewFromInt(1), nil
	}
	if r, ok := m[string(from)+string(to)]; ok {
		return r, nil
	}
	return decimal.Decimal{}, fmt.Errorf("%w for %s%s", errNoRate, from, to)
}
