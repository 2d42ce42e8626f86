import { randomUUID } from 'node:crypto';
import type { InventoryPage, StockDetail } from '@flowdose/contract/query-api';
import { publishTestCatalog, TEST_CATALOG } from '@flowdose/testing/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectStaffOnly, placeOrder, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: { Authorization: string };
let order: Awaited<ReturnType<typeof placeOrder>>;
const SKUS = Object.keys(TEST_CATALOG).sort();

beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET);
  admin = await bearer(stack.config, 'admin');
  for (const [sku, quantity] of [
    ['MUG-WHITE', 50],
    ['CAP-BLACK', 7],
  ] as const) {
    await stack.commands.request('POST', `/admin/inventory/${sku}/restock`, {
      body: { quantity, reason: 'test' },
      headers: admin,
    });
  }
  // Holds 2 CAP-BLACK until the order is fulfilled or canceled.
  order = await placeOrder(stack.commands, 'CAP-BLACK', 2);
});
afterAll(() => stack.close());

const read = async <T>(path: string) =>
  stack.queries.request<T>('GET', path, { headers: { ...admin, 'X-Min-Position': order.position } });

describe('GET /admin/inventory', () => {
  it('is for staff only', async () => {
    await expectStaffOnly(stack.queries, stack.config, '/admin/inventory');
    await expectStaffOnly(stack.queries, stack.config, '/admin/inventory/MUG-WHITE', order.position);
  });

  it('lists every SKU of the catalog by SKU, stocked or not, with its product', async () => {
    const all = await read<InventoryPage>('/admin/inventory');
    expect(all.body.items.map((s) => s.sku)).toEqual(SKUS);
    expect(all.body.items.find((s) => s.sku === 'CAP-BLACK')).toMatchObject({
      onHand: 7,
      reserved: 2,
      available: 5,
      title: 'CAP-BLACK',
    });
    expect(all.body.items.find((s) => s.sku === 'TOTE-NATURAL')).toMatchObject({ onHand: 0, available: 0 });
    expect(all.body.items.every((s) => s.productId !== null)).toBe(true);
  });

  it('keeps the low ones (LOW_STOCK_THRESHOLD, 5, or fewer available) and matches SKU or title', async () => {
    const skus = async (query: string) =>
      (await read<InventoryPage>(`/admin/inventory?${query}`)).body.items.map((s) => s.sku);
    expect(await skus('low=true')).toEqual(SKUS.filter((s) => s !== 'MUG-WHITE'));
    expect(await skus('low=false')).toEqual(SKUS);
    expect(await skus('q=mug')).toEqual(['MUG-WHITE']);
    expect(await skus('q=tshirt-red')).toEqual(['TSHIRT-RED-L', 'TSHIRT-RED-M', 'TSHIRT-RED-S']);
    expect(await skus('q=cap&low=true')).toEqual(['CAP-BLACK']);
  });

  it('pages by SKU, each once, and refuses a forged cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: InventoryPage } = await read(`/admin/inventory?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((s) => s.sku));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(SKUS);
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursorValue of [forged(['mug-white']), forged(['MUG-WHITE', randomUUID()]), 'garbage']) {
      expect((await read(`/admin/inventory?cursor=${cursorValue}`)).status).toBe(400);
    }
    expect((await read('/admin/inventory?low=yes')).status).toBe(400);
  });
});

describe('GET /admin/inventory/:sku', () => {
  it("answers a SKU's stock and its open holds", async () => {
    const res = await read<StockDetail>('/admin/inventory/CAP-BLACK');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ sku: 'CAP-BLACK', onHand: 7, reserved: 2, available: 5, title: 'CAP-BLACK' });
    expect(res.body.holds).toEqual([
      {
        reservationId: expect.any(String),
        orderId: order.orderId,
        quantity: 2,
        heldAt: expect.any(String),
        expiresAt: expect.any(String),
      },
    ]);
    const [hold] = res.body.holds;
    expect(Date.parse(hold!.expiresAt)).toBeGreaterThan(Date.parse(hold!.heldAt));
    expect((await read<StockDetail>('/admin/inventory/MUG-WHITE')).body.holds).toEqual([]);
  });

  it('answers 404 for a SKU neither stocked nor sold', async () => {
    const res = await read('/admin/inventory/NO-SUCH-SKU');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
