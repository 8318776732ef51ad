package aml

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"gopkg.in/yaml.v3"
)

// Error codes of this package, beside [rule.CodeParse], [rule.CodeType] and
// [rule.CodeEvalError]. Codes are stable.
const (
	// CodeYAML marks a rule file that is not valid YAML.
	CodeYAML rule.Code = "aml_yaml_error"
	// CodeSchema marks a rule file that is valid YAML but does not follow
	// the rule schema: unknown or missing fields, bad action, bad date.
	CodeSchema rule.Code = "aml_schema_error"
	// CodeDuplicateID marks two rules with the same id whose effective
	// dates overlap.
	CodeDuplicateID rule.Code = "aml_duplicate_id"
	// CodeCost marks a rule whose estimated worst-case cost exceeds the
	// bound ([Options.MaxCost]).
	CodeCost rule.Code = "aml_cost_error"
	// CodeOptions marks invalid [Options]: a parameter, list or function
	// of an unsupported type or name.
	CodeOptions rule.Code = "aml_options_error"
)

// srcMap maps the runes of a text taken from a YAML file (an expression, a
// message) to their positions in that file.
type srcMap struct {
	file  string
	lines []string // the file's lines, shared by every map of the file
	pos   []lineCol
	start lineCol
}

type lineCol struct{ line, col int32 } // 1-based; col counts runes

// posAt returns the file position of rune offset off in the text.
func (m *srcMap) posAt(off int) rule.Pos {
	if m == nil {
		return rule.Pos{}
	}
	lc := m.start
	switch {
	case off >= 0 && off < len(m.pos):
		lc = m.pos[off]
	case off >= len(m.pos) && len(m.pos) > 0:
		lc = m.pos[len(m.pos)-1]
		lc.col++
	}
	return rule.Pos{File: m.file, Line: int(lc.line), Col: int(lc.col)}
}

func (m *srcMap) line(n int) string {
	if m == nil || n < 1 || n > len(m.lines) {
		return ""
	}
	return m.lines[n-1]
}

// newSrcMap aligns the decoded text of a scalar node with the raw file,
// rune by rune, so that positions inside block scalars (| and >), quoted
// scalars (with escapes) and folded plain scalars map to the right file
// line and column.
func newSrcMap(file string, lines []string, n *yaml.Node) *srcMap {
	m := &srcMap{file: file, lines: lines, start: lineCol{int32(n.Line), int32(n.Column)}}
	li, ci := n.Line-1, n.Column-1 // 0-based line and rune column
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		li, ci = n.Line, 0
	}
	if li < 0 || li >= len(lines) {
		return m
	}
	// cursor over raw runes
	lineRunes := []rune(lines[li])
	next := func() (rune, int, int, bool) {
		if ci < len(lineRunes) {
			r, l, c := lineRunes[ci], li, ci
			ci++
			return r, l, c, true
		}
		if li+1 >= len(lines) {
			return 0, 0, 0, false
		}
		l, c := li, ci
		li, ci = li+1, 0
		lineRunes = []rune(lines[li])
		return '\n', l, c, true
	}
	text := n.Value
	m.pos = make([]lineCol, 0, utf8.RuneCountInString(text))
	last := m.start
	for _, v := range text {
		saveL, saveC, saveRunes := li, ci, lineRunes
		found := false
		for scanned := 0; scanned < 4096; scanned++ {
			r, l, c, ok := next()
			if !ok {
				break
			}
			if r == v || (r == '\n' && (v == ' ' || v == '\n')) {
				last = lineCol{int32(l + 1), int32(c + 1)}
				found = true
				break
			}
		}
		if !found {
			li, ci, lineRunes = saveL, saveC, saveRunes
		}
		m.pos = append(m.pos, last)
	}
	return m
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// ParseRules reads the rules of one YAML file. The file is a mapping with a
// "rules" key holding a sequence of rules (or the sequence itself); each
// rule has the keys id, version, description, expr, action, severity,
// citation (law, article, url, confidence, note), effective_from,
// effective_until (YYYY-MM-DD, the last day in force), tags, message, values (a list of name/expr
// pairs) and requires. Positions of every expression are kept, so that
// [Compile] reports errors at file:line:col inside the YAML.
//
// On error, ParseRules returns the rules it could read together with a
// [rule.ErrorList] (codes [CodeYAML] and [CodeSchema]).
func ParseRules(file string, data []byte) ([]Rule, error) {
	lines := splitLines(data)
	var errs rule.ErrorList
	add := func(line, col int, code rule.Code, format string, args ...any) {
		e := &rule.Error{Pos: rule.Pos{File: file, Line: line, Col: col}, Code: code, Msg: fmt.Sprintf(format, args...)}
		if line >= 1 && line <= len(lines) {
			e.Source = lines[line-1]
		}
		errs = append(errs, e)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
		add(line, 0, CodeYAML, "%s", msg)
		return nil, errs
	}
	if len(doc.Content) == 0 {
		add(1, 0, CodeSchema, "empty rule file: want a mapping with a \"rules\" list")
		return nil, errs
	}
	root := doc.Content[0]
	var seq *yaml.Node
	switch root.Kind {
	case yaml.SequenceNode:
		seq = root
	case yaml.MappingNode:
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			switch k.Value {
			case "rules":
				if v.Kind != yaml.SequenceNode {
					add(v.Line, v.Column, CodeSchema, "\"rules\" must be a list of rules")
					continue
				}
				seq = v
			default:
				add(k.Line, k.Column, CodeSchema, "unknown top-level field %q (want \"rules\")", k.Value)
			}
		}
	default:
		add(root.Line, root.Column, CodeSchema, "want a mapping with a \"rules\" list")
	}
	var rules []Rule
	if seq != nil {
		for _, rn := range seq.Content {
			r, ok := parseRule(file, lines, rn, add)
			if ok {
				rules = append(rules, r)
			}
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return rules, errs
	}
	return rules, nil
}

