// Package sg is the built-in jurisdiction pack for Singapore (SGD,
// Asia/Singapore), embedded as YAML (see docs/pack-format.md):
//
//   - limits.yaml: the Payment Services Act caps on personal e-wallets — the
//     stock cap (S$20,000 from 2023-12-15, S$5,000 before), checked at every
//     load as an approximation of the end-of-day rule, and the flow cap on
//     outflows over a rolling 365 days (S$100,000 from 2023-12-15, S$30,000
//     before), which leaves out withdrawals to the user's own bank account;
//     the MAS Notice PSN01 figures not yet verified ship disabled;
//   - kyc.yaml: the tiers, and the MAS Notice PSN02 threshold above which a
//     digital payment token transfer needs the originator's verified
//     identity (more than S$1,500);
//   - reports.yaml: the suspicious transaction report (CDSA s.45), any
//     amount;
//   - pack.yaml: the built-in AML typologies with their parameters in SGD —
//     the travel rule from the first cent, as PSN02 asks for names and
//     account numbers at every amount — less the Korean, carrier-billing and
//     structuring ones (Singapore has no currency transaction report for
//     payment service providers);
//   - tests.yaml: the pack's own cases, run by packtest.
//
// Every figure carries its citation, effective dates and confidence, from
// the project's regulation research (shared/regulation.md §6): the Payment
// Services Act 2019 and its 2023 amending regulations, MAS Notices PSN01
// and PSN02, and the CDSA.
//
// Package sg imports only jurisdiction and the packages below it.
package sg

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

// Version is the edition of the SG pack; pack.yaml must agree (tested).
const Version = "2026.11.0"

//go:embed *.yaml
var files embed.FS

// FS returns the pack's files: pack.yaml, limits.yaml, kyc.yaml,
// reports.yaml and tests.yaml, at ".". The pack has no rules.yaml: its
// monitoring rules are the built-in ones.
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the SG pack, loaded once from the embedded
// files. Callers may change their copy without affecting others.
func Pack() *jurisdiction.Pack { return loaded() }
