// Package registry holds registers of licensed or registered providers —
// Korean electronic financial business operators (전자금융업 등록,
// 전자금융거래법 제28조) and virtual-asset service providers (신고,
// 특정금융정보법 제7조), US money services businesses (FinCEN, 31 CFR
// 1022.380), EU e-money and payment institutions (the EBA registers under
// PSD2 and EMD2) — loaded from files the host provides, and checks a
// counterparty's claim to be on one.
//
// comply never downloads a register: the host fetches the regulator's
// list, converts it to the file format below and loads it with [Parse] or
// [Load]. A [Register] is an immutable index keyed by registration number
// and by normalized name, safe for concurrent use.
//
// # File format
//
// One register per file, UTF-8, comma-separated (.csv) or tab-separated
// (.tsv). Lines starting with "##" are comments and blank lines are
// skipped. Header lines start with "#" and give "key: value" pairs; id,
// name and as_of (the date the register was taken, YYYY-MM-DD) are
// required, authority and source are optional. Then one column-header row
// naming the columns, number and name required, status optional, in any
// order, and one row per registered provider:
//
//	## converted from the FSC list by the host
//	# id: kr.fsc.efin
//	# name: 전자금융업자 등록 현황
//	# authority: 금융위원회
//	# as_of: 2026-11-01
//	# source: host export of the FSC list
//	number,name,status
//	2026-0001,에이페이 주식회사,registered
//
// An empty status, "registered", "licensed" and "active" mean registered;
// any other status ("revoked", "suspended") is kept, and a claim that
// matches only such an entry is not on the register. Errors name the file
// and line ([rule.Error], code [CodeRegister]).
//
// # Normalization
//
// Names are compared after [NormalizeName]: Unicode NFKC (full-width and
// compatibility forms folded), lower case, punctuation removed (periods
// and apostrophes join the letters around them, "S.A." is "sa"), spacing
// removed, and legal-form words dropped at either end ("Co., Ltd.", "Inc.",
// "LLC", "Ltd", "GmbH", "S.A.", "주식회사", "(주)", "㈜", "유한회사", …).
// Registration numbers are compared after [NormalizeNumber]: NFKC, upper
// case, only letters and digits.
//
// # Checking claims
//
// A [Policy] (a pack's providers.yaml) names the registers a pack cares
// about and the action for a counterparty that claims to be on one and is
// not. [Policy.Check] judges a cash-out or transfer whose counterparty
// carries a [payment.ProviderClaim]. A claim to a register the host did
// not load is never passed silently: it gets a Review finding
// ([RuleNotLoaded]) naming the register, because comply cannot tell.
package registry
