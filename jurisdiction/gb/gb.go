// Package gb is the built-in jurisdiction pack for the United Kingdom: the
// Money Laundering, Terrorist Financing and Transfer of Funds (Information
// on the Payer) Regulations 2017 (MLR 2017) as they bear on small-value
// payment services. Its KYC policy holds customer due diligence on cash
// payments of 10,000 GBP or more from 2026-06-30 (reg 27(3) as amended in
// 2026) and enhanced due diligence for FATF call-for-action countries from
// the same day; its rules the cryptoasset travel rule of Part 7A, in force
// from 2023-09-01; and the built-in AML typologies with their parameters in
// GBP. The regulations stated their thresholds in euros until the 2026
// amendment, whose sterling values are unverified: those figures (occasional
// transactions, transfers of funds, e-money simplified due diligence) are
// disabled rows of the limit table, each with its reason. Each figure carries
// its citation, effective dates and confidence, taken from the project's
// regulation research (shared/regulation.md §4).
//
// The pack is data: the YAML files embedded in this package (see
// docs/pack-format.md), loaded with [jurisdiction.Load].
//
// Package gb imports only jurisdiction (and, in its tests, packtest).
package gb

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

//go:embed *.yaml
var files embed.FS

// FS returns the pack's embedded files: pack.yaml, limits.yaml, kyc.yaml,
// rules.yaml, reports.yaml and tests.yaml at ".".
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the GB pack, loaded once from [FS]. Callers
// may change their copy, e.g. to layer stricter internal limits, without
// affecting others. It panics only if the embedded files are invalid, which
// the package's own test rules out.
func Pack() *jurisdiction.Pack { return loaded() }
