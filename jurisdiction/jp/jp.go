// Package jp is the built-in jurisdiction pack for Japan (JPY, Asia/Tokyo),
// embedded as YAML (see docs/pack-format.md):
//
//   - limits.yaml: the 資金決済法 per-transfer cap of funds transfer
//     providers (¥1,000,000: Type II from 2021-05-01, the single category
//     from 2010-04-01 before that); the Type III cap, the holding limits,
//     the prepaid deposit threshold and the 高額電子移転可能型 prepaid
//     thresholds; the 犯収法 取引時確認 thresholds (¥2,000,000 cash,
//     ¥100,000 cash remittance), the 施行令第15条 record de minimis and the
//     crypto travel rule — most unverified in regulation.md, all disabled
//     with the reason;
//   - kyc.yaml: the tiers, 取引時確認 and 厳格な取引時確認 (犯収法第4条);
//   - reports.yaml: the suspicious transaction report (犯収法第8条), any
//     amount;
//   - pack.yaml: the built-in AML typologies with their parameters in JPY,
//     less the Korean and carrier-billing ones, structuring (Japan has no
//     currency transaction report) and the travel rule (its Japanese figure
//     is unverified);
//   - tests.yaml: the pack's own cases, run by packtest.
//
// Every figure carries its citation, effective dates and confidence, from
// the project's regulation research (shared/regulation.md §5) and the
// statute texts cited in the rows: 資金決済に関する法律, 犯罪による収益の
// 移転防止に関する法律 and its 施行令.
//
// Package jp imports only jurisdiction and the packages below it.
package jp

import (
	"embed"
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
)

// Version is the edition of the JP pack; pack.yaml must agree (tested).
const Version = "2026.11.0"

//go:embed *.yaml
var files embed.FS

// FS returns the pack's files: pack.yaml, limits.yaml, kyc.yaml,
// reports.yaml and tests.yaml, at ".". The pack has no rules.yaml: its
// monitoring rules are the built-in ones.
func FS() fs.FS { return files }

var loaded = jurisdiction.LoadOnce(files, ".")

// Pack returns a new copy of the JP pack, loaded once from the embedded
// files. Callers may change their copy, e.g. to enable the Type III cap,
// without affecting others.
func Pack() *jurisdiction.Pack { return loaded() }
