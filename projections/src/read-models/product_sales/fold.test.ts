import { describe, expect, it } from 'vitest';
import { foldProductSales } from './fold.ts';

const line = (sku: string, quantity: number, amount: number, discount = 0) => ({
  sku,
  quantity,
  unitPrice: { amount },
  discount,
});

describe('foldProductSales', () => {
  it('sums per SKU within an order and per day, currency and SKU across orders', () => {
    const folded = foldProductSales([
      {
        type: 'OrderPlaced',
        orderId: 'o1',
        day: '2026-03-01',
        currency: 'EUR',
        lines: [line('MUG', 1, 1250, 250), line('MUG', 1, 1250), line('CAP', 1, 2400)],
      },
      { type: 'OrderPlaced', orderId: 'o2', day: '2026-03-01', currency: 'EUR', lines: [line('MUG', 2, 1250)] },
      { type: 'OrderRefunded', orderId: 'o1', day: '2026-03-02', amount: 500 },
    ]);
    expect(folded.orderLines).toEqual([
      { orderId: 'o1', sku: 'MUG', currency: 'EUR', revenue: 2250 },
      { orderId: 'o1', sku: 'CAP', currency: 'EUR', revenue: 2400 },
      { orderId: 'o2', sku: 'MUG', currency: 'EUR', revenue: 2500 },
    ]);
    expect(folded.sums).toEqual([
      { day: '2026-03-01', currency: 'EUR', sku: 'MUG', units: 4, revenue: 4750 },
      { day: '2026-03-01', currency: 'EUR', sku: 'CAP', units: 1, revenue: 2400 },
    ]);
    expect(folded.refunds).toEqual([{ orderId: 'o1', day: '2026-03-02', amount: 500 }]);
  });

  it('leaves out a refund that comes before its own order in the chunk', () => {
    const folded = foldProductSales([
      { type: 'OrderRefunded', orderId: 'o1', day: '2026-03-01', amount: 500 },
      { type: 'OrderPlaced', orderId: 'o1', day: '2026-03-01', currency: 'EUR', lines: [line('MUG', 1, 1250)] },
    ]);
    expect(folded.refunds).toEqual([]);
  });
});
