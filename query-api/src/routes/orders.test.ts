import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { publishTestCatalog } from '@flowdose/shared/testing/catalog';
import { checkoutDetails } from '@flowdose/shared/testing/checkout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET);
  const admin = `Bearer ${await signAccessToken(stack.config.AUTH_JWT_SECRET, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 600)}`;
  await stack.commands.request('POST', '/admin/inventory/MUG-WHITE/restock', {
    body: { quantity: 50, reason: 'test' },
    headers: { Authorization: admin },
  });
});
afterAll(() => stack.close());

type Order = {
  orderId: string;
  status: string;
  history: { status: string }[];
  totals: { grandTotal: number };
  email: string;
};

async function buy(headers: Record<string, string>) {
  const cart = (
    await stack.commands.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
      body: { currency: 'EUR' },
      headers,
    })
  ).body;
  const access = { ...headers, 'X-Cart-Token': cart.cartToken };
  await stack.commands.request('POST', `/carts/${cart.cartId}/items`, {
    body: { sku: 'MUG-WHITE', quantity: 2 },
    headers: access,
  });
  const res = await stack.commands.request<{ orderId: string; position: string }>(
    'POST',
    `/carts/${cart.cartId}/checkout`,
    {
      headers: access,
      body: checkoutDetails({
        shippingAddress: { name: 'Ada', line1: '1 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' },
      }),
    },
  );
  expect(res.status).toBe(201);
  return { ...res.body, cartToken: cart.cartToken };
}

const signUp = async (who: string) =>
  (
    await stack.commands.request<{ accessToken: string }>('POST', '/auth/register', {
      body: { email: `${who}-${Date.now()}@example.com`, password: 'correct horse battery' },
    })
  ).body.accessToken;

describe('order reads', () => {
  it('show a guest their order with the token of the cart it came from, and nobody else', async () => {
    const order = await buy({});
    const read = (headers: Record<string, string>) =>
      stack.queries.request<Order>('GET', `/orders/${order.orderId}`, {
        headers: { 'X-Min-Position': order.position, ...headers },
      });
    const mine = await read({ 'X-Cart-Token': order.cartToken });
    expect(mine.status).toBe(200);
    expect(mine.body.status).toBe('authorized');
    expect(mine.body.history.map((h) => h.status)).toEqual(['placed', 'authorized']);
    // 2 × 12.50 + 4.95 shipping, 19 % VAT in Germany.
    expect(mine.body.totals.grandTotal).toBe(Math.round(2500 * 1.19) + Math.round(495 * 1.19));
    expect((await read({})).status).toBe(404);
    expect((await read({ 'X-Cart-Token': 'forged' })).status).toBe(404);
    expect((await read({ Authorization: `Bearer ${await signUp('eve')}` })).status).toBe(404);
    expect((await stack.queries.request('GET', '/orders/not-an-id')).status).toBe(404);
  });

  it("list a customer's own orders, newest first, and only to them", async () => {
    const ada = await signUp('ada');
    const first = await buy({ Authorization: `Bearer ${ada}` });
    const second = await buy({ Authorization: `Bearer ${ada}` });
    const mine = await stack.queries.request<{ items: Order[] }>('GET', '/me/orders', {
      headers: { Authorization: `Bearer ${ada}`, 'X-Min-Position': second.position },
    });
    expect(mine.body.items.map((o) => o.orderId)).toEqual([second.orderId, first.orderId]);
    const byToken = await stack.queries.request('GET', `/orders/${first.orderId}`, {
      headers: { 'X-Cart-Token': first.cartToken },
    });
    expect(byToken.status).toBe(404);
    const bob = await signUp('bob');
    expect(
      (
        await stack.queries.request<{ items: Order[] }>('GET', '/me/orders', {
          headers: { Authorization: `Bearer ${bob}` },
        })
      ).body.items,
    ).toEqual([]);
    expect((await stack.queries.request('GET', '/me/orders')).status).toBe(401);
    const ops = `Bearer ${await signAccessToken(stack.config.AUTH_JWT_SECRET, { userId: randomUUID(), role: 'ops', sessionId: randomUUID() }, 60)}`;
    expect((await stack.queries.request('GET', '/me/orders', { headers: { Authorization: ops } })).status).toBe(403);
  });
});
