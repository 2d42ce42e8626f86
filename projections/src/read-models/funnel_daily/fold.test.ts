import { describe, expect, it } from 'vitest';
import { type FunnelEvent, foldFunnel } from './fold.ts';
import { STAGES } from './tables.ts';

const opened = (cartId: string, day: string): FunnelEvent => ({ type: 'CartOpened', cartId, day, currency: 'EUR' });

describe('foldFunnel', () => {
  it("folds a cart's whole journey in one chunk to its cohort, furthest step and its order", () => {
    const { carts, orders } = foldFunnel([
      opened('k1', '2026-03-01'),
      { type: 'CartItemAdded', cartId: 'k1' },
      { type: 'CheckoutStarted', orderId: 'o1', cartId: 'k1' },
      { type: 'OrderPlaced', orderId: 'o1', cartId: 'k1' },
      { type: 'PaymentCaptured', orderId: 'o1' },
    ]);
    expect(carts).toEqual(
      new Map([['k1', { day: '2026-03-01', currency: 'EUR', stage: STAGES.checkout, merged: false }]]),
    );
    expect(orders).toEqual(new Map([['o1', { cartId: 'k1', placed: true, paid: true }]]));
  });

  it('folds duplicates and any order to the same: the first cohort, steps and flags only raised', () => {
    const events: FunnelEvent[] = [
      { type: 'PaymentCaptured', orderId: 'o1' },
      { type: 'CartMerged', cartId: 'k2' },
      { type: 'CheckoutStarted', orderId: 'o1', cartId: 'k1' },
      { type: 'CartItemAdded', cartId: 'k1' },
      opened('k1', '2026-03-01'),
      opened('k2', '2026-03-02'),
      { type: 'OrderPlaced', orderId: 'o1', cartId: 'k1' },
    ];
    const once = foldFunnel(events);
    expect(foldFunnel([...events].reverse())).toEqual(once);
    expect(foldFunnel(events.flatMap((e) => [e, e]))).toEqual(once);
    expect(once.carts.get('k2')).toEqual({ day: '2026-03-02', currency: 'EUR', stage: STAGES.opened, merged: true });
    // A second CartOpened of the same cart (a replay) keeps the first one's day.
    expect(foldFunnel([opened('k1', '2026-03-01'), opened('k1', '2026-03-05')]).carts.get('k1')?.day).toBe(
      '2026-03-01',
    );
  });
});
