package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/all"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// parseInterspersed parses flags that may come before or after the
// positional arguments, and returns the positional ones.
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// evalStdin is what comply eval reads for FILE "-" or none; tests replace
// it.
var evalStdin io.Reader = os.Stdin

// maxTxLine is the longest transaction line comply eval reads.
const maxTxLine = 1 << 20

// parseArgs parses args with parseInterspersed. When it fails, ok is false
// and code is the exit code: 0 for -h, 2 for a usage error (the flag set has
// printed it).
func parseArgs(fset *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	pos, err := parseInterspersed(fset, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, 0, false
	}
	if err != nil {
		return nil, 2, false
	}
	return pos, 0, true
}

// runEval implements "comply eval": it reads JSON lines of transactions
// (payment.ParseTransactionJSON, one per line; blank lines skipped) from
// FILE or standard input, judges each with an engine on the embedded
// in-memory store, and prints one decision per line, as JSON (the
// comply.Decision) or as an aligned table with a summary. Transactions are
// judged in file order with the engine clock at each transaction's own
// time (or at --now), so that historical files work; allowed decisions are
// committed, as if the money moved, and the rest keep or drop their
// reservation as the engine says. The packs are the built-in ones (or
// those named with --jurisdiction), with each --pack folder replacing the
// built-in pack of its code. With --audit every decision is appended to a
// hash-chained audit log (package audit), its personal data hashed with
// the key in --audit-key-file, or kept plain with --audit-plain.
//
// A line that does not parse or cannot be judged is reported on standard
// error as FILE:LINE: error, and the run goes on. It exits 0 when every
// line was judged, 1 when some were not, and 2 on usage errors, a pack that
// does not load (printed with positions), an unreadable file or an audit
// log that cannot be written.
func runEval(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("eval", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var packDirs, codes listFlag
	fset.Var(&packDirs, "pack", "a pack `folder` to judge by, replacing the built-in pack of its code (repeatable)")
	fset.Var(&codes, "jurisdiction", "a built-in pack `code` to judge by, e.g. KR (repeatable; default: all)")
	format := fset.String("format", "table", "output `format`: table or json")
	nowFlag := fset.String("now", "", "judge every transaction at this RFC 3339 `time` instead of its own")
	auditPath := fset.String("audit", "", "append every decision to the audit log `FILE` (and FILE.head)")
	keyFile := fset.String("audit-key-file", "", "read the audit log's HMAC key for personal data from `FILE`")
	plain := fset.Bool("audit-plain", false, "keep personal data plain in the audit log")
	syncFlag := fset.String("audit-sync", "always", "when to fsync the audit log: always, interval or never")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply eval [--pack DIR]... [--jurisdiction CODE]... [--format table|json] [--now TIME]")
		fmt.Fprintln(stderr, "                   [--audit FILE (--audit-key-file F | --audit-plain)] [FILE|-]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Judges JSON lines of transactions and prints one decision per line.")
		fset.PrintDefaults()
	}
	pos, code, ok := parseArgs(fset, args)
	if !ok {
		return code
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "comply eval: "+format+"\n", a...)
		return 2
	}
	if len(pos) > 1 {
		return usageErr("one input file at most, got %d", len(pos))
	}
	if *format != "table" && *format != "json" {
		return usageErr("unknown --format %q: use table or json", *format)
	}
	var fixed time.Time
	if *nowFlag != "" {
		var err error
		if fixed, err = time.Parse(time.RFC3339Nano, *nowFlag); err != nil {
			return usageErr("--now: %v", err)
		}
	}
	var auditOpts *audit.Options
	var fileOpts audit.FileOptions
	if *auditPath != "" {
		switch {
		case *keyFile != "" && *plain:
			return usageErr("--audit-key-file and --audit-plain are exclusive")
		case *plain:
			auditOpts = &audit.Options{Plain: true}
		case *keyFile != "":
			key, err := os.ReadFile(*keyFile)
			if err != nil {
				return usageErr("%v", err)
			}
			auditOpts = &audit.Options{Key: bytes.TrimRight(key, "\r\n")}
		default:
			return usageErr("--audit needs --audit-key-file FILE, or --audit-plain to keep personal data plain")
		}
		switch *syncFlag {
		case "always":
			fileOpts.Sync = audit.SyncAlways
		case "interval":
			fileOpts.Sync = audit.SyncInterval
		case "never":
			fileOpts.Sync = audit.SyncNever
		default:
			return usageErr("unknown --audit-sync %q: use always, interval or never", *syncFlag)
		}
	} else if *keyFile != "" || *plain {
		return usageErr("--audit-key-file and --audit-plain need --audit FILE")
	}

	packs, code := evalPacks(packDirs, codes, stderr)
	if code != 0 {
		return code
	}
	var cur time.Time
	clock := func() time.Time { return cur }
	eng, err := comply.New(&comply.Options{Packs: packs, Now: clock})
	if err != nil {
		fmt.Fprintf(stderr, "comply eval: %v\n", err)
		return 2
	}

	name, in := "-", evalStdin
	if len(pos) == 1 && pos[0] != "-" {
		name = pos[0]
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "comply eval: %v\n", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	if name == "-" {
		name = "<stdin>"
	}

	var log *audit.Log
	if auditOpts != nil {
		sink, err := audit.OpenFile(*auditPath, &fileOpts)
		if err != nil {
			fmt.Fprintf(stderr, "comply eval: %s: %v\n", *auditPath, err)
			return 2
		}
		auditOpts.Now = clock
		if log, err = audit.New(sink, auditOpts); err != nil {
			sink.Close()
			fmt.Fprintf(stderr, "comply eval: %v\n", err)
			return 2
		}
		defer func() {
			if err := log.Close(); err != nil {
				fmt.Fprintf(stderr, "comply eval: %s: %v\n", *auditPath, err)
			}
		}()
	}

	ctx := context.Background()
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	var tw *tabwriter.Writer
	if *format == "table" {
		tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "TX\tACTION\tRULES\tREPORTS")
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var (
		lineNo, bad int
		byAction    [int(rule.Block) + 1]int
	)
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		b, rerr := readLine(br)
		if len(b) > 0 || rerr == nil {
			lineNo++
		}
		if rerr != nil && rerr != io.EOF {
			if errors.Is(rerr, errLineTooLong) {
				fmt.Fprintf(stderr, "%s:%d: %v\n", name, lineNo, rerr)
				bad++
				continue
			}
			fmt.Fprintf(stderr, "comply eval: %s: %v\n", name, rerr)
			return 2
		}
		if len(bytes.TrimSpace(b)) > 0 {
			tx, err := payment.ParseTransactionJSON(b)
			if err != nil {
				fmt.Fprintf(stderr, "%s:%d: %v\n", name, lineNo, err)
				bad++
			} else {
				cur = tx.Time
				if !fixed.IsZero() {
					cur = fixed
				}
				d, err := eng.Evaluate(ctx, tx)
				if err != nil {
					fmt.Fprintf(stderr, "%s:%d: %s: %v\n", name, lineNo, tx.ID, err)
					bad++
				} else {
					if log != nil {
						if _, err := log.Append(ctx, tx, d); err != nil {
							fmt.Fprintf(stderr, "comply eval: %s:%d: %s: %v\n", name, lineNo, tx.ID, err)
							return 2
						}
					}
					if d.Allowed() && d.Reserved {
						if err := d.Commit(ctx); err != nil {
							fmt.Fprintf(stderr, "%s:%d: %s: commit: %v\n", name, lineNo, tx.ID, err)
							bad++
						}
					}
					byAction[d.Action]++
					if tw != nil {
						printDecisionRow(tw, d)
					} else if err := enc.Encode(d); err != nil {
						fmt.Fprintf(stderr, "comply eval: %v\n", err)
						return 2
					}
				}
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	if tw != nil {
		tw.Flush()
		n := 0
		for _, c := range byAction {
			n += c
		}
		fmt.Fprintf(w, "%d decisions: allow %d, review %d, step_up %d, block %d; %d lines not judged\n",
			n, byAction[rule.Allow], byAction[rule.Review], byAction[rule.StepUp], byAction[rule.Block], bad)
	}
	if bad > 0 {
		return 1
	}
	return 0
}

var errLineTooLong = errors.New("line longer than 1 MiB")

// readLine returns the next line without its newline; io.EOF comes with
// the last line when it has no newline.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)+len(frag) > maxTxLine {
			// Skip to the end of the line.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err == nil {
				return nil, errLineTooLong
			}
			return nil, err
		}
		buf = append(buf, frag...)
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r")), nil
		default:
			return buf, err
		}
	}
}

