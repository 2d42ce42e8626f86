import type { Money } from '../money.ts';

type PricedLine = { quantity: number; unitPrice: Money };

/** A line's price times its quantity, in minor units. */
export const lineTotal = (line: PricedLine): number => line.unitPrice.amount * line.quantity;

/** What the lines cost before discount, shipping and tax: what a discount's minimum is compared with. */
export const subtotalOf = (lines: readonly PricedLine[]): number => lines.reduce((sum, l) => sum + lineTotal(l), 0);

export const itemCountOf = (lines: readonly { quantity: number }[]): number =>
  lines.reduce((count, l) => count + l.quantity, 0);
