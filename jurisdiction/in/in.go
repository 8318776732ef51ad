// Package in is the built-in jurisdiction pack for India (INR,
// Asia/Kolkata), embedded as YAML (see docs/pack-format.md):
//
//   - limits.yaml: the RBI prepaid payment instrument (PPI) limits — small
//     PPIs (₹10,000 outstanding, ₹10,000 loaded a month, no transfers or
//     cash withdrawals), full-KYC PPIs (₹2,00,000 outstanding from
//     2021-05-19, ₹1,00,000 before), gift PPIs (₹10,000, no cash loading) —
//     and the PMLA cash transaction report thresholds (more than ₹10 lakh
//     per transaction, and per month for integrally connected series);
//     figures not yet verified, or that the payment model cannot scope
//     (transit and NPO rows), ship disabled with the reason;
//   - kyc.yaml: the PPI tiers (minimum-detail and full-KYC);
//   - rules.yaml: the cross-border wire transfer report (more than ₹5 lakh);
//   - reports.yaml: the suspicious transaction report, any amount;
//   - pack.yaml: the built-in AML typologies with their parameters in INR,
//     less the Korean and carrier-billing ones and the travel rule, for
//     which regulation.md has no Indian figure;
//   - tests.yaml: the pack's own cases, run by packtest.
//
// Every figure carries its citation, effective dates and confidence, from
// the project's regulation research (shared/regulation.md §7): the RBI
// Master Directions on PPIs and circular RBI/2021-22/40, and the
// Prevention of Money-laundering (Maintenance of Records) Rules, 2005.
//
// Package in imports only jurisdiction and the packages below it.
package in

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

// Version is the edition of the IN pack; pack.yaml must agree (tested).
const Version = "2026.11.0"

//go:embed *.yaml
var files embed.FS

// FS returns the pack's files: pack.yaml, limits.yaml, kyc.yaml, rules.yaml,
// reports.yaml and tests.yaml, at ".".
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the IN pack, loaded once from the embedded
// files. Callers may change their copy without affecting others.
func Pack() *jurisdiction.Pack { return loaded() }
