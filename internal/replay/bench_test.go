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
	"github.com/comply-go/comply/rule"
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
// once to a file before the timer starts) under the KR pack (old) and the
// tight overlay of cmd/comply/testdata/replay (new): parse, two engines on
// their own memstores, tally. Sub-benchmarks:
//
//   - replay: the whole replay (replay.Run), the target: at most 30 s on 2
//     cores. It also checks the recovery of every planted scenario on both
//     sides and logs the table (rates as planted and as recovered, in %).
//   - baseline=parse: reading and parsing the file alone, on one goroutine.
//   - baseline=one-engine: parsing and judging under the KR pack on one
//     engine, one goroutine, as a host replaying one pack would.
//
// Each reports the wall seconds per pass (s/pass), the CPU seconds of the
// process per pass (cpu-s/pass: what other load on the machine inflates
// least; on 2 idle cores the wall time is at least half of it),
// transactions per second and the peak heap (MB-heap, sampled every 50 ms).
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
	tight := tightPack(b)

	measure := func(b *testing.B, pass func(b *testing.B) int) {
		var peak uint64
		txs := 0
		runtime.GC()
		b.ResetTimer()
		cpu0 := cpuTime()
		for i := 0; i < b.N; i++ {
			stop := samplePeak(&peak)
			txs = pass(b)
			stop()
		}
		sec := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(sec, "s/pass")
		b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/pass")
		b.ReportMetric(float64(txs)/sec, "tx/s")
		b.ReportMetric(float64(peak)/(1<<20), "MB-heap")
		b.ReportMetric(0, "ns/op")
	}
	open := func(b *testing.B) *os.File {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}

	b.Run("replay", func(b *testing.B) {
		var recOld, recNew *recovery
		measure(b, func(b *testing.B) int {
			f := open(b)
			defer f.Close()
			recOld, recNew = newRecovery(g), newRecovery(g)
			res, err := replay.Run(context.Background(), f, &replay.Options{
				Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{tight},
				Observe: func(tx *payment.Transaction, old, new *comply.Decision) {
					recOld.observe(tx, old)
					recNew.observe(tx, new)
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			if res.Transactions != n {
				b.Fatalf("%d transactions judged of %d", res.Transactions, n)
			}
			b.Logf("changed %d decisions (%d actions); outcomes old %v new %v", res.Changed, res.ActionChanged, res.Old.Outcomes, res.New.Outcomes)
			return res.Transactions
		})
		var sb strings.Builder
		recOld.print(&sb)
		b.Logf("recovery under KR (old):\n%s", sb.String())
		for _, s := range synth.Scenarios() {
			if recOld.hit[s] != recOld.planted[s] || recNew.hit[s] != recNew.planted[s] {
				b.Errorf("%s: recovered %d (old) and %d (new) of %d planted", s, recOld.hit[s], recNew.hit[s], recOld.planted[s])
			}
		}
	})

	b.Run("baseline=parse", func(b *testing.B) {
		measure(b, func(b *testing.B) int {
			f := open(b)
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<16), 1<<20)
			k := 0
			for sc.Scan() {
				if _, err := payment.ParseTransactionJSON(sc.Bytes()); err != nil {
					b.Fatal(err)
				}
				k++
			}
			return k
		})
	})

	b.Run("baseline=one-engine", func(b *testing.B) {
		measure(b, func(b *testing.B) int {
			f := open(b)
			defer f.Close()
			var now time.Time
			eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Now: func() time.Time { return now }})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<16), 1<<20)
			k := 0
			for sc.Scan() {
				tx, err := payment.ParseTransactionJSON(sc.Bytes())
				if err != nil {
					b.Fatal(err)
				}
				now = tx.Time
				d, err := eng.Evaluate(ctx, tx)
				if err != nil {
					b.Fatal(err)
				}
				if d.Reserved {
					if d.Action == rule.Allow || d.Action == rule.Review {
						err = d.Commit(ctx)
					} else {
						err = d.Void(ctx)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				k++
			}
			return k
		})
	})
}

// tightPack is the stricter overlay of the CLI tests over the KR pack.
func tightPack(b *testing.B) *jurisdiction.Pack {
	o, err := jurisdiction.Load(os.DirFS("../../cmd/comply/testdata/replay/tight"), ".")
	if err != nil {
		b.Fatal(err)
	}
	p, err := jurisdiction.Overlay(kr.Pack(), o)
	if err != nil {
		b.Fatal(err)
	}
	return p
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
