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
	// Citations are checked by packtest.Run for every pack.
	if _, err := jurisdiction.Compile(jp.Pack()); err != nil {
		t.Fatal(err)
	}
}

func TestPack(t *testing.T) { packtest.Run(t, jp.FS(), ".") }
