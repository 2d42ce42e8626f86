import { describe, expect, it } from 'vitest';
import { shopDays } from '../shop-day.ts';
import { type AbandonmentEvent, applyPatch, type CartState, foldCarts, type LineChange, rowOf } from './fold.ts';

const at = (iso: string) => new Date(iso);
const opened: AbandonmentEvent = { type: 'CartOpened', cartId: 'k', at: at('2026-03-01T23:00:00Z'), currency: 'EUR' };
const add = (lineId: string, unitPrice: number, quantity: number, iso: string): AbandonmentEvent => ({
  type: 'CartItemAdded',
  cartId: 'k',
  at: at(iso),
  lineId,
  unitPrice,
  quantity,
});
const change = (lineId: string, quantity: number, iso: string): AbandonmentEvent => ({
  type: 'CartItemQuantityChanged',
  cartId: 'k',
  at: at(iso),
  lineId,
  quantity,
});
const remove = (lineId: string, iso: string): AbandonmentEvent => ({
  type: 'CartItemRemoved',
  cartId: 'k',
  at: at(iso),
  lineId,
});

describe('foldCarts', () => {
  it("folds a cart's whole life in one chunk to its row, its day moved to its last activity", () => {
    const { opened: rows, patches } = foldCarts([
      opened,
      add('a', 1250, 2, '2026-03-01T23:10:00Z'),
      add('b', 4999, 1, '2026-03-01T23:20:00Z'),
      change('a', 3, '2026-03-02T00:10:00Z'),
      remove('b', '2026-03-02T00:20:00Z'),
      { type: 'CartClaimed', cartId: 'k', at: at('2026-03-02T00:30:00Z') },
    ]);
    const row = rows.get('k')!;
    expect(row).toEqual({
      currency: 'EUR',
      status: 'open',
      lineValues: { a: [1250, 3] },
      lastActivity: at('2026-03-02T00:30:00Z'),
    });
    expect(rowOf(row, shopDays('UTC'))).toEqual({ lines: 1, value: 3750, lastDay: '2026-03-02' });
    // For a row that was there before the chunk: every event but the CartOpened.
    expect(patches.get('k')!.lines).toEqual(
      new Map<string, LineChange>([
        ['a', { set: [1250, 3] }],
        ['b', 'removed'],
      ]),
    );
  });

  it('leaves out what came before the CartOpened from the new row, not from the patch', () => {
    const { opened: rows, patches } = foldCarts([
      add('a', 1250, 2, '2026-03-01T22:00:00Z'),
      { type: 'CartCheckedOut', cartId: 'k', at: at('2026-03-01T22:30:00Z') },
      opened,
      add('b', 900, 1, '2026-03-01T23:05:00Z'),
    ]);
    expect(rows.get('k')).toMatchObject({ status: 'open', lineValues: { b: [900, 1] } });
    expect(patches.get('k')).toMatchObject({ status: 'checked_out', latest: at('2026-03-01T23:05:00Z') });
  });

  it('patches a row as its events one by one would: a change of a line it lacks does nothing', () => {
    const before: CartState = {
      currency: 'EUR',
      status: 'open',
      lineValues: { a: [1250, 2], b: [900, 1] },
      lastActivity: at('2026-03-02T12:00:00Z'),
    };
    const events = [
      change('a', 5, '2026-03-02T10:00:00Z'),
      change('z', 4, '2026-03-02T10:01:00Z'),
      remove('b', '2026-03-02T10:02:00Z'),
      change('b', 7, '2026-03-02T10:03:00Z'),
      add('c', 100, 1, '2026-03-02T10:04:00Z'),
      { type: 'CartMerged', cartId: 'k', at: at('2026-03-02T10:05:00Z') } as const,
    ];
    const patched = applyPatch(before, foldCarts(events).patches.get('k')!);
    // Earlier than the row's last activity: it stays where it was.
    expect(patched).toEqual({
      ...before,
      status: 'merged',
      lineValues: { a: [1250, 5], c: [100, 1] },
    });
    // The same events twice fold to the same patch.
    expect(foldCarts(events.flatMap((e) => [e, e])).patches).toEqual(foldCarts(events).patches);
  });
});
