import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../harness.test-support.ts';

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

async function buy(headers: Record<string, string>, email = 'ada@example.com') {
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
        email,
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
    // Staff read any order here too, as its live stream (GET /orders/:orderId/live) needs.
    expect((await read({ Authorization: await staff('analyst') })).status).toBe(200);
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

const staff = async (role: string) =>
  `Bearer ${await signAccessToken(stack.config.AUTH_JWT_SECRET, { userId: randomUUID(), role: role as 'admin', sessionId: randomUUID() }, 600)}`;

describe('admin order list', () => {
  type Page = {
    items: { orderId: string; status: string; email: string; grandTotal: number }[];
    nextCursor: string | null;
  };
  const list = async (query: string, role = 'analyst', position?: string) =>
    stack.queries.request<Page>('GET', `/admin/orders?${query}`, {
      headers: { Authorization: await staff(role), ...(position ? { 'X-Min-Position': position } : {}) },
    });

  it('filters by status, customer, email and date, newest first, page by page', async () => {
    const grace = await signUp('grace');
    const graceId = JSON.parse(Buffer.from(grace.split('.')[1]!, 'base64url').toString()).sub as string;
    const a = await buy({ Authorization: `Bearer ${grace}` }, 'grace@example.com');
    const b = await buy({}, 'Linus@Example.com');
    const c = await buy({ Authorization: `Bearer ${grace}` }, 'grace@example.com');
    const admin = await staff('admin');
    const captured = await stack.commands.request<{ position: string }>('POST', `/admin/orders/${c.orderId}/capture`, {
      headers: { Authorization: admin },
      body: {},
    });
    expect(captured.status).toBe(200);

    const all = await list('limit=200', 'analyst', captured.body.position);
    expect(all.status, all.text).toBe(200);
    const ids = all.body.items.map((o) => o.orderId);
    expect(ids.indexOf(c.orderId)).toBeLessThan(ids.indexOf(b.orderId));
    expect(ids.indexOf(b.orderId)).toBeLessThan(ids.indexOf(a.orderId));

    expect((await list(`customer=${graceId}`)).body.items.map((o) => o.orderId)).toEqual([c.orderId, a.orderId]);
    expect((await list('customer=linus@example.com')).body.items.map((o) => o.orderId)).toEqual([b.orderId]);
    const capturedOnly = (await list('status=captured')).body.items;
    expect(capturedOnly.map((o) => [o.orderId, o.status])).toEqual([[c.orderId, 'captured']]);
    expect((await list('from=2099-01-01')).body.items).toEqual([]);
    expect((await list(`to=2000-01-01T00:00:00Z`)).body.items).toEqual([]);

    const first = await list(`customer=${graceId}&limit=1`);
    expect(first.body.items.map((o) => o.orderId)).toEqual([c.orderId]);
    const second = await list(`customer=${graceId}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((o) => o.orderId)).toEqual([a.orderId]);
    expect(second.body.nextCursor).toBeNull();

    const order = await stack.queries.request<Order>('GET', `/orders/${c.orderId}`, {
      headers: { Authorization: `Bearer ${grace}` },
    });
    expect(order.body.history.map((h) => h.status)).toEqual(['placed', 'authorized', 'captured']);
  });

  it('answers staff only, and refuses bad filters', async () => {
    expect((await stack.queries.request('GET', '/admin/orders')).status).toBe(401);
    const customer = `Bearer ${await signUp('mallory')}`;
    expect((await stack.queries.request('GET', '/admin/orders', { headers: { Authorization: customer } })).status).toBe(
      403,
    );
    for (const query of ['status=lost', 'from=yesterday', 'customer=nobody', 'limit=0', 'cursor=bm9wZQ', 'x=1']) {
      expect((await list(query, 'ops')).status, query).toBe(400);
    }
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    expect((await list(`cursor=${forged}`)).status).toBe(400);
  });

  it('answers any order in full to staff, whoever placed it; a customer 403, an unknown order 404', async () => {
    const guest = await buy({}, 'walk-in@example.com');
    for (const role of ['admin', 'ops', 'analyst']) {
      const res = await stack.queries.request<Order>('GET', `/admin/orders/${guest.orderId}`, {
        headers: { Authorization: await staff(role), 'X-Min-Position': guest.position },
      });
      expect(res.status, role).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect([res.body.orderId, res.body.email, res.body.status]).toEqual([
        guest.orderId,
        'walk-in@example.com',
        'authorized',
      ]);
    }
    const customer = `Bearer ${await signUp('nosy')}`;
    const path = `/admin/orders/${guest.orderId}`;
    expect((await stack.queries.request('GET', path)).status).toBe(401);
    expect((await stack.queries.request('GET', path, { headers: { Authorization: customer } })).status).toBe(403);
    const admin = { Authorization: await staff('admin') };
    expect((await stack.queries.request('GET', `/admin/orders/${randomUUID()}`, { headers: admin })).status).toBe(404);
    expect((await stack.queries.request('GET', '/admin/orders/not-an-id', { headers: admin })).status).toBe(404);
  });
});
