import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, placeOrder, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: { Authorization: string };
let analyst: { Authorization: string };
let last: string;
beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET, { stock: 10 });
  admin = await bearer(stack.config, 'admin');
  analyst = await bearer(stack.config, 'analyst');
  const euros = await placeOrder(stack.commands, 'MUG-WHITE', 2);
  await placeOrder(stack.commands, 'CAP-BLACK', 1);
  const us = { ...checkoutDetails().shippingAddress, city: 'Boston', postalCode: '02110', country: 'US' };
  await placeOrder(stack.commands, 'MUG-WHITE', 3, { currency: 'USD', shippingAddress: us });
  // A checkout with a code whose card is declined: the code's use is given back, no order.
  const code = await stack.commands.request('POST', '/admin/discounts', {
    body: { code: 'ROUTE10', value: { kind: 'percent', percent: 10 } },
    headers: admin,
  });
  expect(code.status, code.text).toBe(201);
  const cart = (
    await stack.commands.request<{ cartId: string; cartToken: string }>('POST', '/carts', { body: { currency: 'EUR' } })
  ).body;
  const access = { 'X-Cart-Token': cart.cartToken };
  await stack.commands.request('POST', `/carts/${cart.cartId}/items`, {
    body: { sku: 'TOTE-NATURAL', quantity: 1 },
    headers: access,
  });
  const declined = await stack.commands.request('POST', `/carts/${cart.cartId}/checkout`, {
    headers: access,
    body: checkoutDetails({
      discountCode: 'route10',
      payment: { method: 'test-card', cardNumber: '4000000000000002' },
    }),
  });
  expect(declined.status, declined.text).toBe(402);
  const step = async (action: string, body: object) => {
    const res = await stack.commands.request<{ position: string }>('POST', `/admin/orders/${euros.orderId}/${action}`, {
      body,
      headers: admin,
    });
    expect(res.status, res.text).toBe(200);
    return res.body.position;
  };
  await step('capture', {});
  last = await step('refund', { amount: 1000, reason: 'one mug broke' });
});
afterAll(() => stack.close());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const range = () => `from=${day(-1)}&to=${day(1)}`;
const get = <T>(path: string, headers: Record<string, string> = analyst) =>
  stack.queries.request<T>('GET', path, { headers: { ...headers, 'X-Min-Position': last } });

/** RFC 4180 with quoted fields, enough to read back what the API writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    if (quoted && c === '"' && next === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += c;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && next === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

/** JSON items as the CSV should write them: the same columns, null as an empty field. */
const asRows = (items: Record<string, unknown>[]) => [
  Object.keys(items[0]!),
  ...items.map((item) => Object.values(item).map((v) => (v === null ? '' : String(v)))),
];

/** Every analytics route with a query that answers items today. */
const paths = () => [
  `/admin/analytics/sales?${range()}`,
  `/admin/analytics/products?${range()}&currency=EUR`,
  `/admin/analytics/funnel?${range()}`,
  `/admin/analytics/abandonment?${range()}`,
  `/admin/analytics/discounts?${range()}`,
];