// printDecisionRow writes one table row: tx id, action, finding rules,
// report duties.
func printDecisionRow(w io.Writer, d *comply.Decision) {
	action := d.Action.String()
	if d.Duplicate {
		action += " (duplicate)"
	}
	var rules []string
	for _, f := range d.Findings {
		if !slices.Contains(rules, string(f.Rule)) {
			rules = append(rules, string(f.Rule))
		}
	}
	var reps []string
	for _, r := range d.Reports {
		reps = append(reps, string(r.Kind)+" "+string(r.Rule))
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", d.TxID, action, orDash(strings.Join(rules, ",")), orDash(strings.Join(reps, ",")))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// loadPackFolder loads the pack in folder dir of fsys (named name in
// errors); an overlay is layered over the built-in pack it extends.
func loadPackFolder(fsys fs.FS, dir, name string) (*jurisdiction.Pack, error) {
	p, err := jurisdiction.Load(fsys, dir)
	if err != nil || p.Extends == "" {
		return p, err
	}
	base := builtinPack(strings.ToUpper(p.Extends))
	if base == nil {
		return nil, fmt.Errorf("%s extends %s, which is not a built-in pack", name, p.Extends)
	}
	return jurisdiction.Overlay(base, p)
}

// evalPacks returns the packs to judge by: the built-in packs (all, or
// those named in codes) with each folder of dirs replacing the built-in
// pack of its code. It prints errors and returns exit code 2 on failure.
func evalPacks(dirs, codes []string, stderr io.Writer) ([]*jurisdiction.Pack, int) {
	var packs []*jurisdiction.Pack
	for _, c := range codes {
		p := builtinPack(strings.ToUpper(c))
		if p == nil {
			var known []string
			for _, b := range all.Builtins() {
				known = append(known, b.Code)
			}
			fmt.Fprintf(stderr, "comply eval: no built-in pack %q (built in: %s)\n", c, strings.Join(known, ", "))
			return nil, 2
		}
		packs = append(packs, p)
	}
	if len(codes) == 0 {
		packs = all.Packs()
	}
	for _, d := range dirs {
		fsys, dir, root := dirFS(d)
		p, err := loadPackFolder(fsys, dir, d)
		if err != nil {
			list := rule.AsList(err)
			if len(list) == 0 {
				fmt.Fprintf(stderr, "comply eval: %s: %v\n", d, err)
			}
			for _, e := range list {
				if root != "" && e.Pos.File != "" {
					e.Pos.File = filepath.Join(root, filepath.FromSlash(e.Pos.File))
				}
				fmt.Fprintln(stderr, e.Error())
			}
			fmt.Fprintf(stderr, "comply eval: pack %s does not load\n", d)
			return nil, 2
		}
		packs = slices.DeleteFunc(packs, func(q *jurisdiction.Pack) bool { return q.Code == p.Code })
		packs = append(packs, p)
	}
	return packs, 0
}
