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
