package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestUpToDate fails when docs/jurisdictions.md differs from what the
// built-in packs generate.
func TestUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := generate(&b, builtinPacks()); err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../" + output)
	if err != nil {
		t.Fatalf("%v: run go run ./internal/gendocs -w", err)
	}
	if diff := cmp.Diff(string(have), b.String()); diff != "" {
		t.Errorf("%s is stale: run go run ./internal/gendocs -w (-have +want):\n%s", output, diff)
	}
}

func TestGenerateRows(t *testing.T) {
	cite := rule.Citation{Law: "Test Act", Article: "§1", Confidence: "primary"}
	p := &jurisdiction.Pack{
		Code: "JP", Name: "Japan | test", Currency: "JPY", TimeZone: "Asia/Tokyo", Version: "t",
		Limits: []limits.Limit{
			{ID: "jp.cap", Description: "a cap", Kind: limits.Rolling, Window: 24 * time.Hour, Channels: []payment.Channel{payment.Prepaid},
				Tiers: []payment.Tier{payment.TierBasic}, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(100)), Exclusive: true, Citation: cite,
				From: payment.Date{Year: 2020, Month: 1, Day: 1}, Disabled: true, DisabledReason: "unverified"},
			{ID: "jp.ctr", Kind: limits.Day, Channels: []payment.Channel{payment.Cash}, MaxAmount: decimal.NewNullDecimal(decimal.NewFromInt(2000000)),
				Report: &limits.Report{Kind: rule.CTR}, Citation: cite},
		},
		Params:  map[string]any{"ctr_threshold": decimal.NewFromInt(2000000), "rapid_cashout_share": decimal.RequireFromString("0.9"), "fan_in_senders_24h": 5},
		Reports: []jurisdiction.ReportDuty{{ID: "jp.str", Kind: rule.STR, Due: "promptly", Citation: cite}},
	}
	var b bytes.Buffer
	if err := generate(&b, []*jurisdiction.Pack{p}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"| JP | Japan \\| test | JPY | Asia/Tokyo | t |",
		"| JP | `jp.cap` | rolling | a cap | < 100 JPY | rolling 24h0m0s | prepaid | basic | Test Act §1 | primary | 2020-01-01 | — | disabled: unverified |",
		"| JP | `jp.ctr` | report CTR (summed) | — | >= 2000000 JPY | calendar day (Asia/Tokyo) | cash | all | Test Act §1 | primary | — | — | enabled |",
		"| JP | `jp.str` | report STR (on findings) | raised when an AML finding asks for review or more; due promptly | any amount |",
		"| JP | `param ctr_threshold` | AML parameter | pack.yaml params: used by the AML rules that read it | 2000000 JPY |",
		"| JP | `param rapid_cashout_share` | AML parameter | pack.yaml params: used by the AML rules that read it | 0.9 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, "fan_in_senders_24h") {
		t.Errorf("integer params are counts, not figures of money: %s", got)
	}
}
