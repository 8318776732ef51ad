package replay

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// pct formats n of total as a percentage with one decimal.
func pct(n, total int) string {
	if total == 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

// PackList returns the side's pack editions as "KR 2026.11.0, ...".
func (s *Side) PackList() string {
	var parts []string
	for _, r := range s.Packs {
		parts = append(parts, r.Code+" "+r.Version)
	}
	return strings.Join(parts, ", ")
}

// WriteText writes the result as the text summary of "comply replay":
// outcomes per side, the transition matrix, decisions per rule, and the
// listed changes with the rules added and removed and their messages.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "replay: %d transactions", r.Transactions)
	if r.MalformedLines > 0 {
		fmt.Fprintf(bw, ", %d malformed lines skipped", r.MalformedLines)
	}
	fmt.Fprintln(bw)
	for _, m := range r.Malformed {
		fmt.Fprintf(bw, "  line %d: %s\n", m.Line, m.Err)
	}
	if len(r.Malformed) < r.MalformedLines {
		fmt.Fprintf(bw, "  ... and %d more\n", r.MalformedLines-len(r.Malformed))
	}
	fmt.Fprintf(bw, "old: %s (%s)\n", r.Old.Name, r.Old.PackList())
	fmt.Fprintf(bw, "new: %s (%s)\n", r.New.Name, r.New.PackList())
	fmt.Fprintf(bw, "changed: %d decisions (%s), %d with another action\n", r.Changed, pct(r.Changed, r.Transactions), r.ActionChanged)

	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "outcomes")
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\told\tnew\tchange\t")
	for i := range NumOutcomes {
		o, n := r.Old.Outcomes[i], r.New.Outcomes[i]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%+d\t\n", Outcome(i), o, n, n-o)
	}
	tw.Flush()

	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "transitions (rows old, columns new)")
	tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for j := range NumOutcomes {
		fmt.Fprintf(tw, "%s\t", Outcome(j))
	}
	fmt.Fprintln(tw)
	for i := range NumOutcomes {
		fmt.Fprintf(tw, "%s\t", Outcome(i))
		for j := range NumOutcomes {
			fmt.Fprintf(tw, "%d\t", r.Transitions[i][j])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()

	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "decisions per rule")
	if len(r.Rules) == 0 {
		fmt.Fprintln(bw, "  (no findings)")
	} else {
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  rule\told\tnew\tchange")
		for _, rc := range r.Rules {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%+d\n", rc.Rule, rc.Old, rc.New, rc.New-rc.Old)
		}
		tw.Flush()
	}

	if len(r.Changes) > 0 {
		fmt.Fprintln(bw)
		if len(r.Changes) < r.Changed {
			fmt.Fprintf(bw, "first %d of %d changed decisions\n", len(r.Changes), r.Changed)
		} else {
			fmt.Fprintln(bw, "changed decisions")
		}
		for _, c := range r.Changes {
			fmt.Fprintf(bw, "  line %d  %s  %s  customer %s: %s -> %s\n", c.Line, c.TxID, c.Time.UTC().Format(time.RFC3339), c.Customer, c.Old, c.New)
			for _, f := range c.Added {
				fmt.Fprintf(bw, "    + %s (%s): %s\n", f.Rule, f.Action, f.Message)
			}
			for _, f := range c.Removed {
				fmt.Fprintf(bw, "    - %s (%s): %s\n", f.Rule, f.Action, f.Message)
			}
			if c.OldError != "" {
				fmt.Fprintf(bw, "    old error: %s\n", c.OldError)
			}
			if c.NewError != "" {
				fmt.Fprintf(bw, "    new error: %s\n", c.NewError)
			}
		}
	}
	for _, s := range []*Side{&r.Old, &r.New} {
		if len(s.Errors) > 0 {
			fmt.Fprintln(bw)
			fmt.Fprintf(bw, "%s: errors (could not decide)\n", s.Name)
			for _, e := range s.Errors {
				fmt.Fprintf(bw, "  %s\n", e)
			}
		}
	}
	return bw.Flush()
}
