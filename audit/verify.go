package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Kind classifies what is wrong with a log.
type Kind uint8

// The kinds of damage Verify tells apart. The zero Kind is not used.
const (
	// Malformed: a line is not a record (not JSON, unknown or missing
	// fields, bad hash syntax, too long).
	Malformed Kind = iota + 1
	// Edited: a record's content does not match its hash, is not in
	// canonical form, or does not match the hash the next record (or the
	// head) holds for it.
	Edited
	// Deleted: records are missing (a gap in Seq, or a log that does not
	// start at record 1).
	Deleted
	// Inserted: a line that does not belong: a second record with a Seq
	// already taken, or an extra line between two records that chain.
	Inserted
	// Reordered: a record comes before one with a lower Seq.
	Reordered
	// Truncated: records are cut off the end (fewer than the head says),
	// or the last line is torn (no final newline).
	Truncated
)

var kindNames = [...]string{"", "malformed", "edited", "deleted", "inserted", "reordered", "truncated"}

// String returns the kind's lower-case name, e.g. "edited".
func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// ErrBroken is matched (errors.Is) by every *VerifyError: the log does not
// verify.
const ErrBroken sentinel = "audit: the log does not verify"

// VerifyError names the first bad record of a log. Seq is the record's
// sequence number (for Deleted and Truncated, the first missing one; 0
// when unknown) and Line its 1-based line in the log (for Truncated, the
// line after the last). Use errors.As to get it, errors.Is(err, ErrBroken)
// to test for it.
type VerifyError struct {
	Kind Kind   `json:"kind"`
	Seq  uint64 `json:"seq,omitempty"`
	Line int    `json:"line,omitempty"`
	Msg  string `json:"message"`
	// Err is the underlying error, if any (a parse error for Malformed).
	Err error `json:"-"`
}

