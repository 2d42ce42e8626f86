import { randomUUID } from 'node:crypto';
import type { DiscountPage } from '@flowdose/contract/query-api';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectStaffOnly, placeOrder, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: { Authorization: string };
let position: string;

beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET, { stock: 20 });
  admin = await bearer(stack.config, 'admin');
  const create = async (body: object) => {
    const res = await stack.commands.request('POST', '/admin/discounts', { body, headers: admin });
    expect(res.status, res.text).toBe(201);
  };
  await create({
    code: 'spring10',
    value: { kind: 'fixed', amountOff: { EUR: 1000, USD: 1100 } },
    minimumSubtotal: { EUR: 2000 },
    validFrom: '2026-01-01T00:00:00.000Z',
    usageLimit: 5,
  });
  await create({ code: 'HALF', value: { kind: 'percent', percent: 50 } });
  await create({ code: 'LEAKED', value: { kind: 'percent', percent: 90 } });
  // Two uses of SPRING10, and a third given back when the card is declined.
  await placeOrder(stack.commands, 'HOODIE-GREY-M', 1, { discountCode: 'SPRING10' });
  await placeOrder(stack.commands, 'HOODIE-GREY-M', 1, { discountCode: 'spring10' });
  await expect(
    placeOrder(stack.commands, 'HOODIE-GREY-L', 1, {
      discountCode: 'SPRING10',
      payment: { method: 'test-card', cardNumber: '4000000000000002' },
    }),
  ).rejects.toThrow(/402/);
  position = (
    await stack.commands.request<{ position: string }>('POST', '/admin/discounts/LEAKED/disable', {
      body: { reason: 'posted online' },
      headers: admin,
    })
  ).body.position;
});
afterAll(() => stack.close());

const read = async (query = '') =>
  stack.queries.request<DiscountPage>('GET', `/admin/discounts${query}`, {
    headers: { ...(await bearer(stack.config, 'analyst')), 'X-Min-Position': position },
  });

describe('GET /admin/discounts', () => {
  it('is for staff only', async () => {
    await expectStaffOnly(stack.queries, stack.config, '/admin/discounts');
  });

  it('lists codes newest first in the shapes they were created with, uses net of those given back', async () => {
    const res = await read();
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((d) => [d.code, d.uses, d.releasedUses, d.disabled])).toEqual([
      ['LEAKED', 0, 0, true],
      ['HALF', 0, 0, false],
      ['SPRING10', 2, 1, false],
    ]);
    expect(res.body.items[2]).toMatchObject({
      value: { kind: 'fixed', amountOff: { EUR: 1000, USD: 1100 } },
      minimum: { EUR: 2000 },
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: null,
      usageLimit: 5,
    });
    expect(res.body.items[1]).toMatchObject({ value: { kind: 'percent', percent: 50 }, minimum: {}, usageLimit: null });
  });

  it('pages by cursor and refuses a forged one', async () => {
    const first = await read('?limit=2');
    expect(first.body.items).toHaveLength(2);
    const rest = await read(`?limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((d) => d.code)).toEqual(['SPRING10']);
    expect(rest.body.nextCursor).toBeNull();
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [forged([new Date().toISOString(), randomUUID().toLowerCase()]), forged(['x', 'HALF']), '!']) {
      expect((await read(`?cursor=${cursor}`)).status).toBe(400);
    }
  });
});
