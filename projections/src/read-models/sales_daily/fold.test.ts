import { describe, expect, it } from 'vitest';
import { foldSales, type SalesEvent } from './fold.ts';

const placed = (orderId: string, day: string, customer: string, currency = 'EUR'): SalesEvent => ({
  type: 'OrderPlaced',
  orderId,
  day,
  currency,
  customer,
  items: 2,
  subtotal: 1000,
  discount: 100,
  shipping: 500,
  tax: 200,
  grandTotal: 1600,
});

describe('foldSales', () => {
  it("sums a chunk's orders per day and currency and keeps each cancel's refunds before it", () => {
    const folded = foldSales([
      placed('o1', '2026-03-01', 'ada'),
      placed('o2', '2026-03-01', 'ada', 'USD'),
      { type: 'OrderRefunded', orderId: 'o1', day: '2026-03-02', amount: 300 },
      { type: 'OrderRefunded', orderId: 'o1', day: '2026-03-02', amount: 200 },
      { type: 'OrderCanceled', orderId: 'o1', day: '2026-03-03' },
      // Placed in an earlier chunk: the store knows what was refunded of it before.
      { type: 'OrderCanceled', orderId: 'o0', day: '2026-03-03' },
      placed('o3', '2026-03-03', 'bea'),
    ]);
    expect(folded.sums).toEqual([
      {
        day: '2026-03-01',
        currency: 'EUR',
        orders: 1,
        items: 2,
        subtotal: 1000,
        discounts: 100,
        shipping: 500,
        tax: 200,
        gross: 1600,
      },
      expect.objectContaining({ day: '2026-03-01', currency: 'USD', orders: 1 }),
      expect.objectContaining({ day: '2026-03-03', currency: 'EUR', orders: 1 }),
    ]);
    expect(folded.followUps.map((f) => [f.orderId, f.refund, f.cancel, f.refundedBefore])).toEqual([
      ['o1', 300, false, 0],
      ['o1', 200, false, 300],
      ['o1', 0, true, 500],
      ['o0', 0, true, 0],
    ]);
    expect(folded.refunded).toEqual(new Map([['o1', 500]]));
    // Ada's first order in the chunk is the EUR one; she ordered in two currencies that day.
    expect(folded.firstOrders).toEqual(
      new Map([
        ['ada', { day: '2026-03-01', currency: 'EUR' }],
        ['bea', { day: '2026-03-03', currency: 'EUR' }],
      ]),
    );
    expect(folded.customerDays).toHaveLength(3);
  });

  it('leaves out a refund that comes before its own order in the chunk', () => {
    const folded = foldSales([
      { type: 'OrderRefunded', orderId: 'o1', day: '2026-03-01', amount: 300 },
      placed('o1', '2026-03-01', 'ada'),
    ]);
    expect(folded.followUps).toEqual([]);
    expect(folded.refunded.size).toBe(0);
  });
});
