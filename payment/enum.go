package payment

import (
	"fmt"
	"strings"
)

// enum is the shared text encoding of the small enums in this package.
type enumNames []string

func (n enumNames) name(v uint8, kind string) string {
	if int(v) < len(n) {
		return n[v]
	}
	return fmt.Sprintf("%s(%d)", kind, v)
}

func (n enumNames) parse(s string, err error) (uint8, error) {
	ls := strings.ToLower(strings.TrimSpace(s))
	for i, name := range n {
		if name == ls {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %q", err, s)
}

// Channel is the payment rail or instrument a transaction runs on. The zero
// value is invalid.
type Channel uint8

// The channels.
const (
	ChannelUnspecified Channel = iota
	// CarrierBilling is mobile carrier billing (휴대폰 소액결제): the amount is
	// added to the subscriber's phone bill.
	CarrierBilling
	// Prepaid is a prepaid or stored-value balance (선불전자지급수단).
	Prepaid
	// EWallet is an e-money wallet.
	EWallet
	// GiftCard is a gift card or voucher.
	GiftCard
	// Crypto is a virtual-asset transfer.
	Crypto
	// BankTransfer is an account-to-account transfer.
	BankTransfer
	// Card is a debit or credit card payment.
	Card
	// Cash is physical cash.
	Cash
	numChannels
)

// NumChannels is the number of valid channels plus one (for the zero value);
// channel values are in [0, NumChannels).
const NumChannels = int(numChannels)

var channelNames = enumNames{"unspecified", "carrier_billing", "prepaid", "e_wallet", "gift_card", "crypto", "bank_transfer", "card", "cash"}

// String returns the channel's snake_case name, e.g. "carrier_billing".
func (c Channel) String() string { return channelNames.name(uint8(c), "channel") }

// Valid reports whether c is a defined channel other than the zero value.
func (c Channel) Valid() bool { return c > ChannelUnspecified && c < numChannels }

// ParseChannel parses a name printed by [Channel.String]. Errors wrap
// [ErrUnknownChannel].
func ParseChannel(s string) (Channel, error) {
	v, err := channelNames.parse(s, ErrUnknownChannel)
	return Channel(v), err
}

// MarshalText encodes the channel name.
func (c Channel) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a channel name; see [ParseChannel].
func (c *Channel) UnmarshalText(b []byte) error {
	v, err := ParseChannel(string(b))
	*c = v
	return err
}

// Direction is which way money moves from the customer's point of view. The
// zero value is invalid.
type Direction uint8

// The directions.
const (
	DirectionUnspecified Direction = iota
	// CashIn loads value: a top-up, a deposit, a cash payment in.
	CashIn
	// CashOut turns stored value back into money outside the service: a
	// withdrawal, a redemption to a bank account, a crypto withdrawal.
	CashOut
	// Payment buys goods or services from a merchant.
	Payment
	// Transfer sends value to another person (P2P).
	Transfer
	numDirections
)

// NumDirections is the number of valid directions plus one (for the zero
// value); direction values are in [0, NumDirections).
const NumDirections = int(numDirections)

var directionNames = enumNames{"unspecified", "cash_in", "cash_out", "payment", "transfer"}

// String returns the direction's snake_case name, e.g. "cash_out".
func (d Direction) String() string { return directionNames.name(uint8(d), "direction") }

// Valid reports whether d is a defined direction other than the zero value.
func (d Direction) Valid() bool { return d > DirectionUnspecified && d < numDirections }

// ParseDirection parses a name printed by [Direction.String]. Errors wrap
// [ErrUnknownDirection].
func ParseDirection(s string) (Direction, error) {
	v, err := directionNames.parse(s, ErrUnknownDirection)
	return Direction(v), err
}

// MarshalText encodes the direction name.
func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes a direction name; see [ParseDirection].
func (d *Direction) UnmarshalText(b []byte) error {
	v, err := ParseDirection(string(b))
	*d = v
	return err
}

// Tier is a customer's KYC tier on a ladder shared by every jurisdiction;
// packs give the tiers their local names (KR: 미인증, 본인인증(휴대폰),
// 실명확인, 강화된 고객확인). Tiers are ordered: a higher tier can do
// everything a lower one can. The zero value is [TierUnverified], the least
// trusted, so a forgotten tier fails closed.
type Tier uint8

// The tiers, from least to most verified.
const (
	// TierUnverified: nothing verified.
	TierUnverified Tier = iota
	// TierBasic: a contact point verified, e.g. a phone number (KR
	// 휴대폰 본인인증). Simplified due diligence.
	TierBasic
	// TierFull: identity verified against an official document or real-name
	// record (KR 실명확인; CDD complete).
	TierFull
	// TierEnhanced: enhanced due diligence done (source of funds, PEP
	// approval).
	TierEnhanced
	numTiers
)

// NumTiers is the number of tiers.
const NumTiers = int(numTiers)

var tierNames = enumNames{"unverified", "basic", "full", "enhanced"}

// String returns the tier's name: "unverified", "basic", "full" or
// "enhanced".
func (t Tier) String() string { return tierNames.name(uint8(t), "tier") }

// Valid reports whether t is a defined tier.
func (t Tier) Valid() bool { return t < numTiers }

// ParseTier parses a name printed by [Tier.String]. Errors wrap
// [ErrUnknownTier].
func ParseTier(s string) (Tier, error) {
	if strings.EqualFold(strings.TrimSpace(s), "unverified") {
		return TierUnverified, nil
	}
	v, err := tierNames.parse(s, ErrUnknownTier)
	return Tier(v), err
}

// MarshalText encodes the tier name.
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText decodes a tier name; see [ParseTier].
func (t *Tier) UnmarshalText(b []byte) error {
	v, err := ParseTier(string(b))
	*t = v
	return err
}

// Risk is a customer risk rating. The zero value means not rated.
type Risk uint8

// The risk ratings.
const (
	RiskUnrated Risk = iota
	RiskLow
	RiskMedium
	RiskHigh
	numRisks
)

var riskNames = enumNames{"unrated", "low", "medium", "high"}

// String returns the rating's name.
func (r Risk) String() string { return riskNames.name(uint8(r), "risk") }

// ParseRisk parses a name printed by [Risk.String]. Errors wrap
// [ErrUnknownRisk].
func ParseRisk(s string) (Risk, error) {
	if strings.EqualFold(strings.TrimSpace(s), "unrated") {
		return RiskUnrated, nil
	}
	v, err := riskNames.parse(s, ErrUnknownRisk)
	return Risk(v), err
}

// MarshalText encodes the rating name.
func (r Risk) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a rating name; see [ParseRisk].
func (r *Risk) UnmarshalText(b []byte) error {
	v, err := ParseRisk(string(b))
	*r = v
	return err
}

// Goods classifies what a purchase buys, where it matters to compliance:
// cash-equivalent goods (gift cards, vouchers, game currency) bought with
// carrier billing are the raw material of 소액결제 현금화.
type Goods uint8

// The goods classes.
const (
	GoodsUnspecified Goods = iota
	// GoodsGeneral is ordinary goods and services.
	GoodsGeneral
	// GoodsGiftCard is a gift card or gift-card PIN (문화상품권, Google Play).
	GoodsGiftCard
	// GoodsVoucher is another prepaid voucher or mobile coupon.
	GoodsVoucher
	// GoodsGameCurrency is game cash or tradeable game items.
	GoodsGameCurrency
	// GoodsDigitalContent is in-app or online content (정보이용료).
	GoodsDigitalContent
	// GoodsTransitTopUp is a transport-card top-up.
	GoodsTransitTopUp
	numGoods
)

var goodsNames = enumNames{"unspecified", "general", "gift_card", "voucher", "game_currency", "digital_content", "transit_top_up"}

// String returns the goods class name.
func (g Goods) String() string { return goodsNames.name(uint8(g), "goods") }

// CashEquivalent reports whether g is easily resold for cash.
func (g Goods) CashEquivalent() bool {
	switch g {
	case GoodsGiftCard, GoodsVoucher, GoodsGameCurrency, GoodsTransitTopUp:
		return true
	}
	return false
}

// ParseGoods parses a name printed by [Goods.String]. Errors wrap
// [ErrUnknownGoods].
func ParseGoods(s string) (Goods, error) {
	v, err := goodsNames.parse(s, ErrUnknownGoods)
	return Goods(v), err
}

// MarshalText encodes the goods class name.
func (g Goods) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText decodes a goods class name; see [ParseGoods].
func (g *Goods) UnmarshalText(b []byte) error {
	v, err := ParseGoods(string(b))
	*g = v
	return err
}

// Check is one verification a customer can have passed.
type Check uint8

// The verifications.
const (
	CheckUnspecified Check = iota
	// CheckPhone: control of a phone number verified (KR 휴대폰 본인인증).
	CheckPhone
	// CheckEmail: control of an e-mail address verified.
	CheckEmail
	// CheckIDDocument: an official identity document checked.
	CheckIDDocument
	// CheckRealName: identity matched against the real-name record
	// (KR 실지명의 확인, 금융실명법 제2조제4호).
	CheckRealName
	// CheckAddress: residential address verified.
	CheckAddress
	// CheckAge: date of birth verified.
	CheckAge
	// CheckSourceOfFunds: source of funds documented (EDD).
	CheckSourceOfFunds
	// CheckBankAccount: ownership of a linked bank account verified.
	CheckBankAccount
	numChecks
)

var checkNames = enumNames{"unspecified", "phone", "email", "id_document", "real_name", "address", "age", "source_of_funds", "bank_account"}

// String returns the verification's name, e.g. "real_name".
func (c Check) String() string { return checkNames.name(uint8(c), "check") }

// ParseCheck parses a name printed by [Check.String]. Errors wrap
// [ErrUnknownCheck].
func ParseCheck(s string) (Check, error) {
	v, err := checkNames.parse(s, ErrUnknownCheck)
	return Check(v), err
}

// MarshalText encodes the verification name.
func (c Check) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a verification name; see [ParseCheck].
func (c *Check) UnmarshalText(b []byte) error {
	v, err := ParseCheck(string(b))
	*c = v
	return err
}

// WalletKind says who controls a crypto address.
type WalletKind uint8

// The wallet kinds.
const (
	WalletUnspecified WalletKind = iota
	// WalletHosted is an address at a VASP (exchange, custodian).
	WalletHosted
	// WalletSelfHosted is an address the customer controls (unhosted).
	WalletSelfHosted
	numWallets
)

var walletNames = enumNames{"unspecified", "hosted", "self_hosted"}

// String returns the wallet kind's name.
func (w WalletKind) String() string { return walletNames.name(uint8(w), "wallet") }

// ParseWalletKind parses a name printed by [WalletKind.String]. Errors wrap
// [ErrUnknownWalletKind].
func ParseWalletKind(s string) (WalletKind, error) {
	v, err := walletNames.parse(s, ErrUnknownWalletKind)
	return WalletKind(v), err
}

// MarshalText encodes the wallet kind name.
func (w WalletKind) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText decodes a wallet kind name; see [ParseWalletKind].
func (w *WalletKind) UnmarshalText(b []byte) error {
	v, err := ParseWalletKind(string(b))
	*w = v
	return err
}
