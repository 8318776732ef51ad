package sg_test

import (
	"testing"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/sg"
	"github.com/comply-go/comply/packtest"
)

func TestLoad(t *testing.T) {
	p, err := jurisdiction.Load(sg.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != sg.Version || p.Code != "SG" || p.Currency != "SGD" || p.TimeZone != "Asia/Singapore" {
		t.Errorf("pack %s %s %s %s", p.Code, p.Version, p.Currency, p.TimeZone)
	}
	// Citations are checked by packtest.Run for every pack.
	if _, err := jurisdiction.Compile(sg.Pack()); err != nil {
		t.Fatal(err)
	}
}

func TestPack(t *testing.T) { packtest.Run(t, sg.FS(), ".") }
