package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/comply-go/comply/internal/replay"
	"github.com/comply-go/comply/internal/report"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/rule"
)

// runReplay implements "comply replay --pack OLD --pack NEW FILE": it
// backtests the JSON lines of FILE (- for stdin) under two editions of the
// packs with package internal/replay and prints outcomes per side, the
// transition matrix, decisions per rule and the first changed decisions
// with the rules added and removed (--json: the same as one JSON object).
// --html FILE writes a self-contained HTML report with inline SVG charts.
// A --pack is a pack folder (an overlay, extends: KR, is layered over the
// built-in pack) or the code of a built-in pack (kr, us, ...). The progress
// bar goes to stderr when stderr is a terminal, or when --progress is set.
// It exits 0 when no decision changed, 1 when some did (as diff does), and
// 2 on usage errors, packs that do not load, and unreadable input or input
// without a single valid transaction.
func runReplay(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("replay", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var packs listFlag
	fset.Var(&packs, "pack", "a `PACK` folder or built-in pack code; give it twice: OLD, then NEW")
	jsonOut := fset.Bool("json", false, "print the result as a JSON object")
	htmlOut := fset.String("html", "", "write an HTML report with charts to `FILE`")
	changes := fset.Int("changes", 20, "list the first `N` changed decisions")
	progress := progressFlag{auto: true}
	fset.Var(&progress, "progress", "show a progress bar on stderr: true, false, or auto (when stderr is a terminal)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply replay --pack OLD --pack NEW [--json] [--html FILE] [--changes N] [--progress] FILE")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Backtests JSON lines of transactions (FILE, or - for stdin) under two pack")
		fmt.Fprintln(stderr, "editions and reports which decisions change and why. A pack is a folder or a")
		fmt.Fprintln(stderr, "built-in code (kr). Exit status: 0 nothing changed, 1 decisions changed, 2 error.")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(packs) != 2 || fset.NArg() != 1 {
		fmt.Fprintln(stderr, "comply replay: want exactly two --pack (OLD and NEW) and one FILE")
		fset.Usage()
		return 2
	}
	if *changes < 0 {
		fmt.Fprintln(stderr, "comply replay: --changes must not be negative")
		return 2
	}
	sides := make([]*jurisdiction.Pack, 2)
	for i, arg := range packs {
		p, err := loadPack(arg)
		if err != nil {
			printPackError(stderr, arg, err)
			return 2
		}
		sides[i] = p
	}

	file := fset.Arg(0)
	var in io.Reader
	var size int64 = -1
	if file == "-" {
		in = os.Stdin
	} else {
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintf(stderr, "comply replay: %v\n", err)
			return 2
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			if st.IsDir() {
				fmt.Fprintf(stderr, "comply replay: %s is a folder, not a file of transactions\n", file)
				return 2
			}
			size = st.Size()
		}
		in = f
	}

	opts := &replay.Options{
		Old: sides[:1], New: sides[1:], OldName: packs[0], NewName: packs[1],
		MaxChanges: *changes,
	}
	if *changes == 0 {
		opts.MaxChanges = -1
	}
	var bar *progressBar
	if progress.on(stderr) {
		bar = &progressBar{w: stderr, total: size, last: -1}
		opts.Progress = bar.update
	}
	// A replay holds two stores of every transaction's entries; collecting
	// garbage less often saves about a tenth of the time (BENCHMARKS.md).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	res, err := replay.Run(context.Background(), in, opts)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		fmt.Fprintf(stderr, "comply replay: %v\n", err)
		return 2
	}
	if res.Transactions == 0 {
		for _, m := range res.Malformed {
			fmt.Fprintf(stderr, "%s:%d: %s\n", file, m.Line, m.Err)
		}
		fmt.Fprintf(stderr, "comply replay: %s: no valid transaction (%d malformed lines)\n", file, res.MalformedLines)
		return 2
	}
	if *htmlOut != "" {
		if err := writeReport(*htmlOut, file, res); err != nil {
			fmt.Fprintf(stderr, "comply replay: %v\n", err)
			return 2
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "comply replay: %v\n", err)
			return 2
		}
	} else if err := res.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "comply replay: %v\n", err)
		return 2
	}
	if res.Changed > 0 {
		return 1
	}
	return 0
}

func writeReport(path, input string, res *replay.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.Write(f, res, &report.Options{Title: "comply replay: " + input}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadPack loads --pack arg: a folder holding a pack.yaml (an overlay is
// layered over the built-in pack it extends), else a built-in pack code.
func loadPack(arg string) (*jurisdiction.Pack, error) {
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return loadPackFolder(os.DirFS(arg), ".", arg)
	}
	if p := builtinPack(strings.ToUpper(arg)); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%s is neither a pack folder nor a built-in pack code", arg)
}

// printPackError prints the positioned errors of a pack that does not load,
// with file names relative to the working directory.
func printPackError(w io.Writer, arg string, err error) {
	list := rule.AsList(err)
	if len(list) == 0 {
		fmt.Fprintf(w, "comply replay: --pack %s: %v\n", arg, err)
		return
	}
	for _, e := range list {
		if e.Pos.File != "" {
			e.Pos.File = strings.TrimSuffix(arg, "/") + "/" + e.Pos.File
		}
		fmt.Fprintln(w, e.Error())
	}
	fmt.Fprintf(w, "comply replay: --pack %s: does not load\n", arg)
}

// progressFlag is --progress: a boolean flag that defaults to auto.
type progressFlag struct {
	auto, value bool
}

func (p *progressFlag) String() string {
	if p == nil || p.auto {
		return "auto"
	}
	return strconv.FormatBool(p.value)
}

func (p *progressFlag) Set(s string) error {
	if s == "auto" {
		p.auto = true
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true, false or auto")
	}
	p.auto, p.value = false, v
	return nil
}

func (p *progressFlag) IsBoolFlag() bool { return true }

// on reports whether to draw the bar on w.
func (p *progressFlag) on(w io.Writer) bool {
	if !p.auto {
		return p.value
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "replay [#####-----]  50%  1234 tx" on one line,
// redrawn with a carriage return at each whole percent of the input (or
// every 10,000 transactions when the input's size is unknown), and ends it
// with the final count and a newline.
type progressBar struct {
	w     io.Writer
	total int64 // input bytes, -1 if unknown
	last  int64 // last percent (or 10,000-transaction step) drawn
	n     int
}

const barWidth = 30

func (b *progressBar) update(done int64, n int) {
	b.n = n
	if b.total <= 0 {
		if step := int64(n / 10000); step > b.last {
			b.last = step
			fmt.Fprintf(b.w, "\rreplay %d tx", n)
		}
		return
	}
	pct := done * 100 / b.total
	if pct > 100 {
		pct = 100
	}
	if pct <= b.last {
		return
	}
	b.last = pct
	b.draw(pct)
}

func (b *progressBar) draw(pct int64) {
	fill := int(pct) * barWidth / 100
	fmt.Fprintf(b.w, "\rreplay [%s%s] %3d%%  %d tx", strings.Repeat("#", fill), strings.Repeat("-", barWidth-fill), pct, b.n)
}

func (b *progressBar) finish() {
	switch {
	case b.total <= 0:
		fmt.Fprintf(b.w, "\rreplay %d tx\n", b.n)
	case b.last < 100:
		b.last = 100
		b.draw(100)
		fmt.Fprintln(b.w)
	default:
		fmt.Fprintln(b.w)
	}
}
