// Package peers compares comply with its two peers on the same work: the
// same Korean (KR) pack logic written by hand in Go, the floor, and Open
// Policy Agent evaluating equivalent Rego policies. It lives in its own
// module, so OPA never enters comply's dependencies.
//
// Each peer is an [Evaluator] over its own store.Backend (a fresh memstore
// in the tests and benchmarks): it judges one transaction and returns an
// [Outcome], the part of a decision that the three must agree on: the
// action, the sorted rule ids of the findings and the sorted report kinds.
//
//   - [NewComply]: comply.Engine with the full KR pack (limits, KYC policy,
//     rules.yaml and the built-in typologies), committing what it allows.
//   - [NewHandwritten]: the same checks as plain Go over the same store
//     calls: one Reserve with the same caps, one Aggregate with the same
//     queries as the AML program's Queries.
//   - [NewOPA]: the same store calls, then one evaluation of a prepared Rego
//     query (rego.PrepareForEval) over an input holding the transaction,
//     the reservation's result and the velocity facts.
//
// The hand-written and Rego peers leave out the pack's fee ceilings and
// provider registers, which judge only transactions carrying fees,
// payouts, advances or provider claims; the stream carries none, and
// TestSameDecisions checks that it does not.
//
// [Stream] is the deterministic 100,000-transaction workload, made by
// package synth with its planted typologies. TestSameDecisions asserts that
// the three agree on every transaction; BenchmarkPeers, BenchmarkHistory
// and BenchmarkCustomers measure them (see BENCHMARKS.md, section peers).
package peers
