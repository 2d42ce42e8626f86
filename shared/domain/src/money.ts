import { z } from 'zod';

export const Currency = z.enum(['EUR', 'USD', 'GBP']);
export type Currency = z.infer<typeof Currency>;

/** Integer minor units: floats never hold money. */
export const Money = z.strictObject({
  amount: z.number().int().safe(),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

export const money = (amount: number, currency: Currency): Money => ({ amount, currency });

/** The shop's currency: the storefront opens carts in it, and the catalog lists prices in it unless asked. */
export const STORE_CURRENCY: Currency = 'EUR';
