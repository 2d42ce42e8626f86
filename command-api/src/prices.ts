import type { PriceTable } from '@flowdose/shared/config';
import { ValidationError } from '@flowdose/shared/errors';
import type { Currency, Money } from '@flowdose/shared/money';

export type Prices = { priceOf: (sku: string, currency: Currency) => Money };

/** Prices from the configured table until the catalog exists; a client never names a price. */
export const priceTable = (table: PriceTable): Prices => ({
  priceOf(sku, currency) {
    const amount = table[sku]?.[currency];
    if (amount === undefined) {
      throw new ValidationError([{ path: 'sku', message: `no product with SKU ${sku} is sold in ${currency}` }]);
    }
    return { amount, currency };
  },
});
