package rule

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code is a stable, machine-readable error or finding code, such as
// "aml_type_error". Codes never change once released; messages may.
type Code string

// Codes used across the module. Packages may define more with the same
// "<area>_<what>" shape.
const (
	// CodeInvalidTransaction marks a transaction that failed validation.
	CodeInvalidTransaction Code = "invalid_transaction"
	// CodeEvalError marks a finding produced because a rule failed at run
	// time; its action is the engine's configured fail-closed action.
	CodeEvalError Code = "aml_eval_error"
	// CodeStoreError marks a finding produced by the engine's configured
	// fallback when the store failed.
	CodeStoreError Code = "store_error"
	// CodeLimitExceeded marks a finding from a limit that was exceeded.
	CodeLimitExceeded Code = "limit_exceeded"
	// CodeProhibited marks a finding from a prohibition row.
	CodeProhibited Code = "prohibited"
	// CodeThreshold marks a finding from a threshold that requires
	// verification.
	CodeThreshold Code = "threshold"
	// CodeLimitsSchema marks an invalid limit table row.
	CodeLimitsSchema Code = "limits_schema_error"
	// CodeLimitsOverlap marks limit rows whose effective dates overlap.
	CodeLimitsOverlap Code = "limits_overlap"
	// CodePackSchema marks a pack file that does not follow the schema.
	CodePackSchema Code = "pack_schema_error"
	// CodeParse marks a rule expression that does not parse.
	CodeParse Code = "aml_parse_error"
	// CodeType marks a rule expression that does not type-check.
	CodeType Code = "aml_type_error"
)

// Pos is a position in a source file. Line and Col are 1-based; zero means
// unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String renders "file:line:col", leaving out the parts that are unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// IsValid reports whether the position names at least a file or a line.
func (p Pos) IsValid() bool { return p.File != "" || p.Line > 0 }

// Error is a positioned error with a stable [Code].
type Error struct {
	Pos  Pos    `json:"pos"`
	Code Code   `json:"code"`
	Msg  string `json:"message"`
	// Source is the text of the offending line, when known; Error renders
	// it with a caret under Pos.Col.
	Source string `json:"source,omitempty"`
	// Err is an underlying error, if any, returned by Unwrap.
	Err error `json:"-"`
}

// Error renders "ERROR: file:line:col: code: message", followed by the
// source line and a caret when they are known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ERROR: ")
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Code != "" {
		b.WriteString(string(e.Code))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Source != "" {
		b.WriteString("\n | ")
		b.WriteString(e.Source)
		if e.Pos.Col > 0 {
			b.WriteString("\n | ")
			// Align the caret by runes, expanding tabs as the source does.
			n := 0
			for _, r := range e.Source {
				if n >= e.Pos.Col-1 {
					break
				}
				if r == '\t' {
					b.WriteByte('\t')
				} else {
					b.WriteByte('.')
				}
				n++
			}
			b.WriteByte('^')
		}
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &rule.Error{Code: rule.CodeType}) matches by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code && t.Pos == (Pos{}) && t.Msg == ""
}

// ErrorList is a list of errors, sorted by position by [ErrorList.Sort]. It
// implements error; a nil or empty list is returned as a nil error by
// [ErrorList.Err].
type ErrorList []*Error

// Error renders every error on its own line(s).
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Add appends an error.
func (l *ErrorList) Add(pos Pos, code Code, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file, line and column, keeping the order of errors
// at the same position.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// AsList returns the errors in err as an ErrorList: the list itself if err
// is (or wraps) one, a one-element list if err is an *Error, and nil
// otherwise.
func AsList(err error) ErrorList {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}
	}
	return nil
}
