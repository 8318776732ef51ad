// Package aml compiles and evaluates transaction-monitoring rules written
// in CEL (github.com/google/cel-go v0.31.0), and ships the built-in AML
// typologies of comply ([Builtin]).
//
// Package aml owns the CEL environment over the payment model, rule files
// ([ParseRules]), compilation ([Compile]) and evaluation
// ([Program.Evaluate]). It imports only payment and rule from this module;
// it is pure (no I/O, no clock, no environment, no mutable globals), and no
// cel-go type appears in its API. Velocity facts come in through
// [FactSource], which the root engine implements over the store.
//
// # Compile once, evaluate many
//
//	rules, err := aml.ParseRules("rules.yaml", data)
//	prog, err := aml.Compile(append(aml.Builtin(), rules...), &aml.Options{Params: packParams})
//	// per transaction, from many goroutines:
//	findings, err := prog.Evaluate(ctx, &aml.Input{Tx: tx, Facts: facts, Location: seoul})
//
// # What rules see
//
// tx (the transaction): id, time (timestamp), country, channel
// ("carrier_billing", "prepaid", "e_wallet", "gift_card", "crypto",
// "bank_transfer", "card", "cash"), direction ("cash_in", "cash_out",
// "payment", "transfer"), funding (a channel name, "" when unknown), amount
// (decimal), currency, max_amount (decimal: [Input.MaxAmount]; test with
// has()), fee, payout and promised_payout (decimals from the optional
// [payment.Transaction] fields of those names; test with has()), local_hour, local_minute, local_weekday (0 = Sunday), local_day,
// local_month, local_year, local_date ("2026-11-24") in the pack's time
// zone, merchant (id, category, goods, cash_equivalent) and crypto (network,
// asset, asset_amount, address, wallet "hosted"/"self_hosted",
// ownership_proven, travel_rule_complete, originator_name,
// originator_account, beneficiary_name, beneficiary_account).
//
// customer: id, name, country, account, tier ("unverified", "basic", "full",
// "enhanced"), tier_level (0–3), verified (list of check names such as
// "real_name"), risk, pep, age (-1 when unknown).
//
// counterparty: id, name, country, account, first_seen ([Input.CounterpartyFirstSeen]).
// device: id, ip, first_seen, sim_changed. An absent object reads as empty
// fields; an unknown timestamp reads as 1970-01-01T00:00:00Z, and
// host-supplied timestamps are clamped to 1970..2200 like tx.time. Test
// presence with has(), e.g. has(device.first_seen).
//
// params.<name> and lists.<name>: constants from [Options.Params] and
// [Options.Lists] over [DefaultParams] and [DefaultLists]. Host functions
// declared in [Options.Functions] are callable by name.
//
// # Money is exact
//
// Amounts are decimals, never floats. Decimals compare and combine with
// < <= > >= + - * / % and unary -, with other decimals and with ints on
// either side: tx.amount >= 1000000, 1000000 <= tx.amount and
// tx.amount * 2 > decimal("0.5") all work, and
// decimal("0.1") + decimal("0.2") == decimal("0.3") holds. Equality is
// decimal == decimal only (write tx.amount == decimal("1000")). Division
// keeps [DivScale] digits. decimal("…") literals are checked at compile time
// and computed once. Double literals and double() are compile errors.
// Helpers: d.abs(), d.round(places), d.sqrt(), string(d), int(d).
//
// # Velocity facts
//
// vel exposes aggregates of the customer's earlier transactions (the
// evaluated one excluded), named
//
//	vel[.<channel>][.<direction>].<metric>_<window>
//
// where channel and direction are the names above, metric is sum, count,
// distinct (distinct counterparties), sumsq (sum of squares), last (time of
// the latest), last_amount, mean or stddev (population standard deviation,
// exact up to a square root truncated to DivScale digits), and window is
// <n>m, <n>h, <n>d (rolling, up to 3660 days), day or month (calendar, in
// the pack's time zone). Examples: vel.sum_24h, vel.cash_in.count_day,
// vel.carrier_billing.payment.sum_month, vel.transfer.distinct_7d,
// vel.mean_30d.
//
// The queries are known at compile time ([Program.Queries]); during one
// evaluation they are all fetched with ONE call to [FactSource.Facts] the
// first time a rule reads vel, and memoized. A program whose rules never
// read vel never calls it.
//
// # Cost and speed
//
// Every expression's worst-case cost is estimated at compile time and a
// rule above [Options.MaxCost] is refused ([CodeCost]); expensive rules also
// get a run-time cost limit, and rules with comprehensions honour the
// context's deadline while they iterate. Evaluation reads fields through
// plain Go functions (no reflection, no map per evaluation), folds
// decimal("…"), params and other constant sub-expressions once when the
// program is built, and skips a rule whose top-level conjuncts
// (tx.direction == "cash_out", tx.channel in [...]) exclude the
// transaction, which cannot change a result because CEL's && is false as
// soon as one operand is.
//
// # Errors
//
// Compile errors are a [rule.ErrorList] positioned at file:line:col inside
// the YAML file (block and quoted scalars included), with the source line
// and a caret, and stable codes: [rule.CodeParse], [rule.CodeType],
// [CodeCost], [CodeSchema], [CodeYAML], [CodeDuplicateID], [CodeOptions].
// A rule that fails at run time becomes a finding with code
// [rule.CodeEvalError] and action [Options.OnRuleError].
package aml
