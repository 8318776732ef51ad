package in_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/in"
	"github.com/comply-go/comply/packtest"
)

func TestLoad(t *testing.T) {
	p, err := jurisdiction.Load(in.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != in.Version || p.Code != "IN" || p.Currency != "INR" || p.TimeZone != "Asia/Kolkata" {
		t.Errorf("pack %s %s %s %s", p.Code, p.Version, p.Currency, p.TimeZone)
	}
	// Citations are checked by packtest.Run for every pack.
	if _, err := jurisdiction.Compile(in.Pack()); err != nil {
		t.Fatal(err)
	}
}

func TestPack(t *testing.T) { packtest.Run(t, in.FS(), ".") }
