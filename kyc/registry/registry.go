package registry

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// CodeRegister is the error code of a register file that cannot be loaded.
const CodeRegister rule.Code = "register_error"

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Errors. Every load error wraps one of them.
const (
	// ErrSyntax: a malformed line, header or row.
	ErrSyntax sentinel = "registry: syntax error"
	// ErrDuplicate: a number given twice in one register, or two registers
	// with one id.
	ErrDuplicate sentinel = "registry: duplicate"
)

// Entry is one provider on a register.
type Entry struct {
	// Number is the registration number as written in the file.
	Number string
	// Name is the registered name as written in the file.
	Name string
	// Status is the status column, "" when there is none.
	Status string
	// Line is the entry's line in the file.
	Line int

	key string // NormalizeName(Name)
}

// Registered reports whether the entry's status means registered: empty,
// "registered", "licensed" or "active" (any case).
func (e Entry) Registered() bool {
	switch strings.ToLower(strings.TrimSpace(e.Status)) {
	case "", "registered", "licensed", "active":
		return true
	}
	return false
}

// Register is one loaded register. A *Register is immutable and safe for
// concurrent use by multiple goroutines.
type Register struct {
	id, name, authority, source, file string
	asOf                              payment.Date
	entries                           []Entry
	byNumber                          map[string]int
	byName                            map[string][]int
}

// ID returns the register's id, e.g. "kr.fsc.efin".
func (r *Register) ID() string { return r.id }

// Name returns the register's name.
func (r *Register) Name() string { return r.name }

// Authority returns the authority that keeps the register, if given.
func (r *Register) Authority() string { return r.authority }

// Source returns the source header, if given.
func (r *Register) Source() string { return r.source }

// File returns the name the register was loaded from.
func (r *Register) File() string { return r.file }

// AsOf returns the date the register was taken.
func (r *Register) AsOf() payment.Date { return r.asOf }

// Len returns the number of entries.
func (r *Register) Len() int { return len(r.entries) }

// LookupNumber returns the entry with registration number n (compared
// after [NormalizeNumber]).
func (r *Register) LookupNumber(n string) (Entry, bool) {
	i, ok := r.byNumber[NormalizeNumber(n)]
	if !ok {
		return Entry{}, false
	}
	return r.entries[i], true
}

// LookupName returns the entries whose name equals name after
// [NormalizeName], in file order; nil when there is none.
func (r *Register) LookupName(name string) []Entry {
	k := NormalizeName(name)
	if k == "" {
		return nil
	}
	is := r.byName[k]
	if len(is) == 0 {
		return nil
	}
	out := make([]Entry, len(is))
	for j, i := range is {
		out[j] = r.entries[i]
	}
	return out
}

