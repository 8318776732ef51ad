package audit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/comply-go/comply/audit"
)

// fork returns the lines of a log of the same first three decisions as
// ds, then others: its record 4 is a valid record that chains to record 3
// of the log of ds, with other content.
func fork(t *testing.T, ds []decided) [][]byte {
	alt := append(slices.Clone(ds[:3]), ds[5], ds[4], ds[3])
	return lines(t, writeLog(t, t.TempDir(), alt, nil))
}

// rehash sets the hash of the record on line l to the sum of its content,
// as a forger would.
func rehash(t *testing.T, l []byte) []byte {
	r, err := audit.ParseRecord(l)
	if err != nil {
		t.Fatal(err)
	}
	r.Hash, _ = r.Sum()
	out, err := r.Line()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTamper changes a log of six records in every way the issue names and
// checks that Verify finds the first bad record and says what happened.
func TestTamper(t *testing.T) {
	ds := loadDecided(t)
	orig := lines(t, writeLog(t, t.TempDir(), ds, nil))
	if len(orig) != 6 {
		t.Fatalf("%d lines", len(orig))
	}
	forged := fork(t, ds)
	if bytes.Equal(forged[3], orig[3]) || !bytes.Equal(forged[2], orig[2]) {
		t.Fatal("the fork does not share exactly three records")
	}
	last, err := audit.ParseRecord(orig[5])
	if err != nil {
		t.Fatal(err)
	}
	head := &audit.Head{Seq: 6, Hash: last.Hash}
	edit := func(i int, from, to string) [][]byte {
		ls := slices.Clone(orig)
		if !bytes.Contains(ls[i], []byte(from)) {
			t.Fatalf("line %d lacks %q", i+1, from)
		}
		ls[i] = bytes.Replace(ls[i], []byte(from), []byte(to), 1)
		return ls
	}
	cut := func(i int) [][]byte { return slices.Delete(slices.Clone(orig), i, i+1) }
	insert := func(i int, l []byte) [][]byte { return slices.Insert(slices.Clone(orig), i, l) }
	swap := func(i, j int) [][]byte {
		ls := slices.Clone(orig)
		ls[i], ls[j] = ls[j], ls[i]
		return ls
	}
	tests := []struct {
		name  string
		lines [][]byte
		raw   []byte // instead of lines
		head  *audit.Head
		kind  audit.Kind
		seq   uint64
		line  int
	}{
		// edit
		{name: "edit amount", lines: edit(2, `"60000"`, `"6000"`), kind: audit.Edited, seq: 3, line: 3},
		{name: "edit action", lines: edit(1, `"action":"block"`, `"action":"allow"`), kind: audit.Edited, seq: 2, line: 2},
		{name: "edit and rehash", lines: func() [][]byte {
			ls := edit(2, `"60000"`, `"6000"`)
			ls[2] = rehash(t, ls[2])
			return ls
		}(), kind: audit.Edited, seq: 3, line: 3},
		{name: "edit last with rehash, head kept elsewhere", lines: func() [][]byte {
			ls := edit(5, `"40000"`, `"4000"`)
			ls[5] = rehash(t, ls[5])
			return ls
		}(), head: head, kind: audit.Edited, seq: 6, line: 6},
		{name: "edit hash syntax", lines: edit(3, `"hash":"`, `"hash":"0`), kind: audit.Malformed, seq: 4, line: 4},
		{name: "edit hash", lines: edit(3, `"hash":"`, `"hash":"`+audit.Genesis+`","x":"`), kind: audit.Malformed, seq: 0, line: 4},
		{name: "replace hash", lines: func() [][]byte {
			ls := slices.Clone(orig)
			r := mustParse(t, ls[3])
			ls[3] = bytes.Replace(ls[3], []byte(r.Hash), []byte(audit.Genesis), 1)
			return ls
		}(), kind: audit.Edited, seq: 4, line: 4},
		{name: "non-canonical spacing", lines: edit(0, `{"seq":1,`, `{"seq": 1,`), kind: audit.Edited, seq: 1, line: 1},
		{name: "substituted record", lines: func() [][]byte {
			ls := slices.Clone(orig)
			ls[3] = forged[3]
			return ls
		}(), kind: audit.Edited, seq: 4, line: 4},
		// delete
		{name: "delete middle", lines: cut(2), kind: audit.Deleted, seq: 3, line: 3},
		{name: "delete first", lines: cut(0), kind: audit.Deleted, seq: 1, line: 1},
		{name: "delete two", lines: slices.Delete(slices.Clone(orig), 1, 3), kind: audit.Deleted, seq: 2, line: 2},
		// insert
		{name: "insert copy", lines: insert(3, orig[2]), kind: audit.Inserted, seq: 3, line: 4},
		{name: "insert forged record with a taken seq", lines: insert(3, forged[3]), kind: audit.Inserted, seq: 4, line: 4},
		{name: "insert forged record at the start", lines: insert(0, forged[3]), kind: audit.Inserted, seq: 4, line: 1},
		{name: "insert forged record after its twin", lines: insert(4, forged[3]), kind: audit.Inserted, seq: 4, line: 5},
		{name: "insert record from far ahead", lines: insert(1, orig[4]), kind: audit.Inserted, seq: 5, line: 2},
		// reorder
		{name: "swap neighbours", lines: swap(2, 3), kind: audit.Reordered, seq: 4, line: 3},
		{name: "swap far", lines: swap(1, 4), kind: audit.Reordered, seq: 5, line: 2},
		{name: "move last first", lines: append([][]byte{orig[5]}, orig[:5]...), kind: audit.Reordered, seq: 6, line: 1},
		// truncate
		{name: "truncate with head", lines: orig[:4], head: head, kind: audit.Truncated, seq: 5, line: 5},
		{name: "truncate to nothing with head", lines: nil, head: head, kind: audit.Truncated, seq: 1, line: 1},
		{name: "torn last line", raw: append(join(orig[:5]), orig[5][:40]...), kind: audit.Truncated, seq: 6, line: 6},
		{name: "torn newline only", raw: bytes.TrimSuffix(join(orig), []byte("\n")), kind: audit.Truncated, seq: 6, line: 6},
		// malformed
		{name: "garbage line", lines: insert(2, []byte("hello")), kind: audit.Malformed, line: 3},
		{name: "empty line", lines: insert(2, nil), kind: audit.Malformed, line: 3},
		{name: "unknown field", lines: edit(0, `{"seq":1,`, `{"seq":1,"x":1,`), kind: audit.Malformed, line: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.raw
			if in == nil {
				in = join(tc.lines)
			}
			res, err := audit.Verify(bytes.NewReader(in), &audit.VerifyOptions{Head: tc.head})
			var ve *audit.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %+v, %v; want a *VerifyError", res, err)
			}
			if !errors.Is(err, audit.ErrBroken) {
				t.Errorf("errors.Is(%v, ErrBroken) = false", err)
			}
			if ve.Kind != tc.kind || ve.Seq != tc.seq || ve.Line != tc.line {
				t.Errorf("Verify: %v\ngot kind %s seq %d line %d, want %s seq %d line %d", err, ve.Kind, ve.Seq, ve.Line, tc.kind, tc.seq, tc.line)
			}
		})
	}

	// Untouched, with and without the head, and with records after it.
	for _, h := range []*audit.Head{nil, head, {Seq: 4, Hash: mustParse(t, orig[3]).Hash}} {
		res, err := audit.Verify(bytes.NewReader(join(orig)), &audit.VerifyOptions{Head: h})
		if err != nil || res.Records != 6 || res.Head != *head {
			t.Errorf("untouched log, head %v: %+v, %v", h, res, err)
		}
		if h != nil && res != nil && res.AfterHead != 6-int(h.Seq) {
			t.Errorf("AfterHead = %d with head %d", res.AfterHead, h.Seq)
		}
	}
	if res, err := audit.Verify(strings.NewReader(""), nil); err != nil || res.Records != 0 || !res.Head.IsZero() {
		t.Errorf("empty log: %+v, %v", res, err)
	}
}

