package us_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction/us"
	"github.com/comply-go/comply/packtest"
)

func TestPack(t *testing.T) {
	p := us.Pack()
	if p.Code != "US" || p.Currency != "USD" || p.TimeZone != "America/New_York" {
		t.Errorf("Pack() = %s %s %s, want US USD America/New_York", p.Code, p.Currency, p.TimeZone)
	}
	if q := us.Pack(); &q.Limits[0] == &p.Limits[0] {
		t.Error("Pack() returned shared limits; want a fresh copy per call")
	}
}

func TestCases(t *testing.T) { packtest.Run(t, us.FS(), ".") }
