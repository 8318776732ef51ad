package main

import (
	"encoding/json"
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
// pack.yaml, leaving out testdata and dot folders, as go test does. An overlay (extends: KR), or a case's pack named by code, whose
// folder is not beside the pack is taken from the built-in packs. With
// --json it prints one JSON object instead. It exits 0 when every case
// passes, 1 when a case fails and 2 when a pack or test file does not load
// (printed with positions) or on usage errors.
func runTest(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("test", flag.ContinueOnError)
	fset.SetOutput(stderr)
	quiet := fset.Bool("q", false, "print only failures and summaries")
	jsonOut := fset.Bool("json", false, "print the results as a JSON object")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply test [-q] [--json] DIR...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs the tests.yaml of each jurisdiction pack folder. DIR/... means every")
		fmt.Fprintln(stderr, "folder under DIR that holds a pack.yaml (testdata and dot folders left out).")
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

	var out testOutput
	for _, d := range expanded {
		fsys, dir, root := dirFS(d)
		res, err := packtest.RunDir(fsys, dir, &packtest.Options{Packs: builtinPack})
		out.add(d, root, res, err)
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&out); err != nil {
			fmt.Fprintf(stderr, "comply test: %v\n", err)
			return 2
		}
	} else {
		out.print(stdout, *quiet)
	}
	switch {
	case out.Broken > 0:
		return 2
	case out.Failed > 0:
		return 1
	}
	return 0
}

// testOutput is the outcome of a run, printed as text or JSON.
type testOutput struct {
	Packs  []packOutput `json:"packs"`
	Cases  int          `json:"cases"`
	Failed int          `json:"failed"`
	Broken int          `json:"broken"`
}

// packOutput is the outcome of one pack folder: its cases, or the errors
// that kept it from loading.
type packOutput struct {
	Dir     string            `json:"dir"`
	Pack    *jurisdiction.Ref `json:"pack,omitempty"`
	Errors  []*rule.Error     `json:"errors,omitempty"`
	Cases   []caseOutput      `json:"cases"`
	Failed  int               `json:"failed"`
	loadErr error
}

type caseOutput struct {
	Name     string             `json:"name"`
	Pos      rule.Pos           `json:"pos"`
	Passed   bool               `json:"passed"`
	Failures []packtest.Failure `json:"failures,omitempty"`
}

// add records the outcome of folder dir; root is the file system root that
// positions are relative to ("" for the working directory).
func (o *testOutput) add(dir, root string, res *packtest.Result, err error) {
	p := packOutput{Dir: dir, Cases: []caseOutput{}}
	fix := func(pos *rule.Pos) {
		if root != "" && pos.File != "" {
			pos.File = filepath.Join(root, filepath.FromSlash(pos.File))
		}
	}
	if err != nil {
		o.Broken++
		p.loadErr = err
		p.Errors = rule.AsList(err)
		if len(p.Errors) == 0 {
			p.Errors = []*rule.Error{{Code: codeTestLoad, Msg: err.Error()}}
		}
		for _, e := range p.Errors {
			fix(&e.Pos)
		}
		o.Packs = append(o.Packs, p)
		return
	}
	p.Pack = &res.Pack
	for _, c := range res.Cases {
		fix(&c.Pos)
		for i := range c.Failures {
			fix(&c.Failures[i].Pos)
		}
		p.Cases = append(p.Cases, caseOutput{Name: c.Name, Pos: c.Pos, Passed: c.Passed(), Failures: c.Failures})
		o.Cases++
		if !c.Passed() {
			p.Failed++
			o.Failed++
		}
	}
	o.Packs = append(o.Packs, p)
}

// codeTestLoad marks a pack folder that could not be loaded for a reason
// without a position.
const codeTestLoad rule.Code = "test_load_error"

func (o *testOutput) print(w io.Writer, quiet bool) {
	failedPacks := 0
	for _, p := range o.Packs {
		if p.loadErr != nil {
			for _, e := range p.Errors {
				fmt.Fprintln(w, e.Error())
			}
			fmt.Fprintf(w, "ERROR %s: does not load\n", p.Dir)
			continue
		}
		for _, c := range p.Cases {
			if c.Passed {
				if !quiet {
					fmt.Fprintf(w, "PASS %s\n", c.Name)
				}
				continue
			}
			for j, f := range c.Failures {
				if j == 0 {
					fmt.Fprintf(w, "FAIL %s:%d %s: step %d (%s): %s\n", c.Pos.File, c.Pos.Line, c.Name, f.Step, f.TxID, f.Msg)
				} else {
					fmt.Fprintf(w, "     step %d (%s) at line %d: %s\n", f.Step, f.TxID, f.Pos.Line, f.Msg)
				}
				for _, l := range f.Details {
					fmt.Fprintf(w, "         %s\n", l)
				}
			}
		}
		status := "ok  "
		if p.Failed > 0 {
			failedPacks++
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s %s (%s %s): %d passed, %d failed\n", status, p.Dir, p.Pack.Code, p.Pack.Version, len(p.Cases)-p.Failed, p.Failed)
	}
	switch {
	case o.Broken > 0:
		fmt.Fprintf(w, "ERROR: %d of %d packs do not load; %d of %d cases failed\n", o.Broken, len(o.Packs), o.Failed, o.Cases)
	case o.Failed > 0:
		fmt.Fprintf(w, "FAIL: %d of %d cases failed in %d of %d packs\n", o.Failed, o.Cases, failedPacks, len(o.Packs))
	default:
		fmt.Fprintf(w, "ok: %d cases passed in %d packs\n", o.Cases, len(o.Packs))
	}
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

// dirFS returns a file system, a folder in it for a command-line folder,
// and the root that positions in that file system are relative to. A
// relative folder inside the working directory is opened from the working
// directory (root ""), so that positions print as typed and sibling packs
// (../us) are reachable; any other from the file system root.
func dirFS(d string) (fsys fs.FS, dir, root string) {
	clean := filepath.Clean(d)
	if filepath.IsLocal(clean) {
		return os.DirFS("."), filepath.ToSlash(clean), ""
	}
	abs, err := filepath.Abs(clean)
	if err != nil {
		return os.DirFS("."), filepath.ToSlash(clean), ""
	}
	root = filepath.VolumeName(abs) + string(filepath.Separator)
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == "." {
		return os.DirFS(root), ".", root
	}
	return os.DirFS(root), filepath.ToSlash(rel), root
}
