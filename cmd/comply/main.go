// Command comply is the command-line companion of the comply library.
//
// Usage:
//
//	comply eval [flags] [FILE]         (JSON lines of transactions; - or none for stdin)
//	comply lint [--json] FILE...
//	comply replay --pack OLD --pack NEW [flags] FILE
//	comply synth [flags] > history.jsonl
//	comply test [-q] [--json] DIR...   (DIR/... for every pack folder under DIR)
//	comply verify [flags] LOG
//
// Subcommands live in run<Cmd>(args, stdout, stderr) int functions, one
// file each, dispatched on os.Args[1].
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// commands maps each subcommand to its entry point and a one-line summary.
var commands = []struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}{
	{"eval", "decide JSON lines of transactions; print decisions as a table or JSON", runEval},
	{"lint", "check AML rule files and print positioned errors", runLint},
	{"replay", "backtest a history under two pack versions and report what changes", runReplay},
	{"synth", "write a synthetic history with planted AML typologies, for replay and benchmarks", runSynth},
	{"test", "run the tests.yaml of jurisdiction pack folders", runTest},
	{"verify", "check the hash chain of an audit log", runVerify},
}

// run dispatches on the subcommand and returns the exit code: 0 for
// success, 1 when the command found problems, 2 for usage errors.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "comply: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: comply <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}
