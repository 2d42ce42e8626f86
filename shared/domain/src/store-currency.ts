import type { Currency } from './money.ts';

/**
 * The shop's currency: the storefront opens carts in it, and the catalog lists prices in it
 * unless asked. Apart from money.ts (zod schemas) so a page that needs only this carries no zod.
 */
export const STORE_CURRENCY: Currency = 'EUR';
