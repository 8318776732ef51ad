package jurisdiction

import (
	"encoding"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/fees"
	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// Codes of pack loading errors, beside the codes of the parts (limits,
// kyc, aml).
const (
	// CodeYAML marks a pack file that is not valid YAML.
	CodeYAML rule.Code = "pack_yaml_error"
	// CodeMissingFile marks a pack folder without pack.yaml.
	CodeMissingFile rule.Code = "pack_missing_file"
)

// Files of a pack folder.
const (
	FilePack    = "pack.yaml"
	FileLimits  = "limits.yaml"
	FileKYC     = "kyc.yaml"
	FileRules   = "rules.yaml"
	FileReports = "reports.yaml"
	FileTests   = "tests.yaml"
	// FileFees is the fee-transparency policy ([fees.Policy]).
	FileFees = "fees.yaml"
	// FileProviders is the provider-register policy ([registry.Policy]).
	FileProviders = "providers.yaml"
)

// Load reads the pack in folder dir of fsys (see docs/pack-format.md),
// validates it and compiles it once to check every part. It returns a
// [rule.ErrorList] of every problem, each at file:line:col with the source
// line and a stable code: [CodeYAML], [rule.CodePackSchema] (unknown field,
// bad value, unknown currency or time zone, missing citation),
// [rule.CodeLimitsSchema], [rule.CodeLimitsOverlap], the kyc and aml codes.
// Nothing is returned on error.
func Load(fsys fs.FS, dir string) (*Pack, error) {
	l := &loader{fsys: fsys, dir: dir}
	p := l.load()
	if len(l.errs) == 0 && p.Extends == "" {
		if _, err := Compile(p); err != nil {
			l.errs = append(l.errs, rule.AsList(err)...)
		}
	}
	if len(l.errs) > 0 {
		for _, e := range l.errs {
			if sf := l.srcs[e.Pos.File]; sf != nil && e.Source == "" && e.Pos.Line > 0 && e.Pos.Line <= len(sf.lines) {
				e.Source = sf.lines[e.Pos.Line-1]
			}
		}
		l.errs.Sort()
		return nil, l.errs
	}
	return p, nil
}

type loader struct {
	fsys fs.FS
	dir  string
	errs rule.ErrorList
	srcs map[string]*src // by display name, for the source lines of errors
}

// src is one parsed file.
type src struct {
	name  string // as shown in positions
	lines []string
	root  *yaml.Node
}

func (l *loader) display(name string) string {
	if l.dir == "." || l.dir == "" {
		return name
	}
	return path.Join(l.dir, name)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// read parses a file; ok is false when it is missing (and not required) or
// broken (an error is recorded).
func (l *loader) read(name string, required bool) (*src, bool) {
	data, err := fs.ReadFile(l.fsys, path.Join(l.dir, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !required {
			return nil, false
		}
		code := rule.CodePackSchema
		if errors.Is(err, fs.ErrNotExist) {
			code = CodeMissingFile
		}
		l.errs = append(l.errs, &rule.Error{Pos: rule.Pos{File: l.display(name)}, Code: code, Msg: err.Error(), Err: err})
		return nil, false
	}
	s := &src{name: l.display(name), lines: strings.Split(string(data), "\n")}
	if l.srcs == nil {
		l.srcs = map[string]*src{}
	}
	l.srcs[s.name] = s
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		e := &rule.Error{Pos: rule.Pos{File: s.name, Line: line}, Code: CodeYAML, Msg: strings.TrimPrefix(err.Error(), "yaml: "), Err: err}
		if line > 0 && line <= len(s.lines) {
			e.Source = s.lines[line-1]
		}
		l.errs = append(l.errs, e)
		return nil, false
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		l.errs = append(l.errs, &rule.Error{Pos: rule.Pos{File: s.name, Line: 1, Col: 1}, Code: rule.CodePackSchema, Msg: "want a mapping at the top of the file"})
		return nil, false
	}
	s.root = doc.Content[0]
	return s, true
}

func (s *src) pos(n *yaml.Node) rule.Pos { return rule.Pos{File: s.name, Line: n.Line, Col: n.Column} }

func (l *loader) errAt(s *src, n *yaml.Node, code rule.Code, format string, args ...any) {
	e := &rule.Error{Pos: s.pos(n), Code: code, Msg: fmt.Sprintf(format, args...)}
	if n.Line > 0 && n.Line <= len(s.lines) {
		e.Source = s.lines[n.Line-1]
	}
	l.errs = append(l.errs, e)
}

// pairs returns the key/value nodes of a mapping.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	decimalTypes    = map[reflect.Type]bool{reflect.TypeFor[decimal.Decimal](): true, reflect.TypeFor[decimal.NullDecimal](): true}
	durationType    = reflect.TypeFor[time.Duration]()
)

// decode decodes n into out (a pointer) strictly: unknown fields, money
// written as a float, and values their type refuses are errors at their
// position. It reports whether n decoded cleanly.
func (l *loader) decode(s *src, n *yaml.Node, out any) bool {
	before := len(l.errs)
	l.check(s, n, reflect.TypeOf(out).Elem())
	if len(l.errs) > before {
		return false
	}
	if err := n.Decode(out); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
		at := n
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			at = &yaml.Node{Line: line}
		}
		l.errAt(s, at, rule.CodePackSchema, "%s", msg)
		return false
	}
	return true
}

