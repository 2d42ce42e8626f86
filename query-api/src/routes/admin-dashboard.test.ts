import { publishTestCatalog } from '@flowdose/testing/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectStaffOnly, placeOrder, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: { Authorization: string };
beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET);
  admin = await bearer(stack.config, 'admin');
  for (const [sku, quantity] of [
    ['MUG-WHITE', 50],
    ['CAP-BLACK', 4],
    ['HOODIE-GREY-M', 6],
  ] as const) {
    await stack.commands.request('POST', `/admin/inventory/${sku}/restock`, {
      body: { quantity, reason: 'test' },
      headers: admin,
    });
  }
});
afterAll(() => stack.close());

type Dashboard = {
  date: string;
  sales: { currency: string; orders: number; gross: number }[];
  waiting: { capture: number; fulfilment: number; shipping: number };
  lowStock: { sku: string; onHand: number; reserved: number; available: number }[];
  projections: { name: string }[];
};

describe('GET /admin/dashboard', () => {
  it('is for staff only', async () => {
    await expectStaffOnly(stack.queries, stack.config, '/admin/dashboard');
  });

  it("sums today's orders per currency, counts the orders waiting at each step, and lists low stock", async () => {
    const step = async (orderId: string, action: string, body: object = {}) => {
      const res = await stack.commands.request<{ position: string }>('POST', `/admin/orders/${orderId}/${action}`, {
        body,
        headers: admin,
      });
      expect(res.status, res.text).toBe(200);
      return res.body.position;
    };
    const euro1 = await placeOrder(stack.commands, 'MUG-WHITE', 2);
    const euro2 = await placeOrder(stack.commands, 'CAP-BLACK', 1);
    const euro3 = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    const dollars = await placeOrder(stack.commands, 'MUG-WHITE', 3, { currency: 'USD' });
    await step(euro1.orderId, 'capture');
    await step(euro2.orderId, 'capture');
    await step(euro2.orderId, 'fulfil');
    await step(euro3.orderId, 'capture');
    await step(euro3.orderId, 'fulfil');
    await step(euro3.orderId, 'ship', { trackingNumber: 'TRACK-1' });
    const last = await step(euro3.orderId, 'deliver');

    const res = await stack.queries.request<Dashboard>('GET', '/admin/dashboard', {
      headers: { ...(await bearer(stack.config, 'analyst')), 'X-Min-Position': last },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.date).toBe(new Date().toISOString().slice(0, 10));

    // The figures against the orders themselves, as the order list answers them.
    const orders = await stack.queries.request<{ items: { orderId: string; currency: string; grandTotal: number }[] }>(
      'GET',
      '/admin/orders',
      { headers: admin },
    );
    const total = (ids: string[]) =>
      orders.body.items.filter((o) => ids.includes(o.orderId)).reduce((sum, o) => sum + o.grandTotal, 0);
    const euros = [euro1, euro2, euro3].map((o) => o.orderId);
    expect(res.body.sales).toEqual([
      { currency: 'EUR', orders: 3, gross: total(euros) },
      { currency: 'USD', orders: 1, gross: total([dollars.orderId]) },
    ]);
    // 2 × 12.50 + 4.95 shipping, 20 % VAT in France: the EUR figure is not just any sum.
    expect(total([euro1.orderId])).toBe(Math.round(2500 * 1.2) + Math.round(495 * 1.2));
    // dollars authorized, euro1 captured, euro2 fulfilled; euro3 delivered waits for nobody.
    expect(res.body.waiting).toEqual({ capture: 1, fulfilment: 1, shipping: 1 });

    // CAP-BLACK: 4 stocked, 1 committed by fulfilment; HOODIE-GREY-M 6 (above 5); MUG-WHITE plenty;
    // the other seven test SKUs were never stocked.
    expect(res.body.lowStock[0]?.available).toBe(0);
    expect(res.body.lowStock).toHaveLength(8);
    expect(res.body.lowStock.at(-1)).toMatchObject({ sku: 'CAP-BLACK', onHand: 3, reserved: 0, available: 3 });
    expect(res.body.lowStock.map((s) => s.sku)).not.toContain('HOODIE-GREY-M');
    expect(res.body.projections.map((p) => p.name)).toEqual(
      expect.arrayContaining(['customers', 'discounts', 'orders']),
    );
  });
});
