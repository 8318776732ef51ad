//go:build ignore

// gen writes transactions.jsonl: about 1,000 realistic, deterministic KR
// transactions for the quickstart — several customers, mixed channels, some
// over caps, retries of the same id, some out of order, and a few malformed
// lines. Run it with: go run gen.go > transactions.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"time"
)

type party struct {
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	Country   string   `json:"country,omitempty"`
	BirthDate string   `json:"birth_date,omitempty"`
	Tier      string   `json:"tier,omitempty"`
	Verified  []string `json:"verified,omitempty"`
}

type money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type merchant struct {
	ID       string `json:"id,omitempty"`
	Category string `json:"category,omitempty"`
	Goods    string `json:"goods,omitempty"`
}

type tx struct {
	ID           string    `json:"id"`
	Time         string    `json:"time"`
	Country      string    `json:"country"`
	Channel      string    `json:"channel"`
	Direction    string    `json:"direction"`
	Amount       money     `json:"amount"`
	Customer     party     `json:"customer"`
	Counterparty *party    `json:"counterparty,omitempty"`
	Merchant     *merchant `json:"merchant,omitempty"`
	Funding      string    `json:"funding,omitempty"`
	at           time.Time
}

var seoul, _ = time.LoadLocation("Asia/Seoul")

type customer struct {
	p       party
	profile string
}

