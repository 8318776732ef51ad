# The KR pack of comply as Rego: the limit table's prohibition and its
# breaches (the store's reservation is passed in), the KYC policy,
# rules.yaml and the built-in typologies of aml/builtin.yaml less the two the
# KR pack excludes, with the figures in force over the benchmark stream.
#
# Amounts are integers in minor units (KRW has none), times are Unix
# nanoseconds, durations nanoseconds: OPA's integer arithmetic is exact.
# Velocity facts (input.vel) are read from the same store by the caller.
package kr

tier_rank := {"unverified": 0, "basic": 1, "full": 2, "enhanced": 3}

action_rank := {"allow": 1, "review": 2, "step_up": 3, "block": 4}

fatf_call_for_action := {"KP", "IR", "MM"}

fatf_increased_monitoring := {
	"AO", "BO", "BA", "BG", "CM", "CI", "CD", "HT", "IQ", "KE", "KW",
	"LA", "LB", "MC", "NP", "PG", "SS", "SY", "VE", "VN", "VG", "YE",
}

eu := {
	"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
	"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}

mcc_cash_equivalent := {"4829", "6051", "6540", "5816", "7994"}

cash_equivalent_goods := {"gift_card", "voucher", "game_currency", "transit_top_up"}

ctr_threshold := 10000000

tx := input.tx

customer := input.customer

counterparty := input.counterparty

outward if tx.direction in {"cash_out", "transfer"}

below(tier) if tier_rank[customer.tier] < tier_rank[tier]

# --- limits.yaml: the prohibition, then the store's verdict ---

pre contains {"rule": "kr.carrier_billing.cashout_ban", "action": "block"} if {
	tx.direction == "cash_out"
	tx.funding == "carrier_billing"
}

# --- kyc.yaml: CDD thresholds and EDD triggers ---

pre contains {"rule": "kr.aml.cdd.one_off_krw", "action": "step_up"} if {
	tx.channel != "crypto"
	tx.amount >= 10000000
	below("full")
}

pre contains {"rule": "kr.aml.cdd.vasp_one_off", "action": "step_up"} if {
	tx.channel == "crypto"
	tx.amount >= 1000000
	below("full")
}

pre contains {"rule": "kr.aml.cdd.wire", "action": "step_up"} if {
	tx.channel == "bank_transfer"
	outward
	tx.amount >= 1000000
	below("full")
}

pre contains {"rule": "kr.aml.edd.pep", "action": "step_up"} if {
	customer.pep
	below("enhanced")
}

pre contains {"rule": "kr.aml.edd.high_risk", "action": "step_up"} if {
	customer.risk == "high"
	below("enhanced")
}

pre contains {"rule": "kr.aml.edd.high_risk_country", "action": "step_up"} if {
	some c in [customer.country, counterparty.country]
	c in fatf_call_for_action
	below("enhanced")
}

# A KYC or prohibition finding that steps up or blocks means comply never
# reserves: the caller's reservation is then voided and its verdict unused.
refused_before_limits if {
	some f in pre
	action_rank[f.action] >= 3
}

limit contains {"rule": v.id, "action": breach_action(v)} if {
	not refused_before_limits
	some v in input.reservation.violations
}

# An unnamed prepaid balance that the named cap would hold steps up to
# real-name verification; every other breach blocks.
breach_action(v) := "step_up" if {
	v.id == "kr.prepaid.cap.unnamed"
	v.used + tx.amount <= 2000000
} else := "block"

reports contains concat(":", ["CTR", id]) if {
	not refused_before_limits
	some id in input.reservation.reached
}

# --- rules.yaml ---

aml contains {"rule": "kr.vasp.travel_rule", "action": "block"} if {
	tx.channel == "crypto"
	outward
	tx.crypto.wallet == "hosted"
	not tx.crypto.travel_rule_complete
	travel_rule_applies
}

travel_rule_applies if tx.date > "2027-02-18"

travel_rule_applies if tx.amount >= 1000000

aml contains {"rule": "kr.aml.wire_info.domestic", "action": "allow"} if {
	tx.channel == "bank_transfer"
	outward
	counterparty.country in {"", "KR"}
	tx.amount > 1000000
}

# --- aml/builtin.yaml ---

aml contains {"rule": "aml.structuring.daily_threshold", "action": "review"} if {
	tx.direction == "cash_in"
	tx.amount < ctr_threshold
	v := input.vel.cash_in_day
	v.count + 1 >= 2
	v.sum < ctr_threshold
	v.sum + tx.amount >= ctr_threshold
}

aml contains {"rule": "aml.pass_through.rapid_cash_out", "action": "review"} if {
	tx.direction == "cash_out"
	v := input.vel.cash_in_24h
	v.count > 0
	tx.time - v.last <= 1800000000000 # 30m
	tx.amount * 10 >= v.last_amount * 9 # 90 %
}

aml contains {"rule": "aml.carrier_billing.cash_out", "action": "review"} if {
	tx.country != "KR"
	tx.direction == "cash_out"
	tx.funding == "carrier_billing"
}

cash_equivalent if tx.merchant.goods in cash_equivalent_goods

cash_equivalent if tx.merchant.category in mcc_cash_equivalent

aml contains {"rule": "aml.carrier_billing.cash_equivalent_near_cap", "action": "review"} if {
	tx.channel == "carrier_billing"
	tx.direction == "payment"
	cash_equivalent
	input.vel.cb_payment_month.sum + tx.amount >= 800000 # 80 % of 1,000,000
}

aml contains {"rule": "aml.carrier_billing.resale", "action": "review"} if {
	outward
	v := input.vel.cb_payment_24h
	v.count > 0
	tx.amount * 2 >= v.sum # 50 %
	tx.amount <= v.sum
}

aml contains {"rule": "aml.mule.fan_in", "action": "review"} if {
	tx.direction != "payment"
	fan_in
}

fan_in if input.vel.cash_in_24h.distinct >= 5

fan_in if input.vel.cash_in_7d.distinct >= 10

aml contains {"rule": "aml.mule.fan_out", "action": "review"} if {
	tx.direction == "transfer"
	input.vel.transfer_24h.distinct >= 5
}

aml contains {"rule": "aml.dormant.reactivation", "action": "review"} if {
	outward
	input.vel.all_365d.count > 0
	input.vel.all_180d.count == 0
	tx.amount >= 1000000
}

aml contains {"rule": "aml.geo.fatf_call_for_action", "action": "block"} if {
	some c in [customer.country, counterparty.country]
	c in fatf_call_for_action
}

aml contains {"rule": "aml.geo.fatf_increased_monitoring", "action": "review"} if {
	some c in [customer.country, counterparty.country]
	c in fatf_increased_monitoring
}

aml contains {"rule": "aml.round_amount.burst", "action": "review"} if {
	v := input.vel.all_1h
	v.count + 1 >= 4
	tx.amount % 10000 == 0
	v.last_amount % 10000 == 0
	v.sum % 10000 == 0
}

aml contains {"rule": "eu.aml.crypto.self_hosted_unproven", "action": "step_up"} if {
	tx.country in eu
	tx.date >= "2024-12-30"
	tx.channel == "crypto"
	outward
	tx.crypto.wallet == "self_hosted"
	not tx.crypto.ownership_proven
	tx.amount > 1000
}

aml contains {"rule": "aml.ato.new_device_new_payee", "action": "review"} if {
	outward
	new_device
	tx.time - counterparty.first_seen < 259200000000000 # 72h
	tx.amount >= 500000 # KR has no per-transaction cap: ato_large_amount
}

new_device if tx.time - input.device.first_seen < 259200000000000

new_device if tx.time - input.device.sim_changed < 259200000000000

# A load (cash_in) more than three times the mean of the customer's earlier
# loads in 30 days (Σx/n rounded half away from zero to 18 places, as
# comply's vel.cash_in.mean_30d), and a constant history or a z-score of at
# least 4: (n·x − Σx)² ≥ 16·(n·Σx² − (Σx)²).
aml contains {"rule": "aml.anomaly.amount_zscore", "action": "review"} if {
	tx.direction == "cash_in"
	v := input.vel.cash_in_30d
	v.count >= 5
	scaled := v.sum * 1000000000000000000
	r := scaled % v.count
	v.count * tx.amount * 1000000000000000000 > 3 * ((scaled - r) + half_up(r, v.count))
	z_at_least_4(v)
}

half_up(r, n) := n if {
	2 * r >= n
} else := 0

z_at_least_4(v) if (v.count * v.sumsq) - (v.sum * v.sum) <= 0

z_at_least_4(v) if {
	d := (v.count * v.sumsq) - (v.sum * v.sum)
	d > 0
	dev := (v.count * tx.amount) - v.sum
	dev >= 0
	dev * dev >= 16 * d
}

# The scam typologies.

aml contains {"rule": "aml.scam.advance_fee_no_payout", "action": "review"} if {
	tx.direction == "transfer"
	since := tx.time - counterparty.first_seen
	since >= 86400000000000 # 24h
	since <= 2592000000000000 # 720h
	input.vel.transfer_30d.count > 0
	not paid_back_since_first_seen
}

paid_back_since_first_seen if {
	input.vel.cash_in_30d.count > 0
	input.vel.cash_in_30d.last >= counterparty.first_seen
}

aml contains {"rule": "aml.scam.guaranteed_payout", "action": "review"} if {
	tx.direction in {"transfer", "payment", "cash_out"}
	tx.promised_payout > tx.amount
}

aml contains {"rule": "aml.scam.test_deposits_new_payee", "action": "review"} if {
	tx.direction == "transfer"
	tx.time - counterparty.first_seen <= 86400000000000 # 24h
	v := input.vel.transfer_24h
	v.count >= 2
	v.last >= counterparty.first_seen
	v.sum * 10 <= tx.amount * v.count # an average of at most 10 %
}

# --- the decision ---

reports contains "STR:kr.aml.str" if {
	some f in aml
	action_rank[f.action] >= 2
}

findings := (pre | limit) | aml

decision := {
	"action": max({action_rank[f.action] | some f in findings} | {1}),
	"rules": sort([f.rule | some f in findings]),
	"reports": sort([r | some r in reports]),
}
