package kyc_test

import (
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// A Policy is plain data: the jurisdiction packs can write it in YAML.
func TestPolicyYAML(t *testing.T) {
	src := `
jurisdiction: KR
currency: KRW
tiers:
  - {tier: unverified, name: 미인증}
  - {tier: basic, name: 휴대폰 본인인증, requires: [phone]}
  - {tier: full, name: 실명확인, requires: [real_name]}
cdd:
  - id: kr.aml.cdd.one_off_krw
    channels: [prepaid, e_wallet]
    from: 2021-03-25
    amount: "10000000"
    require: {tier: full}
    citation: {law: 특정금융거래정보의 보고 및 이용 등에 관한 법률, article: 제5조의2제1항제1호, confidence: primary}
edd:
  - id: kr.aml.edd.pep
    kind: pep
    require: {tier: enhanced, checks: [source_of_funds]}
    citation: {law: 특정금융거래정보의 보고 및 이용 등에 관한 법률, article: 제5조의2제1항제2호}
age:
  - {id: t.age, channels: [gift_card], min_age: 19, citation: {law: Test}}
`
	var p kyc.Policy
	if err := yaml.Unmarshal([]byte(src), &p); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	c, err := kyc.CompilePolicy(p)
	if err != nil {
		t.Fatal(err)
	}
	if p.CDD[0].From != (payment.Date{Year: 2021, Month: 3, Day: 25}) || p.CDD[0].Channels[1] != payment.EWallet || c.TierName(payment.TierFull) != "실명확인" {
		t.Errorf("decoded %+v", p)
	}
	fs, err := c.Check(newTx("10000000 KRW", payment.EWallet, payment.CashOut))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Action != rule.StepUp || fs[0].Rule != "kr.aml.cdd.one_off_krw" {
		t.Errorf("findings %+v", fs)
	}
}
