package eu_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction/eu"
	"github.com/comply-go/comply/packtest"
)

func TestPack(t *testing.T) {
	p := eu.Pack()
	if p.Code != "EU" || p.Currency != "EUR" || p.TimeZone != "Europe/Brussels" {
		t.Errorf("Pack() = %s %s %s, want EU EUR Europe/Brussels", p.Code, p.Currency, p.TimeZone)
	}
	if q := eu.Pack(); &q.Limits[0] == &p.Limits[0] {
		t.Error("Pack() returned shared limits; want a fresh copy per call")
	}
	for _, l := range p.Limits {
		if l.Citation.Confidence == "unverified" && !l.Disabled {
			t.Errorf("limit %s: unverified and enabled", l.ID)
		}
	}
}

func TestCases(t *testing.T) { packtest.Run(t, eu.FS(), ".") }
