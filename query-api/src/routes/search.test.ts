import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import type { TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../harness.test-support.ts';

type Hit = {
  productId: string;
  handle: string;
  title: string;
  category: string;
  price: { amount: number; currency: string };
  inStock: boolean;
  image: unknown;
  highlights: { title: string };
};
type Answer = { hits: Hit[]; facets: Record<string, Record<string, number>>; nextCursor: string | null };

const config = testConfig({ MIN_POSITION_TIMEOUT_MS: '5000' });
let commands: TestServer;
let queries: TestServer;
let stop: () => Promise<void>;
let admin: Record<string, string>;
let lastPosition = '0.0';

beforeAll(async () => {
  ({ commands, queries, close: stop } = await startStack(config));
  const token = await signAccessToken(
    config.AUTH_JWT_SECRET,
    { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
    600,
  );
  admin = { Authorization: `Bearer ${token}` };
});
afterAll(() => stop());

async function post(path: string, body?: object) {
  const res = await commands.request<{ productId?: string; position: string }>('POST', path, {
    headers: admin,
    ...(body ? { body } : {}),
  });
  expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
  lastPosition = res.body.position;
  return res.body;
}

/** A published product with a variant per colour and size, `stock` units of each. */
async function product(
  title: string,
  category: string,
  { colours = [], sizes = [], EUR, stock }: { colours?: string[]; sizes?: string[]; EUR: number; stock: number },
) {
  const handle = title.toLowerCase().replace(/\W+/g, '-');
  const options = [
    ...(colours.length ? [{ name: 'Colour', values: colours }] : []),
    ...(sizes.length ? [{ name: 'Size', values: sizes }] : []),
  ];
  const combos = options.reduce<Record<string, string>[]>(
    (acc, o) => acc.flatMap((c) => o.values.map((v) => ({ ...c, [o.name]: v }))),
    [{}],
  );
  const variants = combos.map((optionValues, i) => ({
    sku: `${handle.toUpperCase()}-${i}`,
    optionValues,
    prices: { EUR, USD: EUR + 100 },
    weightGrams: 300,
  }));
  const { productId } = await post('/admin/products', {
    title,
    handle,
    description: `${title}: a test product.`,
    category,
    tags: [],
    options,
    variants,
  });
  for (const v of variants)
    if (stock > 0) await post(`/admin/inventory/${v.sku}/restock`, { quantity: stock, reason: 'test' });
  await post(`/admin/products/${productId}/publish`);
  return productId!;
}

const search = (query: string, headers: Record<string, string> = { 'X-Min-Position': lastPosition }) =>
  queries.request<Answer>('GET', `/search?${query}`, { headers });

describe('GET /search', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids.navyHoodie = await product('Merino Hoodie', 'apparel', {
      colours: ['Navy', 'Olive'],
      sizes: ['M', 'L'],
      EUR: 8900,
      stock: 3,
    });
    ids.zipHoodie = await product('Zip Hoodie', 'apparel', {
      colours: ['Black'],
      sizes: ['S', 'M'],
      EUR: 6900,
      stock: 0,
    });
    ids.tee = await product('Cotton Tee', 'apparel', { colours: ['Navy'], sizes: ['M'], EUR: 1900, stock: 5 });
    ids.mug = await product('Enamel Mug', 'home', { colours: ['Olive'], EUR: 1200, stock: 10 });
    ids.boot = await product('Leather Boot', 'footwear', { sizes: ['42'], EUR: 15900, stock: 1 });
  }, 60_000);

  it('finds hoodies for "hodie", with the word marked, read after the writes (X-Min-Position)', async () => {
    const res = await search('q=hodie');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('public');
    expect(res.body.hits.map((h) => h.productId).sort()).toEqual([ids.navyHoodie, ids.zipHoodie].sort());
    const merino = res.body.hits.find((h) => h.productId === ids.navyHoodie)!;
    expect(merino).toEqual({
      productId: ids.navyHoodie,
      handle: 'merino-hoodie',
      title: 'Merino Hoodie',
      category: 'apparel',
      price: { amount: 8900, currency: 'EUR' },
      inStock: true,
      image: null,
      highlights: { title: 'Merino <mark>Hoodie</mark>' },
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it('combines filters (AND across, OR within) and counts each facet over the other filters', async () => {
    const res = await search('category=apparel,home&colour=Navy&colour=Olive&inStock=true&sort=price_asc');
    expect(res.status).toBe(200);
    expect(res.body.hits.map((h) => h.title)).toEqual(['Enamel Mug', 'Cotton Tee', 'Merino Hoodie']);
    // Counted by hand: each facet over the products passing every other filter.
    expect(res.body.facets).toEqual({
      // colour in (Navy, Olive), in stock: the tee, the merino hoodie, the mug
      category: { apparel: 2, home: 1 },
      // category in (apparel, home), in stock: tee (Navy), merino (Navy, Olive), mug (Olive)
      colour: { Navy: 2, Olive: 2 },
      size: { M: 2, L: 1 },
      // category and colour: tee, merino, mug in stock; no colour matches the zip hoodie (Black)
      inStock: { true: 3 },
      price: { '0-2500': 2, '5000-10000': 1 },
    });
    const usd = await search('category=footwear&currency=USD&minPrice=16000&maxPrice=16000');
    expect(usd.body.hits.map((h) => [h.title, h.price])).toEqual([
      ['Leather Boot', { amount: 16000, currency: 'USD' }],
    ]);
  });

  it('pages by cursor through every hit once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Answer } = await search(
        `sort=newest&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.hits.map((h) => h.productId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.boot, ids.mug, ids.tee, ids.zipHoodie, ids.navyHoodie]);
  });

  it('waits for X-Min-Position on the search read model: a position never reached is a 503', async () => {
    const res = await search('q=hoodie', { 'X-Min-Position': '999999999.999999' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const bad = await queries.request<{ errors: { path: string }[] }>('GET', '/search?q=hoodie', {
      headers: { 'X-Min-Position': 'soon' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['X-Min-Position']);
  });

  it('refuses bad queries with a 400 problem naming the field', async () => {
    const forged = Buffer.from(JSON.stringify(['price_asc', 1, 'x'])).toString('base64url');
    const first = await search('sort=price_asc&limit=1');
    for (const [query, path] of [
      ['sort=cheapest', 'sort'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['currency=XXX', 'currency'],
      ['minPrice=-1', 'minPrice'],
      ['minPrice=500&maxPrice=100', 'maxPrice'],
      ['inStock=yes', 'inStock'],
      ['category=Bad%20Cat', 'category.0'],
      [`colour=${'x'.repeat(41)}`, 'colour.0'],
      ['extra=1', '(body)'],
      ['cursor=nonsense', 'cursor'],
      [`cursor=${forged}`, 'cursor'],
      // A cursor of another sort.
      [`sort=newest&cursor=${first.body.nextCursor}`, 'cursor'],
      [`q=${'a'.repeat(101)}`, 'q'],
    ] as const) {
      const res = await queries.request<{ errors: { path: string }[] }>('GET', `/search?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type'), query).toContain('application/problem+json');
      expect(
        res.body.errors.map((e) => e.path),
        query,
      ).toContain(path);
    }
  });
});
