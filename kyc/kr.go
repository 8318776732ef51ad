package kyc

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Korean statute names used in the citations of [KRPolicy].
const (
	krAct    = "특정금융거래정보의 보고 및 이용 등에 관한 법률"
	krDecree = "특정금융거래정보의 보고 및 이용 등에 관한 법률 시행령"
)

// KRPolicy returns the South Korean KYC policy (pack currency KRW), with the
// figures of shared/regulation.md and their citations:
//
//   - tiers 미인증 (unverified), 휴대폰 본인인증 (basic: phone), 실명확인
//     (full: real_name) and 강화된 고객확인 (enhanced: source_of_funds);
//   - kr.aml.cdd.one_off_krw: a one-off transaction of at least 10,000,000
//     KRW needs CDD (tier full), from 2021-03-25 (특금법 제5조의2①1;
//     시행령 제10조의3①3나; 부칙 제31554호); before that day the decree
//     text in force from 2019-07-01 said 15,000,000 KRW
//     (kr.aml.cdd.one_off_krw.2019);
//   - kr.aml.cdd.vasp_one_off: a one-off virtual-asset transaction worth at
//     least 1,000,000 KRW needs CDD, from 2021-03-25 (시행령 제10조의3①1의2);
//   - kr.aml.cdd.wire: a one-off wire transfer (bank transfer sent out) of at
//     least 1,000,000 KRW needs CDD (시행령 제10조의3①2);
//   - kr.aml.edd.pep, kr.aml.edd.high_risk, kr.aml.edd.high_risk_country:
//     a PEP, a customer rated high risk, or a customer or counterparty in a
//     FATF call-for-action country (KP, IR, MM as of the June 2026
//     plenary) needs enhanced due diligence (tier enhanced and
//     source_of_funds) on every transaction (특금법 제5조의2①2).
//
// The policy has no age minimums and no refusals: none is in
// shared/regulation.md with a primary source. Each call returns a fresh
// Policy the caller may change.
func KRPolicy() Policy {
	d := func(y int, m time.Month, day int) payment.Date { return payment.Date{Year: y, Month: m, Day: day} }
	enhanced := Requirement{Tier: payment.TierEnhanced, Checks: []payment.Check{payment.CheckSourceOfFunds}}
	eddCite := rule.Citation{
		Law: krAct, Article: "제5조의2제1항제2호", Confidence: "primary",
		URL:  "https://www.law.go.kr/법령/특정금융거래정보의보고및이용등에관한법률",
		Note: "EDD (실제 소유자, 거래 목적, 자금의 원천) where the customer may launder money; PEP and high-risk-country triggers follow the KoFIU 업무규정 (article not re-read)",
	}
	return Policy{
		Jurisdiction: "KR",
		TimeZone:     "Asia/Seoul",
		Currency:     "KRW",
		Tiers: []TierSpec{
			{Tier: payment.TierUnverified, Name: "미인증"},
			{Tier: payment.TierBasic, Name: "휴대폰 본인인증", Requires: []payment.Check{payment.CheckPhone}},
			{Tier: payment.TierFull, Name: "실명확인", Requires: []payment.Check{payment.CheckRealName},
				Citation: rule.Citation{Law: "금융실명거래 및 비밀보장에 관한 법률", Article: "제2조제4호", Confidence: "primary"}},
			{Tier: payment.TierEnhanced, Name: "강화된 고객확인", Requires: []payment.Check{payment.CheckSourceOfFunds},
				Citation: rule.Citation{Law: krAct, Article: "제5조의2제1항제2호", Confidence: "primary"}},
		},
		CDD: []Threshold{
			{
				ID:          "kr.aml.cdd.one_off_krw.2019",
				Description: "one-off transaction CDD (decree text in force 2019-07-01)",
				Scope:       Scope{Channels: nonCrypto(), Until: d(2021, 3, 24)},
				Amount:      decimal.New(15_000_000, 0),
				Require:     Requirement{Tier: payment.TierFull},
				Citation: rule.Citation{Law: krDecree, Article: "제10조의3제1항제3호나목", Confidence: "primary",
					Note: "1,500만원 in the text in force 2019-07-01 (last amended 2019.2.26); its start date is unverified"},
			},
			{
				ID:          "kr.aml.cdd.one_off_krw",
				Description: "one-off transaction CDD",
				Scope:       Scope{Channels: nonCrypto(), From: d(2021, 3, 25)},
				Amount:      decimal.New(10_000_000, 0),
				Require:     Requirement{Tier: payment.TierFull},
				Citation: rule.Citation{Law: krAct, Article: "제5조의2제1항제1호; 시행령 제10조의3제1항제3호나목; 시행령 부칙 <제31554호>",
					Confidence: "primary"},
			},
			{
				ID:          "kr.aml.cdd.vasp_one_off",
				Description: "one-off virtual-asset transaction CDD",
				Scope:       Scope{Channels: []payment.Channel{payment.Crypto}, From: d(2021, 3, 25)},
				Amount:      decimal.New(1_000_000, 0),
				Require:     Requirement{Tier: payment.TierFull},
				Citation:    rule.Citation{Law: krDecree, Article: "제10조의3제1항제1호의2", Confidence: "primary"},
			},
			{
				ID:          "kr.aml.cdd.wire",
				Description: "one-off wire transfer CDD",
				Scope: Scope{Channels: []payment.Channel{payment.BankTransfer},
					Directions: []payment.Direction{payment.Transfer, payment.CashOut}},
				Amount:   decimal.New(1_000_000, 0),
				Require:  Requirement{Tier: payment.TierFull},
				Citation: rule.Citation{Law: krDecree, Article: "제10조의3제1항제2호", Confidence: "primary"},
			},
		},
		EDD: []EDDTrigger{
			{ID: "kr.aml.edd.pep", Kind: EDDPEP, Require: enhanced, Citation: eddCite},
			{ID: "kr.aml.edd.high_risk", Kind: EDDHighRisk, Require: enhanced, Citation: eddCite},
			{
				ID: "kr.aml.edd.high_risk_country", Kind: EDDCountry, Countries: []string{"KP", "IR", "MM"},
				Require: enhanced,
				Citation: rule.Citation{Law: krAct, Article: "제5조의2제1항제2호", Confidence: "secondary",
					Note: "countries: FATF call for action, June 2026 plenary (KP, IR countermeasures; MM enhanced due diligence)"},
			},
		},
	}
}

func nonCrypto() []payment.Channel {
	var out []payment.Channel
	for ch := payment.Channel(1); ch.Valid(); ch++ {
		if ch != payment.Crypto {
			out = append(out, ch)
		}
	}
	return out
}
