import { z } from 'zod';
import { Id } from '../ids.ts';
import { Currency } from '../money.ts';

/** Codes are matched without regard to case: they are kept upper-case. */
export const DiscountCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, '3 to 32 letters, digits, - or _')
  .transform((code) => code.toUpperCase());

/** Minor units per currency; a currency not named is not covered. */
export const PerCurrency = z.partialRecord(Currency, z.number().int().positive().safe());

/** What a code takes off: a share of the subtotal, or a fixed amount in each currency it applies to. */
export const DiscountValue = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('percent'), percent: z.number().int().min(1).max(100) }),
  z.strictObject({ kind: z.literal('fixed'), amountOff: PerCurrency }),
]);

export const DiscountCreated = z.object({
  type: z.literal('DiscountCreated'),
  data: z.object({
    code: z.string(),
    value: DiscountValue,
    /** The least subtotal per currency, in minor units; a currency not named has none. */
    minimumSubtotal: PerCurrency,
    validFrom: z.iso.datetime().nullable(),
    validUntil: z.iso.datetime().nullable(),
    usageLimit: z.number().int().positive().nullable(),
  }),
});
/** One use, by one order: the usage limit counts these. */
export const DiscountRedeemed = z.object({
  type: z.literal('DiscountRedeemed'),
  data: z.object({ code: z.string(), orderId: Id }),
});
/** A use given back because its checkout failed after taking it. */
export const DiscountRedemptionReleased = z.object({
  type: z.literal('DiscountRedemptionReleased'),
  data: z.object({ code: z.string(), orderId: Id, reason: z.string().min(1).max(200) }),
});
export const DiscountDisabled = z.object({
  type: z.literal('DiscountDisabled'),
  data: z.object({ code: z.string(), reason: z.string().min(1).max(200) }),
});

export const DiscountEvent = z.discriminatedUnion('type', [
  DiscountCreated,
  DiscountRedeemed,
  DiscountRedemptionReleased,
  DiscountDisabled,
]);
export type DiscountEvent = z.infer<typeof DiscountEvent>;
export type DiscountDefinition = z.infer<typeof DiscountCreated>['data'];

export const discountStream = (code: string) => `discount-${code.toUpperCase()}`;
