package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/rule"
)

// codeIO marks a rule file that could not be read.
const codeIO rule.Code = "lint_io_error"

// runLint implements "comply lint [--json] FILE...": it parses and
// compiles each AML rule file on its own (with the default parameters and
// lists of package aml) and prints every error with its file:line:col,
// source line and caret, or as JSON with --json. It exits 0 when every
// file is clean, 1 when there are errors, 2 on usage errors.
func runLint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print the errors as a JSON object")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply lint [--json] FILE...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Checks AML rule files (YAML with CEL expressions) and prints positioned errors.")
		fs.PrintDefaults()
	}
	// Accept flags after the file names too: comply lint a.yaml --json.
	var flags, files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			files = append(files, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
		default:
			files = append(files, a)
		}
	}
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	files = append(files, fs.Args()...)
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	var all rule.ErrorList
	for _, f := range files {
		all = append(all, lintFile(f)...)
	}
	if *jsonOut {
		out := struct {
			Files  int           `json:"files"`
			Errors []*rule.Error `json:"errors"`
		}{Files: len(files), Errors: all}
		if out.Errors == nil {
			out.Errors = []*rule.Error{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "comply lint: %v\n", err)
			return 2
		}
	} else {
		for _, e := range all {
			fmt.Fprintln(stdout, e.Error())
		}
	}
	if len(all) > 0 {
		fmt.Fprintf(stderr, "comply lint: %d error(s) in %d file(s)\n", len(all), len(files))
		return 1
	}
	return 0
}

// lintFile returns the errors of one rule file, sorted by position.
func lintFile(name string) rule.ErrorList {
	data, err := os.ReadFile(name)
	if err != nil {
		return rule.ErrorList{{Pos: rule.Pos{File: name}, Code: codeIO, Msg: err.Error()}}
	}
	rules, err := aml.ParseRules(name, data)
	errs := asList(err)
	if len(rules) > 0 {
		_, err := aml.Compile(rules, nil)
		errs = append(errs, asList(err)...)
	}
	errs.Sort()
	return errs
}

func asList(err error) rule.ErrorList {
	if err == nil {
		return nil
	}
	if l := rule.AsList(err); l != nil {
		return l
	}
	return rule.ErrorList{{Code: "lint_internal_error", Msg: err.Error()}}
}
