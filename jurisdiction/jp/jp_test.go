package jp_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/jp"
	"github.com/comply-go/comply/packtest"
)

func TestLoad(t *testing.T) {
	p, err := jurisdiction.Load(jp.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != jp.Version || p.Code != "JP" || p.Currency != "JPY" || p.TimeZone != "Asia/Tokyo" {
		t.Errorf("pack %s %s %s %s", p.Code, p.Version, p.Currency, p.TimeZone)
	}
	for _, r := range p.Limits {
		if r.Citation.Law == "" || r.Citation.Confidence == "" {
			t.Errorf("%s: citation %+v", r.ID, r.Citation)
		}
		if r.Citation.Confidence == "unverified" && !r.Disabled {
			t.Errorf("%s: unverified and enabled", r.ID)
		}
	}
	if _, err := jurisdiction.Compile(jp.Pack()); err != nil {
		t.Fatal(err)
	}
}

func TestPack(t *testing.T) { packtest.Run(t, jp.FS(), ".") }
