// Quickstart evaluates a shipped day-to-day feed of about 1,000 Korean
// transactions on the embedded in-memory store: carrier billing, prepaid
// top-ups, e-wallet transfers, cash deposits — with customers going over
// their caps, retries of the same transaction id, some transactions
// arriving out of order and a few malformed lines.
//
// It judges them with the whole KR pack (limits, KYC policy and the built-in
// AML typologies), commits what is allowed, prints one line per decision
// that is not Allow (and per line it could not judge), and ends with a
// summary: counts by action, the findings seen most, and the report duties
// raised.
//
//	go run ./examples/quickstart
package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

//go:embed transactions.jsonl
var feed []byte

func main() {
	if err := run(context.Background(), bytes.NewReader(feed), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in io.Reader, out io.Writer) error {
	eng, err := comply.New(&comply.Options{
		Packs: []*jurisdiction.Pack{kr.Pack()},
		// A fixed clock keeps the output reproducible; it only stamps
		// Decision.EvaluatedAt and never judges a transaction.
		Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		return err
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	defer w.Flush()

	var (
		lines, errs, dups int
		byAction          = map[rule.Action]int{}
		byRule            = map[rule.ID]int{}
		reports           = map[string]rule.Report{}
	)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		lines++
		var tx payment.Transaction
		if err := json.Unmarshal(sc.Bytes(), &tx); err != nil {
			errs++
			fmt.Fprintf(w, "ERROR    line %d: %v\n", lines, err)
			continue
		}
		d, err := eng.Evaluate(ctx, &tx)
		if err != nil {
			errs++
			fmt.Fprintf(w, "ERROR    %-8s line %d: %s\n", tx.ID, lines, explain(err))
			continue
		}
		byAction[d.Action]++
		if d.Duplicate {
			dups++
		}
		for _, f := range d.Findings {
			byRule[f.Rule]++
		}
		for _, r := range d.Reports {
			reports[r.Key] = r
		}
		// Allow: the money moves, so the reservation is committed. Review:
		// the transaction waits for a person and its reservation stays
		// pending, still counting toward every limit. StepUp and Block
		// reserve nothing.
		if d.Allowed() {
			if err := d.Commit(ctx); err != nil {
				return fmt.Errorf("commit %s: %w", tx.ID, err)
			}
		}
		if d.Action != rule.Allow {
			f := d.Findings[0]
			fmt.Fprintf(w, "%-8s %-8s %s %s %s %s %s  %s: %s\n",
				strings.ToUpper(d.Action.String()), tx.ID, tx.Time.In(seoul).Format("2006-01-02 15:04"),
				tx.Customer.ID, tx.Channel, tx.Direction, tx.Amount, f.Rule, f.Message)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}

	decided := 0
	for _, n := range byAction {
		decided += n
	}
	fmt.Fprintf(w, "\nsummary: %d lines, %d decisions (allow %d, review %d, step_up %d, block %d), %d retries answered as duplicates, %d lines not judged\n",
		lines, decided, byAction[rule.Allow], byAction[rule.Review], byAction[rule.StepUp], byAction[rule.Block], dups, errs)
	fmt.Fprintln(w, "top findings:")
	ids := make([]rule.ID, 0, len(byRule))
	for id := range byRule {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if byRule[ids[i]] != byRule[ids[j]] {
			return byRule[ids[i]] > byRule[ids[j]]
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		fmt.Fprintf(w, "  %4d  %s\n", byRule[id], id)
	}
	byKind := map[rule.ReportKind]int{}
	keys := make([]string, 0, len(reports))
	for k, r := range reports {
		keys = append(keys, k)
		byKind[r.Kind]++
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "report duties (%d: CTR %d, STR %d):\n", len(reports), byKind[rule.CTR], byKind[rule.STR])
	for _, k := range keys {
		r := reports[k]
		fmt.Fprintf(w, "  %s  %s  total %s (threshold %s; %s)\n", r.Kind, r.Key, r.Total, r.Threshold, r.Citation)
	}
	return nil
}

// explain shortens an evaluation error to its cause.
func explain(err error) string {
	var ve *payment.ValidationError
	if errors.As(err, &ve) {
		var parts []string
		for _, f := range ve.Fields {
			parts = append(parts, f.Error())
		}
		return "invalid transaction: " + strings.Join(parts, "; ")
	}
	return err.Error()
}
