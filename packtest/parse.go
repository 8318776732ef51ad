package packtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// TestsFile is the name of the test file in a pack folder.
const TestsFile = "tests.yaml"

// settle is what a step does with its decision.
type settle uint8

const (
	settleDefault settle = iota // commit an Allow that reserved, else none
	settleCommit
	settleVoid
	settleNone
)

// errorNames maps the names a want.error may use to the engine's sentinels.
var errorNames = map[string]error{
	"invalid_transaction": comply.ErrInvalidTransaction,
	"no_pack":             comply.ErrNoPack,
	"no_fx_source":        comply.ErrNoFXSource,
	"fx":                  comply.ErrFX,
	"store":               comply.ErrStore,
}

// errorNameList is the names of errorNames, sorted, for messages.
const errorNameList = "fx, invalid_transaction, no_fx_source, no_pack, store"

// tcase is one named case of tests.yaml.
type tcase struct {
	name  string
	pos   rule.Pos
	packs []packRef
	fx    map[string]decimal.Decimal // "USDKRW" → rate
	now   time.Time
	steps []*step
}

// packRef is an extra pack a case loads: a folder in the file system, or
// a country code (its sibling folder, else Options.Packs).
type packRef struct {
	code string
	dir  string // "" when a code's sibling folder is outside the file system
	pos  rule.Pos
}

// key identifies the pack in a suite's cache.
func (r packRef) key() string {
	if r.code != "" {
		return "code:" + r.code
	}
	return r.dir
}

// name is how messages name the pack.
func (r packRef) name() string {
	if r.code != "" {
		return r.code
	}
	return r.dir
}

// step is one transaction of a case and what the engine must answer.
type step struct {
	pos    rule.Pos
	txNode *yaml.Node
	tx     *payment.Transaction
	txErr  error // the tx could not be decoded; counts as an invalid transaction
	settle settle
	want   want
}

// want is what a step expects.
type want struct {
	action     rule.Action
	rules      []rule.ID
	onlyRules  []rule.ID
	hasOnly    bool
	requires   []string
	reports    []rule.ID
	hasReports bool
	errName    string
	err        error
}

// parser reads tests.yaml and collects positioned errors.
type parser struct {
	file  string
	dir   string // the pack's folder in the file system
	code  string // the pack's country code
	lines []string
	errs  rule.ErrorList
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errorAt(n.Line, n.Column, format, args...)
}

func (p *parser) errorAt(line, col int, format string, args ...any) {
	e := &rule.Error{Pos: rule.Pos{File: p.file, Line: line, Col: col}, Code: rule.CodePackSchema, Msg: fmt.Sprintf(format, args...)}
	if line >= 1 && line <= len(p.lines) {
		e.Source = p.lines[line-1]
	}
	p.errs = append(p.errs, e)
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parse reads the cases of tests.yaml. Transactions are decoded later, by
// decode, once the packs that give them a default currency are known.
func (p *parser) parse(data []byte) []*tcase {
	p.lines = splitLines(data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = strings.TrimPrefix(msg, "line "+m[1]+": ")
		}
		p.errorAt(line, 0, "%s", msg)
		return nil
	}
	if len(doc.Content) == 0 {
		p.errorAt(1, 0, "empty test file: want a mapping with a \"tests\" list")
		return nil
	}
	root := resolve(doc.Content[0])
	var seq *yaml.Node
	p.fields(root, "a mapping with a \"tests\" list", func(k, v *yaml.Node) bool {
		if k.Value != "tests" {
			return false
		}
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, "tests must be a list of cases")
			return true
		}
		seq = v
		return true
	})
	if seq == nil {
		if len(p.errs) == 0 {
			p.errorf(root, "missing \"tests\" list")
		}
		return nil
	}
	var cases []*tcase
	names := map[string]rule.Pos{}
	for _, n := range seq.Content {
		c := p.parseCase(resolve(n))
		if c == nil {
			continue
		}
		if prev, dup := names[c.name]; dup {
			p.errorAt(c.pos.Line, c.pos.Col, "duplicate case name %q (first at line %d)", c.name, prev.Line)
			continue
		}
		names[c.name] = c.pos
		cases = append(cases, c)
	}
	if len(cases) == 0 && len(p.errs) == 0 {
		p.errorf(seq, "no test cases")
	}
	return cases
}

// fields walks the keys of mapping n, calling f for each; f reports
// whether it knew the key. Unknown and repeated keys are errors.
func (p *parser) fields(n *yaml.Node, what string, f func(k, v *yaml.Node) bool) bool {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "want %s", what)
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if seen[k.Value] {
			p.errorf(k, "repeated key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		if !f(k, v) {
			p.errorf(k, "unknown key %q in %s", k.Value, what)
		}
	}
	return true
}

