// Package comply is an embeddable engine of payment-compliance rules for
// small-value payment services: carrier billing, prepaid balances,
// e-wallets, gift cards, small crypto withdrawals.
//
// A host builds one [Engine] at start-up with [New], which validates and
// compiles every jurisdiction pack once, and then calls [Engine.Evaluate]
// synchronously on every transaction, before it moves money. It gets one
// [Decision] back: an [rule.Action] (Allow, Review, StepUp or Block), every
// finding with its rule id, values and legal citation, and every report
// duty (CTR/STR/SAR) the transaction raises. When the host has moved the
// money it calls [Decision.Commit]; when the payment fails, [Decision.Void].
//
// # Quick start
//
//	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}})
//	...
//	d, err := eng.Evaluate(ctx, &tx)
//	if err != nil { /* could not decide: fail closed */ }
//	if d.Allowed() { move money; d.Commit(ctx) }
//
// # What one call does
//
//  1. Validate the transaction (a typed error; nothing is recorded).
//  2. Pick the pack by the transaction's country.
//  3. Convert the amount into the pack's currency through the host's
//     [FXSource], if they differ (no source: [ErrNoFXSource]).
//  4. Judge the limit rows that need no history (prohibitions,
//     per-transaction thresholds).
//  5. Unless that already asks for StepUp or Block, make ONE atomic call to
//     the store: check every windowed cap (rolling, calendar day and month,
//     balance) and reserve the amount if all hold, idempotent by
//     transaction id. Report thresholds (a daily cash CTR) are counted in
//     the same call.
//  6. Decide: the strictest action wins.
//
// # Fail closed
//
// The zero [rule.Action] never means allow, and [Decision.Allowed] is true
// only for Allow. When the store fails, Evaluate returns an error wrapping
// [ErrStore] — or, if the host set [Options.OnStoreError], a decision with
// that action (which may not be Allow). A compliance outcome is never an
// error: Block is a normal decision.
//
// # Time is an input
//
// Every window is anchored at the transaction's own Time; the engine reads
// the clock only to stamp [Decision.EvaluatedAt]. Replaying a log gives the
// same decisions.
//
// # Concurrency
//
// An Engine is immutable after New and safe for concurrent use by multiple
// goroutines. A Decision belongs to the goroutine that asked for it.
//
// Package comply imports every core package of this module and the embedded
// default store, memstore; never a Redis or PostgreSQL client, and never a
// country pack (the host picks those).
package comply