// check walks n against type t.
func (l *loader) check(s *src, n *yaml.Node, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		l.errAt(s, n, rule.CodePackSchema, "aliases are not allowed in packs")
		return
	}
	if decimalTypes[t] {
		if n.Kind != yaml.ScalarNode || n.Tag == "!!float" {
			l.errAt(s, n, rule.CodePackSchema, "write money as a decimal string such as \"1000000.50\", not %s", describeNode(n))
			return
		}
		if _, err := payment.ParseAmount(n.Value); err != nil {
			l.errAt(s, n, rule.CodePackSchema, "%v", err)
		}
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			l.errAt(s, n, rule.CodePackSchema, "want a single value, not %s", describeNode(n))
			return
		}
		if n.Tag == "!!null" {
			return
		}
		v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(n.Value)); err != nil {
			l.errAt(s, n, rule.CodePackSchema, "%v", err)
		}
		return
	}
	if t == durationType {
		if _, err := time.ParseDuration(n.Value); err != nil || n.Kind != yaml.ScalarNode {
			l.errAt(s, n, rule.CodePackSchema, "want a duration such as \"24h\", got %s", describeNode(n))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			l.errAt(s, n, rule.CodePackSchema, "want a mapping, not %s", describeNode(n))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for _, kv := range pairs(n) {
			k, v := kv[0], kv[1]
			ft, ok := fields[k.Value]
			if !ok {
				l.errAt(s, k, rule.CodePackSchema, "unknown field %q (want one of %s)", k.Value, strings.Join(sortedKeys(fields), ", "))
				continue
			}
			if seen[k.Value] {
				l.errAt(s, k, rule.CodePackSchema, "field %q given twice", k.Value)
			}
			seen[k.Value] = true
			l.check(s, v, ft)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			l.errAt(s, n, rule.CodePackSchema, "want a list, not %s", describeNode(n))
			return
		}
		for _, e := range n.Content {
			l.check(s, e, t.Elem())
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			l.errAt(s, n, rule.CodePackSchema, "want a mapping, not %s", describeNode(n))
			return
		}
		for _, kv := range pairs(n) {
			l.check(s, kv[1], t.Elem())
		}
	default:
		if n.Kind != yaml.ScalarNode {
			l.errAt(s, n, rule.CodePackSchema, "want a single value, not %s", describeNode(n))
		}
	}
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// yamlFields maps the yaml names of t's fields (inline structs flattened)
// to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// packFile is pack.yaml.
type packFile struct {
	Code         string              `yaml:"code"`
	Name         string              `yaml:"name"`
	Currency     string              `yaml:"currency"`
	TimeZone     string              `yaml:"time_zone"`
	Version      string              `yaml:"version"`
	Extends      string              `yaml:"extends"`
	Loosen       bool                `yaml:"loosen"`
	Sources      []rule.Citation     `yaml:"sources"`
	BuiltinRules yaml.Node           `yaml:"builtin_rules"`
	Params       yaml.Node           `yaml:"params"`
	Lists        map[string][]string `yaml:"lists"`
}

func (l *loader) load() *Pack {
	p := &Pack{}
	ps, ok := l.read(FilePack, true)
	if !ok {
		return p
	}
	var pf packFile
	// Check the plain fields; builtin_rules and params have their own
	// shapes.
	for _, kv := range pairs(ps.root) {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "builtin_rules":
			p.builtinNode = v
		case "params":
			p.paramsNode = v
		default:
			sub := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, v}, Line: k.Line, Column: k.Column}
			var one packFile
			if !l.decode(ps, sub, &one) {
				continue
			}
			mergePackFile(&pf, &one, k.Value)
		}
	}
	p.Code, p.Name, p.Currency, p.TimeZone, p.Version = pf.Code, pf.Name, payment.Currency(pf.Currency), pf.TimeZone, pf.Version
	p.Extends, p.Loosen, p.Sources, p.Lists = pf.Extends, pf.Loosen, pf.Sources, pf.Lists
	p.src = ps
	l.checkPack(ps, p)
	var builtin []aml.Rule
	if p.Extends == "" || p.builtinNode != nil {
		// An overlay adds to a pack that has its built-in rules already.
		builtin = l.builtinRules(ps, p.builtinNode)
	}
	p.Params = l.params(ps, p.paramsNode)

	if s, ok := l.read(FileLimits, false); ok {
		l.limits(s, p)
	}
	if s, ok := l.read(FileKYC, false); ok {
		var pol kyc.Policy
		if l.decode(s, s.root, &pol) {
			p.KYC = &pol
			p.kycSrc = s
		}
	}
	if s, ok := l.read(FileFees, false); ok {
		var pol fees.Policy
		if l.decode(s, s.root, &pol) {
			p.Fees = &pol
			p.feesSrc = s
		}
	}
	if s, ok := l.read(FileProviders, false); ok {
		var pol registry.Policy
		if l.decode(s, s.root, &pol) {
			p.Providers = &pol
			p.provSrc = s
		}
	}
	p.Rules = builtin
	if data, err := fs.ReadFile(l.fsys, path.Join(l.dir, FileRules)); err == nil {
		rs, err := aml.ParseRules(l.display(FileRules), data)
		if err != nil {
			l.errs = append(l.errs, rule.AsList(err)...)
		}
		p.Rules = append(p.Rules, rs...)
	}
	if s, ok := l.read(FileReports, false); ok {
		var rf struct {
			Reports []ReportDuty `yaml:"reports"`
		}
		if l.decode(s, s.root, &rf) {
			p.Reports = rf.Reports
			for i, n := range s.root.Content[1].Content {
				p.reportPos = append(p.reportPos, s.pos(n))
				_ = i
			}
		}
	}
	return p
}

