//go:build unix

package replay_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/internal/replay"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/synth"
)

// bench1MOptions make about 1,000,000 transactions (1,003,236 with this
// seed): 33,500 customers over 30 days at the default rate of about one a
// day, every scenario at 0.2 %.
func bench1MOptions() *synth.Options {
	rates := map[synth.Scenario]float64{}
	for _, s := range synth.Scenarios() {
		rates[s] = 0.002
	}
	return &synth.Options{Seed: 2026, Customers: 33_500, Days: 30, Rates: rates}
}

// BenchmarkReplay1M replays about 1,000,000 synthetic transactions (written
// once to a file before the timer starts) under the KR pack on both sides:
// parse, two engines on their own memstores, tally. It reports the wall
// seconds per replay (s/replay), the CPU seconds of the process per replay
// (cpu-s/replay: what the machine's other load cannot inflate; the wall
// time on 2 idle cores is at least half of it), transactions per second,
// the peak heap
// (MB-heap, sampled every 50 ms) and, for the last replay, the recovery of
// every planted scenario (its rate as planted and as recovered, in %).
// The target is at most 30 s per replay on 2 cores.
func BenchmarkReplay1M(b *testing.B) {
	g, err := synth.New(bench1MOptions())
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "history.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	n, err := g.Write(f)
	if err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.Logf("%d transactions, %d customers", n, g.Customers())
	// As comply replay does (cmd/comply/replay.go): two stores of a
	// million entries each make collections long, so collect less often.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	b.ResetTimer()
	var peak uint64
	cpu0 := cpuTime()
	var rec *recovery
	var res *replay.Result
	for i := 0; i < b.N; i++ {
		runtime.GC()
		stop := samplePeak(&peak)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rec = newRecovery(g)
		res, err = replay.Run(context.Background(), bufio.NewReader(f), &replay.Options{
			Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{kr.Pack()},
			Observe: func(tx *payment.Transaction, old, _ *comply.Decision) { rec.observe(tx, old) },
		})
		f.Close()
		stop()
		if err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec, "s/replay")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/replay")
	b.ReportMetric(float64(res.Transactions)/sec, "tx/s")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap")
	b.ReportMetric(0, "ns/op")
	var sb strings.Builder
	rec.print(&sb)
	b.Logf("recovery (old side):\n%s", sb.String())
	for _, s := range synth.Scenarios() {
		if rec.hit[s] != rec.planted[s] {
			b.Errorf("%s: recovered %d of %d planted", s, rec.hit[s], rec.planted[s])
		}
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// samplePeak records the peak HeapInuse into *peak until the returned func
// is called.
func samplePeak(peak *uint64) func() {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