// Error renders "audit: line L: record S: kind: message".
func (e *VerifyError) Error() string {
	var b bytes.Buffer
	b.WriteString("audit: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Seq > 0 {
		fmt.Fprintf(&b, "record %d: ", e.Seq)
	}
	fmt.Fprintf(&b, "%s: %s", e.Kind, e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *VerifyError) Unwrap() error { return e.Err }

// Is reports whether target is ErrBroken.
func (e *VerifyError) Is(target error) bool { return target == ErrBroken }

// VerifyOptions configures Verify. The zero value (or nil) checks the
// chain alone.
type VerifyOptions struct {
	// Head, when set, is the head the log must reach: its record Seq must
	// be in the log with Hash. A log that ends earlier is Truncated.
	// Records after it are counted in Result.AfterHead. Default: none (a
	// chain alone cannot show that its last records were cut off).
	Head *Head
	// MaxLineBytes is the longest line accepted. Default: 1 MiB.
	MaxLineBytes int
}

// Result is what Verify found in a sound log.
type Result struct {
	// Records is the number of records.
	Records int `json:"records"`
	// Head is the last record's Seq and Hash (zero for an empty log).
	Head Head `json:"head"`
	// AfterHead counts the records after VerifyOptions.Head, written after
	// that head was taken (or after a crash before the head file was
	// rewritten).
	AfterHead int `json:"after_head,omitempty"`
}

// Verify reads a log in JSON lines from r and checks every record: that it
// parses, that its hash is the SHA-256 of its canonical encoding and that
// the line is that encoding, that Seq runs 1, 2, 3… and that each Prev is
// the Hash of the record before (Genesis for the first). With opts.Head it
// also checks that the log reaches that head.
//
// It returns a *VerifyError (matching ErrBroken) for the first bad record,
// classified as Malformed, Edited, Deleted, Inserted, Reordered or
// Truncated, and any other error for a failure to read r. Verify never
// panics, whatever r holds.
func Verify(r io.Reader, opts *VerifyOptions) (*Result, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 1 << 20
	}
	lr := &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: o.MaxLineBytes}
	res := &Result{}
	prevHash, prevPrev := Genesis, ""
	var prevSeq uint64
	headSeen := false
	for {
		ln, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e := prevSeq + 1
		switch {
		case ln.tooLong:
			return nil, &VerifyError{Kind: Malformed, Seq: 0, Line: ln.n, Msg: fmt.Sprintf("line longer than %d bytes", o.MaxLineBytes)}
		case ln.torn:
			return nil, &VerifyError{Kind: Truncated, Seq: e, Line: ln.n, Msg: "torn last line: the log does not end with a newline"}
		}
		rec, perr := ParseRecord(ln.b)
		if perr != nil {
			return nil, &VerifyError{Kind: Malformed, Line: ln.n, Msg: strings.TrimPrefix(perr.Error(), string(ErrMalformed)+": "), Err: perr}
		}
		if verr := checkRecord(rec, ln.b); verr != nil {
			verr.Line, verr.Seq = ln.n, rec.Seq
			return nil, verr
		}
		s := rec.Seq
		switch {
		case s == e && rec.Prev == prevHash:
			// in place
		case s == e && e == 1:
			return nil, &VerifyError{Kind: Edited, Seq: 1, Line: ln.n, Msg: fmt.Sprintf("the first record's prev is %s, not the genesis value", short(rec.Prev))}
		case s == e:
			if nx := lr.peekInfo(); nx != nil && nx.Seq == e && nx.Prev == prevHash {
				return nil, &VerifyError{Kind: Inserted, Seq: s, Line: ln.n, Msg: fmt.Sprintf("record %d does not chain to record %d, and the next line holds a record %d that does", s, prevSeq, s)}
			}
			return nil, &VerifyError{Kind: Edited, Seq: prevSeq, Line: ln.n - 1, Msg: fmt.Sprintf("its hash %s is not the prev %s of record %d on the next line: one of the two was rewritten", short(prevHash), short(rec.Prev), s)}
		case s < e:
			if s == prevSeq && rec.Prev == prevPrev {
				if rec.Hash == prevHash {
					return nil, &VerifyError{Kind: Inserted, Seq: s, Line: ln.n, Msg: fmt.Sprintf("a copy of record %d on line %d", s, ln.n-1)}
				}
				at := ln.n
				if nx := lr.peekInfo(); nx != nil && nx.Prev == rec.Hash {
					at = ln.n - 1 // the chain goes on from this line: the other one is the intruder
				}
				return nil, &VerifyError{Kind: Inserted, Seq: s, Line: at, Msg: fmt.Sprintf("lines %d and %d both hold a record %d", ln.n-1, ln.n, s)}
			}
			return nil, &VerifyError{Kind: Inserted, Seq: s, Line: ln.n, Msg: fmt.Sprintf("record %d comes after record %d", s, prevSeq)}
		default: // s > e
			again, at, chains := lr.scanRest(s, e, rec.Prev)
			switch {
			case again > 0:
				return nil, &VerifyError{Kind: Inserted, Seq: s, Line: ln.n, Msg: fmt.Sprintf("record %d is out of place and line %d holds another record %d", s, again, s)}
			case at > 0 && chains:
				return nil, &VerifyError{Kind: Reordered, Seq: s, Line: ln.n, Msg: fmt.Sprintf("record %d comes before record %d (line %d)", s, e, at)}
			case at > 0:
				return nil, &VerifyError{Kind: Inserted, Seq: s, Line: ln.n, Msg: fmt.Sprintf("record %d fits nowhere in the chain; record %d follows on line %d", s, e, at)}
			case s == e+1:
				return nil, &VerifyError{Kind: Deleted, Seq: e, Line: ln.n, Msg: fmt.Sprintf("record %d is missing: line %d holds record %d", e, ln.n, s)}
			default:
				return nil, &VerifyError{Kind: Deleted, Seq: e, Line: ln.n, Msg: fmt.Sprintf("records %d to %d are missing: line %d holds record %d", e, s-1, ln.n, s)}
			}
		}
		if o.Head != nil && s == o.Head.Seq {
			if rec.Hash != o.Head.Hash {
				return nil, &VerifyError{Kind: Edited, Seq: s, Line: ln.n, Msg: fmt.Sprintf("its hash %s is not the head's %s", short(rec.Hash), short(o.Head.Hash))}
			}
			headSeen = true
		}
		prevPrev, prevHash, prevSeq = rec.Prev, rec.Hash, s
		res.Records++
	}
	res.Head = Head{Seq: prevSeq, Hash: prevHash}
	if prevSeq == 0 {
		res.Head = Head{}
	}
	if h := o.Head; h != nil && h.Seq > 0 {
		if !headSeen {
			msg := fmt.Sprintf("the log ends at record %d; the head names record %d", prevSeq, h.Seq)
			if prevSeq == 0 {
				msg = fmt.Sprintf("the log is empty; the head names record %d", h.Seq)
			}
			return nil, &VerifyError{Kind: Truncated, Seq: prevSeq + 1, Line: lr.n + 1, Msg: msg}
		}
		res.AfterHead = int(prevSeq - h.Seq)
	}
	return res, nil
}