func mergePackFile(dst, one *packFile, key string) {
	switch key {
	case "code":
		dst.Code = one.Code
	case "name":
		dst.Name = one.Name
	case "currency":
		dst.Currency = one.Currency
	case "time_zone":
		dst.TimeZone = one.TimeZone
	case "version":
		dst.Version = one.Version
	case "extends":
		dst.Extends = one.Extends
	case "loosen":
		dst.Loosen = one.Loosen
	case "sources":
		dst.Sources = one.Sources
	case "lists":
		dst.Lists = one.Lists
	}
}

// checkPack validates pack.yaml's fields at their positions.
func (l *loader) checkPack(s *src, p *Pack) {
	node := func(key string) *yaml.Node {
		for _, kv := range pairs(s.root) {
			if kv[0].Value == key {
				return kv[1]
			}
		}
		return s.root
	}
	required := []string{"code", "version"}
	if p.Extends == "" {
		required = append(required, "name", "currency", "time_zone")
	}
	for _, k := range required {
		if node(k) == s.root {
			l.errAt(s, s.root, rule.CodePackSchema, "missing %s", k)
		}
	}
	if p.Code != "" && p.Extends == "" {
		if _, err := payment.ParseCountry(p.Code); err != nil && p.Code != "EU" {
			l.errAt(s, node("code"), rule.CodePackSchema, "code: %v", err)
		}
	}
	if p.Currency != "" {
		if _, err := payment.ParseCurrency(string(p.Currency)); err != nil {
			l.errAt(s, node("currency"), rule.CodePackSchema, "currency: %v", err)
		}
	}
	if p.TimeZone != "" {
		if _, err := time.LoadLocation(p.TimeZone); err != nil || strings.EqualFold(p.TimeZone, "local") {
			l.errAt(s, node("time_zone"), rule.CodePackSchema, "time_zone %q: not an IANA time zone", p.TimeZone)
		}
	}
	for i, c := range p.Sources {
		if c.Law == "" {
			l.errAt(s, node("sources").Content[i], rule.CodePackSchema, "source without law")
		}
	}
}

