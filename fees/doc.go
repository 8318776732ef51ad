// Package fees makes the cost of a transaction visible and judges it
// against a jurisdiction pack's legal ceilings.
//
// A transaction may carry the fee it is charged ([payment.Transaction.Fee])
// and the payout the customer receives ([payment.Transaction.Payout]); a
// cash-out that is an advance against a later bill (carrier billing, buy
// now pay later) also carries the bill's due date
// ([payment.Transaction.Advance]). [Compute] turns these into a [Cost]:
//
//   - fee: the larger of the declared fee and amount − payout (a fee
//     deducted from the payout and a fee charged on top are both counted);
//   - fee share: fee / amount × 100, in percent;
//   - for an advance, the effective annual rate, simple interest on the
//     actual/365 day count: fee / principal × 365 / days × 100, in percent,
//     where the principal is what the customer receives now (the payout)
//     and days are the calendar days from the transaction's day to the due
//     day, both in the pack's time zone. A bill due on the transaction's
//     own day counts as one day; a due day before it is an error
//     ([ErrDueBeforeTransaction]). No compounding, no leap-year
//     adjustment: a 366-day year is not used.
//
// Arithmetic is exact (shopspring/decimal). A ceiling is compared with the
// exact rate, as fee × 36500 > percent × principal × days, never with a
// rounded figure; rates are shown rounded to [Policy.Precision] decimal
// places of percent (default 4), half away from zero, which for the
// non-negative rates here is half-up.
//
// # Worked example
//
// A 100,000 KRW carrier-billing cash-out paid out at 80,000 KRW, billed
// 100,000 KRW on the phone bill due 30 days later:
//
//	fee        = 100000 − 80000                     = 20000 KRW
//	fee share  = 20000 / 100000 × 100               = 20%
//	principal  = payout                             = 80000 KRW
//	rate       = 20000 / 80000 × 365 / 30 × 100     = 304.1666…% → 304.1667%
//
// Under the Korean pack's ceiling of 20% a year (대부업법 제8조①,
// 시행령 제5조), the cash-out is blocked, and the finding's Values carry
// every figure above and the formula with the numbers filled in.
//
// A [Policy] is data, usually a pack's fees.yaml; [Compile] checks it once
// and returns a [Checker], which is immutable and safe for concurrent use.
package fees