func (p *parser) scalar(k, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errorf(v, "%s must be a single value", k.Value)
		return "", false
	}
	return v.Value, true
}

func (p *parser) list(k, v *yaml.Node) ([]string, bool) {
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s must be a list", k.Value)
		return nil, false
	}
	out := []string{}
	ok := true
	for _, e := range v.Content {
		s, good := p.scalar(k, resolve(e))
		if good {
			out = append(out, s)
		}
		ok = ok && good
	}
	return out, ok
}

func (p *parser) parseCase(n *yaml.Node) *tcase {
	c := &tcase{pos: rule.Pos{File: p.file, Line: n.Line, Col: n.Column}}
	var stepsNode *yaml.Node
	ok := p.fields(n, "a test case (name, steps, fx, packs, now)", func(k, v *yaml.Node) bool {
		switch k.Value {
		case "name":
			c.name, _ = p.scalar(k, v)
		case "steps":
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				p.errorf(v, "steps must be a non-empty list")
				return true
			}
			stepsNode = v
		case "fx":
			c.fx = p.parseFX(v)
		case "packs":
			dirs, _ := p.list(k, v)
			for i, d := range dirs {
				if d == p.code {
					continue
				}
				e := resolve(v.Content[i])
				ref := packRef{pos: rule.Pos{File: p.file, Line: e.Line, Col: e.Column}}
				if len(d) == 2 && strings.ToUpper(d) == d {
					ref.code = d
					if sib := path.Join(p.dir, "..", strings.ToLower(d)); validPath(sib) {
						ref.dir = sib
					}
				} else {
					ref.dir = path.Join(p.dir, d)
					if !validPath(ref.dir) {
						p.errorf(e, "pack folder %q is outside the file system the pack was loaded from; load a file system that holds both folders", ref.dir)
						continue
					}
				}
				c.packs = append(c.packs, ref)
			}
		case "now":
			if s, ok := p.scalar(k, v); ok {
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					p.errorf(v, "now: want an RFC 3339 time such as 2026-11-02T10:00:00+09:00")
				}
				c.now = t
			}
		default:
			return false
		}
		return true
	})
	if !ok {
		return nil
	}
	if c.name == "" {
		p.errorf(n, "a test case needs a name")
		return nil
	}
	if stepsNode == nil {
		p.errorf(n, "test case %q has no steps", c.name)
		return nil
	}
	for i, sn := range stepsNode.Content {
		if s := p.parseStep(resolve(sn), i); s != nil {
			c.steps = append(c.steps, s)
		}
	}
	return c
}

func validPath(p string) bool {
	return p == "." || (p != "" && !strings.HasPrefix(p, "../") && p != ".." && !strings.HasPrefix(p, "/"))
}

var pairRE = regexp.MustCompile(`^[A-Z]{3}[A-Z]{3}$`)

func (p *parser) parseFX(v *yaml.Node) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	p.fields(v, "a map of rates such as {USDKRW: \"1400\"}", func(k, r *yaml.Node) bool {
		if !pairRE.MatchString(k.Value) {
			p.errorf(k, "fx: %q is not a currency pair such as USDKRW", k.Value)
			return true
		}
		for _, c := range []string{k.Value[:3], k.Value[3:]} {
			if _, err := payment.ParseCurrency(c); err != nil {
				p.errorf(k, "fx: %v", err)
				return true
			}
		}
		s, ok := p.scalar(k, r)
		if !ok {
			return true
		}
		if r.Tag == "!!float" {
			p.errorf(r, "fx: write the rate as a string (%q), never a float", s)
			return true
		}
		d, err := payment.ParseAmount(s)
		if err != nil || d.Sign() <= 0 {
			p.errorf(r, "fx: rate %q must be a positive decimal", s)
			return true
		}
		out[k.Value] = d
		return true
	})
	return out
}