// builtinRules selects aml.Builtin by builtin_rules.
func (l *loader) builtinRules(s *src, n *yaml.Node) []aml.Rule {
	all := aml.Builtin()
	if n == nil {
		return all
	}
	known := map[rule.ID]bool{}
	for _, r := range all {
		known[r.ID] = true
	}
	ids := func(seq *yaml.Node) map[rule.ID]bool {
		out := map[rule.ID]bool{}
		if seq.Kind != yaml.SequenceNode {
			l.errAt(s, seq, rule.CodePackSchema, "want a list of built-in rule ids")
			return out
		}
		for _, e := range seq.Content {
			if !known[rule.ID(e.Value)] {
				l.errAt(s, e, rule.CodePackSchema, "unknown built-in rule %q", e.Value)
			}
			out[rule.ID(e.Value)] = true
		}
		return out
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Value == "all":
		return all
	case n.Kind == yaml.ScalarNode && n.Value == "none":
		return nil
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && (n.Content[0].Value == "include" || n.Content[0].Value == "exclude"):
		set := ids(n.Content[1])
		include := n.Content[0].Value == "include"
		var out []aml.Rule
		for _, r := range all {
			if set[r.ID] == include {
				out = append(out, r)
			}
		}
		return out
	}
	l.errAt(s, n, rule.CodePackSchema, "builtin_rules: want all, none, {include: [ids]} or {exclude: [ids]}")
	return nil
}

