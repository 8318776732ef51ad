package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/comply-go/comply/synth"
)

// runSynth implements "comply synth": it writes a synthetic history made by
// package synth as JSON lines to stdout, the input of comply replay and
// comply eval, and with --labels FILE the labels of the planted scenarios
// as JSON lines. It exits 0 on success and 2 on usage errors. It is not in
// main.go's command table yet; the entry is
//
//	{"synth", "write a synthetic history with planted AML typologies as JSON lines", runSynth},
func runSynth(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("synth", flag.ContinueOnError)
	fset.SetOutput(stderr)
	seed := fset.Uint64("seed", 0, "random seed: the same flags give the same history")
	customers := fset.Int("customers", 1000, "number of customers")
	days := fset.Int("days", 30, "length of the history in days")
	start := fset.String("start", "2026-09-01", "first day, YYYY-MM-DD in Seoul (KST)")
	perDay := fset.Float64("per-day", 1, "mean background transactions per customer per day")
	rate := fset.Float64("rate", synth.DefaultRate, "share of customers planted with each scenario")
	labels := fset.String("labels", "", "write the labels of the planted scenarios to `FILE`")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply synth [flags] > history.jsonl")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Writes a synthetic KR payment history with AML typologies planted at known rates.")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() != 0 {
		fset.Usage()
		return 2
	}
	day, err := time.ParseInLocation(time.DateOnly, *start, time.FixedZone("KST", 9*60*60))
	if err != nil {
		fmt.Fprintf(stderr, "comply synth: --start: %v\n", err)
		return 2
	}
	rates := map[synth.Scenario]float64{}
	for _, s := range synth.Scenarios() {
		rates[s] = *rate
	}
	g, err := synth.New(&synth.Options{Seed: *seed, Customers: *customers, Days: *days, Start: day, PerDay: *perDay, Rates: rates})
	if err != nil {
		fmt.Fprintf(stderr, "comply synth: %v\n", err)
		return 2
	}
	if *labels != "" {
		f, err := os.Create(*labels)
		if err != nil {
			fmt.Fprintf(stderr, "comply synth: %v\n", err)
			return 2
		}
		err = g.WriteLabels(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(stderr, "comply synth: %v\n", err)
			return 2
		}
	}
	if _, err := g.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "comply synth: %v\n", err)
		return 2
	}
	return 0
}
