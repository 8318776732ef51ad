package registry_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/rule"
	"github.com/google/go-cmp/cmp"
)

func loadGood(t testing.TB) *registry.Set {
	t.Helper()
	set, err := registry.Load(os.DirFS("testdata"), "good")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

func TestLoad(t *testing.T) {
	set := loadGood(t)
	if diff := cmp.Diff([]string{"kr.fsc.efin", "us.fincen.msb"}, set.IDs()); diff != "" {
		t.Errorf("IDs mismatch (-want +got):\n%s", diff)
	}
	kr := set.Register("kr.fsc.efin")
	if kr.Name() != "전자금융업자 등록 현황 (illustrative)" || kr.AsOf().String() != "2026-11-01" || kr.Authority() != "금융위원회" || kr.Len() != 4 {
		t.Errorf("kr register: %q %s %q %d", kr.Name(), kr.AsOf(), kr.Authority(), kr.Len())
	}
	us := set.Register("us.fincen.msb")
	if e, ok := us.LookupNumber("31000000000002"); !ok || e.Name != "Demo Money Services, Inc." || e.Line != 7 {
		t.Errorf("TSV with columns in another order: %+v %v", e, ok)
	}
	if set.Register("eu.eba.pi") != nil {
		t.Error("found a register that was not loaded")
	}
}

func TestLookupNormalization(t *testing.T) {
	kr := loadGood(t).Register("kr.fsc.efin")
	us := loadGood(t).Register("us.fincen.msb")
	tests := []struct {
		reg        *registry.Register
		query      string
		wantNumber string // "" for no match
	}{
		{kr, "에이페이 주식회사", "2026-0001"},
		{kr, "주식회사 에이페이", "2026-0001"},
		{kr, "(주)에이페이", "2026-0001"},
		{kr, "㈜ 에이페이", "2026-0001"},
		{kr, "주식회사에이페이", "2026-0001"},
		{kr, "에이 페이", "2026-0001"},
		{kr, "비머니", "2026-0002"},
		{kr, "비머니 주식회사", "2026-0002"},
		{kr, "sample wallet", "2026-0003"},
		{kr, "SAMPLE WALLET CO LTD", "2026-0003"},
		{kr, "Ｓａｍｐｌｅ　Ｗａｌｌｅｔ", "2026-0003"}, // full width
		{kr, "  Sample   Wallet, Co., Ltd. ", "2026-0003"},
		{kr, "Sample Wallets", ""},
		{kr, "에이페이2", ""},
		{kr, "주식회사", ""},
		{us, "example remit", "31000000000001"},
		{us, "Example Remit, L.L.C.", "31000000000001"}, // L.L.C. joins to llc, a legal form
		{us, "DEMO MONEY SERVICES INC.", "31000000000002"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			es := tc.reg.LookupName(tc.query)
			got := ""
			if len(es) > 0 {
				got = es[0].Number
			}
			if got != tc.wantNumber {
				t.Errorf("LookupName(%q) = %v (key %q), want %q", tc.query, es, registry.NormalizeName(tc.query), tc.wantNumber)
			}
		})
	}
	for _, n := range []string{"2026-0001", "20260001", " 2026 0001 ", "２０２６－０００１"} {
		if e, ok := kr.LookupNumber(n); !ok || e.Number != "2026-0001" {
			t.Errorf("LookupNumber(%q) = %+v, %v", n, e, ok)
		}
	}
	if _, ok := kr.LookupNumber("2026-0009"); ok {
		t.Error("found an unknown number")
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Acme GmbH":          "acme",
		"ACME S.A.":          "acme",
		"The Acme Co., Ltd.": "theacme",
		"Inc.":               "inc",
		"유한회사 씨캐시":           "씨캐시",
		"株式会社サンプル":           "サンプル",
		"ｻﾝﾌﾟﾙ":              "サンプル", // half-width katakana
		"---":                "",
	} {
		if got := registry.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadErrorsNameTheLine(t *testing.T) {
	_, err := registry.Load(os.DirFS("testdata"), "bad")
	list := rule.AsList(err)
	var got []string
	for _, e := range list {
		got = append(got, e.Pos.String()+" "+strings.SplitN(e.Msg, " ", 2)[0])
		if e.Code != registry.CodeRegister || !errors.Is(e, registry.ErrSyntax) && !errors.Is(e, registry.ErrDuplicate) {
			t.Errorf("%v: code %s, not a registry error", e, e.Code)
		}
	}
	want := []string{
		"bad/broken.csv:3 as_of:",
		"bad/broken.csv:4 unknown",
		"bad/broken.csv:7 number",
		"bad/broken.csv:8 empty",
		"bad/broken.csv:9 column",
		"bad/broken.csv:10 3",
		"bad/noheader.tsv:1 missing",
		"bad/noheader.tsv:1 missing",
		"bad/noheader.tsv:1 missing",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s\nall: %v", diff, err)
	}
}
