// Package kr is the built-in jurisdiction pack for the Republic of Korea,
// embedded as YAML (see docs/pack-format.md): carrier-billing and prepaid
// limits, the prohibition of carrier-billing cash-outs (휴대폰 소액결제
// 현금화) and the currency transaction report (CTR) threshold with its
// history in limits.yaml; CDD thresholds and EDD triggers in kyc.yaml; the
// built-in AML typologies and the VASP travel rule with its 2027 change in
// pack.yaml and rules.yaml; the STR duty in reports.yaml; fee ceilings on
// cash-out advances (대부업법 20% a year, void above 60%) in fees.yaml; the
// provider registers it checks claims against in providers.yaml; and the
// pack's own tests in tests.yaml. Every figure carries its citation, effective dates
// and confidence, from the project's regulation research
// (shared/regulation.md §1).
//
// Package kr imports only jurisdiction and the packages below it.
package kr

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

// Version is the edition of the KR pack; pack.yaml must agree (tested).
const Version = "2026.11.0"

//go:embed *.yaml
var files embed.FS

// FS returns the pack's files: pack.yaml, limits.yaml, kyc.yaml, rules.yaml,
// reports.yaml, fees.yaml, providers.yaml and tests.yaml, at ".".
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the KR pack, loaded once from the embedded
// files. Callers may change their copy, e.g. to layer stricter internal
// limits, without affecting others.
func Pack() *jurisdiction.Pack { return loaded() }
