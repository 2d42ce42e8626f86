import { randomUUID } from 'node:crypto';
import type { Currency } from '@flowdose/domain/money';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import type { TestServer } from './http.ts';

/** Products tests can put in carts, one variant each, priced per currency. */
export const TEST_CATALOG: Record<string, Partial<Record<Currency, number>>> = {
  'TSHIRT-RED-S': { EUR: 1999, USD: 2199, GBP: 1799 },
  'TSHIRT-RED-M': { EUR: 1999, USD: 2199, GBP: 1799 },
  'TSHIRT-RED-L': { EUR: 1999, USD: 2199, GBP: 1799 },
  'TSHIRT-BLUE-M': { EUR: 1999, USD: 2199, GBP: 1799 },
  'HOODIE-GREY-M': { EUR: 4999, USD: 5499, GBP: 4499 },
  'HOODIE-GREY-L': { EUR: 4999, USD: 5499, GBP: 4499 },
  'MUG-WHITE': { EUR: 1250, USD: 1390, GBP: 1100 },
  'CAP-BLACK': { EUR: 2400, USD: 2650, GBP: 2150 },
  'SOCKS-3PACK': { EUR: 1500, USD: 1650, GBP: 1350 },
  'TOTE-NATURAL': { EUR: 1800, USD: 1990, GBP: 1600 },
};

/**
 * Creates and publishes TEST_CATALOG through the command API's admin routes: real events.
 * `stock` units of each SKU, for tests that fill carts but do not count stock; tests that
 * count it restock exactly what they need.
 */
export async function publishTestCatalog(
  commands: Pick<TestServer, 'request'>,
  jwtSecret: string,
  { stock = 0 }: { stock?: number } = {},
): Promise<void> {
  const token = await signAccessToken(jwtSecret, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 600);
  const headers = { Authorization: `Bearer ${token}` };
  for (const [sku, prices] of Object.entries(TEST_CATALOG)) {
    const created = await commands.request<{ productId: string }>('POST', '/admin/products', {
      headers,
      body: {
        title: sku,
        handle: sku.toLowerCase(),
        description: '',
        category: 'test',
        tags: [],
        options: [],
        variants: [{ sku, optionValues: {}, prices, weightGrams: 100 }],
      },
    });
    if (created.status !== 201) throw new Error(`could not create ${sku}: ${created.text}`);
    const published = await commands.request('POST', `/admin/products/${created.body.productId}/publish`, { headers });
    if (published.status !== 200) throw new Error(`could not publish ${sku}: ${published.text}`);
    if (stock > 0) {
      const restocked = await commands.request('POST', `/admin/inventory/${sku}/restock`, {
        headers,
        body: { quantity: stock, reason: 'test stock' },
      });
      if (restocked.status !== 200) throw new Error(`could not stock ${sku}: ${restocked.text}`);
    }
  }
}
