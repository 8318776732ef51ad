package gb_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction/gb"
	"github.com/comply-go/comply/packtest"
)

func TestPack(t *testing.T) {
	p := gb.Pack()
	if p.Code != "GB" || p.Currency != "GBP" || p.TimeZone != "Europe/London" {
		t.Errorf("Pack() = %s %s %s, want GB GBP Europe/London", p.Code, p.Currency, p.TimeZone)
	}
	if q := gb.Pack(); &q.Limits[0] == &p.Limits[0] {
		t.Error("Pack() returned shared limits; want a fresh copy per call")
	}
	for _, l := range p.Limits {
		if l.Citation.Confidence == "unverified" && !l.Disabled {
			t.Errorf("limit %s: unverified and enabled", l.ID)
		}
	}
}

func TestCases(t *testing.T) { packtest.Run(t, gb.FS(), ".") }