// Parse reads one register file. name is the file name shown in errors
// and decides the separator: tab for names ending in ".tsv", comma
// otherwise. Errors are a [rule.ErrorList], every error at name:line.
func Parse(name string, rd io.Reader) (*Register, error) {
	r := &Register{file: name, byNumber: map[string]int{}, byName: map[string][]int{}}
	var errs rule.ErrorList
	bad := func(line int, base error, format string, args ...any) {
		errs = append(errs, &rule.Error{Pos: rule.Pos{File: name, Line: line}, Code: CodeRegister, Msg: fmt.Sprintf(format, args...), Err: base})
	}
	sep := ','
	if strings.HasSuffix(strings.ToLower(name), ".tsv") {
		sep = '\t'
	}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	headers := map[string]int{}
	cols := map[string]int(nil)
	headerBad := false
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if strings.HasPrefix(text, "##") {
			continue // a comment
		}
		if cols == nil && strings.HasPrefix(text, "#") {
			k, v, ok := strings.Cut(strings.TrimPrefix(text, "#"), ":")
			k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
			if !ok || k == "" {
				bad(line, ErrSyntax, "want a header \"# key: value\", got %q", truncate(text))
				continue
			}
			if _, dup := headers[k]; dup {
				bad(line, ErrSyntax, "header %q given twice", k)
				continue
			}
			headers[k] = line
			switch k {
			case "id":
				r.id = v
			case "name":
				r.name = v
			case "authority":
				r.authority = v
			case "source":
				r.source = v
			case "as_of":
				d, err := payment.ParseDate(v)
				if err != nil {
					bad(line, ErrSyntax, "as_of: %v", err)
				}
				r.asOf = d
			default:
				bad(line, ErrSyntax, "unknown header %q (want id, name, authority, as_of or source)", k)
			}
			continue
		}
		fields, err := splitRow(text, sep)
		if err != nil {
			bad(line, ErrSyntax, "%v", err)
			continue
		}
		if cols == nil {
			before := len(errs)
			cols = map[string]int{}
			for i, f := range fields {
				f = strings.ToLower(strings.TrimSpace(f))
				switch f {
				case "number", "name", "status":
					if _, dup := cols[f]; dup {
						bad(line, ErrSyntax, "column %q given twice", f)
					}
					cols[f] = i
				default:
					bad(line, ErrSyntax, "unknown column %q (want number, name and optionally status)", f)
				}
			}
			for _, need := range []string{"number", "name"} {
				if _, ok := cols[need]; !ok {
					bad(line, ErrSyntax, "no %q column", need)
				}
			}
			if len(cols) != len(fields) || len(errs) > before {
				headerBad = true
			}
			continue
		}
		if headerBad {
			continue // rows cannot be read without good columns
		}
		if len(fields) != len(cols) {
			bad(line, ErrSyntax, "%d fields, want %d", len(fields), len(cols))
			continue
		}
		e := Entry{Line: line, Number: strings.TrimSpace(fields[cols["number"]]), Name: strings.TrimSpace(fields[cols["name"]])}
		if i, ok := cols["status"]; ok {
			e.Status = strings.TrimSpace(fields[i])
		}
		n, k := NormalizeNumber(e.Number), NormalizeName(e.Name)
		switch {
		case n == "":
			bad(line, ErrSyntax, "empty registration number")
			continue
		case k == "":
			bad(line, ErrSyntax, "empty name")
			continue
		}
		if prev, dup := r.byNumber[n]; dup {
			bad(line, ErrDuplicate, "number %q already on line %d", e.Number, r.entries[prev].Line)
			continue
		}
		e.key = k
		r.byNumber[n] = len(r.entries)
		r.byName[k] = append(r.byName[k], len(r.entries))
		r.entries = append(r.entries, e)
	}
	if err := sc.Err(); err != nil {
		bad(line+1, ErrSyntax, "%v", err)
	}
	for _, h := range []string{"id", "name", "as_of"} {
		if _, ok := headers[h]; !ok {
			bad(1, ErrSyntax, "missing header \"# %s: …\"", h)
		}
	}
	for h, v := range map[string]string{"id": r.id, "name": r.name} {
		if l, ok := headers[h]; ok && v == "" {
			bad(l, ErrSyntax, "empty %s", h)
		}
	}
	if r.id != "" && !validID(r.id) {
		bad(headers["id"], ErrSyntax, "id %q: use letters, digits, '.', '_' and '-'", r.id)
	}
	if cols == nil && len(errs) == 0 {
		bad(line, ErrSyntax, "no column-header row (number,name[,status])")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return r, nil
}

func splitRow(text string, sep rune) ([]string, error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sep
	cr.LazyQuotes = false
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("column %d: %v", pe.Column, pe.Err)
		}
		return nil, err
	}
	return rec, nil
}