func (p *parser) parseStep(n *yaml.Node, i int) *step {
	s := &step{pos: rule.Pos{File: p.file, Line: n.Line, Col: n.Column}}
	var hasWant bool
	ok := p.fields(n, "a step (tx, settle, want)", func(k, v *yaml.Node) bool {
		switch k.Value {
		case "tx":
			if v.Kind != yaml.MappingNode {
				p.errorf(v, "tx must be a mapping (a payment.Transaction)")
				return true
			}
			s.txNode = v
		case "settle":
			val, ok := p.scalar(k, v)
			if !ok {
				return true
			}
			switch val {
			case "commit":
				s.settle = settleCommit
			case "void":
				s.settle = settleVoid
			case "none":
				s.settle = settleNone
			default:
				p.errorf(v, "settle must be commit, void or none, not %q", val)
			}
		case "want":
			hasWant = true
			s.want = p.parseWant(v)
		default:
			return false
		}
		return true
	})
	if !ok {
		return nil
	}
	if s.txNode == nil {
		p.errorf(n, "step %d has no tx", i+1)
		return nil
	}
	if !hasWant {
		p.errorf(n, "step %d has no want", i+1)
		return nil
	}
	if s.want.err != nil && s.settle != settleDefault && s.settle != settleNone {
		p.errorf(n, "step %d wants an error, so there is no decision to settle", i+1)
	}
	return s
}

func (p *parser) parseWant(n *yaml.Node) want {
	var w want
	ids := func(k, v *yaml.Node) []rule.ID {
		l, _ := p.list(k, v)
		out := make([]rule.ID, len(l))
		for i, s := range l {
			out[i] = rule.ID(s)
		}
		return out
	}
	var actionSet, errSet bool
	p.fields(n, "want (action, rules, only_rules, requires, reports, error)", func(k, v *yaml.Node) bool {
		switch k.Value {
		case "action":
			actionSet = true
			s, ok := p.scalar(k, v)
			if !ok {
				return true
			}
			a, err := rule.ParseAction(s)
			if err != nil {
				p.errorf(v, "action must be allow, review, step_up or block, not %q", s)
				return true
			}
			w.action = a
		case "rules":
			w.rules = ids(k, v)
		case "only_rules":
			w.onlyRules, w.hasOnly = ids(k, v), true
		case "requires":
			w.requires, _ = p.list(k, v)
		case "reports":
			w.reports, w.hasReports = ids(k, v), true
		case "error":
			errSet = true
			s, ok := p.scalar(k, v)
			if !ok {
				return true
			}
			e, known := errorNames[s]
			if !known {
				p.errorf(v, "unknown error %q (want one of %s)", s, errorNameList)
				return true
			}
			w.errName, w.err = s, e
		default:
			return false
		}
		return true
	})
	switch {
	case n.Kind != yaml.MappingNode:
	case errSet && (actionSet || w.rules != nil || w.hasOnly || w.requires != nil || w.hasReports):
		p.errorf(n, "want: error excludes action, rules, only_rules, requires and reports")
	case !errSet && !actionSet:
		p.errorf(n, "want: missing action")
	}
	return w
}

// decode turns each step's tx node into a transaction. currency returns
// the currency of the pack that judges a country, or "" when no loaded pack
// has that code.
func (p *parser) decode(c *tcase, currency func(country string) payment.Currency) {
	for i, s := range c.steps {
		tx := s.txNode
		country := p.code
		hasCountry, hasID := false, false
		for j := 0; j+1 < len(tx.Content); j += 2 {
			switch k, v := tx.Content[j], resolve(tx.Content[j+1]); k.Value {
			case "country":
				hasCountry = true
				if v.Kind == yaml.ScalarNode {
					country = v.Value
				}
			case "id":
				hasID = true
			}
		}
		cur := currency(country)
		if cur == "" {
			cur = currency(p.code)
		}
		var b bytes.Buffer
		if err := p.toJSON(&b, tx, cur, 0); err != nil {
			continue // reported
		}
		// Defaults go last: the object is closed by toJSON, so reopen it.
		js := b.Bytes()
		var extra []string
		if !hasCountry {
			extra = append(extra, `"country":`+quote(p.code))
		}
		if !hasID {
			extra = append(extra, `"id":`+quote("step"+strconv.Itoa(i+1)))
		}
		if len(extra) > 0 {
			sep := ","
			if len(tx.Content) == 0 {
				sep = ""
			}
			js = append(js[:len(js)-1], []byte(sep+strings.Join(extra, ",")+"}")...)
		}
		t, err := decodeTx(js)
		switch {
		case err == nil:
			s.tx = t
		case errors.Is(err, errUnknownField):
			name := strings.Trim(strings.TrimPrefix(err.Error(), errUnknownField.Error()+": json: unknown field "), `"`)
			at := findKey(tx, name)
			if at == nil {
				at = tx
			}
			p.errorf(at, "tx: unknown field %q", name)
		case s.want.err == comply.ErrInvalidTransaction:
			s.txErr = err
		default:
			p.errorf(tx, "tx: %v (a test of an invalid transaction wants error: invalid_transaction)", err)
		}
	}
}

