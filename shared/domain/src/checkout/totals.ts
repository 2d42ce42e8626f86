import { lineTotal, subtotalOf } from '../cart/totals.ts';
import type { Currency, Money } from '../money.ts';

export type PricedLine = { lineId: string; unitPrice: Money; quantity: number };
export type Discount = { kind: 'percent'; percent: number } | { kind: 'fixed'; amount: number };

/** What an order records of its price, in integer minor units. */
export type Totals = { subtotal: number; discount: number; shipping: number; tax: number; grandTotal: number };

/**
 * Splits `amount` across `weights` in proportion, in whole units, with the largest
 * remainders getting the leftover units: the parts always add up to `amount` exactly.
 */
export function allocate(amount: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (amount * w) / sum);
  const parts = exact.map(Math.floor);
  let left = amount - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    parts[i]! += 1;
  }
  return parts;
}

/** Half away from zero, the way invoices round; minor units stay integers. */
const roundHalfUp = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/**
 * The totals of a checkout, in integer minor units: lines, the discount spread over them,
 * shipping, and tax on each discounted line and on shipping at `taxRateBasisPoints`
 * (2000 = 20 %) of the region, added on top. Every part is an integer and
 * subtotal − discount + shipping + tax = grand total, exactly. The discount is asked for
 * with the subtotal (a code's minimum is judged on it). Each line comes back as given with
 * its share of the discount and its tax, so refunds can be exact.
 */
export function computeTotals<L extends PricedLine>({
  currency,
  lines,
  discountOn,
  shipping,
  taxRateBasisPoints,
}: {
  currency: Currency;
  lines: readonly L[];
  discountOn: (subtotal: number) => Discount | null;
  shipping: number;
  taxRateBasisPoints: number;
}): { totals: Totals; lines: (L & { discount: number; tax: number })[] } {
  for (const line of lines) {
    if (line.unitPrice.currency !== currency)
      throw new Error(`line ${line.lineId} is priced in ${line.unitPrice.currency}`);
  }
  const lineTotals = lines.map(lineTotal);
  const subtotal = subtotalOf(lines);
  const discount = discountOn(subtotal);
  const wanted =
    discount === null
      ? 0
      : discount.kind === 'percent'
        ? roundHalfUp((subtotal * discount.percent) / 100)
        : discount.amount;
  const discountTotal = Math.max(0, Math.min(subtotal, wanted));
  const lineDiscounts = allocate(discountTotal, lineTotals);
  const lineTaxes = lineTotals.map((t, i) => roundHalfUp(((t - lineDiscounts[i]!) * taxRateBasisPoints) / 10_000));
  const shippingTax = roundHalfUp((shipping * taxRateBasisPoints) / 10_000);
  const tax = lineTaxes.reduce((a, b) => a + b, 0) + shippingTax;
  return {
    totals: { subtotal, discount: discountTotal, shipping, tax, grandTotal: subtotal - discountTotal + shipping + tax },
    lines: lines.map((line, i) => ({ ...line, discount: lineDiscounts[i]!, tax: lineTaxes[i]! })),
  };
}
