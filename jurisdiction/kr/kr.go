// Package kr is the built-in jurisdiction pack for the Republic of Korea:
// carrier-billing and prepaid limits, the prohibition of carrier-billing
// cash-outs (휴대폰 소액결제 현금화) and the currency transaction report
// (CTR) threshold in its limit table; CDD thresholds and EDD triggers in its
// KYC policy (kyc.KRPolicy); and the built-in AML typologies — each figure
// with its citation and effective dates. Figures come from the project's regulation research
// (shared/regulation.md); the confidence of each is in its citation.
//
// Package kr imports only jurisdiction and the packages below it.
package kr

import (
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/shopspring/decimal"
)

// Version is the edition of the KR pack.
const Version = "2026.11.0"

// Statute names used in citations.
const (
	lawNetwork = "정보통신망 이용촉진 및 정보보호 등에 관한 법률 (정보통신망법)"
	lawEFTA    = "전자금융거래법 시행령"
	lawFTRA    = "특정 금융거래정보의 보고 및 이용 등에 관한 법률 (특금법)"
	lawFTRADec = "특정 금융거래정보의 보고 및 이용 등에 관한 법률 시행령"
)

func krw(s string) decimal.NullDecimal {
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

func date(y, m, d int) payment.Date { return payment.Date{Year: y, Month: time.Month(m), Day: d} }

// Pack returns a new copy of the KR pack. Callers may change their copy,
// e.g. to layer stricter internal limits, without affecting others.
func Pack() *jurisdiction.Pack {
	policy := kyc.KRPolicy()
	return &jurisdiction.Pack{
		Code:     "KR",
		Name:     "Republic of Korea",
		Currency: "KRW",
		TimeZone: "Asia/Seoul",
		Version:  Version,
		Sources: []rule.Citation{
			{Law: lawNetwork, URL: "https://www.law.go.kr/법령/정보통신망이용촉진및정보보호등에관한법률"},
			{Law: "전자금융거래법", URL: "https://www.law.go.kr/법령/전자금융거래법"},
			{Law: lawFTRA, URL: "https://www.law.go.kr/법령/특정금융거래정보의보고및이용등에관한법률"},
		},
		Limits: Limits(),
		// Customer due diligence (CDD one-off thresholds: 특금법 제5조의2,
		// 시행령 제10조의3) and EDD triggers live in the KYC policy.
		KYC:   &policy,
		Rules: Rules(),
	}
}

// Rules returns the AML monitoring rules of the KR pack: the built-in
// typologies of package aml, less those the limit table already enforces
// (the carrier-billing cash-out prohibition is the row
// kr.carrier_billing.cashout_ban), so that a decision names each reason once.
func Rules() []aml.Rule {
	var out []aml.Rule
	for _, r := range aml.Builtin() {
		switch r.ID {
		case "kr.aml.carrier_billing.cash_out":
			continue
		}
		out = append(out, r)
	}
	return out
}

// Limits returns the KR limit table rows.
func Limits() []limits.Limit {
	ctr := func(from, until payment.Date, amount, dir string, d payment.Direction, decree string) limits.Limit {
		return limits.Limit{
			ID:          rule.ID("kr.aml.ctr." + dir),
			Description: "고액현금거래보고 (CTR): cash " + d.String() + " summed per customer per day",
			Kind:        limits.Day,
			Channels:    []payment.Channel{payment.Cash},
			Directions:  []payment.Direction{d},
			MaxAmount:   krw(amount),
			Report:      &limits.Report{Kind: rule.CTR},
			Citation: rule.Citation{
				Law: lawFTRA, Article: "제4조의2; 시행령 제8조의2 (" + decree + ")",
				Confidence: "primary",
				Note:       "cash paid or received by one person in one business day at one institution, each direction summed separately; the calendar day in Asia/Seoul stands in for the business day",
			},
			From: from, Until: until,
		}
	}
	var rows []limits.Limit
	rows = append(rows,
		limits.Limit{
			ID:          "kr.carrier_billing.monthly_cap",
			Description: "carrier-billed micropayments (휴대폰 소액결제) per subscriber per month",
			Kind:        limits.Month,
			Channels:    []payment.Channel{payment.CarrierBilling},
			Directions:  []payment.Direction{payment.Payment},
			MaxAmount:   krw("1000000"),
			Citation: rule.Citation{
				Law:        "이동통신사 통신과금서비스 이용약관 (filed under " + lawNetwork + " 제56조)",
				Confidence: "secondary",
				Note:       "not a statutory figure: the ceiling SKT, KT and LGU+ advertise; carriers set lower individual limits. History 300,000 KRW until 2015, 500,000 from 2015-06, 600,000 from 2019-07; the date of the rise to 1,000,000 is unverified, so the row has no start date",
			},
		},
		limits.Limit{
			ID:          "kr.carrier_billing.cashout_ban",
			Description: "cashing out value bought with carrier billing (휴대폰깡, 소액결제 현금화)",
			Kind:        limits.Prohibition,
			Directions:  []payment.Direction{payment.CashOut},
			Funding:     []payment.Channel{payment.CarrierBilling},
			Citation: rule.Citation{
				Law: lawNetwork, Article: "제72조 제1항 제4호 가목·나목",
				Confidence: "primary",
				Note:       "financing through carrier billing by sham sales or discounted buy-back is a crime (up to 3 years or 30,000,000 KRW)",
			},
		},
		limits.Limit{
			ID:          "kr.prepaid.cap.unnamed",
			Description: "balance of a prepaid instrument not issued under a real name (무기명)",
			Kind:        limits.Balance,
			Channels:    []payment.Channel{payment.Prepaid},
			Tiers:       []payment.Tier{payment.TierUnverified, payment.TierBasic},
			MaxAmount:   krw("500000"),
			Group:       "kr.prepaid.cap",
			Citation: rule.Citation{
				Law: lawEFTA, Article: "제13조① 본문 (전자금융거래법 제23조①1)",
				Confidence: "primary",
				Note:       "선불전자지급수단의 발행권면 최고한도는 50만원",
			},
		},
		limits.Limit{
			ID:          "kr.prepaid.cap.named",
			Description: "balance of a prepaid instrument issued under the holder's real name (실지명의)",
			Kind:        limits.Balance,
			Channels:    []payment.Channel{payment.Prepaid},
			Tiers:       []payment.Tier{payment.TierFull, payment.TierEnhanced},
			MaxAmount:   krw("2000000"),
			Group:       "kr.prepaid.cap",
			Citation: rule.Citation{
				Law: lawEFTA, Article: "제13조①2 (전자금융거래법 제23조①1)",
				Confidence: "primary",
				Note:       "figure primary; in force since 2008-07 per etnews 2008-06-26 (secondary), so the row has no start date",
			},
		},
	)
	for _, dir := range []struct {
		name string
		d    payment.Direction
	}{{"cash_in", payment.CashIn}, {"cash_out", payment.CashOut}} {
		rows = append(rows,
			ctr(date(2006, 1, 18), date(2007, 12, 31), "50000000", dir.name, dir.d, "부칙: 5천만원 2006-01-18..2007-12-31"),
			ctr(date(2008, 1, 1), date(2009, 12, 31), "30000000", dir.name, dir.d, "부칙: 3천만원 2008-01-01..2009-12-31"),
			ctr(date(2010, 1, 1), date(2019, 6, 30), "20000000", dir.name, dir.d, "부칙: 2천만원 2010-01-01..2019-06-30"),
			ctr(date(2019, 7, 1), payment.Date{}, "10000000", dir.name, dir.d, "개정 2019.4.30, 부칙 제29722호"),
		)
	}
	return rows
}
