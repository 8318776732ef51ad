package comply_test

import (
	"context"
	"testing"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/kyc/screening"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store"
	"github.com/google/go-cmp/cmp"
)

func has(d *comply.Decision, id rule.ID) *rule.Finding {
	for i := range d.Findings {
		if d.Findings[i].Rule == id {
			return &d.Findings[i]
		}
	}
	return nil
}

// TestFullPack runs the whole KR pack — KYC policy, limits and AML rules —
// with sanctions screening, through one engine.
func TestFullPack(t *testing.T) {
	ix := screening.NewIndex([]screening.Entity{{
		List: screening.ListOFACSDN, ID: "22255", Type: screening.TypeIndividual,
		Names: []string{"KIM, Jong Un"}, BirthDates: []string{"1984-01-08"}, Countries: []string{"KP"}, Programs: []string{"DPRK3"},
	}, {
		List: "peps", ID: "Q-pep-1", Type: screening.TypeIndividual,
		Names: []string{"Park Minister Seojun"}, Countries: []string{"KR"}, Programs: []string{"role.pep"},
	}}, nil)
	scr, err := screening.NewScreener(ix, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, st := newEngine(t, &comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Screener: scr})
	ctx := context.Background()
	phone := []payment.Check{payment.CheckPhone}
	realName := []payment.Check{payment.CheckPhone, payment.CheckRealName}

	t.Run("CDD threshold asks for real-name verification", func(t *testing.T) {
		tx := mk("kyc1", payment.TierBasic, payment.EWallet, payment.Payment, "10000000 KRW", t0)
		tx.Customer.Verified = phone
		d := mustEval(t, e, tx)
		f := has(d, "kr.aml.cdd.one_off_krw")
		if d.Action != rule.StepUp || f == nil || !cmp.Equal(f.Requires, []string{"tier:full", "verification:real_name"}) {
			t.Fatalf("got %s %+v", d.Action, d.Findings)
		}
		if d.Reserved {
			t.Error("a StepUp decision holds a reservation")
		}
		tx = mk("kyc1", payment.TierFull, payment.EWallet, payment.Payment, "10000000 KRW", t0)
		tx.Customer.Verified = realName
		if d := mustEval(t, e, tx); has(d, "kr.aml.cdd.one_off_krw") != nil {
			t.Fatalf("verified customer: %+v", d.Findings)
		}
	})

	t.Run("structuring under the CTR threshold is reviewed and reported, and stays reserved", func(t *testing.T) {
		var d *comply.Decision
		for i, amt := range []string{"4000000 KRW", "3500000 KRW", "2600000 KRW"} {
			tx := mk("struct", payment.TierFull, payment.Cash, payment.CashIn, amt, t0.Add(time.Duration(i)*time.Hour))
			tx.Customer.Verified = realName
			d = mustEval(t, e, tx)
			if i < 2 && d.Action != rule.Allow {
				t.Fatalf("piece %d: %s %+v", i, d.Action, d.Findings)
			}
			if d.Allowed() {
				if err := d.Commit(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		var kinds []rule.ReportKind
		for _, r := range d.Reports {
			kinds = append(kinds, r.Kind)
		}
		if d.Action != rule.Review || has(d, "aml.structuring.daily_threshold") == nil || !cmp.Equal(kinds, []rule.ReportKind{rule.CTR, rule.STR}) {
			t.Fatalf("third piece: %s %+v reports %+v", d.Action, d.Findings, d.Reports)
		}
		if !d.Reserved {
			t.Fatal("a Review decision should hold its reservation until the host decides")
		}
	})

	t.Run("a rule that blocks after the reservation releases it", func(t *testing.T) {
		tx := mk("geo", payment.TierFull, payment.EWallet, payment.Transfer, "50000 KRW", t0)
		tx.Customer.Verified = realName
		tx.Counterparty = &payment.Party{ID: "p-kp", Country: "KP"}
		d := mustEval(t, e, tx)
		if d.Action != rule.Block || has(d, "aml.geo.fatf_call_for_action") == nil || d.Reserved {
			t.Fatalf("got %s reserved=%v %+v", d.Action, d.Reserved, d.Findings)
		}
		aggs, err := st.Aggregate(ctx, &store.AggregateRequest{Subject: "KR/geo", At: t0.Add(time.Hour),
			Queries: []store.Query{{Window: store.Window{Kind: store.Rolling, Duration: 24 * time.Hour}, Classes: ^uint64(0)}}})
		if err != nil {
			t.Fatal(err)
		}
		if aggs[0].Count != 0 {
			t.Fatalf("the blocked transfer still counts: %+v", aggs[0])
		}
	})

	t.Run("sanctioned customer is blocked by screening", func(t *testing.T) {
		tx := mk("scr", payment.TierFull, payment.Card, payment.Payment, "10000 KRW", t0)
		tx.Customer.Name = "김정은"
		tx.Customer.BirthDate = payment.Date{Year: 1984, Month: 1, Day: 8}
		tx.Customer.Country = "KP"
		d := mustEval(t, e, tx)
		f := has(d, screening.RuleSanctions)
		if d.Action != rule.Block || f == nil {
			t.Fatalf("got %s %+v", d.Action, d.Findings)
		}
	})

	t.Run("a customer the lists name as a PEP needs enhanced due diligence", func(t *testing.T) {
		tx := mk("pep", payment.TierFull, payment.Card, payment.Payment, "10000 KRW", t0)
		tx.Customer.Verified = realName
		tx.Customer.Name = "Park Minister Seojun"
		tx.Customer.Country = "KR"
		d := mustEval(t, e, tx)
		pep, edd := has(d, screening.RulePEP), has(d, "kr.aml.edd.pep")
		if d.Action != rule.StepUp || pep == nil || edd == nil || !cmp.Equal(edd.Requires, []string{"tier:enhanced", "verification:source_of_funds"}) {
			t.Fatalf("got %s %+v", d.Action, d.Findings)
		}
	})

	t.Run("ordinary payment is allowed", func(t *testing.T) {
		tx := mk("ok", payment.TierFull, payment.Card, payment.Payment, "12300 KRW", t0)
		tx.Customer.Verified = realName
		tx.Customer.Name = "George Bush"
		d := mustEval(t, e, tx)
		if !d.Allowed() {
			t.Fatalf("got %s %+v", d.Action, d.Findings)
		}
	})
}
