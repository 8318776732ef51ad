package memstore

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// i128 is a signed 128-bit integer in two's complement. Totals are kept as
// i128 so that sums of int64 amounts can never overflow in practice.
type i128 struct {
	hi int64
	lo uint64
}

// pow10 returns 10^k for k in [0, 19], the powers of ten that fit in a
// uint64.
func pow10(k int32) uint64 {
	p := uint64(1)
	for ; k > 0; k-- {
		p *= 10
	}
	return p
}

// maxI128 is the largest i128; limits that do not fit saturate to it.
func maxI128() i128 { return i128{hi: 1<<63 - 1, lo: 1<<64 - 1} }

func fromInt64(v int64) i128 { return i128{hi: v >> 63, lo: uint64(v)} }

func (a i128) add(b i128) i128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return i128{hi: a.hi + b.hi + int64(c), lo: lo}
}

func (a i128) sub(b i128) i128 {
	lo, br := bits.Sub64(a.lo, b.lo, 0)
	return i128{hi: a.hi - b.hi - int64(br), lo: lo}
}

func (a i128) cmp(b i128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

// bitLen returns the length of |a| in bits.
func (a i128) bitLen() int {
	if a.hi < 0 {
		a = i128{}.sub(a)
	}
	if a.hi != 0 {
		return 64 + bits.Len64(uint64(a.hi))
	}
	return bits.Len64(a.lo)
}

func (a i128) isInt64() bool { return a.hi == int64(a.lo)>>63 }

// mulUint64 multiplies a non-negative a by m; ok is false on overflow.
func (a i128) mulUint64(m uint64) (r i128, ok bool) {
	if a.hi < 0 {
		return i128{}, false
	}
	h1, l1 := bits.Mul64(a.lo, m)
	h2, l2 := bits.Mul64(uint64(a.hi), m)
	if h2 != 0 {
		return i128{}, false
	}
	hi, c := bits.Add64(l2, h1, 0)
	if c != 0 || hi>>63 != 0 {
		return i128{}, false
	}
	return i128{hi: int64(hi), lo: l1}, true
}

func (a i128) big() *big.Int {
	neg := a.hi < 0
	if neg {
		a = i128{}.sub(a)
	}
	b := new(big.Int).SetUint64(uint64(a.hi))
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(a.lo))
	if neg {
		b.Neg(b)
	}
	return b
}

// decimal returns a × 10^−scale.
func (a i128) decimal(scale int32) decimal.Decimal {
	if a.isInt64() {
		return decimal.New(int64(a.lo), -scale)
	}
	return decimal.NewFromBigInt(a.big(), -scale)
}

// limitUnits converts a non-negative limit d to units at scale: rounded
// down when ceil is false, up when it is true, saturating to maxI128. The
// totals it is compared with are whole units, so the comparison stays exact.
func limitUnits(d decimal.Decimal, scale int32, ceil bool) i128 {
	if d.NumDigits() > 18 {
		return limitUnitsBig(d, scale, ceil)
	}
	coef := d.CoefficientInt64()
	e := d.Exponent() + scale
	if e >= 0 {
		r := fromInt64(coef)
		for e > 0 {
			k := min(e, 19)
			var ok bool
			if r, ok = r.mulUint64(pow10(k)); !ok {
				return maxI128()
			}
			e -= k
		}
		return r
	}
	if -e > 18 {
		if ceil && coef > 0 {
			return fromInt64(1)
		}
		return i128{}
	}
	p := int64(pow10(-e))
	q := coef / p
	if ceil && coef%p != 0 {
		q++
	}
	return fromInt64(q)
}

func limitUnitsBig(d decimal.Decimal, scale int32, ceil bool) i128 {
	s := d.Shift(scale)
	var r *big.Int
	if ceil {
		r = s.Ceil().BigInt()
	} else {
		r = s.Floor().BigInt()
	}
	if r.Sign() < 0 || r.BitLen() > 126 {
		if r.Sign() < 0 {
			return i128{}
		}
		return maxI128()
	}
	return fromBig(r)
}

// fromBig converts a non-negative r of at most 127 bits.
func fromBig(r *big.Int) i128 {
	var lo, hi big.Int
	lo.And(r, new(big.Int).SetUint64(1<<64-1))
	hi.Rsh(r, 64)
	return i128{hi: int64(hi.Uint64()), lo: lo.Uint64()}
}