func mustParse(t *testing.T, l []byte) *audit.Record {
	r, err := audit.ParseRecord(l)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReopen checks that OpenFile refuses a damaged log instead of
// chaining onto it, and leaves the file alone.
func TestReopen(t *testing.T) {
	ds := loadDecided(t)
	tests := []struct {
		name   string
		damage func(path string) error
		kind   audit.Kind
	}{
		{"torn last line", func(p string) error {
			b, _ := os.ReadFile(p)
			return os.WriteFile(p, b[:len(b)-30], 0o640)
		}, audit.Truncated},
		{"truncated below the head file", func(p string) error {
			ls := lines(t, p)
			return os.WriteFile(p, join(ls[:4]), 0o640)
		}, audit.Truncated},
		{"log deleted, head file kept", func(p string) error { return os.WriteFile(p, nil, 0o640) }, audit.Truncated},
		{"last record edited", func(p string) error {
			ls := lines(t, p)
			ls[5] = bytes.Replace(ls[5], []byte(`"40000"`), []byte(`"4000"`), 1)
			return os.WriteFile(p, join(ls), 0o640)
		}, audit.Edited},
		{"last record rehashed", func(p string) error {
			ls := lines(t, p)
			ls[5] = rehash(t, bytes.Replace(ls[5], []byte(`"40000"`), []byte(`"4000"`), 1))
			return os.WriteFile(p, join(ls), 0o640)
		}, audit.Edited},
		{"last line garbage", func(p string) error {
			b, _ := os.ReadFile(p)
			return os.WriteFile(p, append(b, "{}\n"...), 0o640)
		}, audit.Malformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeLog(t, t.TempDir(), ds, nil)
			if err := tc.damage(path); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			_, err := audit.OpenFile(path, nil)
			var ve *audit.VerifyError
			if !errors.As(err, &ve) || ve.Kind != tc.kind {
				t.Fatalf("OpenFile = %v, want a %s *VerifyError", err, tc.kind)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Errorf("OpenFile changed the damaged log")
			}
		})
	}
	// A head file that lags one record (crash between the two writes)
	// is fine: the log goes on.
	path := writeLog(t, t.TempDir(), ds[:5], nil)
	h, _ := audit.ReadHeadFile(audit.HeadPath(path))
	full := writeLog(t, t.TempDir(), ds, nil)
	b, _ := os.ReadFile(full)
	os.WriteFile(path, b, 0o640)
	s, err := audit.OpenFile(path, nil)
	if err != nil || s.Head().Seq != 6 || h.Seq != 5 {
		t.Fatalf("lagging head file: %v, head %+v", err, h)
	}
	s.Close()
}

func TestReadHead(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{"seq":0,"hash":""}`, true},
		{`{"seq":3,"hash":"` + audit.Genesis + `"}` + "   \n", true},
		{`{"seq":3,"hash":"abc"}`, false},
		{`{"seq":3}`, false},
		{`{"seq":0,"hash":"` + audit.Genesis + `"}`, false},
		{`{"seq":1,"hash":"` + audit.Genesis + `","x":1}`, false},
		{`[]`, false},
		{`{"seq":1,"hash":"` + audit.Genesis + `"} {}`, false},
	}
	for _, tc := range tests {
		_, err := audit.ReadHead(strings.NewReader(tc.in))
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, audit.ErrMalformed)) {
			t.Errorf("ReadHead(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
	// The head file is fixed-size JSON.
	path := writeLog(t, t.TempDir(), loadDecided(t), nil)
	b, _ := os.ReadFile(audit.HeadPath(path))
	var h audit.Head
	if len(b) != 128 || json.Unmarshal(b, &h) != nil || h.Seq != 6 {
		t.Errorf("head file %q", b)
	}
	if _, err := audit.ReadHeadFile(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing head file: %v", err)
	}
}
