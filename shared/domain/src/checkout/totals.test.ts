import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineTotal } from '../cart/totals.ts';
import { allocate, computeTotals } from './totals.ts';

const line = fc.record({
  lineId: fc.uuid(),
  unitPrice: fc.record({ amount: fc.integer({ min: 1, max: 1_000_000 }), currency: fc.constant('EUR' as const) }),
  quantity: fc.integer({ min: 1, max: 99 }),
});
const discount = fc.oneof(
  fc.constant(null),
  fc.record({ kind: fc.constant('percent' as const), percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.integer({ min: 1, max: 50_000_000 }) }),
);

describe('checkout totals', () => {
  it('are exact integers whose parts add up to the grand total, for any cart, discount and tax rate', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 50 }),
        discount,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 3000 }),
        (lines, disc, shipping, rate) => {
          const priced = computeTotals({
            currency: 'EUR',
            lines,
            discountOn: () => disc,
            shipping,
            taxRateBasisPoints: rate,
          });
          const t = priced.totals;
          for (const n of [t.subtotal, t.discount, t.shipping, t.tax, t.grandTotal]) {
            expect(Number.isSafeInteger(n)).toBe(true);
            expect(n).toBeGreaterThanOrEqual(0);
          }
          expect(t.grandTotal).toBe(t.subtotal - t.discount + t.shipping + t.tax);
          expect(t.subtotal).toBe(lines.reduce((n, l) => n + l.unitPrice.amount * l.quantity, 0));
          expect(priced.lines.reduce((n, l) => n + l.discount, 0)).toBe(t.discount);
          expect(t.discount).toBeLessThanOrEqual(t.subtotal);
          // No line is discounted below zero, and tax follows what is left of each line.
          for (const l of priced.lines) {
            expect(l.discount).toBeLessThanOrEqual(lineTotal(l));
            expect(Math.abs(l.tax - ((lineTotal(l) - l.discount) * rate) / 10_000)).toBeLessThanOrEqual(0.5);
          }
          // Rounding is per line: the total tax is within half a unit per line (and shipping) of the exact one.
          const exact = ((t.subtotal - t.discount + t.shipping) * rate) / 10_000;
          expect(Math.abs(t.tax - exact)).toBeLessThanOrEqual((lines.length + 1) * 0.5);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('allocates every unit, in proportion, to the largest remainders first', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [0, 5, 5])).toEqual([0, 5, 5]);
    expect(allocate(0, [3, 4])).toEqual([0, 0]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 40 }),
        (amount, weights) => {
          const parts = allocate(amount, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : amount);
          parts.forEach((p, i) => {
            expect(Number.isInteger(p)).toBe(true);
            if (sum > 0) expect(Math.abs(p - (amount * weights[i]!) / sum)).toBeLessThan(1);
          });
        },
      ),
    );
  });

  it('matches a worked example', () => {
    const seen: number[] = [];
    const { totals, lines } = computeTotals({
      currency: 'EUR',
      lines: [
        { lineId: 'a', unitPrice: { amount: 1999, currency: 'EUR' }, quantity: 2 },
        { lineId: 'b', unitPrice: { amount: 1250, currency: 'EUR' }, quantity: 1 },
      ],
      discountOn: (subtotal) => {
        seen.push(subtotal);
        return { kind: 'percent', percent: 10 };
      },
      shipping: 495,
      taxRateBasisPoints: 2100,
    });
    // 3998 + 1250 = 5248; 10 % = 525 split 400/125; tax 21 % of 3598 = 756, of 1125 = 236, of 495 = 104.
    expect(totals).toEqual({ subtotal: 5248, discount: 525, shipping: 495, tax: 1096, grandTotal: 6314 });
    expect(seen, 'the discount is asked for on the subtotal').toEqual([5248]);
    expect(lines.map((l) => [l.lineId, l.quantity, l.discount, l.tax])).toEqual([
      ['a', 2, 400, 756],
      ['b', 1, 125, 236],
    ]);
  });
});
