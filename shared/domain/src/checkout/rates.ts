import type { Currency } from '../money.ts';

/** Where we ship and the VAT of each place, in basis points (2000 = 20 %). */
export const TAX_BASIS_POINTS: Record<string, number> = {
  FR: 2000,
  DE: 1900,
  NL: 2100,
  BE: 2100,
  ES: 2100,
  IT: 2200,
  GB: 2000,
  US: 0,
};

export const SHIPPING_METHODS = ['standard', 'express'] as const;
export type ShippingMethod = (typeof SHIPPING_METHODS)[number];

/** Flat shipping per method and currency, in minor units. */
export const SHIPPING_RATES: Record<ShippingMethod, Record<Currency, number>> = {
  standard: { EUR: 495, USD: 595, GBP: 450 },
  express: { EUR: 1495, USD: 1695, GBP: 1350 },
};
