// Package kyc decides what customer verification a transaction needs and
// compares it with what the customer has: tiers and their required checks,
// customer-due-diligence (CDD) thresholds, enhanced-due-diligence (EDD)
// triggers (PEP, high-risk country, high risk rating), age minimums and the
// conditions under which a customer can never qualify.
//
// A [Policy] is plain data (with json and yaml tags) describing one
// jurisdiction pack; [CompilePolicy] validates it once and returns a
// [Checker], whose [Checker.Check] runs on every transaction. A shortfall
// gives a [rule.StepUp] finding whose Requires names exactly the tier and
// verifications missing ("tier:full", "verification:real_name"); a customer
// who can never qualify (a refused country, a minor on an age-restricted
// channel) gives [rule.Block]. [KRPolicy] returns the Korean figures with
// their citations.
//
// Sanctions and PEP screening lives in the subpackage
// [github.com/comply-go/comply/kyc/screening].
//
// Package kyc imports only [payment] and [rule] from this module. It is pure:
// it reads no clock (the transaction's Time is the time), no environment and
// no files, and holds no package-level mutable state.
package kyc