// checkRecord checks one record on its own: field syntax, hash, and that
// b (the line without newline) is its canonical line.
func checkRecord(r *Record, b []byte) *VerifyError {
	switch {
	case r.Seq == 0:
		return &VerifyError{Kind: Malformed, Msg: "seq is missing or 0"}
	case !isHex64(r.Prev):
		return &VerifyError{Kind: Malformed, Msg: fmt.Sprintf("prev %q is not 64 hex digits", r.Prev)}
	case !isHex64(r.Hash):
		return &VerifyError{Kind: Malformed, Msg: fmt.Sprintf("hash %q is not 64 hex digits", r.Hash)}
	case r.PII == PIIHMAC && r.KeyID == "":
		return &VerifyError{Kind: Malformed, Msg: "pii is hmac-sha256 without a key_id"}
	case r.PII == PIIPlain && r.KeyID != "":
		return &VerifyError{Kind: Malformed, Msg: "pii is plain with a key_id"}
	case r.PII != PIIHMAC && r.PII != PIIPlain:
		return &VerifyError{Kind: Malformed, Msg: fmt.Sprintf("pii %q is neither %s nor %s", r.PII, PIIHMAC, PIIPlain)}
	}
	c, err := r.Canonical()
	if err != nil {
		return &VerifyError{Kind: Malformed, Msg: err.Error(), Err: err}
	}
	sum, _ := sumHex(c)
	if sum != r.Hash {
		return &VerifyError{Kind: Edited, Msg: fmt.Sprintf("its content hashes to %s, not to its hash %s", short(sum), short(r.Hash))}
	}
	if !bytes.Equal(b, line(c, r.Hash)) {
		return &VerifyError{Kind: Edited, Msg: "the line is not the record's canonical encoding"}
	}
	return nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// rawLine is one line of the input, without its newline.
type rawLine struct {
	n       int
	b       []byte
	torn    bool // no final newline
	tooLong bool
}

// lineReader reads lines with a bound on their length and one line of
// look-ahead.
type lineReader struct {
	br     *bufio.Reader
	max    int
	n      int
	peeked *rawLine
	perr   error
}

func (lr *lineReader) next() (*rawLine, error) {
	if lr.peeked != nil || lr.perr != nil {
		ln, err := lr.peeked, lr.perr
		lr.peeked, lr.perr = nil, nil
		return ln, err
	}
	return lr.read()
}

func (lr *lineReader) read() (*rawLine, error) {
	var buf []byte
	ln := &rawLine{}
	for {
		frag, err := lr.br.ReadSlice('\n')
		if len(buf)+len(frag) > lr.max+1 {
			ln.tooLong = true
		} else {
			buf = append(buf, frag...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(buf) == 0 && !ln.tooLong {
				return nil, io.EOF
			}
			ln.torn = true
			break
		}
		if err != nil {
			return nil, err
		}
		break
	}
	lr.n++
	ln.n = lr.n
	ln.b = bytes.TrimSuffix(buf, []byte("\n"))
	return ln, nil
}

// info is the part of a record that look-ahead needs.
type info struct {
	Seq  uint64 `json:"seq"`
	Prev string `json:"prev"`
	Hash string `json:"hash"`
}

// peekInfo returns the position fields of the next line, or nil.
func (lr *lineReader) peekInfo() *info {
	if lr.peeked == nil && lr.perr == nil {
		lr.peeked, lr.perr = lr.read()
	}
	if lr.peeked == nil || lr.peeked.tooLong {
		return nil
	}
	var in info
	if json.Unmarshal(lr.peeked.b, &in) != nil {
		return nil
	}
	return &in
}

// scanRest reads the rest of the input and returns the first line after
// the current one that holds seq again, the first that holds want (0 when
// none), and whether a record seq-1 with hash prev is among them: then the
// record seq belongs after it.
func (lr *lineReader) scanRest(seq, want uint64, prev string) (again, at int, chains bool) {
	for {
		ln, err := lr.next()
		if err != nil {
			return again, at, chains
		}
		var in info
		if ln.tooLong || json.Unmarshal(ln.b, &in) != nil {
			continue
		}
		if in.Seq == seq && again == 0 {
			again = ln.n
		}
		if in.Seq == want && at == 0 {
			at = ln.n
		}
		if in.Seq == seq-1 && in.Hash == prev {
			chains = true
		}
	}
}
