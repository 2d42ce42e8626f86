import { randomUUID } from 'node:crypto';
import { type Role, signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { countEvents, type TestDatabase } from '@flowdose/testing/db';
import type { TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../harness.test-support.ts';

type Item = {
  productId: string;
  handle: string;
  title: string;
  category: string;
  price: { amount: number; currency: string };
  inStock: boolean;
};
type Page = { items: Item[]; nextCursor: string | null };

const config = testConfig({ MIN_POSITION_TIMEOUT_MS: '3000' });
let db: TestDatabase;
let commands: TestServer;
let queries: TestServer;
let stop: () => Promise<void>;
let admin: Record<string, string>;
let lastPosition = '0.0';

beforeAll(async () => {
  ({ db, commands, queries, close: stop } = await startStack(config));
  admin = await as('admin');
});
afterAll(() => stop());

async function as(role: Role) {
  const token = await signAccessToken(
    config.AUTH_JWT_SECRET,
    { userId: randomUUID(), role, sessionId: randomUUID() },
    300,
  );
  return { Authorization: `Bearer ${token}` };
}

const product = (handle: string, title: string, category: string, prices: Record<string, number>[]) => ({
  title,
  handle,
  description: `${title}, described.`,
  category,
  tags: ['new'],
  options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
  variants: prices.map((p, i) => ({
    sku: `${handle.toUpperCase()}-${['S', 'M', 'L'][i]}`,
    optionValues: { Size: ['S', 'M', 'L'][i] },
    prices: p,
    weightGrams: 200,
  })),
});

async function create(body: object, publish = true) {
  const res = await commands.request<{ productId: string; position: string }>('POST', '/admin/products', {
    body,
    headers: admin,
  });
  expect(res.status).toBe(201);
  lastPosition = res.body.position;
  if (publish) {
    const published = await commands.request<{ position: string }>(
      'POST',
      `/admin/products/${res.body.productId}/publish`,
      { headers: admin },
    );
    expect(published.status).toBe(200);
    lastPosition = published.body.position;
  }
  return res.body.productId;
}

const list = (query: string) =>
  queries.request<Page>('GET', `/products?${query}`, { headers: { 'X-Min-Position': lastPosition } });

describe('catalog', () => {
  beforeAll(async () => {
    await create(product('linen-shirt', 'Linen shirt', 'apparel', [{ EUR: 4900, USD: 5400 }, { EUR: 4500 }]));
    await create(product('wool-socks', 'Wool socks', 'apparel', [{ EUR: 1200, USD: 1400 }]));
    await create(product('clay-mug', 'Clay mug', 'home', [{ EUR: 2200 }]));
    await create(product('draft-hat', 'Draft hat', 'apparel', [{ EUR: 999 }]), false);
  });

  it('lists published products only, each at its lowest price in the currency', async () => {
    const res = await list('sort=price_asc');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i) => [i.handle, i.price.amount])).toEqual([
      ['wool-socks', 1200],
      ['clay-mug', 2200],
      ['linen-shirt', 4500],
    ]);
    expect(res.headers.get('cache-control')).toContain('public');
    const usd = await list('currency=USD&sort=price_desc');
    expect(usd.body.items.map((i) => [i.handle, i.price])).toEqual([
      ['linen-shirt', { amount: 5400, currency: 'USD' }],
      ['wool-socks', { amount: 1400, currency: 'USD' }],
    ]);
  });

  it('filters by category, tag, words and price range', async () => {
    expect((await list('category=home')).body.items.map((i) => i.handle)).toEqual(['clay-mug']);
    expect((await list('tag=new&category=apparel&sort=title')).body.items.map((i) => i.handle)).toEqual([
      'linen-shirt',
      'wool-socks',
    ]);
    expect((await list('q=MUG')).body.items.map((i) => i.handle)).toEqual(['clay-mug']);
    expect((await list('q=%25')).body.items).toEqual([]);
    expect((await list('minPrice=2000&maxPrice=5000&sort=price_asc')).body.items.map((i) => i.handle)).toEqual([
      'clay-mug',
      'linen-shirt',
    ]);
  });

  it('pages with cursors that cover every product once, in every sort', async () => {
    for (const sort of ['newest', 'title', 'price_asc', 'price_desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = (await list(`sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).body;
        seen.push(...page.items.map((i) => i.handle));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(['clay-mug', 'linen-shirt', 'wool-socks']);
    }
  });

  it('shows a published product by handle or id with every variant and price; drafts are not found', async () => {
    const res = await queries.request<{ productId: string; variants: { sku: string; prices: unknown[] }[] }>(
      'GET',
      '/products/linen-shirt',
      {
        headers: { 'X-Min-Position': lastPosition },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.variants).toEqual([
      {
        sku: 'LINEN-SHIRT-S',
        optionValues: { Size: 'S' },
        prices: [
          { amount: 4900, currency: 'EUR' },
          { amount: 5400, currency: 'USD' },
        ],
        weightGrams: 200,
        available: 0,
      },
      {
        sku: 'LINEN-SHIRT-M',
        optionValues: { Size: 'M' },
        prices: [{ amount: 4500, currency: 'EUR' }],
        weightGrams: 200,
        available: 0,
      },
    ]);
    expect((await queries.request('GET', `/products/${res.body.productId}`)).status).toBe(200);
    expect((await queries.request('GET', '/products/draft-hat')).status).toBe(404);
    expect((await queries.request('GET', '/products/nothing-here')).status).toBe(404);
  });

  it('lists the categories that have published products, with their counts', async () => {
    const res = await queries.request<{ items: { category: string; products: number }[] }>('GET', '/categories', {
      headers: { 'X-Min-Position': lastPosition },
    });
    expect(res.status).toBe(200);
    const listed = await list('limit=100');
    const counts = new Map<string, number>();
    for (const item of listed.body.items) counts.set(item.category, (counts.get(item.category) ?? 0) + 1);
    expect(new Map(res.body.items.map((c) => [c.category, c.products]))).toEqual(counts);
  });

  it('refuses bad list queries with 400', async () => {
    const forgedCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const query of [
      'sort=cheapest',
      'limit=0',
      'limit=101',
      'currency=XXX',
      'cursor=nonsense',
      'minPrice=-1',
      'category=Bad%20Cat',
      'extra=1',
      `cursor=${forgedCursor(['x', 'not-a-uuid'])}`,
      `sort=newest&cursor=${forgedCursor(['not-a-number', '0190b8a0-0000-7000-8000-000000000001'])}`,
      `sort=price_asc&cursor=${forgedCursor(['1; drop', '0190b8a0-0000-7000-8000-000000000001'])}`,
    ]) {
      const res = await queries.request('GET', `/products?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});

describe('admin product commands', () => {
  it('need the admin role', async () => {
    const body = product('role-test', 'Role test', 'home', [{ EUR: 100 }]);
    expect((await commands.request('POST', '/admin/products', { body })).status).toBe(401);
    for (const role of ['customer', 'ops', 'analyst'] as const) {
      expect((await commands.request('POST', '/admin/products', { body, headers: await as(role) })).status).toBe(403);
    }
  });

  it('refuse bad products, taken handles and SKUs, appending nothing and claiming nothing', async () => {
    await create(product('taken-handle', 'Taken', 'home', [{ EUR: 100 }]), false);
    const before = await countEvents(db.pool);
    const claims = async () => Number((await db.pool.query('select count(*) from catalog_claims')).rows[0].count);
    const claimsBefore = await claims();
    const cases: [object, number, string?][] = [
      [product('taken-handle', 'Again', 'home', [{ EUR: 100 }]), 409, 'handle-taken'],
      [
        {
          ...product('fresh-one', 'Fresh', 'home', [{ EUR: 100 }]),
          variants: [{ sku: 'TAKEN-HANDLE-S', optionValues: { Size: 'S' }, prices: { EUR: 1 }, weightGrams: 1 }],
        },
        409,
        'sku-taken',
      ],
      [
        {
          ...product('fresh-two', 'Fresh', 'home', [{ EUR: 100 }]),
          variants: [{ sku: 'FRESH-TWO-X', optionValues: { Size: 'XL' }, prices: { EUR: 1 }, weightGrams: 1 }],
        },
        409,
        'variant-options',
      ],
      [product('Bad Handle', 'Bad', 'home', [{ EUR: 100 }]), 400],
      [product('no-price', 'No price', 'home', [{}]), 400],
      [product('neg-price', 'Negative', 'home', [{ EUR: -5 }]), 400],
      [product('bad-currency', 'Currency', 'home', [{ XXX: 5 }]), 400],
      [{ ...product('extra', 'Extra', 'home', [{ EUR: 1 }]), price: 1 }, 400],
    ];
    for (const [body, status, code] of cases) {
      const res = await commands.request<{ type: string }>('POST', '/admin/products', { body, headers: admin });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      if (code) expect(res.body.type).toBe(`/problems/${code}`);
    }
    expect(await countEvents(db.pool)).toBe(before);
    expect(await claims()).toBe(claimsBefore);
  });

  it('update details (a new handle frees the old one) and variant prices', async () => {
    const productId = await create(product('old-name', 'Old name', 'home', [{ EUR: 1000, USD: 1100 }]));
    const renamed = await commands.request<{ position: string }>('PATCH', `/admin/products/${productId}`, {
      body: { title: 'New name', handle: 'new-name', tags: ['renamed'] },
      headers: admin,
    });
    expect(renamed.status).toBe(200);
    const repriced = await commands.request<{ position: string }>(
      'PATCH',
      `/admin/products/${productId}/variants/OLD-NAME-S`,
      {
        body: { prices: { EUR: 800 } },
        headers: admin,
      },
    );
    expect(repriced.status).toBe(200);
    lastPosition = repriced.body.position;
    const detail = await queries.request<{ title: string; tags: string[]; variants: { prices: unknown[] }[] }>(
      'GET',
      '/products/new-name',
      {
        headers: { 'X-Min-Position': lastPosition },
      },
    );
    expect([detail.body.title, detail.body.tags]).toEqual(['New name', ['renamed']]);
    expect(detail.body.variants[0]!.prices).toEqual([{ amount: 800, currency: 'EUR' }]);
    expect((await queries.request('GET', '/products/old-name')).status).toBe(404);
    const takesOldName = product('old-name', 'Takes the old name', 'home', []);
    await create(
      {
        ...takesOldName,
        variants: [{ sku: 'SECOND-S', optionValues: { Size: 'S' }, prices: { EUR: 1 }, weightGrams: 1 }],
      },
      false,
    );

    for (const [body, status] of [
      [{}, 400],
      [{ options: [] }, 400],
      [{ handle: 'new-name' }, 200],
      [{ handle: 'taken-handle' }, 409],
    ] as const) {
      expect(
        (await commands.request('PATCH', `/admin/products/${productId}`, { body, headers: admin })).status,
        JSON.stringify(body),
      ).toBe(status);
    }
    expect(
      (
        await commands.request('PATCH', `/admin/products/${productId}/variants/NOPE`, {
          body: { weightGrams: 1 },
          headers: admin,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await commands.request('PATCH', `/admin/products/${productId}/variants/OLD-NAME-S`, {
          body: { prices: {} },
          headers: admin,
        })
      ).status,
    ).toBe(400);
  });

  it('add and remove variants, and archive', async () => {
    const productId = await create(product('variant-test', 'Variant test', 'home', [{ EUR: 100 }]), false);
    const added = await commands.request('POST', `/admin/products/${productId}/variants`, {
      body: { sku: 'VARIANT-TEST-M', optionValues: { Size: 'M' }, prices: { EUR: 200 }, weightGrams: 10 },
      headers: admin,
    });
    expect(added.status).toBe(201);
    expect(
      (await commands.request('DELETE', `/admin/products/${productId}/variants/VARIANT-TEST-S`, { headers: admin }))
        .status,
    ).toBe(200);
    // A removed SKU is free again for any product.
    await create(product('reuses-sku', 'Reuses', 'home', []), false).then(async (other) => {
      const reuse = await commands.request('POST', `/admin/products/${other}/variants`, {
        body: { sku: 'VARIANT-TEST-S', optionValues: { Size: 'S' }, prices: { EUR: 1 }, weightGrams: 1 },
        headers: admin,
      });
      expect(reuse.status).toBe(201);
    });
    expect((await commands.request('POST', `/admin/products/${productId}/archive`, { headers: admin })).status).toBe(
      200,
    );
    const frozen = await commands.request<{ type: string }>('POST', `/admin/products/${productId}/publish`, {
      headers: admin,
    });
    expect(frozen.body.type).toBe('/problems/product-archived');
    expect((await commands.request('POST', `/admin/products/${randomUUID()}/publish`, { headers: admin })).status).toBe(
      404,
    );
  });
});

describe('product options and images', () => {
  type Detail = { options: { name: string; values: string[] }[]; images: { key: string; alt: string }[] };
  it('gain option values, keep the ones variants use, and show images with the cover in lists', async () => {
    const productId = await create(product('options-test', 'Options test', 'home', [{ EUR: 100 }, { EUR: 150 }]));
    const put = (path: string, body: object) =>
      commands.request<{ position: string; type: string }>('PUT', `/admin/products/${productId}/${path}`, {
        body,
        headers: admin,
      });
    const wider = await put('options', { options: [{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }] });
    expect(wider.status).toBe(200);
    const before = await countEvents(db.pool);
    const refused: [object, number, string?][] = [
      [{ options: [{ name: 'Size', values: ['S', 'XL'] }] }, 409, 'variant-options'],
      [
        {
          options: [
            { name: 'Size', values: ['S', 'M'] },
            { name: 'Colour', values: ['Red'] },
          ],
        },
        409,
        'variant-options',
      ],
      [{ options: [{ name: 'Size', values: ['S', 'M', 'M'] }] }, 422, 'option-values'],
      [{ options: [], extra: 1 }, 400],
    ];
    for (const [body, status, type] of refused) {
      const res = await put('options', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (type) expect(res.body.type).toBe(`/problems/${type}`);
    }
    for (const images of [
      [{ key: '../etc/passwd.png', alt: 'x' }],
      [{ key: 'products/a.exe', alt: 'x' }],
      [
        { key: 'products/a.webp', alt: 'x' },
        { key: 'products/a.webp', alt: 'again' },
      ],
    ]) {
      expect((await put('images', { images })).status, JSON.stringify(images)).toBeGreaterThanOrEqual(400);
    }
    expect(await countEvents(db.pool)).toBe(before);
    const images = [
      { key: 'products/options-test/front.webp', alt: 'The front' },
      { key: 'products/options-test/back.webp', alt: 'The back' },
    ];
    const set = await put('images', { images });
    expect(set.status).toBe(200);
    const detail = await queries.request<Detail>('GET', '/products/options-test', {
      headers: { 'X-Min-Position': set.body.position },
    });
    expect(detail.body.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }]);
    // Keys set by hand name no upload: no size, no URLs (uploads: media.test.ts).
    const shown = images.map((image) => ({
      ...image,
      width: null,
      height: null,
      url: null,
      srcset: null,
      ready: false,
    }));
    expect(detail.body.images).toEqual(shown);
    const listed = await queries.request<{ items: { handle: string; image: unknown }[] }>(
      'GET',
      '/products?q=Options%20test',
    );
    expect(listed.body.items.map((i) => i.image)).toEqual([shown[0]]);
  });
});

describe('inventory', () => {
  const stockOf = async (handle: string) => {
    const res = await queries.request<{ variants: { sku: string; available: number }[] }>(
      'GET',
      `/products/${handle}`,
      {
        headers: { 'X-Min-Position': lastPosition },
      },
    );
    return Object.fromEntries(res.body.variants.map((v) => [v.sku, v.available]));
  };
  const move = async (sku: string, action: 'restock' | 'adjust', body: object, headers = admin) => {
    const res = await commands.request<{ position: string; type: string }>(
      'POST',
      `/admin/inventory/${sku}/${action}`,
      { body, headers },
    );
    if (res.status === 200) lastPosition = res.body.position;
    return res;
  };

  it('restocks and adjusts, shows availability per variant, and filters in-stock products', async () => {
    await create(product('stock-shirt', 'Stock shirt', 'apparel', [{ EUR: 3000 }, { EUR: 3000 }]));
    expect((await move('STOCK-SHIRT-S', 'restock', { quantity: 5, reason: 'first delivery' })).status).toBe(200);
    expect(await stockOf('stock-shirt')).toEqual({ 'STOCK-SHIRT-S': 5, 'STOCK-SHIRT-M': 0 });
    expect((await move('STOCK-SHIRT-S', 'adjust', { delta: -2, reason: 'two damaged' })).status).toBe(200);
    expect(await stockOf('stock-shirt')).toEqual({ 'STOCK-SHIRT-S': 3, 'STOCK-SHIRT-M': 0 });
    const inStock = await list('inStock=true');
    expect(inStock.body.items.map((i) => i.handle)).toEqual(['stock-shirt']);
    expect((await list('category=home')).body.items.every((i) => i.inStock === false)).toBe(true);
  });

  it('refuses going below zero, unknown SKUs, bad bodies and roles that keep no stock, appending nothing', async () => {
    const before = await countEvents(db.pool);
    const negative = await move('STOCK-SHIRT-M', 'adjust', { delta: -1, reason: 'recount' });
    expect([negative.status, negative.body.type]).toEqual([409, '/problems/negative-stock']);
    expect((await move('NO-SUCH-SKU', 'restock', { quantity: 1, reason: 'x' })).status).toBe(404);
    expect((await move('STOCK-SHIRT-M', 'restock', { quantity: -1, reason: 'x' })).status).toBe(400);
    expect((await move('STOCK-SHIRT-M', 'restock', { quantity: 1 })).status).toBe(400);
    expect((await move('STOCK-SHIRT-M', 'restock', { quantity: 1, reason: 'x' }, await as('analyst'))).status).toBe(
      403,
    );
    expect(await countEvents(db.pool)).toBe(before);
  });

  it('lets ops keep the stock, as admins do', async () => {
    const ops = await as('ops');
    expect((await move('STOCK-SHIRT-M', 'restock', { quantity: 2, reason: 'delivery' }, ops)).status).toBe(200);
    expect((await move('STOCK-SHIRT-M', 'adjust', { delta: -2, reason: 'recount' }, ops)).status).toBe(200);
  });
});
