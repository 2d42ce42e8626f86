import type { Money } from '@flowdose/domain/money';

const formats = new Map<string, Intl.NumberFormat>();

/** Minor units to a price a person reads: 1999 EUR → €19.99. */
export function formatMoney({ amount, currency }: Money): string {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format.format(amount / 100);
}

export const titleCase = (slug: string) => slug.replace(/-/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

export const variantLabel = (optionValues: Record<string, string>) => Object.values(optionValues).join(' / ');

/** "5.00", "5,5" or "5" → minor units (500, 550, 500); null for anything else (signs, exponents, three decimals). */
export function parseMinorUnits(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}
