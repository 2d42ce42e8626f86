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
