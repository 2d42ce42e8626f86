import { describe, expect, it } from 'vitest';
import { shopDays } from '../shop-day.ts';
import { type DiscountEvent, foldDiscounts } from './fold.ts';

const utc = shopDays('UTC');

const redeemed = (eventId: string, orderId: string): DiscountEvent => ({
  type: 'DiscountRedeemed',
  eventId,
  orderId,
  code: 'spring10',
  at: new Date('2026-03-01T10:00:00Z'),
});
const placed = (orderId: string, currency: string, code?: string): DiscountEvent => ({
  type: 'OrderPlaced',
  orderId,
  currency,
  ...(code ? { code } : {}),
  at: new Date('2026-03-01T10:00:00Z'),
  discount: 250,
  grandTotal: 3294,
});

describe('foldDiscounts', () => {
  it('keeps each use once, an order once with its first currency, and its first placement', () => {
    const folded = foldDiscounts(
      [
        redeemed('e1', 'o1'),
        redeemed('e1', 'o1'),
        { type: 'CheckoutStarted', orderId: 'o1', currency: 'EUR', code: 'SPRING10' },
        placed('o1', 'EUR', 'Spring10'),
        placed('o1', 'EUR', 'Spring10'),
        // Without a code: nothing to remember, nothing to settle.
        placed('o2', 'USD'),
      ],
      utc,
    );
    expect([...folded.uses]).toEqual([['e1', { orderId: 'o1', code: 'SPRING10', released: false, day: '2026-03-01' }]]);
    expect([...folded.orders]).toEqual([['o1', { currency: 'EUR', placed: true }]]);
    expect([...folded.placements]).toEqual([
      ['o1', { day: '2026-03-01', code: 'SPRING10', currency: 'EUR', discount: 250, grandTotal: 3294 }],
    ]);
    expect([...folded.touched]).toEqual(['o1']);
  });

  it('remembers an order only checked out, not placed', () => {
    const folded = foldDiscounts([{ type: 'CheckoutStarted', orderId: 'o1', currency: 'USD', code: 'X' }], utc);
    expect([...folded.orders]).toEqual([['o1', { currency: 'USD', placed: false }]]);
    expect(folded.placements.size).toBe(0);
  });
});
