// Custom-jurisdiction loads a company's own pack from YAML files shipped
// beside it (embedded) and layers it over the built-in Korean pack with
// jurisdiction.Overlay: ACME Pay caps carrier billing at 500,000 KRW a month
// where Korea allows 1,000,000, and adds a daily gift-card cap. Every KR rule
// still applies; Overlay refuses a row that would relax KR unless the row
// says loosen: true, as the second overlay shows.
//
// It judges a few transactions with the overlaid pack and with KR alone, side
// by side, and prints the decisions.
//
//	go run ./examples/custom-jurisdiction
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
)

// files holds the overlay packs: acme (stricter than KR) and loose (which
// tries to relax KR and is refused).
//
//go:embed acme/*.yaml loose/*.yaml
var files embed.FS

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "custom-jurisdiction:", err)
		os.Exit(1)
	}
}

// acmePack loads the ACME overlay and layers it over the KR pack.
func acmePack() (*jurisdiction.Pack, error) {
	overlay, err := jurisdiction.Load(files, "acme")
	if err != nil {
		return nil, err
	}
	return jurisdiction.Overlay(kr.Pack(), overlay)
}

func run(ctx context.Context, w io.Writer) error {
	acme, err := acmePack()
	if err != nil {
		return err
	}
	// A fixed clock keeps the output reproducible; it only stamps
	// Decision.EvaluatedAt and never judges a transaction.
	now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	withACME, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{acme}, Now: now})
	if err != nil {
		return err
	}
	krOnly, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Now: now})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "pack %s %s\n\n", acme.Code, acme.Version)

	seoul := time.FixedZone("KST", 9*3600)
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, seoul) }
	full := payment.Customer{Party: payment.Party{ID: "c1"}, Tier: payment.TierFull, Verified: []payment.Check{payment.CheckPhone, payment.CheckRealName}}
	txs := []payment.Transaction{
		{ID: "t1", Time: at(2, 10), Channel: payment.CarrierBilling, Direction: payment.Payment, Amount: payment.MustParseMoney("300000 KRW")},
		{ID: "t2", Time: at(9, 10), Channel: payment.CarrierBilling, Direction: payment.Payment, Amount: payment.MustParseMoney("200000 KRW")},
		{ID: "t3", Time: at(20, 10), Channel: payment.CarrierBilling, Direction: payment.Payment, Amount: payment.MustParseMoney("1 KRW")},
		{ID: "t4", Time: at(21, 10), Channel: payment.GiftCard, Direction: payment.Payment, Amount: payment.MustParseMoney("300000 KRW")},
		{ID: "t5", Time: at(21, 11), Channel: payment.GiftCard, Direction: payment.Payment, Amount: payment.MustParseMoney("10000 KRW")},
		{ID: "t6", Time: at(22, 10), Channel: payment.EWallet, Direction: payment.CashOut, Funding: payment.CarrierBilling, Amount: payment.MustParseMoney("50000 KRW")},
	}
	for i := range txs {
		tx := &txs[i]
		tx.Country, tx.Customer = "KR", full
		d, err := withACME.Evaluate(ctx, tx)
		if err != nil {
			return err
		}
		base, err := krOnly.Evaluate(ctx, tx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s %-15s %-8s %10s  ACME: %-5s  KR alone: %s\n", tx.ID, tx.Time.Format("01-02 15:04"),
			tx.Channel, tx.Direction, tx.Amount, d.Action, base.Action)
		for _, f := range d.Findings {
			fmt.Fprintf(w, "    %s: %s\n      (%s)\n", f.Rule, f.Message, f.Citation)
		}
		// Commit what both allowed, as a host does once the money moves.
		for _, dd := range []*comply.Decision{d, base} {
			if dd.Allowed() && dd.Reserved {
				if err := dd.Commit(ctx); err != nil {
					return err
				}
			}
		}
	}

	fmt.Fprintln(w, "\nan overlay that would relax KR is refused:")
	loose, err := jurisdiction.Load(files, "loose")
	if err != nil {
		return err
	}
	if _, err := jurisdiction.Overlay(kr.Pack(), loose); err != nil {
		fmt.Fprintln(w, err)
	} else {
		return fmt.Errorf("the loose overlay was accepted")
	}
	return nil
}