func splitLines(data []byte) []string {
	data = bytes.TrimSuffix(data, []byte("\n"))
	var lines []string
	for _, l := range bytes.Split(data, []byte("\n")) {
		lines = append(lines, strings.TrimSuffix(string(l), "\r"))
	}
	return lines
}

var ruleKeys = []string{"id", "version", "description", "expr", "action", "severity", "citation", "effective_from", "effective_until", "tags", "message", "values", "requires"}

func parseRule(file string, lines []string, n *yaml.Node, add func(int, int, rule.Code, string, ...any)) (Rule, bool) {
	r := Rule{Pos: rule.Pos{File: file, Line: n.Line, Col: n.Column}}
	if n.Kind != yaml.MappingNode {
		add(n.Line, n.Column, CodeSchema, "a rule must be a mapping with id, version, expr and action")
		return r, false
	}
	ok := true
	bad := func(v *yaml.Node, format string, args ...any) {
		add(v.Line, v.Column, CodeSchema, format, args...)
		ok = false
	}
	scalar := func(k, v *yaml.Node) (string, bool) {
		if v.Kind != yaml.ScalarNode {
			bad(v, "%s must be a single value", k.Value)
			return "", false
		}
		return v.Value, true
	}
	strList := func(k, v *yaml.Node) []string {
		if v.Kind != yaml.SequenceNode {
			bad(v, "%s must be a list", k.Value)
			return nil
		}
		var out []string
		for _, e := range v.Content {
			if s, ok := scalar(k, e); ok {
				out = append(out, s)
			}
		}
		return out
	}
	seen := map[string]bool{}
	var exprNode *yaml.Node
	var hasAction bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			bad(k, "field %q given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "id":
			if s, ok := scalar(k, v); ok {
				if !validID(s) {
					bad(v, "invalid rule id %q: want lower-case letters, digits, '_', '-' and '.'", s)
				}
				r.ID = rule.ID(s)
			}
		case "version":
			if s, ok := scalar(k, v); ok {
				r.Version = s
			}
		case "description":
			if s, ok := scalar(k, v); ok {
				r.Description = strings.TrimSpace(s)
			}
		case "expr":
			if s, ok := scalar(k, v); ok {
				r.Expr = s
				r.exprSrc = newSrcMap(file, lines, v)
				exprNode = v
			}
		case "action":
			if s, ok := scalar(k, v); ok {
				a, err := rule.ParseAction(s)
				if err != nil {
					bad(v, "unknown action %q (want allow, review, step_up or block)", s)
				}
				r.Action = a
				hasAction = true
			}
		case "severity":
			if s, ok := scalar(k, v); ok {
				sv, err := ParseSeverity(s)
				if err != nil {
					bad(v, "unknown severity %q (want low, medium, high or critical)", s)
				}
				r.Severity = sv
			}
		case "citation":
			if v.Kind != yaml.MappingNode {
				bad(v, "citation must be a mapping with law, article, url, confidence and note")
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				ck, cv := v.Content[j], v.Content[j+1]
				s, sok := scalar(ck, cv)
				if !sok {
					continue
				}
				switch ck.Value {
				case "law":
					r.Citation.Law = s
				case "article":
					r.Citation.Article = s
				case "url":
					r.Citation.URL = s
				case "confidence":
					switch s {
					case "primary", "secondary", "unverified", "default":
					default:
						bad(cv, "unknown confidence %q (want primary, secondary, unverified or default)", s)
					}
					r.Citation.Confidence = s
				case "note":
					r.Citation.Note = strings.TrimSpace(s)
				default:
					bad(ck, "unknown citation field %q (want law, article, url, confidence or note)", ck.Value)
				}
			}
		case "effective_from", "effective_until":
			if s, ok := scalar(k, v); ok {
				d, err := payment.ParseDate(s)
				if err != nil {
					bad(v, "%s: want a date YYYY-MM-DD, got %q", k.Value, s)
				}
				if k.Value == "effective_from" {
					r.EffectiveFrom = d
				} else {
					r.EffectiveUntil = d
				}
			}
		case "tags":
			r.Tags = strList(k, v)
		case "requires":
			r.Requires = strList(k, v)
		case "message":
			if s, ok := scalar(k, v); ok {
				r.Message = s
				r.msgSrc = newSrcMap(file, lines, v)
			}
		case "values":
			if v.Kind != yaml.SequenceNode {
				bad(v, "values must be a list of name/expr pairs")
				continue
			}
			for _, e := range v.Content {
				ne, ok := parseNamedExpr(file, lines, e, bad)
				if ok {
					r.Values = append(r.Values, ne)
				}
			}
		default:
			bad(k, "unknown field %q (want one of %s)", k.Value, strings.Join(ruleKeys, ", "))
		}
	}
	for _, req := range []struct {
		key     string
		present bool
	}{{"id", r.ID != ""}, {"version", r.Version != ""}, {"expr", exprNode != nil && strings.TrimSpace(r.Expr) != ""}, {"action", hasAction}} {
		if !req.present {
			bad(n, "rule %s: missing required field %q", orUnnamed(r.ID), req.key)
		}
	}
	if !r.EffectiveFrom.IsZero() && !r.EffectiveUntil.IsZero() && r.EffectiveUntil.Before(r.EffectiveFrom) {
		bad(n, "rule %s: effective_until %s is before effective_from %s", orUnnamed(r.ID), r.EffectiveUntil, r.EffectiveFrom)
	}
	return r, ok
}

func orUnnamed(id rule.ID) string {
	if id == "" {
		return "(no id)"
	}
	return string(id)
}

func parseNamedExpr(file string, lines []string, n *yaml.Node, bad func(*yaml.Node, string, ...any)) (NamedExpr, bool) {
	var ne NamedExpr
	if n.Kind != yaml.MappingNode {
		bad(n, "a value must be a mapping with name and expr")
		return ne, false
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			bad(v, "%s must be a single value", k.Value)
			ok = false
			continue
		}
		switch k.Value {
		case "name":
			ne.Name = v.Value
		case "expr":
			ne.Expr = v.Value
			ne.src = newSrcMap(file, lines, v)
		default:
			bad(k, "unknown value field %q (want name or expr)", k.Value)
			ok = false
		}
	}
	if ne.Name == "" || strings.TrimSpace(ne.Expr) == "" {
		bad(n, "a value needs both name and expr")
		ok = false
	}
	return ne, ok
}
