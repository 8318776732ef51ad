package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/comply-go/comply/payment"
)

// fatfCountries are the FATF call-for-action jurisdictions of the June 2026
// plenary (aml/builtin.go, lists.fatf_call_for_action).
var fatfCountries = []string{"KP", "IR", "MM"}

// plant plans scenario s in customer c: the k-th customer of s. It adds the
// planted transactions, the label and the window of background left out
// around them (so that ordinary activity cannot blur the planted shape).
func (g *Generator) plant(r *rand.Rand, c *customer, s Scenario, k int) {
	o := g.o
	day0 := o.Start.AddDate(0, 0, r.IntN(o.Days))
	// Planted activity starts between 10:00 and 13:00 on its day, so that a
	// scenario of a few hours stays on one Seoul calendar day.
	t := day0.Add(10*time.Hour + time.Duration(r.IntN(3*3600))*time.Second)
	prefix := fmt.Sprintf("s-%s-%04d-", s, k+1)
	var txs []*payment.Transaction
	trigger := -1
	add := func(at time.Time, ch payment.Channel, dir payment.Direction, amount int64) *payment.Transaction {
		tx := g.newTx(c, fmt.Sprintf("%s%d", prefix, len(txs)+1), at, ch, dir, amount)
		txs = append(txs, tx)
		return tx
	}
	newParty := func(n int, at time.Time) *payment.Party {
		return &payment.Party{ID: fmt.Sprintf("%sp%d", prefix, n), Name: koreanName(r), Country: "KR", FirstSeen: at}
	}
	skip := window{t.Add(-24 * time.Hour), t.Add(8 * time.Hour)}
	full := func() {
		if c.cust.Tier < payment.TierFull {
			c.cust.Tier = payment.TierFull
			c.cust.Verified = []payment.Check{payment.CheckPhone, payment.CheckRealName}
		}
	}

	switch s {
	case Structuring:
		// Three pieces of 3,400,000–4,900,000 KRW: two stay under 10,000,000,
		// the third crosses it.
		for i := 0; i < 3; i++ {
			add(t.Add(time.Duration(i)*2*time.Hour), payment.Cash, payment.CashIn, 3_400_000+int64(r.IntN(151))*10_000)
		}
		trigger = 2
	case RapidCashOut:
		in := 300_000 + int64(r.IntN(61))*10_000
		tx := add(t, payment.EWallet, payment.CashIn, in)
		tx.Funding = payment.BankTransfer
		out := add(t.Add(time.Duration(5+r.IntN(20))*time.Minute), payment.EWallet, payment.CashOut, in-int64(r.IntN(6))*in/100)
		out.Funding = payment.EWallet
		trigger = 1
	case CarrierCashing:
		total := int64(0)
		for i := 0; i < 3; i++ {
			amt := 200_000 + int64(r.IntN(61))*1000
			total += amt
			tx := add(t.Add(time.Duration(i*20+r.IntN(15))*time.Minute), payment.CarrierBilling, payment.Payment, amt)
			tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m8%03d", r.IntN(100)), Category: "5947", Goods: payment.GoodsGiftCard}
		}
		// The cash-out operator pays 60–80 % of face value.
		out := add(t.Add(time.Duration(70+r.IntN(50))*time.Minute), payment.EWallet, payment.CashOut, total*int64(60+r.IntN(21))/100/1000*1000)
		out.Funding = payment.CarrierBilling
		trigger = 3
		skip.from = t.Add(-72 * time.Hour)
	case FanIn:
		for i := 0; i < 6; i++ {
			at := t.Add(time.Duration(i*50+r.IntN(20)) * time.Minute)
			tx := add(at, payment.EWallet, payment.CashIn, 50_000+int64(r.IntN(251))*1000)
			tx.Counterparty = newParty(i+1, at)
		}
		trigger = 5
	case FanOut:
		full()
		in := add(t, payment.EWallet, payment.CashIn, 1_000_000)
		in.Funding = payment.BankTransfer
		for i := 0; i < 6; i++ {
			at := t.Add(time.Duration(10+i*25+r.IntN(10)) * time.Minute)
			tx := add(at, payment.EWallet, payment.Transfer, 30_000+int64(r.IntN(121))*1000)
			tx.Counterparty = newParty(i+1, at)
		}
		trigger = 6
	case Dormant:
		// Old activity 200–300 days back, then nothing until a large
		// transfer to a long-known friend.
		old := t.AddDate(0, 0, -200-r.IntN(100))
		add(old, payment.EWallet, payment.CashIn, 50_000).Funding = payment.BankTransfer
		for i := 0; i < 2; i++ {
			tx := add(old.Add(time.Duration(1+i)*time.Hour), payment.Card, payment.Payment, logNormal(r, 15_000, 0.5, 100))
			tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m%04d", r.IntN(2000)), Category: "5411", Goods: payment.GoodsGeneral}
		}
		tx := add(t, payment.EWallet, payment.Transfer, 1_000_000+int64(r.IntN(201))*10_000)
		tx.Counterparty = c.friends[0]
		trigger = 3
		skip = window{old.Add(-24 * time.Hour), t.Add(24 * time.Hour)}
	case FATFCountry:
		tx := add(t, payment.EWallet, payment.Transfer, logNormal(r, 200_000, 0.6, 1000))
		tx.Counterparty = &payment.Party{ID: prefix + "p1", Name: "Beneficiary " + fmt.Sprint(k+1), Country: fatfCountries[r.IntN(len(fatfCountries))], FirstSeen: t}
		trigger = 0
	case RoundBurst:
		for i := 0; i < 4; i++ {
			tx := add(t.Add(time.Duration(i*12+r.IntN(5))*time.Minute), payment.Card, payment.Payment, int64(5+r.IntN(26))*10_000)
			tx.Merchant = &payment.Merchant{ID: fmt.Sprintf("m%04d", r.IntN(2000)), Category: "5732", Goods: payment.GoodsGeneral}
		}
		trigger = 3
		skip = window{t.Add(-2 * time.Hour), t.Add(3 * time.Hour)}
	case TravelRuleMissing:
		full()
		tx := add(t, payment.Crypto, payment.CashOut, 1_000_000+int64(r.IntN(401))*10_000)
		tx.Crypto = &payment.CryptoDetails{
			Network: "ethereum", Asset: "USDT", Address: fmt.Sprintf("0x%040x", r.Uint64()),
			Wallet: payment.WalletHosted,
		}
		trigger = 0
	case AccountTakeover:
		dev := &payment.Device{ID: prefix + "dev", FirstSeen: t.Add(-time.Duration(1+r.IntN(40)) * time.Hour)}
		if r.IntN(2) == 0 {
			// A SIM swap on the known device instead of a new device.
			dev = &payment.Device{ID: c.device.ID, FirstSeen: c.device.FirstSeen, SIMChanged: dev.FirstSeen}
		}
		tx := add(t, payment.EWallet, payment.Transfer, 500_000+int64(r.IntN(101))*10_000)
		tx.Device = dev
		tx.Counterparty = newParty(1, t)
		trigger = 0
	case AmountAnomaly:
		// Six small e-wallet loads from the bank over ten days, then one
		// load far above their average.
		for i := 0; i < 6; i++ {
			at := t.Add(-time.Duration(10-i)*24*time.Hour + time.Duration(r.IntN(3600))*time.Second)
			add(at, payment.EWallet, payment.CashIn, 8_000+int64(r.IntN(71))*100).Funding = payment.BankTransfer
		}
		add(t, payment.EWallet, payment.CashIn, int64(40+r.IntN(41))*11_000).Funding = payment.BankTransfer
		trigger = 6
		skip = window{t.Add(-31 * 24 * time.Hour), t.Add(time.Hour)}
	}
	// Planted transactions carry the customer as it is after planting.
	for _, tx := range txs {
		tx.Customer = c.cust
	}
	c.planted = s
	c.skip = append(c.skip, skip)
	g.scenario[c.cust.ID] = s
	l := Label{Scenario: s, Customer: c.cust.ID, Trigger: txs[trigger].ID, Rules: s.Rules()}
	for _, tx := range txs {
		l.TxIDs = append(l.TxIDs, tx.ID)
	}
	g.labels = append(g.labels, l)
	g.planted = append(g.planted, txs...)
}
