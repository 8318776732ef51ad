// Package synth generates realistic, deterministic synthetic payment
// histories for backtesting (comply replay), tests and benchmarks.
//
// A history is a population of Korean customers of a small-value payment
// service — carrier billing, prepaid balances, e-wallets, cards, bank
// transfers, a little crypto — whose ordinary activity (the background) is
// mostly clean, with the money-laundering and fraud typologies of the
// built-in AML rules (aml/builtin.yaml) planted in chosen customers at known
// rates as labelled scenarios: structuring under the CTR threshold, rapid
// cash-out, carrier-billing cash-out (소액결제 현금화), fan-in and fan-out
// mules, dormant reactivation, FATF call-for-action counterparties,
// round-amount bursts, crypto withdrawals without travel-rule data, account
// takeover (new device and new payee) and amount anomalies. Because the
// labels say which transaction of which customer carries each scenario, a
// replay can measure both how many planted cases the rules recover and how
// many background customers they flag (false positives).
//
// The background follows simple, documented shapes rather than real data:
// a customer's daily activity is Poisson with a per-customer rate; channels
// follow a fixed mix; amounts are log-normal in KRW and rounded the way
// prices (100 KRW) and top-ups (10,000 KRW) are; tiers are mostly basic
// (phone) and full (real name); each customer has one long-known device and
// a few long-known friends.
//
// A Generator is built once by New and is deterministic: the same Options
// (the same Seed) give the same transactions and labels, byte for byte.
// Transactions come out in time order, a day at a time, so a million of them
// stream through Each or Write without being held in memory at once. Package
// synth imports only package payment from this module.
package synth