describe('GET /admin/analytics', () => {
  it('is for analysts and admins only', async () => {
    for (const path of paths()) {
      expect((await stack.queries.request('GET', path)).status, path).toBe(401);
      for (const [role, status] of [
        ['customer', 403],
        ['ops', 403],
        ['analyst', 200],
        ['admin', 200],
      ] as const) {
        const res = await get(path, await bearer(stack.config, role));
        expect([role, res.status], res.text).toEqual([role, status]);
        if (status === 200) expect(res.headers.get('cache-control')).toBe('no-store');
        else expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
  });

  it("sums today's orders per currency, with the refund, as computed by hand", async () => {
    const res = await get<{ items: object[] }>(`/admin/analytics/sales?${range()}`);
    expect(res.status, res.text).toBe(200);
    // EUR: 2 × 12.50 and 24.00, 4.95 shipping each, 20 % VAT (France) on lines and shipping.
    // USD: 3 × 13.90 and 5.95 shipping to the US, no tax.
    const none = { discounts: 0, canceledOrders: 0, canceled: 0 };
    expect(res.body.items).toEqual([
      {
        period: day(0),
        currency: 'EUR',
        orders: 2,
        items: 3,
        subtotal: 2500 + 2400,
        shipping: 495 + 495,
        tax: 500 + 99 + 480 + 99,
        gross: 3594 + 3474,
        refunds: 1000,
        ...none,
        net: 3594 + 3474 - 1000,
        averageOrderValue: (3594 + 3474) / 2,
        // Every order is the guest ada@example.com's: new once in her first currency,
        newCustomers: 1,
        returningCustomers: 0,
      },
      {
        period: day(0),
        currency: 'USD',
        orders: 1,
        items: 3,
        subtotal: 4170,
        shipping: 595,
        tax: 0,
        gross: 4765,
        refunds: 0,
        ...none,
        net: 4765,
        averageOrderValue: 4765,
        // and returning in the second (she had ordered before, in EUR).
        newCustomers: 0,
        returningCustomers: 1,
      },
    ]);
    const usd = await get<{ items: { currency: string }[] }>(`/admin/analytics/sales?${range()}&currency=USD`);
    expect(usd.body.items.map((i) => i.currency)).toEqual(['USD']);
  });

  it('ranks products by revenue within a currency, per variant or category', async () => {
    const product = { productId: expect.any(String), category: 'test' };
    const res = await get<{ items: object[] }>(`/admin/analytics/products?${range()}&currency=EUR`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      { sku: 'MUG-WHITE', title: 'MUG-WHITE', ...product, units: 2, revenue: 2500, refunds: 1000, net: 1500 },
      { sku: 'CAP-BLACK', title: 'CAP-BLACK', ...product, units: 1, revenue: 2400, refunds: 0, net: 2400 },
    ]);
    const top = await get<{ items: object[] }>(`/admin/analytics/products?${range()}&currency=EUR&limit=1`);
    expect(top.body.items).toEqual(res.body.items.slice(0, 1));
    const categories = await get<{ items: object[] }>(`/admin/analytics/products?${range()}&currency=EUR&by=category`);
    expect(categories.body.items).toEqual([
      { sku: null, productId: null, title: null, category: 'test', units: 3, revenue: 4900, refunds: 1000, net: 3900 },
    ]);
  });

  it("follows today's carts through the funnel, finds none abandoned yet, and counts the code's use", async () => {
    const funnel = await get<{ items: object[] }>(`/admin/analytics/funnel?${range()}`);
    expect(funnel.status, funnel.text).toBe(200);
    // EUR: the mugs (paid: captured), the cap (placed), the tote (its checkout declined).
    // USD: the mugs, placed, not captured.
    expect(funnel.body.items).toEqual([
      {
        period: day(0),
        currency: 'EUR',
        cartsOpened: 3,
        cartsWithItems: 3,
        checkoutsStarted: 3,
        ordersPlaced: 2,
        ordersPaid: 1,
        toItems: 1,
        toCheckout: 1,
        toOrder: 0.6667,
        toPaid: 0.5,
        overall: 0.3333,
      },
      {
        period: day(0),
        currency: 'USD',
        cartsOpened: 1,
        cartsWithItems: 1,
        checkoutsStarted: 1,
        ordersPlaced: 1,
        ordersPaid: 0,
        toItems: 1,
        toCheckout: 1,
        toOrder: 1,
        toPaid: 0,
        overall: 0,
      },
    ]);
    // The tote's cart is open but was touched minutes ago, not ABANDONED_CART_HOURS (24).
    const abandonment = await get<{ items: object[] }>(`/admin/analytics/abandonment?${range()}`);
    const none = { abandonedCarts: 0, abandonedValue: 0, abandonmentRate: 0 };
    expect(abandonment.body.items).toEqual([
      { period: day(0), currency: 'EUR', cartsWithItems: 3, ...none },
      { period: day(0), currency: 'USD', cartsWithItems: 1, ...none },
    ]);
    const discounts = await get<{ items: object[] }>(`/admin/analytics/discounts?${range()}&code=Route10`);
    expect(discounts.body.items).toEqual([
      { period: day(0), code: 'ROUTE10', currency: 'EUR', uses: 1, releasedUses: 1, discountGiven: 0, revenue: 0 },
    ]);
  });

  it('answers the same items as CSV when asked', async () => {
    for (const path of paths()) {
      const json = await get<{ items: Record<string, unknown>[] }>(path);
      const csv = await get<string>(path, { ...analyst, Accept: 'text/csv' });
      expect(csv.status, csv.text).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(json.body.items.length).toBeGreaterThan(0);
      expect(parseCsv(csv.text)).toEqual(asRows(json.body.items));
    }
    // An empty answer still has its header row.
    const empty = await get<string>('/admin/analytics/sales?from=2020-01-01&to=2020-01-31', {
      ...analyst,
      Accept: 'text/csv',
    });
    expect(parseCsv(empty.text)).toEqual([expect.arrayContaining(['period', 'currency', 'net'])]);
  });

  it('refuses bad ranges with the fields at fault', async () => {
    const cases: [string, string][] = [
      ['/admin/analytics/sales?from=2026-03-02&to=2026-03-01', 'to'],
      ['/admin/analytics/sales?from=2020-01-01&to=2023-06-01', 'to'],
      ['/admin/analytics/sales?from=2026-03-01&to=2026-03-02&currency=XYZ', 'currency'],
      ['/admin/analytics/sales?from=2026-03-01&to=2026-03-02&granularity=year', 'granularity'],
      ['/admin/analytics/sales?from=2026-02-30&to=2026-03-02', 'from'],
      ['/admin/analytics/products?from=2026-03-01&to=2026-03-02', 'currency'],
      ...['funnel', 'abandonment', 'discounts'].flatMap((route): [string, string][] => [
        [`/admin/analytics/${route}?from=2026-03-02&to=2026-03-01`, 'to'],
        [`/admin/analytics/${route}?from=2023-01-01&to=2026-03-01`, 'to'],
        [`/admin/analytics/${route}?from=2026-03-01&to=2026-03-02&currency=XYZ`, 'currency'],
        [`/admin/analytics/${route}?from=2026-03-01&to=2026-03-02&granularity=hour`, 'granularity'],
        [`/admin/analytics/${route}?to=2026-03-02`, 'from'],
      ]),
      ['/admin/analytics/discounts?from=2026-03-01&to=2026-03-02&code=', 'code'],
    ];
    for (const [path, field] of cases) {
      const res = await get<{ status: number; errors: { path: string }[] }>(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(
        res.body.errors.map((e) => e.path),
        path,
      ).toContain(field);
    }
  });
});
