package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/all"
	"github.com/comply-go/comply/packtest"
	"github.com/comply-go/comply/rule"
)

// runTest implements "comply test DIR...": it runs the tests.yaml of each
// pack folder with package packtest and prints "PASS name" or "FAIL
// file:line name: reason" per case, then a summary line per folder and one
// for the whole run. DIR/... means every folder under DIR that holds a
// pack.yaml. An overlay (extends: KR), or a case's pack named by code, whose
// folder is not beside the pack is taken from the built-in packs. It exits 0 when every case passes, 1 when a case fails and 2
// when a pack or test file does not load (printed with positions) or on
// usage errors.
func runTest(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("test", flag.ContinueOnError)
	fset.SetOutput(stderr)
	quiet := fset.Bool("q", false, "print only failures and summaries")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply test [-q] DIR...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs the tests.yaml of each jurisdiction pack folder. DIR/... means every")
		fmt.Fprintln(stderr, "folder under DIR that holds a pack.yaml.")
		fset.PrintDefaults()
	}
	var flags, dirs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			dirs = append(dirs, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
		default:
			dirs = append(dirs, a)
		}
	}
	if err := fset.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	dirs = append(dirs, fset.Args()...)
	if len(dirs) == 0 {
		fset.Usage()
		return 2
	}
	var expanded []string
	for _, d := range dirs {
		ds, err := expand(d)
		if err != nil {
			fmt.Fprintf(stderr, "comply test: %v\n", err)
			return 2
		}
		expanded = append(expanded, ds...)
	}

	var packs, failedPacks, broken, cases, failed int
	for _, d := range expanded {
		packs++
		fsys, dir := dirFS(d)
		res, err := packtest.RunDir(fsys, dir, &packtest.Options{Packs: builtinPack})
		if err != nil {
			broken++
			printLoadError(stdout, err)
			fmt.Fprintf(stdout, "ERROR %s: does not load\n", d)
			continue
		}
		for i := range res.Cases {
			c := &res.Cases[i]
			cases++
			if c.Passed() {
				if !*quiet {
					fmt.Fprintf(stdout, "PASS %s\n", c.Name)
				}
				continue
			}
			failed++
			for j, f := range c.Failures {
				if j == 0 {
					fmt.Fprintf(stdout, "FAIL %s:%d %s: step %d (%s): %s\n", c.Pos.File, c.Pos.Line, c.Name, f.Step, f.TxID, f.Msg)
				} else {
					fmt.Fprintf(stdout, "     step %d (%s) at line %d: %s\n", f.Step, f.TxID, f.Pos.Line, f.Msg)
				}
				for _, l := range f.Details {
					fmt.Fprintf(stdout, "         %s\n", l)
				}
			}
		}
		status := "ok  "
		if n := res.Failed(); n > 0 {
			failedPacks++
			status = "FAIL"
		}
		fmt.Fprintf(stdout, "%s %s (%s %s): %d passed, %d failed\n", status, d, res.Pack.Code, res.Pack.Version, len(res.Cases)-res.Failed(), res.Failed())
	}
	switch {
	case broken > 0:
		fmt.Fprintf(stdout, "ERROR: %d of %d packs do not load; %d of %d cases failed\n", broken, packs, failed, cases)
		return 2
	case failed > 0:
		fmt.Fprintf(stdout, "FAIL: %d of %d cases failed in %d of %d packs\n", failed, cases, failedPacks, packs)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d cases passed in %d packs\n", cases, packs)
	return 0
}

// builtinPack returns a new copy of the built-in pack of code, or nil: the
// base of an overlay, or a pack a case names, whose folder is not beside
// the pack under test.
func builtinPack(code string) *jurisdiction.Pack {
	for _, b := range all.Builtins() {
		if b.Code == code {
			return b.Pack()
		}
	}
	return nil
}

// printLoadError prints a load error: each positioned error with its source
// line and caret, or the error's text.
func printLoadError(w io.Writer, err error) {
	if l := rule.AsList(err); len(l) > 0 {
		for _, e := range l {
			fmt.Fprintln(w, e.Error())
		}
		return
	}
	fmt.Fprintf(w, "ERROR: %v\n", err)
}

// expand turns DIR/... into the folders under DIR holding a pack.yaml, in
// lexical order; any other argument is itself.
func expand(arg string) ([]string, error) {
	root, ok := strings.CutSuffix(filepath.ToSlash(arg), "/...")
	if !ok {
		if arg == "..." {
			root = "."
		} else {
			return []string{arg}, nil
		}
	}
	var out []string
	err := filepath.WalkDir(filepath.FromSlash(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == jurisdiction.FilePack {
			out = append(out, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no folder with a %s", arg, jurisdiction.FilePack)
	}
	sort.Strings(out)
	return out, nil
}

// dirFS returns a file system and a folder in it for a command-line
// folder. A relative folder inside the working directory is opened from the
// working directory, so that positions print as typed and sibling packs
// (../us) are reachable; any other from the file system root.
func dirFS(d string) (fs.FS, string) {
	clean := filepath.Clean(d)
	if filepath.IsLocal(clean) {
		return os.DirFS("."), filepath.ToSlash(clean)
	}
	abs, err := filepath.Abs(clean)
	if err != nil {
		return os.DirFS("."), filepath.ToSlash(clean)
	}
	vol := filepath.VolumeName(abs)
	root := vol + string(filepath.Separator)
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == "." {
		return os.DirFS(root), "."
	}
	return os.DirFS(root), filepath.ToSlash(rel)
}
