/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { cartView } from '../lib/cart-view.ts';
import type { CartOp, CartRef, ServerLine, SkuInfo } from '../lib/store.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });
const info = (sku: string, amount: number): SkuInfo => ({
  sku,
  title: sku,
  handle: sku.toLowerCase(),
  label: '',
  unitPrice: eur(amount),
});
const skus = new Map([
  ['MUG', info('MUG', 1250)],
  ['CAP', info('CAP', 2400)],
]);
const ref: CartRef = { cartId: 'c1', cartToken: 't', currency: 'EUR' };
const server: ServerLine[] = [{ lineId: 'l1', sku: 'MUG', quantity: 2, unitPrice: eur(1250) }];
type Unkeyed<T> = T extends unknown ? Omit<T, 'key'> : never;
const op = (o: Unkeyed<CartOp>) => ({ ...o, key: crypto.randomUUID() }) as CartOp;
const shown = ({ lines }: ReturnType<typeof cartView>) => lines.map((l) => [l.sku, l.quantity, l.pending]);

describe('the cart the shopper sees', () => {
  it('is the server cart with the outbox decided and applied on top, in order, and totalled', () => {
    const outbox = [
      op({ kind: 'open', currency: 'EUR' }),
      op({ kind: 'add', sku: 'CAP', quantity: 1 }),
      op({ kind: 'add', sku: 'MUG', quantity: 1 }),
      op({ kind: 'set', sku: 'CAP', quantity: 4 }),
    ];
    const view = cartView(ref, server, outbox, skus, new Map());
    expect(shown(view)).toEqual([
      ['MUG', 3, true],
      ['CAP', 4, true],
    ]);
    expect(view.totals).toEqual({ itemCount: 7, subtotal: eur(3 * 1250 + 4 * 2400) });
  });

  it('opens the cart the outbox opens, before the server has answered', () => {
    const outbox = [op({ kind: 'open', currency: 'EUR' }), op({ kind: 'add', sku: 'CAP', quantity: 2 })];
    const view = cartView(undefined, [], outbox, skus, new Map());
    expect(shown(view)).toEqual([['CAP', 2, true]]);
    expect(view.totals).toEqual({ itemCount: 2, subtotal: eur(4800) });
  });

  it('applies a removal and ignores a change to a line that is not there', () => {
    const outbox = [op({ kind: 'remove', sku: 'MUG' }), op({ kind: 'set', sku: 'MUG', quantity: 5 })];
    expect(shown(cartView(ref, server, outbox, skus, new Map()))).toEqual([]);
  });

  it('refuses a line past 99 at once, as the server will', () => {
    const outbox = [op({ kind: 'add', sku: 'MUG', quantity: 98 }), op({ kind: 'set', sku: 'MUG', quantity: 100 })];
    const { lines } = cartView(ref, server, outbox, skus, new Map());
    expect(lines.map((l) => [l.sku, l.quantity, l.refusal])).toEqual([['MUG', 2, 'A line holds 1 to 99 items.']]);
    const merged = cartView(ref, server, [op({ kind: 'add', sku: 'MUG', quantity: 97 })], skus, new Map());
    expect(shown(merged)).toEqual([['MUG', 99, true]]);
  });

  it('keeps a refusal on its line, even on a line the server never had', () => {
    const { lines } = cartView(ref, server, [], skus, new Map([['CAP', 'CAP: 0 available, 1 asked.']]));
    expect(lines.map((l) => [l.sku, l.quantity, l.refusal])).toEqual([
      ['MUG', 2, undefined],
      ['CAP', 0, 'CAP: 0 available, 1 asked.'],
    ]);
  });

  it('tells the shopper when the server prices a line differently from what they saw', () => {
    const repriced = [{ ...server[0]!, unitPrice: eur(1400) }];
    const [line] = cartView(ref, repriced, [], skus, new Map()).lines;
    expect([line!.unitPrice, line!.priceWas]).toEqual([eur(1400), eur(1250)]);
    expect(cartView(ref, server, [], skus, new Map()).lines[0]!.priceWas).toBeUndefined();
  });
});
