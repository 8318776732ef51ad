// Package us is the built-in jurisdiction pack for the United States: the
// Bank Secrecy Act duties of money services businesses (money transmitters,
// providers and sellers of prepaid access) as FinCEN's rules in 31 CFR
// Chapter X state them. Its limit table holds the currency transaction
// report (more than 10,000 USD of cash in, or out, per customer per business
// day, 31 CFR 1010.311 and 1010.313), the funds-transfer recordkeeping and
// travel rule (3,000 USD or more, 1010.410) and, disabled, the definitional
// and proposed thresholds of 1010.100(ff) and the 2020 proposals; its KYC
// policy the identification of cash purchases of monetary instruments
// (1010.415); its report duties the MSB suspicious activity report (at least
// 2,000 USD, 1022.320); and the built-in AML typologies with their
// parameters in USD. Each figure carries its citation, effective dates and
// confidence, taken from the project's regulation research
// (shared/regulation.md §2).
//
// The pack is data: the YAML files embedded in this package (see
// docs/pack-format.md), loaded with [jurisdiction.Load].
//
// Package us imports only jurisdiction (and, in its tests, packtest).
package us

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

//go:embed *.yaml
var files embed.FS

// FS returns the pack's embedded files: pack.yaml, limits.yaml, kyc.yaml,
// reports.yaml, providers.yaml and tests.yaml at ".".
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the US pack, loaded once from [FS]. Callers
// may change their copy, e.g. to layer stricter internal limits, without
// affecting others. It panics only if the embedded files are invalid, which
// the package's own test rules out.
func Pack() *jurisdiction.Pack { return loaded() }
