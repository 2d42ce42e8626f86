import { randomUUID } from 'node:crypto';
import type { CustomerDetail, CustomerPage } from '@flowdose/contract/query-api';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectStaffOnly, placeOrder, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
const customers: Record<string, { customerId: string; Authorization: string }> = {};
const orders: string[] = [];
let position: string;

beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET, { stock: 20 });
  for (const email of ['ada@example.com', 'grace@example.org', 'Adam@Example.net']) {
    const res = await stack.commands.request<{ customerId: string; accessToken: string }>('POST', '/auth/register', {
      body: { email, password: 'correct horse battery' },
    });
    customers[email] = { customerId: res.body.customerId, Authorization: `Bearer ${res.body.accessToken}` };
  }
  // Ada buys twice; a guest buys with her email, which is not her account's order.
  const ada = { Authorization: customers['ada@example.com']!.Authorization };
  for (const headers of [ada, {}, ada]) {
    const placed = await placeOrder(stack.commands, 'MUG-WHITE', 1, { headers, email: 'ada@example.com' });
    if (headers === ada) orders.unshift(placed.orderId);
    position = placed.position;
  }
});
afterAll(() => stack.close());

const read = async <T>(path: string) =>
  stack.queries.request<T>('GET', path, {
    headers: { ...(await bearer(stack.config, 'ops')), 'X-Min-Position': position },
  });

describe('GET /admin/customers', () => {
  it('is for staff only', async () => {
    await expectStaffOnly(stack.queries, stack.config, '/admin/customers');
    await expectStaffOnly(
      stack.queries,
      stack.config,
      `/admin/customers/${customers['ada@example.com']!.customerId}`,
      position,
    );
  });

  it('lists customers newest first with their order counts, filtered by part of the email in any case', async () => {
    const all = await read<CustomerPage>('/admin/customers');
    expect(all.body.items.map((c) => [c.email, c.orders])).toEqual([
      ['adam@example.net', 0],
      ['grace@example.org', 0],
      ['ada@example.com', 2],
    ]);
    expect(all.body.items[2]?.lastOrderAt).not.toBeNull();
    expect(all.body.items[0]?.lastOrderAt).toBeNull();
    const emails = async (query: string) =>
      (await read<CustomerPage>(`/admin/customers?email=${query}`)).body.items.map((c) => c.email);
    expect(await emails('ADA')).toEqual(['adam@example.net', 'ada@example.com']);
    expect(await emails('example.org')).toEqual(['grace@example.org']);
    expect(await emails('_')).toEqual([]);
  });

  it('pages by cursor and refuses a forged one', async () => {
    const first = await read<CustomerPage>('/admin/customers?limit=2');
    const rest = await read<CustomerPage>(`/admin/customers?limit=2&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...rest.body.items].map((c) => c.email)).toEqual([
      'adam@example.net',
      'grace@example.org',
      'ada@example.com',
    ]);
    expect(rest.body.nextCursor).toBeNull();
    const forged = Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url');
    expect((await read(`/admin/customers?cursor=${forged}`)).status).toBe(400);
  });
});

describe('GET /admin/customers/:customerId', () => {
  it("answers the customer with their own orders, newest first, shaped like the order list's", async () => {
    const ada = customers['ada@example.com']!;
    const res = await read<CustomerDetail>(`/admin/customers/${ada.customerId}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ customerId: ada.customerId, email: 'ada@example.com', orders: 2 });
    expect(res.body.recentOrders.map((o) => o.orderId)).toEqual(orders);
    expect(Object.keys(res.body.recentOrders[0]!).sort()).toEqual(
      ['orderId', 'customerId', 'email', 'status', 'currency', 'grandTotal', 'placedAt'].sort(),
    );
    expect(res.body.lastOrderAt).toBe(res.body.recentOrders[0]?.placedAt);
  });

  it('answers 404 for an unknown customer or not an id', async () => {
    for (const id of [randomUUID(), 'ada@example.com']) {
      const res = await read(`/admin/customers/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