// errUnknownField marks a transaction with a field payment.Transaction does
// not have.
var errUnknownField = errors.New("packtest: unknown field")

// decodeTx decodes a transaction from JSON as payment.ParseTransactionJSON
// does, but leaves validation to the engine, so that a case can test how the
// engine refuses an invalid transaction.
func decodeTx(b []byte) (*payment.Transaction, error) {
	var tx payment.Transaction
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tx); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return nil, fmt.Errorf("%w: %w", errUnknownField, err)
		}
		return nil, fmt.Errorf("%w: %w", payment.ErrInvalidJSON, err)
	}
	return &tx, nil
}

// toJSON writes n as JSON. Scalars become strings (a Transaction has no
// numeric fields), except booleans and null. The tx's top-level amount may
// be a bare decimal in cur.
func (p *parser) toJSON(b *bytes.Buffer, n *yaml.Node, cur payment.Currency, depth int) error {
	n = resolve(n)
	if depth > 20 {
		p.errorf(n, "tx: nested too deeply")
		return errReported
	}
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		first := true
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if k.Value == "<<" {
				p.errorf(k, "tx: merge keys (<<) are not supported; use an alias of the whole value")
				return errReported
			}
			if seen[k.Value] {
				p.errorf(k, "tx: repeated key %q", k.Value)
				return errReported
			}
			seen[k.Value] = true
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(quote(k.Value))
			b.WriteByte(':')
			if k.Value == "amount" && depth == 0 {
				if err := p.amount(b, v, cur); err != nil {
					return err
				}
				continue
			}
			if err := p.toJSON(b, v, cur, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, e := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := p.toJSON(b, e, cur, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			b.WriteString("null")
		case "!!bool":
			if v, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
				b.WriteString(strconv.FormatBool(v))
			} else {
				b.WriteString(quote(n.Value))
			}
		default:
			b.WriteString(quote(n.Value))
		}
	default:
		p.errorf(n, "tx: unexpected YAML node")
		return errReported
	}
	return nil
}

// errReported stops a conversion whose error is already in the list.
var errReported = errors.New("packtest: reported")

// amount writes the tx amount: a bare decimal means the pack's currency.
func (p *parser) amount(b *bytes.Buffer, v *yaml.Node, cur payment.Currency) error {
	var amt, c *yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		amt = v
	case yaml.MappingNode:
		ok := p.fields(v, "an amount ({amount, currency} or a decimal string)", func(k, x *yaml.Node) bool {
			switch k.Value {
			case "amount":
				amt = x
			case "currency":
				c = x
			default:
				return false
			}
			return true
		})
		if !ok || amt == nil {
			if ok {
				p.errorf(v, "amount: missing amount")
			}
			return errReported
		}
	default:
		p.errorf(v, "amount must be a decimal string or {amount, currency}")
		return errReported
	}
	if amt.Kind != yaml.ScalarNode || amt.Tag == "!!null" {
		p.errorf(amt, "amount must be a decimal string")
		return errReported
	}
	if amt.Tag == "!!float" {
		p.errorf(amt, "amount %s: write it as a string (\"%s\"); money is never a float", amt.Value, amt.Value)
		return errReported
	}
	currency := string(cur)
	if c != nil {
		if c.Kind != yaml.ScalarNode {
			p.errorf(c, "currency must be an ISO 4217 code")
			return errReported
		}
		currency = c.Value
	}
	b.WriteString(`{"amount":` + quote(amt.Value) + `,"currency":` + quote(currency) + `}`)
	return nil
}

// findKey returns the first key node named name under n, depth first.
func findKey(n *yaml.Node, name string) *yaml.Node { return findKeyDepth(n, name, 0) }

func findKeyDepth(n *yaml.Node, name string, depth int) *yaml.Node {
	n = resolve(n)
	if depth > 20 {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return n.Content[i]
			}
			if k := findKeyDepth(n.Content[i+1], name, depth+1); k != nil {
				return k
			}
		}
	case yaml.SequenceNode:
		for _, e := range n.Content {
			if k := findKeyDepth(e, name, depth+1); k != nil {
				return k
			}
		}
	}
	return nil
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func splitLines(data []byte) []string {
	data = bytes.TrimSuffix(data, []byte("\n"))
	var lines []string
	for _, l := range bytes.Split(data, []byte("\n")) {
		lines = append(lines, strings.TrimSuffix(string(l), "\r"))
	}
	return lines
}
