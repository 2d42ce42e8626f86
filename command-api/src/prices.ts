import type { Currency, Money } from '@flowdose/domain/money';
import { productDecider } from '@flowdose/domain/product/decider';
import { productStream } from '@flowdose/domain/product/events';
import type { Pool } from '@flowdose/shared/db';
import { ValidationError } from '@flowdose/shared/errors';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { loadState } from './handle-command.ts';

export type Prices = { priceOf: (sku: string, currency: Currency) => Promise<Money> };

const refuse = (message: string) => new ValidationError([{ path: 'sku', message }]);

/**
 * A variant's price from the catalog's own events (not a read model, which may lag): the SKU
 * claim names the product, its stream is folded, and only a published product's variant
 * priced in the cart's currency can be sold.
 */
export const catalogPrices = (pool: Pool, store: EventStore): Prices => ({
  async priceOf(sku, currency) {
    const { rows } = await pool.query<{ product_id: string }>(
      "select product_id from catalog_claims where kind = 'sku' and key = $1",
      [sku],
    );
    const productId = rows[0]?.product_id;
    if (!productId) throw refuse(`no product has the SKU ${sku}`);
    const { state: product } = await loadState(store, productDecider, productStream(productId));
    if (product.status !== 'published') throw refuse(`${sku} is not for sale`);
    const amount = product.variants.get(sku)?.prices[currency];
    if (amount === undefined) throw refuse(`${sku} is not sold in ${currency}`);
    return { amount, currency };
  },
});
