/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { cartView } from '../lib/cart.ts';
import type { CartOp, ServerLine, SkuInfo } from '../lib/store.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
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
const server: ServerLine[] = [{ lineId: 'l1', sku: 'MUG', quantity: 2, unitPrice: eur(1250) }];
type Unkeyed<T> = T extends unknown ? Omit<T, 'key'> : never;
const op = (o: Unkeyed<CartOp>) => ({ ...o, key: crypto.randomUUID() }) as CartOp;
const shown = (lines: ReturnType<typeof cartView>) => lines.map((l) => [l.sku, l.quantity, l.pending]);

describe('the cart the shopper sees', () => {
  it('is the server cart with the outbox applied on top, in order', () => {
    const outbox = [
      op({ kind: 'open', currency: 'EUR' }),
      op({ kind: 'add', sku: 'CAP', quantity: 1 }),
      op({ kind: 'add', sku: 'MUG', quantity: 1 }),
      op({ kind: 'set', sku: 'CAP', quantity: 4 }),
    ];
    expect(shown(cartView(server, outbox, skus, new Map()))).toEqual([
      ['MUG', 3, true],
      ['CAP', 4, true],
    ]);
  });

  it('applies a removal and ignores a change to a line that is not there', () => {
    const outbox = [op({ kind: 'remove', sku: 'MUG' }), op({ kind: 'set', sku: 'MUG', quantity: 5 })];
    expect(shown(cartView(server, outbox, skus, new Map()))).toEqual([]);
  });

  it('caps a line at 99, as the server does', () => {
    const outbox = [op({ kind: 'add', sku: 'MUG', quantity: 98 })];
    expect(shown(cartView(server, outbox, skus, new Map()))).toEqual([['MUG', 99, true]]);
  });

  it('keeps a refusal on its line, even on a line the server never had', () => {
    const lines = cartView(server, [], skus, new Map([['CAP', 'CAP: 0 available, 1 asked.']]));
    expect(lines.map((l) => [l.sku, l.quantity, l.refusal])).toEqual([
      ['MUG', 2, undefined],
      ['CAP', 0, 'CAP: 0 available, 1 asked.'],
    ]);
  });

  it('tells the shopper when the server prices a line differently from what they saw', () => {
    const repriced = [{ ...server[0]!, unitPrice: eur(1400) }];
    const [line] = cartView(repriced, [], skus, new Map());
    expect([line!.unitPrice, line!.priceWas]).toEqual([eur(1400), eur(1250)]);
    expect(cartView(server, [], skus, new Map())[0]!.priceWas).toBeUndefined();
  });
});
