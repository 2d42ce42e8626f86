import { randomUUID } from 'node:crypto';
import type { AdminProduct, AdminProductPage } from '@flowdose/contract/query-api';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectStaffOnly, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: { Authorization: string };
let draftId: string;
let archivedId: string;
let position: string;

// What staff sent to create it, so the read can be compared field by field.
const draft = {
  title: 'Linen Shirt',
  handle: 'linen-shirt',
  description: 'Woven in Flanders.',
  category: 'shirts',
  tags: ['summer', 'linen'],
  options: [{ name: 'size', values: ['S', 'M'] }],
  variants: [
    { sku: 'LINEN-S', optionValues: { size: 'S' }, prices: { EUR: 5900, USD: 6500 }, weightGrams: 250 },
    { sku: 'LINEN-M', optionValues: { size: 'M' }, prices: { EUR: 5900 }, weightGrams: 270 },
  ],
};

beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET);
  admin = await bearer(stack.config, 'admin');
  const created = await stack.commands.request<{ productId: string }>('POST', '/admin/products', {
    body: draft,
    headers: admin,
  });
  draftId = created.body.productId;
  await stack.commands.request('PUT', `/admin/products/${draftId}/images`, {
    body: { images: [{ key: 'products/linen/front.webp', alt: 'Front' }] },
    headers: admin,
  });
  const toArchive = await stack.commands.request<{ productId: string }>('POST', '/admin/products', {
    body: { ...draft, title: 'Old Shirt', handle: 'old-shirt', variants: [{ ...draft.variants[0], sku: 'OLD-S' }] },
    headers: admin,
  });
  archivedId = toArchive.body.productId;
  position = (
    await stack.commands.request<{ position: string }>('POST', `/admin/products/${archivedId}/archive`, {
      headers: admin,
    })
  ).body.position;
});
afterAll(() => stack.close());

const read = async <T>(path: string) =>
  stack.queries.request<T>('GET', path, { headers: { ...admin, 'X-Min-Position': position } });

describe('GET /admin/products', () => {
  it('is for staff only', async () => {
    await expectStaffOnly(stack.queries, stack.config, '/admin/products');
    await expectStaffOnly(stack.queries, stack.config, `/admin/products/${draftId}`, position);
  });

  it('lists every status, newest first, filtered by status and by title, handle or SKU', async () => {
    const all = await read<AdminProductPage>('/admin/products');
    expect(all.body.items).toHaveLength(12);
    expect(all.body.items.slice(0, 2).map((p) => [p.productId, p.status, p.variants])).toEqual([
      [archivedId, 'archived', 1],
      [draftId, 'draft', 2],
    ]);
    expect(all.body.nextCursor).toBeNull();
    const ids = async (query: string) =>
      (await read<AdminProductPage>(`/admin/products?${query}`)).body.items.map((p) => p.productId);
    expect(await ids('status=draft')).toEqual([draftId]);
    expect(await ids('status=published')).toHaveLength(10);
    expect(await ids('q=linen-s')).toEqual([draftId]);
    expect(await ids('q=LINEN')).toEqual([draftId]);
    expect(await ids('q=old-s')).toEqual([archivedId]);
    expect(await ids('q=shirt&status=archived')).toEqual([archivedId]);
    expect(await ids('q=100%25')).toEqual([]);
  });

  it('pages by cursor, each product once, and refuses a forged cursor or a bad limit', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: AdminProductPage } = await read(
        `/admin/products?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((p) => p.productId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    const forged = Buffer.from(JSON.stringify(['x', randomUUID()])).toString('base64url');
    for (const query of [`cursor=${forged}`, 'cursor=garbage', 'limit=0', 'limit=201', 'status=gone', 'sort=title']) {
      const res = await read(`/admin/products?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('GET /admin/products/:productId', () => {
  it('answers a draft in the fields staff created it with', async () => {
    const res = await read<AdminProduct>(`/admin/products/${draftId}`);
    expect(res.status, res.text).toBe(200);
    const { variants, ...details } = draft;
    expect(res.body).toMatchObject({
      ...details,
      productId: draftId,
      status: 'draft',
      images: [{ key: 'products/linen/front.webp', alt: 'Front' }],
    });
    expect(
      res.body.variants.map(({ sku, optionValues, weightGrams, prices }) => ({
        sku,
        optionValues,
        weightGrams,
        prices: Object.fromEntries(prices.map((p) => [p.currency, p.amount])),
      })),
    ).toEqual(variants);
    expect((await read<AdminProduct>(`/admin/products/${archivedId}`)).body.status).toBe('archived');
  });

  it('answers 404 for an unknown id or a handle', async () => {
    for (const id of [randomUUID(), 'linen-shirt']) {
      const res = await read(`/admin/products/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