func main() {
	r := rand.New(rand.NewPCG(2026, 11))
	custs := []customer{
		{party{ID: "c01", Name: "김민지", BirthDate: "1994-03-02", Tier: "full", Verified: []string{"phone", "real_name"}}, "carrier_heavy"},
		{party{ID: "c02", Name: "이서준", BirthDate: "2001-07-19", Tier: "basic", Verified: []string{"phone"}}, "prepaid_small"},
		{party{ID: "c03", Name: "박지훈", BirthDate: "1988-11-30", Tier: "full", Verified: []string{"phone", "real_name"}}, "prepaid_big"},
		{party{ID: "c04", Name: "최유진", BirthDate: "1999-01-05", Tier: "basic", Verified: []string{"phone"}}, "carrier_cashing"},
		{party{ID: "c05", Name: "정하늘", Tier: "unverified"}, "large_transfer"},
		{party{ID: "c06", Name: "강도윤", BirthDate: "1975-05-21", Tier: "full", Verified: []string{"phone", "real_name", "id_document"}}, "cash_business"},
		{party{ID: "c07", Name: "조은비", BirthDate: "1990-09-09", Tier: "full", Verified: []string{"phone", "real_name"}}, "ordinary"},
		{party{ID: "c08", Name: "윤서연", BirthDate: "1985-02-14", Tier: "basic", Verified: []string{"phone"}}, "ordinary"},
		{party{ID: "c09", Name: "장민호", BirthDate: "1979-12-01", Tier: "full", Verified: []string{"phone", "real_name"}}, "ordinary"},
		{party{ID: "c10", Name: "임수아", BirthDate: "2003-04-27", Tier: "basic", Verified: []string{"phone"}}, "ordinary"},
		{party{ID: "c11", Name: "한지우", BirthDate: "1992-06-18", Tier: "enhanced", Verified: []string{"phone", "real_name", "source_of_funds"}}, "crypto"},
		{party{ID: "c12", Name: "오세훈", BirthDate: "1968-08-08", Tier: "full", Verified: []string{"phone", "real_name"}}, "ordinary"},
	}
	names := []string{"송지아", "배준영", "신예린", "권태민", "황보람", "안시우", "홍다은", "유건우", "서하린", "문재원", "양지호", "손채원", "전도현", "고은서"}
	for i, nm := range names {
		tier, ver := "basic", []string{"phone"}
		if i%3 != 0 {
			tier, ver = "full", []string{"phone", "real_name"}
		}
		custs = append(custs, customer{party{ID: fmt.Sprintf("c%02d", 13+i), Name: nm, BirthDate: fmt.Sprintf("19%02d-%02d-%02d", 60+i*2, 1+i%12, 1+i), Tier: tier, Verified: ver}, "ordinary"})
	}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, seoul)
	var txs []*tx
	n := 0
	next := func(c customer, at time.Time, ch, dir string, amount int64) *tx {
		n++
		t := &tx{
			ID: fmt.Sprintf("tx-%04d", n), Country: "KR", Channel: ch, Direction: dir,
			Amount: money{fmt.Sprint(amount), "KRW"}, Customer: c.p, at: at,
		}
		txs = append(txs, t)
		return t
	}
	day := func(d int, h, m int) time.Time {
		return start.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	round := func(lo, hi, unit int64) int64 { return (lo + r.Int64N(hi-lo+1)) / unit * unit }

	for _, c := range custs {
		switch c.profile {
		case "carrier_heavy":
			for d := 0; d < 61; d += 1 + r.IntN(2) {
				t := next(c, day(d, 9+r.IntN(12), r.IntN(60)), "carrier_billing", "payment", round(9000, 90000, 100))
				t.Merchant = &merchant{ID: "m-app-store", Category: "5818", Goods: "digital_content"}
			}
		case "prepaid_small":
			for d := 0; d < 61; d += 2 + r.IntN(3) {
				next(c, day(d, 10+r.IntN(10), r.IntN(60)), "prepaid", "cash_in", round(50000, 150000, 10000))
				if r.IntN(2) == 0 {
					t := next(c, day(d, 20, r.IntN(60)), "prepaid", "payment", round(10000, 80000, 1000))
					t.Merchant = &merchant{ID: "m-conv", Category: "5499", Goods: "general"}
				}
			}
		case "prepaid_big":
			for d := 0; d < 61; d += 1 + r.IntN(3) {
				next(c, day(d, 9+r.IntN(4), r.IntN(60)), "prepaid", "cash_in", round(100000, 400000, 10000))
				if r.IntN(3) == 0 {
					t := next(c, day(d, 18, r.IntN(60)), "prepaid", "payment", round(20000, 200000, 1000))
					t.Merchant = &merchant{ID: "m-mart", Category: "5411", Goods: "general"}
				}
			}
		case "carrier_cashing":
			for d := 0; d < 61; d += 3 + r.IntN(4) {
				t := next(c, day(d, 1+r.IntN(5), r.IntN(60)), "carrier_billing", "payment", []int64{50000, 100000, 100000, 300000}[r.IntN(4)])
				t.Merchant = &merchant{ID: "m-giftcards", Category: "5947", Goods: "gift_card"}
				co := next(c, t.at.Add(time.Duration(5+r.IntN(20))*time.Minute), "e_wallet", "cash_out", round(30000, 200000, 10000))
				co.Funding = "carrier_billing"
				co.Counterparty = &party{ID: "acct-buyback-01", Name: "상품권매입", Country: "KR"}
			}
		case "large_transfer":
			for d := 0; d < 61; d += 5 + r.IntN(5) {
				next(c, day(d, 11, r.IntN(60)), "bank_transfer", "cash_in", round(100000, 900000, 10000))
			}
			next(c, day(20, 14, 5), "bank_transfer", "transfer", 12000000).Counterparty = &party{ID: "p-landlord", Name: "Lee Landlord", Country: "KR"}
			next(c, day(21, 14, 5), "bank_transfer", "transfer", 9999999).Counterparty = &party{ID: "p-landlord", Name: "Lee Landlord", Country: "KR"}
		case "cash_business":
			for d := 0; d < 61; d += 1 + r.IntN(2) {
				k := 1 + r.IntN(4)
				for i := 0; i < k; i++ {
					next(c, day(d, 10+2*i, r.IntN(60)), "cash", "cash_in", round(1500000, 4500000, 10000))
				}
			}
		case "crypto":
			for d := 0; d < 61; d += 2 + r.IntN(4) {
				next(c, day(d, 13, r.IntN(60)), "bank_transfer", "cash_in", round(200000, 2000000, 10000))
			}
		default:
			for d := 0; d < 61; d++ {
				if r.IntN(5) < 2 {
					continue
				}
				switch r.IntN(5) {
				case 0:
					t := next(c, day(d, 8+r.IntN(14), r.IntN(60)), "card", "payment", round(3000, 150000, 100))
					t.Merchant = &merchant{ID: "m-cafe", Category: "5814", Goods: "general"}
				case 1:
					t := next(c, day(d, 8+r.IntN(14), r.IntN(60)), "e_wallet", "transfer", round(5000, 300000, 1000))
					t.Counterparty = &party{ID: fmt.Sprintf("p-%02d", r.IntN(30)), Country: "KR"}
				case 2:
					next(c, day(d, 8+r.IntN(14), r.IntN(60)), "e_wallet", "cash_in", round(10000, 500000, 10000))
				case 3:
					t := next(c, day(d, 8+r.IntN(14), r.IntN(60)), "carrier_billing", "payment", round(1000, 50000, 100))
					t.Merchant = &merchant{ID: "m-game", Category: "5816", Goods: "game_currency"}
				default:
					t := next(c, day(d, 8+r.IntN(14), r.IntN(60)), "prepaid", "cash_in", round(10000, 100000, 10000))
					_ = t
				}
			}
		}
	}
	sort.SliceStable(txs, func(i, j int) bool { return txs[i].at.Before(txs[j].at) })
	// Out of order: about 3% of transactions arrive up to a few hours late.
	for i := 1; i < len(txs); i++ {
		if r.IntN(33) == 0 {
			j := i + 1 + r.IntN(4)
			if j < len(txs) {
				txs[i], txs[j] = txs[j], txs[i]
			}
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var retries []*tx
	for i, t := range txs {
		t.Time = t.at.Format(time.RFC3339)
		enc.Encode(t)
		if r.IntN(30) == 0 {
			retries = append(retries, t) // the host retries this id a little later
		}
		if len(retries) > 0 && r.IntN(4) == 0 {
			enc.Encode(retries[0])
			retries = retries[1:]
		}
		if i == len(txs)/2 {
			// A few malformed lines, as a real feed has.
			fmt.Fprintln(out, `{"id":"bad-1","time":"2026-10-31T10:00:00+09:00","country":"KR","channel":"card","direction":"payment","amount":{"amount":"15000","currency":"KRX"},"customer":{"id":"c07","tier":"full"}}`)
			fmt.Fprintln(out, `{"id":"bad-2","time":"2026-10-31T10:00:00+09:00","country":"KR","channel":"card","direction":"payment","amount":{"amount":"-500","currency":"KRW"},"customer":{"id":"c07","tier":"full"}}`)
			fmt.Fprintln(out, `{"id":"bad-3","time":"0001-01-01T00:00:00Z","country":"KR","channel":"card","direction":"payment","amount":{"amount":"15000","currency":"KRW"},"customer":{"id":"c08","tier":"basic"}}`)
			fmt.Fprintln(out, `{"id":"bad-4","time":"2026-10-31T10:00:00+09:00","country":"KR","channel":"pigeon","direction":"payment","amount":{"amount":"15000","currency":"KRW"},"customer":{"id":"c08","tier":"basic"}}`)
			fmt.Fprintln(out, `{"id":"fx-1","time":"2026-10-31T10:00:00+09:00","country":"KR","channel":"card","direction":"payment","amount":{"amount":"25.00","currency":"USD"},"customer":{"id":"c09","tier":"full"}}`)
		}
	}
	for _, t := range retries {
		enc.Encode(t)
	}
}
