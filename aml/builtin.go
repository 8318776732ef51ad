package aml

import (
	_ "embed"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

//go:embed builtin.yaml
var builtinYAML []byte

// BuiltinFile is the name under which the built-in typologies report
// positions.
const BuiltinFile = "aml/builtin.yaml"

var builtinRules = sync.OnceValue(func() []Rule {
	rules, err := ParseRules(BuiltinFile, builtinYAML)
	if err != nil {
		panic(err) // ruled out by TestBuiltinCompiles
	}
	return rules
})

// Builtin returns the built-in typologies, parsed once from the embedded
// builtin.yaml. Each rule cites the published red flag or statute it stands
// on; thresholds that no source gives are parameters (see [DefaultParams])
// whose citation note says "library default". The returned slice is a
// fresh copy: callers may filter or change it.
func Builtin() []Rule {
	src := builtinRules()
	out := make([]Rule, len(src))
	for i, r := range src {
		r.Tags = slices.Clone(r.Tags)
		r.Values = slices.Clone(r.Values)
		r.Requires = slices.Clone(r.Requires)
		out[i] = r
	}
	return out
}

// DefaultParams returns the parameters the built-in typologies use, as a
// fresh map. Amounts are in KRW, the currency of the first pack; every
// other pack must override them in [Options.Params]:
//
//   - ctr_threshold (decimal, 10000000): currency transaction report
//     threshold per day. KR 특금법 제4조의2 / 시행령 제8조의2 (primary).
//   - structuring_min_pieces (int, 2): cash-ins in a day, including this
//     one, that count as split. Library default (TYPOLOGIES.md §2).
//   - rapid_cashout_window (duration, 30m), rapid_cashout_share (decimal,
//     0.9): a cash-out of at least this share of the last cash-in within the
//     window. Library defaults (TYPOLOGIES.md §3).
//   - carrier_billing_monthly_cap (decimal, 1000000): KR carrier practice
//     (regulation.md kr.carrier_billing.monthly_cap, secondary);
//     carrier_billing_near_cap_share (decimal, 0.8): library default.
//   - cashing_payout_min_share (decimal, 0.5): lower end of the 50–80 %
//     payout band reported for 휴대폰깡 (TYPOLOGIES.md §1, secondary).
//   - fan_in_senders_24h (int, 5), fan_in_senders_7d (int, 10),
//     fan_out_receivers_24h (int, 5): library defaults (TYPOLOGIES.md §4).
//   - dormant_large_amount (decimal, 1000000): library default
//     (TYPOLOGIES.md §5); the dormancy itself is 180 days without activity
//     after activity in the year before.
//   - round_unit (decimal, 10000), round_burst_count (int, 4): library
//     defaults (TYPOLOGIES.md §9).
//   - travel_rule_threshold (decimal, 1000000): KR 시행령 제10조의10 until
//     2027-02-18 (primary); FATF INR.15 USD/EUR 1,000; EU 0.
//   - eu_self_hosted_threshold (decimal, 1000): EUR, TFR Art. 14(5).
//   - ato_window (duration, 72h), ato_near_max_share (decimal, 0.9),
//     ato_large_amount (decimal, 500000): library defaults (TYPOLOGIES.md §7).
//   - anomaly_min_history (int, 5), anomaly_min_ratio (int, 3),
//     anomaly_min_z (decimal, 4): library defaults for the load anomaly
//     (aml.anomaly.amount_zscore): a cash_in is judged once the customer
//     has at least anomaly_min_history earlier cash_in loads in 30 days,
//     and fires above anomaly_min_ratio times their mean and anomaly_min_z
//     standard deviations above it.
//   - advance_fee_wait (duration, 24h): how long after the first payment to
//     a payee a further deposit with nothing back counts as advance-fee.
//     Library default (TYPOLOGIES.md §6).
//   - test_deposit_window (duration, 24h), test_deposit_min_count (int, 2),
//     test_deposit_max_share (decimal, 0.1): a transfer to a payee first
//     seen within the window after at least that many earlier transfers
//     averaging at most that share of it. Library defaults (TYPOLOGIES.md
//     §6). None of the scam parameters is an amount, so no pack needs to
//     convert them.
func DefaultParams() map[string]any {
	d := decimal.RequireFromString
	return map[string]any{
		"ctr_threshold":                  d("10000000"),
		"structuring_min_pieces":         2,
		"rapid_cashout_window":           30 * time.Minute,
		"rapid_cashout_share":            d("0.9"),
		"carrier_billing_monthly_cap":    d("1000000"),
		"carrier_billing_near_cap_share": d("0.8"),
		"cashing_payout_min_share":       d("0.5"),
		"fan_in_senders_24h":             5,
		"fan_in_senders_7d":              10,
		"fan_out_receivers_24h":          5,
		"dormant_large_amount":           d("1000000"),
		"round_unit":                     d("10000"),
		"round_burst_count":              4,
		"travel_rule_threshold":          d("1000000"),
		"eu_self_hosted_threshold":       d("1000"),
		"ato_window":                     72 * time.Hour,
		"ato_near_max_share":             d("0.9"),
		"ato_large_amount":               d("500000"),
		"anomaly_min_history":            5,
		"anomaly_min_ratio":              3,
		"anomaly_min_z":                  d("4"),
		"advance_fee_wait":               24 * time.Hour,
		"test_deposit_window":            24 * time.Hour,
		"test_deposit_min_count":         2,
		"test_deposit_max_share":         d("0.1"),
	}
}

// DefaultLists returns the named lists shipped with the package, as a fresh
// map:
//
//   - fatf_call_for_action: FATF high-risk jurisdictions subject to a call
//     for action after the June 2026 plenary (DPRK, Iran, Myanmar).
//   - fatf_increased_monitoring: FATF jurisdictions under increased
//     monitoring after the June 2026 plenary (22). Rebuilt from plenary
//     change reports (regulation.md §8, secondary): reconcile with
//     fatf-gafi.org before relying on it, and override it in
//     [Options.Lists] after every plenary.
//   - eu: the 27 EU member states (ISO 3166-1 alpha-2).
//   - mcc_cash_equivalent: ISO 18245 merchant categories that sell
//     cash-like value (4829 money transfer, 6051 quasi-cash, 6540 stored
//     value, 5816 digital games, 7994 game arcades). Library default.
func DefaultLists() map[string][]string {
	return map[string][]string{
		"fatf_call_for_action": {"KP", "IR", "MM"},
		"fatf_increased_monitoring": {
			"AO", "BO", "BA", "BG", "CM", "CI", "CD", "HT", "IQ", "KE", "KW",
			"LA", "LB", "MC", "NP", "PG", "SS", "SY", "VE", "VN", "VG", "YE",
		},
		"eu": {
			"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
			"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
		},
		"mcc_cash_equivalent": {"4829", "6051", "6540", "5816", "7994"},
	}
}
