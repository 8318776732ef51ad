// Package eu is the built-in jurisdiction pack for the European Union: the
// Union-level AML/CFT and payment rules that bear on small-value payment
// services, for transactions in any member state without a pack of its own.
// Its limit table holds the cash-payment cap of the AML Regulation (above
// 10,000 EUR prohibited from 2027-07-10, Regulation (EU) 2024/1624 Art. 80),
// the PSD2 exclusion of carrier-billed digital content (50 EUR a payment,
// 300 EUR a month, Art. 3(l)), the bounds of the e-money CDD exemption
// (AMLD Art. 12: 150 EUR stored and a month, 50 EUR redeemed or paid
// remotely, since 2020-01-10; 250/250/100 EUR before) and, disabled, the SCA
// exemptions and an unverified TFR figure; its KYC policy the AMLR
// occasional-transaction CDD thresholds from 2027-07-10 (10,000 EUR; 1,000
// EUR for transfers of funds and crypto-assets; 3,000 EUR cash); its rules
// the crypto travel rule with no de minimis from 2024-12-30
// (Regulation (EU) 2023/1113 Art. 14); and the built-in AML typologies with
// their parameters in EUR, including the self-hosted-wallet check above
// 1,000 EUR. Each
// figure carries its citation, effective dates and confidence, taken from
// the project's regulation research (shared/regulation.md §3).
//
// The pack's code is "EU", which is not a country: the engine judges by it
// the transactions of member states that have no pack of their own, so
// transactions carry the member state's code (DE, FR, …).
//
// The pack is data: the YAML files embedded in this package (see
// docs/pack-format.md), loaded with [jurisdiction.Load].
//
// Package eu imports only jurisdiction (and, in its tests, packtest).
package eu

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

//go:embed *.yaml
var files embed.FS

// FS returns the pack's embedded files: pack.yaml, limits.yaml, rules.yaml,
// reports.yaml and tests.yaml at ".".
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the EU pack, loaded once from [FS]. Callers
// may change their copy, e.g. to layer stricter internal limits, without
// affecting others. It panics only if the embedded files are invalid, which
// the package's own test rules out.
func Pack() *jurisdiction.Pack { return loaded() }