func validID(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return s != "" && len(s) <= 64
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// Set is the registers a host loaded, by id. A *Set is immutable and safe
// for concurrent use; the nil *Set holds no register.
type Set struct {
	regs map[string]*Register
}

// NewSet indexes registers by id. Two registers with one id are an error
// wrapping [ErrDuplicate].
func NewSet(regs ...*Register) (*Set, error) {
	s := &Set{regs: make(map[string]*Register, len(regs))}
	for _, r := range regs {
		if prev, ok := s.regs[r.id]; ok {
			return nil, fmt.Errorf("%w: register %q in %s and %s", ErrDuplicate, r.id, prev.file, r.file)
		}
		s.regs[r.id] = r
	}
	return s, nil
}

// Register returns the register with id, or nil.
func (s *Set) Register(id string) *Register {
	if s == nil {
		return nil
	}
	return s.regs[id]
}

// IDs returns the ids of the registers, sorted.
func (s *Set) IDs() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.regs))
	for id := range s.regs {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Load parses every .csv and .tsv file in folder dir of fsys (not
// recursively) and returns them as a [Set]. Errors of all files are
// returned together as a [rule.ErrorList].
func Load(fsys fs.FS, dir string) (*Set, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	var regs []*Register
	var errs rule.ErrorList
	for _, e := range ents {
		ext := strings.ToLower(path.Ext(e.Name()))
		if e.IsDir() || ext != ".csv" && ext != ".tsv" {
			continue
		}
		p := path.Join(dir, e.Name())
		f, err := fsys.Open(p)
		if err != nil {
			return nil, fmt.Errorf("registry: %w", err)
		}
		r, err := Parse(p, f)
		f.Close()
		if err != nil {
			errs = append(errs, rule.AsList(err)...)
			continue
		}
		regs = append(regs, r)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return NewSet(regs...)
}

// legalForms are the legal-form words dropped at either end of a name,
// after normalization (punctuation gone, so "Co., Ltd." is "co" "ltd",
// "(주)" and "㈜" are "주").
var legalForms = map[string]bool{
	"co": true, "company": true, "corp": true, "corporation": true, "inc": true, "incorporated": true,
	"ltd": true, "limited": true, "llc": true, "llp": true, "lp": true, "plc": true, "pte": true,
	"gmbh": true, "ag": true, "kg": true, "sa": true, "sas": true, "sarl": true, "srl": true, "spa": true,
	"bv": true, "nv": true, "ab": true, "oy": true, "se": true, "sl": true, "kk": true,
	"주": true, "주식회사": true, "유한회사": true, "유한책임회사": true, "합자회사": true, "합명회사": true,
	"株式会社": true, "有限会社": true, "合同会社": true,
}

// legalAffixes are Korean and Japanese legal forms also dropped when they
// are written together with the name ("주식회사에이페이").
var legalAffixes = []string{"유한책임회사", "주식회사", "유한회사", "합자회사", "합명회사", "株式会社", "有限会社", "合同会社"}

// NormalizeName returns the lookup key of a provider name: width folded,
// NFKC, lower-cased (Unicode simple case mapping), punctuation and spacing removed, legal forms
// dropped at either end. It returns "" for a name with no letters or
// digits. If dropping legal forms would leave nothing, they are kept.
func NormalizeName(s string) string {
	if !isASCII(s) {
		s = norm.NFKC.String(width.Fold.String(s))
	}
	// One pass: letters and digits, lower-cased, into buf; bounds[i] is
	// where token i starts (and bounds[i+1] where it ends).
	buf := make([]byte, 0, len(s))
	var boundsArr [17]int
	bounds := boundsArr[:0]
	inToken := false
	for _, r := range s {
		switch {
		case r == '.' || r == '\'' || r == '’':
			// joins: S.A. → sa
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			if !inToken {
				bounds, inToken = append(bounds, len(buf)), true
			}
			buf = append(buf, byte(r))
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			if !inToken {
				bounds, inToken = append(bounds, len(buf)), true
			}
			buf = append(buf, byte(r)+'a'-'A')
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if !inToken {
				bounds, inToken = append(bounds, len(buf)), true
			}
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		default:
			inToken = false
		}
	}
	bounds = append(bounds, len(buf))
	first, last := 0, len(bounds)-2 // token indexes
	for first <= last && legalForms[string(buf[bounds[first]:bounds[first+1]])] {
		first++
	}
	for last >= first && legalForms[string(buf[bounds[last]:bounds[last+1]])] {
		last--
	}
	if first > last {
		first, last = 0, len(bounds)-2
	}
	if last < first {
		return ""
	}
	k := buf[bounds[first]:bounds[last+1]]
	for _, a := range legalAffixes {
		if rest, ok := bytes.CutPrefix(k, []byte(a)); ok && len(rest) > 0 {
			k = rest
		}
		if rest, ok := bytes.CutSuffix(k, []byte(a)); ok && len(rest) > 0 {
			k = rest
		}
	}
	return string(k)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// NormalizeNumber returns the lookup key of a registration number: NFKC,
// upper case, letters and digits only ("제 2026-0001 호" is "제20260001호").
func NormalizeNumber(s string) string {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
