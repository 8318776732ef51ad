package peers

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/synth"
	"github.com/shopspring/decimal"
)

// StreamSize is the number of transactions of the workload.
const StreamSize = 100_000

// streamCustomers is the synth population whose 30 days give a little more
// than StreamSize transactions.
const streamCustomers = 3500

// Stream returns the first n transactions (at most about 104,000) of a
// deterministic 30-day history of 3,500 Korean customers made by package
// synth (seed 7): carrier billing, prepaid, e-wallet, card, bank-transfer,
// cash and crypto traffic at basic and full KYC tiers, with synth's
// planted typologies (structuring, rapid cash-out, carrier-billing
// cashing, fan-in, fan-out, dormancy, FATF counterparties, round-amount
// bursts, crypto travel rule, account takeover, amount anomalies) in 0.5 %
// of the customers each, and a few more customers stressed to break the
// limits and reach the KYC and scam rules (see stress). The same n gives
// the same transactions, in time order.
func Stream(n int) ([]payment.Transaction, error) {
	g, err := synth.New(&synth.Options{Seed: 7, Customers: streamCustomers, Days: 30})
	if err != nil {
		return nil, err
	}
	out := make([]payment.Transaction, 0, n+n/100)
	errFull := fmt.Errorf("full")
	payees := map[string]*payment.Party{}
	err = g.Each(func(tx *payment.Transaction) error {
		if len(out) >= n+n/100 {
			return errFull
		}
		out = stress(out, *tx, payees)
		return nil
	})
	if err != nil && err != errFull {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b payment.Transaction) int { return a.Time.Compare(b.Time) })
	if len(out) < n {
		return nil, fmt.Errorf("peers: the history has %d transactions, fewer than %d", len(out), n)
	}
	return out[:n:n], nil
}

// stress appends tx to out, changed for a few customers (by a hash of their
// id) so that the stream also breaks the KR limits and reaches the KYC and
// scam rules that synth's background and plants leave quiet:
//
//   - 0.5 %: prepaid top-ups twenty times larger (the unnamed and named
//     prepaid balance caps: step-up and block);
//   - 0.5 %: carrier-billed payments thirty times larger (the monthly cap);
//   - 0.5 %: bank transfers of 1,000,000 KRW more (wire CDD for basic
//     customers, the domestic wire-information duty for the others);
//   - 0.3 %: e-wallet transfers against a promised payout of twice the
//     amount (guaranteed payout);
//   - 0.6 %: e-wallet transfers to one new payee, first seen at the first of
//     them and preceded by two test deposits of 1,000 KRW (test deposits,
//     then advance fee while nothing comes back).
func stress(out []payment.Transaction, tx payment.Transaction, payees map[string]*payment.Party) []payment.Transaction {
	h := fnv.New32a()
	h.Write([]byte(tx.Customer.ID))
	k := h.Sum32() % 1000
	mul := func(f int64) { tx.Amount.Amount = tx.Amount.Amount.Mul(decimal.NewFromInt(f)) }
	switch {
	case k < 5 && tx.Channel == payment.Prepaid && tx.Direction == payment.CashIn:
		mul(20)
	case k >= 5 && k < 10 && tx.Channel == payment.CarrierBilling && tx.Direction == payment.Payment:
		mul(30)
	case k >= 10 && k < 15 && tx.Channel == payment.BankTransfer && tx.Direction == payment.Transfer:
		tx.Amount.Amount = tx.Amount.Amount.Add(decimal.NewFromInt(1_000_000))
	case k >= 15 && k < 18 && tx.Channel == payment.EWallet && tx.Direction == payment.Transfer:
		tx.PromisedPayout = &payment.Money{Amount: tx.Amount.Amount.Mul(decimal.NewFromInt(2)), Currency: tx.Amount.Currency}
	case k >= 18 && k < 24 && tx.Channel == payment.EWallet && tx.Direction == payment.Transfer:
		p := payees[tx.Customer.ID]
		if p == nil {
			first := tx.Time.Add(-20 * time.Minute)
			p = &payment.Party{ID: tx.Customer.ID + "-payee", Country: "KR", FirstSeen: first}
			payees[tx.Customer.ID] = p
			for i, at := range []time.Time{first, first.Add(10 * time.Minute)} {
				test := tx
				test.ID = fmt.Sprintf("%s-test%d", tx.ID, i+1)
				test.Time = at
				test.Amount.Amount = decimal.NewFromInt(1000)
				test.Counterparty = p
				out = append(out, test)
			}
		}
		tx.Counterparty = p
	}
	return append(out, tx)
}

// clock is the fixed clock of the engines: after every transaction of the
// stream and of the benchmarks' later cycles of it, so none is refused as
// future-dated.
func clock() time.Time { return time.Date(2199, 1, 1, 0, 0, 0, 0, time.UTC) }