// params converts pack params to the types aml expects: the type of the
// default of the same name, or else by the YAML value (integers, decimal
// strings stay strings, lists of strings).
func (l *loader) params(s *src, n *yaml.Node) map[string]any {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.errAt(s, n, rule.CodePackSchema, "params: want a mapping")
		return nil
	}
	defaults := aml.DefaultParams()
	out := map[string]any{}
	for _, kv := range pairs(n) {
		k, v := kv[0], kv[1]
		def, known := defaults[k.Value]
		if v.Kind == yaml.SequenceNode {
			var ss []string
			for _, e := range v.Content {
				ss = append(ss, e.Value)
			}
			out[k.Value] = ss
			continue
		}
		if v.Kind != yaml.ScalarNode {
			l.errAt(s, v, rule.CodePackSchema, "param %s: want a single value or a list", k.Value)
			continue
		}
		switch def.(type) {
		case decimal.Decimal:
			if v.Tag == "!!float" {
				l.errAt(s, v, rule.CodePackSchema, "param %s: write money as a decimal string such as \"1000000\"", k.Value)
				continue
			}
			d, err := payment.ParseAmount(v.Value)
			if err != nil {
				l.errAt(s, v, rule.CodePackSchema, "param %s: %v", k.Value, err)
				continue
			}
			out[k.Value] = d
		case int, int64:
			i, err := strconv.Atoi(v.Value)
			if err != nil {
				l.errAt(s, v, rule.CodePackSchema, "param %s: want an integer, got %q", k.Value, v.Value)
				continue
			}
			out[k.Value] = i
		case time.Duration:
			d, err := time.ParseDuration(v.Value)
			if err != nil {
				l.errAt(s, v, rule.CodePackSchema, "param %s: want a duration such as \"30m\", got %q", k.Value, v.Value)
				continue
			}
			out[k.Value] = d
		case bool:
			out[k.Value] = v.Value == "true"
		case string:
			out[k.Value] = v.Value
		default:
			if known {
				out[k.Value] = v.Value
				continue
			}
			switch v.Tag {
			case "!!int":
				i, _ := strconv.Atoi(v.Value)
				out[k.Value] = i
			case "!!bool":
				out[k.Value] = v.Value == "true"
			case "!!float":
				l.errAt(s, v, rule.CodePackSchema, "param %s: write money as a decimal string", k.Value)
			default:
				if d, err := payment.ParseAmount(v.Value); err == nil {
					out[k.Value] = d
				} else if dur, err := time.ParseDuration(v.Value); err == nil {
					out[k.Value] = dur
				} else {
					out[k.Value] = v.Value
				}
			}
		}
	}
	return out
}

func (l *loader) limits(s *src, p *Pack) {
	var lf struct {
		Limits []limits.Limit `yaml:"limits"`
	}
	if !l.decode(s, s.root, &lf) {
		return
	}
	p.Limits = lf.Limits
	for _, kv := range pairs(s.root) {
		if kv[0].Value == "limits" {
			for _, n := range kv[1].Content {
				p.limitPos = append(p.limitPos, s.pos(n))
			}
		}
	}
	p.limitsFile = s.name
	for i := range p.Limits {
		r := &p.Limits[i]
		if r.Citation.Confidence == "unverified" && !r.Disabled {
			l.errAt(s, &yaml.Node{Line: p.limitPos[i].Line, Column: p.limitPos[i].Col}, rule.CodePackSchema,
				"limit %s: an unverified figure must be disabled (with disabled_reason) or verified from a primary source", r.ID)
		}
	}
}

// kycErrorPos places a kyc policy error ("cdd[1].amount: …") at its node.
func kycErrorPos(s *src, e *rule.Error) {
	if s == nil || e.Pos.Line > 0 {
		return
	}
	field, _, ok := strings.Cut(e.Msg, ": ")
	if !ok {
		return
	}
	n := s.root
	for _, part := range strings.Split(field, ".") {
		name, idx, hasIdx := strings.Cut(strings.TrimSuffix(part, "]"), "[")
		next := (*yaml.Node)(nil)
		if n.Kind == yaml.MappingNode {
			for _, kv := range pairs(n) {
				if kv[0].Value == name {
					next = kv[1]
				}
			}
		}
		if next == nil {
			break
		}
		n = next
		if hasIdx {
			i, err := strconv.Atoi(idx)
			if err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				break
			}
			n = n.Content[i]
		}
	}
	e.Pos = s.pos(n)
	if n.Line > 0 && n.Line <= len(s.lines) {
		e.Source = s.lines[n.Line-1]
	}
}

// LoadOnce returns a function that loads the pack in folder dir of fsys on
// its first call and returns a new copy ([Pack.Clone]) on every call. It is
// how a built-in pack package exposes its embedded files: the files are
// checked by the package's own tests, so an error here means a build whose
// tests were not run, and LoadOnce panics (the regexp.MustCompile rule for
// package-level literals).
func LoadOnce(fsys fs.FS, dir string) func() *Pack {
	loaded := sync.OnceValue(func() *Pack {
		p, err := Load(fsys, dir)
		if err != nil {
			panic("jurisdiction: embedded pack is invalid: " + err.Error())
		}
		return p
	})
	return func() *Pack { return loaded().Clone() }
}
