package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/comply-go/comply/synth"
)

// historyOptions make testdata/replay/history.jsonl: 30 customers over a
// week, one customer per scenario. "go test ./cmd/comply -update" writes
// it again.
func historyOptions() *synth.Options {
	rates := map[synth.Scenario]float64{}
	for _, s := range synth.Scenarios() {
		rates[s] = 1.0 / 30
	}
	return &synth.Options{Seed: 6, Customers: 30, Days: 7, Rates: rates}
}

func TestReplayHistoryIsCurrent(t *testing.T) {
	g, err := synth.New(historyOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := g.Write(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/replay/history.jsonl", buf.Bytes())
}

// TestReplayGolden runs "comply replay" and compares its exit code, stdout
// and stderr with testdata/replay/<name>.golden. Run "go test ./cmd/comply
// -update" to rewrite them.
func TestReplayGolden(t *testing.T) {
	const (
		hist  = "testdata/replay/history.jsonl"
		tight = "testdata/replay/tight"
	)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"tight", []string{"--pack", "kr", "--pack", tight, "--changes", "5", hist}, 1},
		{"tight.json", []string{"--pack", "kr", "--pack", tight, "--changes", "3", "--json", hist}, 1},
		{"same", []string{"--pack", "kr", "--pack", "KR", hist}, 0},
		{"malformed", []string{"--pack", "kr", "--pack", tight, "testdata/replay/malformed.jsonl"}, 1},
		{"bad_file", []string{"--pack", "kr", "--pack", tight, "testdata/replay/nowhere.jsonl"}, 2},
		{"no_transactions", []string{"--pack", "kr", "--pack", tight, "testdata/replay/garbage.jsonl"}, 2},
		{"folder_as_file", []string{"--pack", "kr", "--pack", tight, "testdata/replay"}, 2},
		{"bad_pack", []string{"--pack", "kr", "--pack", "testdata/replay/badpack", hist}, 2},
		{"unknown_pack", []string{"--pack", "kr", "--pack", "zz", hist}, 2},
		{"one_pack", []string{"--pack", "kr", hist}, 2},
		{"bad_progress", []string{"--progress=maybe", "--pack", "kr", "--pack", "kr", hist}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"replay"}, tc.args...), &out, &errOut)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.code, errOut.String())
			}
			got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, out.String(), errOut.String())
			golden(t, "testdata/replay/"+tc.name+".golden", []byte(got))
		})
	}
}

// TestReplayProgress forces the bar on a writer that is not a terminal and
// checks its format: one carriage-return frame per whole percent reached,
// rising to 100 %, then a newline. Without --progress there is none.
func TestReplayProgress(t *testing.T) {
	args := []string{"replay", "--progress", "--pack", "kr", "--pack", "kr", "testdata/replay/history.jsonl"}
	var out, errOut bytes.Buffer
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := errOut.String()
	if !strings.HasSuffix(s, "\n") || strings.Count(s, "\n") != 1 {
		t.Fatalf("progress output does not end in one newline: %q", s)
	}
	frames := strings.Split(strings.TrimSuffix(s, "\n"), "\r")
	if frames[0] != "" || len(frames) < 2 {
		t.Fatalf("progress output %q", s)
	}
	frame := regexp.MustCompile(`^replay \[(#*)(-*)\] +(\d+)%  (\d+) tx$`)
	last := -1
	for _, f := range frames[1:] {
		m := frame.FindStringSubmatch(f)
		if m == nil {
			t.Fatalf("frame %q does not match %s", f, frame)
		}
		var pct int
		fmt.Sscan(m[3], &pct)
		if len(m[1])+len(m[2]) != barWidth || len(m[1]) != pct*barWidth/100 || pct <= last {
			t.Errorf("frame %q after %d%%", f, last)
		}
		last = pct
	}
	if last != 100 || !strings.Contains(frames[len(frames)-1], fmt.Sprintf(" %d tx", countLines(t, "testdata/replay/history.jsonl"))) {
		t.Errorf("last frame %q", frames[len(frames)-1])
	}

	for _, quiet := range [][]string{{}, {"--progress=false"}} {
		errOut.Reset()
		args := append(append([]string{"replay"}, quiet...), "--pack", "kr", "--pack", "kr", "testdata/replay/history.jsonl")
		if code := run(args, &out, &errOut); code != 0 || errOut.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}

func countLines(t *testing.T, path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

// TestReplayHTML writes the report and checks it is a page with both
// charts and nothing loaded from elsewhere (internal/report tests the
// charts themselves, in Chromium).
func TestReplayHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--pack", "kr", "--pack", "testdata/replay/tight", "--html", path, "testdata/replay/history.jsonl"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", `<svg id="chart-days"`, `<svg id="chart-rules"`, "kr.carrier_billing.monthly_cap", "(KR 2026.11.0&#43;TIGHT 2026.12)"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)https?:|\b(src|href)=|url\(|<script`).Match(b) {
		t.Error("report refers outside itself")
	}
	// An unwritable report path is an error.
	code = run([]string{"replay", "--pack", "kr", "--pack", "kr", "--html", filepath.Join(t.TempDir(), "no", "such", "dir.html"), "testdata/replay/history.jsonl"}, &out, &errOut)
	if code != 2 {
		t.Errorf("unwritable --html: exit %d", code)
	}
}

// TestProgressUnknownSize: reading stdin, the bar counts transactions every
// 10,000 instead of percent.
func TestProgressUnknownSize(t *testing.T) {
	var b bytes.Buffer
	bar := &progressBar{w: &b, total: -1, last: -1}
	for n := 256; n <= 25000; n += 256 {
		bar.update(0, n)
	}
	bar.finish()
	if got, want := b.String(), "\rreplay 256 tx\rreplay 10240 tx\rreplay 20224 tx\rreplay 24832 tx\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSynth: comply synth writes the same history as package synth with the
// same options (testdata/replay/history.jsonl), and its labels.
func TestSynth(t *testing.T) {
	labels := filepath.Join(t.TempDir(), "labels.jsonl")
	var out, errOut bytes.Buffer
	code := runSynth([]string{"--seed", "6", "--customers", "30", "--days", "7", "--rate", fmt.Sprint(1.0 / 30), "--labels", labels}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want, err := os.ReadFile("testdata/replay/history.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Error("comply synth differs from testdata/replay/history.jsonl")
	}
	l, err := os.ReadFile(labels)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(l, []byte("\n")); n != len(synth.Scenarios()) {
		t.Errorf("%d labels, want one per scenario", n)
	}
	for _, args := range [][]string{{"--customers", "-1"}, {"--start", "tomorrow"}, {"extra"}, {"--rate", "2"}, {"--labels", filepath.Join(t.TempDir(), "no", "dir")}} {
		if code := runSynth(args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code := runSynth([]string{"-h"}, &out, &errOut); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
}
