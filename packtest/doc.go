// Package packtest runs the tests that ship with a jurisdiction pack: the
// named cases of the pack's tests.yaml, each a transaction or a sequence of
// transactions with the decision the engine must answer.
//
// Under go test, [Run] loads the pack with [jurisdiction.Load] and runs every
// case as a subtest:
//
//	func TestPack(t *testing.T) { packtest.Run(t, kr.FS(), ".") }
//
// The command "comply test DIR" uses [RunDir], which returns a [Result] with
// PASS or FAIL and the file:line of every case.
//
// # Cases
//
// tests.yaml holds a "tests" list. Each case has a name (unique in the
// file) and steps; each step has a tx, an optional settle and a want:
//
//	tests:
//	  - name: carrier billing at the cap, then one won over
//	    steps:
//	      - tx: {id: t1, time: 2026-11-02T10:00:00+09:00, channel: carrier_billing,
//	             direction: payment, amount: "1000000", customer: {id: c1, tier: full}}
//	        want: {action: allow}
//	      - tx: {id: t2, time: 2026-11-02T11:00:00+09:00, channel: carrier_billing,
//	             direction: payment, amount: "1", customer: {id: c1, tier: full}}
//	        want: {action: block, rules: [kr.carrier_billing.monthly_cap]}
//
// A tx is a [payment.Transaction] written in YAML, read through its JSON
// form: times are RFC 3339; country defaults to the pack's code; id defaults
// to "step<N>"; amount is a decimal string (or an integer) in the currency of
// the pack that judges it, or {amount, currency}. A float such as 12.5 is
// refused: write "12.5".
//
// settle is what the host does after the decision: commit (the default for
// an Allow decision that reserved the amount), void, or none (the default
// otherwise: a Review decision's reservation stays pending and keeps
// counting).
//
// want holds:
//   - action: allow, review, step_up or block. Required unless error is set.
//   - rules: rule ids that must be among the findings.
//   - only_rules: the exact set of the findings' rule ids ([] means none).
//   - requires: what must be among the findings' Requires, e.g. tier:full.
//   - reports: the rule ids of report duties that must be raised; [] means
//     that the decision must raise none.
//   - error: instead of a decision, the error Evaluate must return, by name:
//     invalid_transaction, no_pack, no_fx_source, fx or store. A tx that
//     cannot even be decoded (an unknown currency, a malformed time) counts
//     as invalid_transaction.
//
// A case may also have:
//   - fx: rates for an FX source, as {USDKRW: "1400"} (one USD is worth 1400
//     KRW). Without it the engine has no FX source.
//   - packs: more packs to load beside the pack under test, for
//     cross-border cases: folders relative to the pack's folder ("../us"),
//     or country codes, meaning the sibling folder named by the lower-case
//     code ("US" is "../us") or else the pack [Options.Packs] returns. The
//     pack's own code is ignored. A built-in pack's test reaches its
//     siblings by running on the parent folder:
//     packtest.Run(t, os.DirFS(".."), "kr").
//   - now: the engine's clock (RFC 3339). Default: an hour after the case's
//     latest transaction, so that the engine's future-skew check never trips.
//
// # Overlays
//
// A pack whose pack.yaml says "extends: KR" is layered with
// [jurisdiction.Overlay] over the pack in the sibling folder ../kr, or else
// over the one [Options.Packs] returns for KR, before its tests run.
//
// # Engine
//
// Each case runs on a fresh engine with a fresh in-memory store, so that
// cases never see each other's transactions. The store keeps 400 days (a
// day more than the longest rolling limit, if longer), and the engine's
// clock is the case's now. Unknown keys anywhere in tests.yaml are errors
// with their file:line:col.
package packtest
