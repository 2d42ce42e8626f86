import { schemaRows } from '@flowdose/projections/read-models/analytics-fixture.test-support';
import { rebuild } from '@flowdose/projections/rebuild';
import { projectionNamed } from '@flowdose/projections/registry';
import { testConfig } from '@flowdose/shared/config';
import { liveSchema } from '@flowdose/shared/read-models';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startStack } from '../harness.test-support.ts';

/**
 * Shoppers scripted through the HTTP command API over three shop days (UTC), each step at a
 * chosen instant of an injected clock: the store stamps events with it, checkouts decide with
 * it and the abandonment read judges idle time with it. Every analytics figure is then
 * checked against the one computed by hand below, and again after each model is rebuilt.
 *
 *   Mon 2 March   09:00 an admin creates SPRING10 (10 % off)
 *                 10:00 Ada signs up; her cart: 2 mugs, SPRING10 → order A (EUR)
 *                 10:30 Bob, a guest: a cap and a mug → order B (USD, to Boston)
 *                 11:00 Cleo, a guest: a hoodie, made two, and leaves (EUR)
 *                 11:30 Dan, a guest, opens a cart and leaves it empty (EUR)
 *                 12:00 A is captured
 *   Tue 3 March   09:00 Ada's cart: a T-shirt; 09:10 on another device, as a guest: socks;
 *                 09:20 she signs in there: the socks are merged into her cart
 *                 09:30 she checks out with SPRING10 → order C (EUR); 10:00 C is captured
 *                 11:00 Bob, a guest: a tote (USD), SPRING10, his card is declined: he leaves
 *   Wed 4 March   09:00 Fay, a guest: 3 mugs → order D (USD, to Boston), not captured
 *                 09:30 Gus, a guest: a cap (EUR), still browsing
 *                 10:00 A is refunded 10.00 (one mug broke)
 *                 12:00 the analyst reads
 *
 * Prices (TEST_CATALOG): mug 12.50 EUR / 13.90 USD, cap 24.00 / 26.50, hoodie 49.99 EUR,
 * socks 15.00 EUR, T-shirt 19.99 EUR, tote 19.90 USD. Shipping 4.95 EUR / 5.95 USD; VAT 20 %
 * in France (on discounted lines and shipping, each rounded), none to the US.
 */

let now = new Date('2026-03-02T09:00:00Z');
const at = (iso: string) => {
  now = new Date(iso);
};
let stack: Awaited<ReturnType<typeof startStack>>;
let analyst: { Authorization: string };
let last: string;
const products: Record<string, string> = {};

type Headers = Record<string, string>;
/** A command that must succeed; answers its body. */
async function send<T = Record<string, string>>(method: string, path: string, body?: object, headers: Headers = {}) {
  const res = await stack.commands.request<T>(method, path, { ...(body ? { body } : {}), headers });
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}
async function openCart(currency: string, headers: Headers = {}) {
  const cart = await send<{ cartId: string; cartToken: string }>('POST', '/carts', { currency }, headers);
  return { id: cart.cartId, token: cart.cartToken, access: { ...headers, 'X-Cart-Token': cart.cartToken } };
}
type Cart = Awaited<ReturnType<typeof openCart>>;
const add = (cart: Cart, sku: string, quantity: number) =>
  send<{ lineId: string; position: string }>('POST', `/carts/${cart.id}/items`, { sku, quantity }, cart.access);
const boston = { ...checkoutDetails().shippingAddress, city: 'Boston', postalCode: '02110', country: 'US' };
const checkout = (cart: Cart, details: Record<string, unknown>) =>
  send<{ orderId: string; position: string }>(
    'POST',
    `/carts/${cart.id}/checkout`,
    checkoutDetails(details),
    cart.access,
  );

beforeAll(async () => {
  stack = await startStack(testConfig({ MIN_POSITION_TIMEOUT_MS: '20000' }), { clock: { now: () => now } });
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET, { stock: 20 });
  const admin = await bearer(stack.config, 'admin');
  analyst = await bearer(stack.config, 'analyst');

  // Monday 2 March
  at('2026-03-02T09:00:00Z');
  await send('POST', '/admin/discounts', { code: 'SPRING10', value: { kind: 'percent', percent: 10 } }, admin);
  at('2026-03-02T10:00:00Z');
  const password = 'correct horse battery';
  const signedUp = await send<{ accessToken: string }>('POST', '/auth/register', {
    email: 'ada@example.com',
    password,
  });
  const ada = { Authorization: `Bearer ${signedUp.accessToken}` };
  at('2026-03-02T10:01:00Z');
  const adaMonday = await openCart('EUR', ada);
  at('2026-03-02T10:02:00Z');
  await add(adaMonday, 'MUG-WHITE', 2);
  at('2026-03-02T10:05:00Z');
  const orderA = await checkout(adaMonday, { email: 'ada@example.com', discountCode: 'spring10' });

  at('2026-03-02T10:30:00Z');
  const bobMonday = await openCart('USD');
  at('2026-03-02T10:31:00Z');
  await add(bobMonday, 'CAP-BLACK', 1);
  at('2026-03-02T10:32:00Z');
  await add(bobMonday, 'MUG-WHITE', 1);
  at('2026-03-02T10:35:00Z');
  await checkout(bobMonday, { email: 'bob@example.com', shippingAddress: boston });

  at('2026-03-02T11:00:00Z');
  const cleo = await openCart('EUR');
  at('2026-03-02T11:01:00Z');
  const hoodie = await add(cleo, 'HOODIE-GREY-M', 1);
  at('2026-03-02T11:02:00Z');
  await send('PATCH', `/carts/${cleo.id}/items/${hoodie.lineId}`, { quantity: 2 }, cleo.access);
  at('2026-03-02T11:30:00Z');
  await openCart('EUR');
  at('2026-03-02T12:00:00Z');
  await send('POST', `/admin/orders/${orderA.orderId}/capture`, {}, admin);

  // Tuesday 3 March
  at('2026-03-03T09:00:00Z');
  const adaTuesday = await openCart('EUR', ada);
  at('2026-03-03T09:01:00Z');
  const tshirt = await add(adaTuesday, 'TSHIRT-RED-M', 1);
  at('2026-03-03T09:10:00Z');
  const adaAsGuest = await openCart('EUR');
  at('2026-03-03T09:11:00Z');
  await add(adaAsGuest, 'SOCKS-3PACK', 1);
  // Signing in merges a guest cart into the open cart the carts read model lists: wait for it.
  const seen = await stack.queries.request('GET', `/carts/${adaTuesday.id}`, {
    headers: { ...adaTuesday.access, 'X-Min-Position': tshirt.position },
  });
  expect(seen.status, seen.text).toBe(200);
  at('2026-03-03T09:20:00Z');
  const signedIn = await send<{ cartId: string }>(
    'POST',
    '/auth/login',
    { email: 'ada@example.com', password, guestCartId: adaAsGuest.id },
    { 'X-Cart-Token': adaAsGuest.token },
  );
  expect(signedIn.cartId).toBe(adaTuesday.id);
  at('2026-03-03T09:30:00Z');
  const orderC = await checkout(adaTuesday, { email: 'ada@example.com', discountCode: 'SPRING10' });
  at('2026-03-03T10:00:00Z');
  await send('POST', `/admin/orders/${orderC.orderId}/capture`, {}, admin);

  at('2026-03-03T11:00:00Z');
  const bobTuesday = await openCart('USD');
  at('2026-03-03T11:01:00Z');
  await add(bobTuesday, 'TOTE-NATURAL', 1);
  at('2026-03-03T11:05:00Z');
  const declined = await stack.commands.request('POST', `/carts/${bobTuesday.id}/checkout`, {
    headers: bobTuesday.access,
    body: checkoutDetails({
      email: 'bob@example.com',
      shippingAddress: boston,
      discountCode: 'spring10',
      payment: { method: 'test-card', cardNumber: '4000000000000002' },
    }),
  });
  expect(declined.status, declined.text).toBe(402);

  // Wednesday 4 March
  at('2026-03-04T09:00:00Z');
  const fay = await openCart('USD');
  at('2026-03-04T09:01:00Z');
  await add(fay, 'MUG-WHITE', 3);
  at('2026-03-04T09:05:00Z');
  await checkout(fay, { email: 'fay@example.com', shippingAddress: boston });
  at('2026-03-04T09:30:00Z');
  const gus = await openCart('EUR');
  at('2026-03-04T09:31:00Z');
  await add(gus, 'CAP-BLACK', 1);
  at('2026-03-04T10:00:00Z');
  last = (
    await send<{ position: string }>(
      'POST',
      `/admin/orders/${orderA.orderId}/refund`,
      { amount: 1000, reason: 'one mug broke' },
      admin,
    )
  ).position;

  at('2026-03-04T12:00:00Z');
  for (const sku of ['MUG-WHITE', 'CAP-BLACK', 'TSHIRT-RED-M', 'SOCKS-3PACK']) {
    const product = await stack.queries.request<{ productId: string }>('GET', `/products/${sku.toLowerCase()}`);
    products[sku] = product.body.productId;
  }
});
afterAll(() => stack.close());

const range = 'from=2026-03-02&to=2026-03-04';
const read = async <T = object[]>(path: string) => {
  const res = await stack.queries.request<{ items: T }>('GET', path, {
    headers: { ...analyst, 'X-Min-Position': last },
  });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body.items;
};

const noCancels = { refunds: 0, canceledOrders: 0, canceled: 0 };
const nothingSold = { orders: 0, items: 0, subtotal: 0, discounts: 0, shipping: 0, tax: 0, gross: 0 };
const funnel = (
  period: string,
  currency: string,
  [cartsOpened, cartsWithItems, checkoutsStarted, ordersPlaced, ordersPaid]: number[],
  [toItems, toCheckout, toOrder, toPaid, overall]: (number | null)[],
) => ({
  period,
  currency,
  cartsOpened,
  cartsWithItems,
  checkoutsStarted,
  ordersPlaced,
  ordersPaid,
  toItems,
  toCheckout,
  toOrder,
  toPaid,
  overall,
});
const abandonment = (
  period: string,
  currency: string,
  carts: number,
  abandoned: number,
  value: number,
  rate: number,
) => ({
  period,
  currency,
  cartsWithItems: carts,
  abandonedCarts: abandoned,
  abandonedValue: value,
  abandonmentRate: rate,
});
const usage = (
  period: string,
  code: string,
  currency: string,
  [uses, releasedUses, discountGiven, revenue]: number[],
) => ({
  period,
  code,
  currency,
  uses,
  releasedUses,
  discountGiven,
  revenue,
});

/** Every analytics answer the analyst reads, by route. */
const reads = () => ({
  salesByDay: read(`/admin/analytics/sales?${range}`),
  salesByWeek: read(`/admin/analytics/sales?${range}&granularity=week`),
  productsEur: read(`/admin/analytics/products?${range}&currency=EUR`),
  productsUsd: read(`/admin/analytics/products?${range}&currency=USD`),
  categoriesEur: read(`/admin/analytics/products?${range}&currency=EUR&by=category`),
  funnelByDay: read(`/admin/analytics/funnel?${range}`),
  funnelByWeek: read(`/admin/analytics/funnel?${range}&granularity=week`),
  abandonmentByDay: read(`/admin/analytics/abandonment?${range}`),
  discountsByDay: read(`/admin/analytics/discounts?${range}`),
  springByMonth: read(`/admin/analytics/discounts?${range}&granularity=month&code=spring10`),
});
const settle = async (answers: ReturnType<typeof reads>) =>
  Object.fromEntries(await Promise.all(Object.entries(answers).map(async ([k, v]) => [k, await v] as const)));

describe('analytics of scripted shoppers over three days', () => {
  it('sales: orders on their day, the refund on its own, new and returning customers', async () => {
    expect(await read(`/admin/analytics/sales?${range}`)).toEqual([
      // A: 2 × 12.50 = 25.00, SPRING10 −2.50, + 4.95, VAT 20 % of 22.50 = 4.50 and of 4.95 =
      // 0.99: 32.94. Ada's first order.
      {
        period: '2026-03-02',
        currency: 'EUR',
        orders: 1,
        items: 2,
        subtotal: 2500,
        discounts: 250,
        shipping: 495,
        tax: 450 + 99,
        gross: 3294,
        ...noCancels,
        net: 3294,
        averageOrderValue: 3294,
        newCustomers: 1,
        returningCustomers: 0,
      },
      // B: 26.50 + 13.90 + 5.95. Bob's first order (by his e-mail: a guest).
      {
        period: '2026-03-02',
        currency: 'USD',
        orders: 1,
        items: 2,
        subtotal: 4040,
        discounts: 0,
        shipping: 595,
        tax: 0,
        gross: 4635,
        ...noCancels,
        net: 4635,
        averageOrderValue: 4635,
        newCustomers: 1,
        returningCustomers: 0,
      },
      // C: 19.99 + 15.00 = 34.99, SPRING10 −3.50 (3.499 rounded), shared 2.00 / 1.50 by the
      // lines' weight; VAT of 17.99 = 3.60, of 13.50 = 2.70, of 4.95 = 0.99: 7.29; 43.73.
      // Ada again, on her account: returning. Bob's declined checkout sold nothing.
      {
        period: '2026-03-03',
        currency: 'EUR',
        orders: 1,
        items: 2,
        subtotal: 3499,
        discounts: 350,
        shipping: 495,
        tax: 729,
        gross: 4373,
        ...noCancels,
        net: 4373,
        averageOrderValue: 4373,
        newCustomers: 0,
        returningCustomers: 1,
      },
      // A's refund, on the day it was made.
      {
        period: '2026-03-04',
        currency: 'EUR',
        ...nothingSold,
        refunds: 1000,
        canceledOrders: 0,
        canceled: 0,
        net: -1000,
        averageOrderValue: 0,
        newCustomers: 0,
        returningCustomers: 0,
      },
      // D: 3 × 13.90 + 5.95. Fay's first order.
      {
        period: '2026-03-04',
        currency: 'USD',
        orders: 1,
        items: 3,
        subtotal: 4170,
        discounts: 0,
        shipping: 595,
        tax: 0,
        gross: 4765,
        ...noCancels,
        net: 4765,
        averageOrderValue: 4765,
        newCustomers: 1,
        returningCustomers: 0,
      },
    ]);
    // 2 March 2026 is a Monday: one week. AOV 7667 / 2 = 3833.5, rounded half up.
    expect(await read(`/admin/analytics/sales?${range}&granularity=week`)).toEqual([
      {
        period: '2026-03-02',
        currency: 'EUR',
        orders: 2,
        items: 4,
        subtotal: 5999,
        discounts: 600,
        shipping: 990,
        tax: 1278,
        gross: 7667,
        refunds: 1000,
        canceledOrders: 0,
        canceled: 0,
        net: 6667,
        averageOrderValue: 3834,
        newCustomers: 1,
        returningCustomers: 1,
      },
      {
        period: '2026-03-02',
        currency: 'USD',
        orders: 2,
        items: 5,
        subtotal: 8210,
        discounts: 0,
        shipping: 1190,
        tax: 0,
        gross: 9400,
        ...noCancels,
        net: 9400,
        averageOrderValue: 4700,
        newCustomers: 2,
        returningCustomers: 0,
      },
    ]);
  });

  it('products: revenue after line discounts, the refund on the refunded order’s SKU', async () => {
    const item = (sku: string, units: number, revenue: number, refunds: number) => ({
      sku,
      productId: products[sku],
      title: sku,
      category: 'test',
      units,
      revenue,
      refunds,
      net: revenue - refunds,
    });
    expect(await read(`/admin/analytics/products?${range}&currency=EUR`)).toEqual([
      // A: 25.00 − 2.50; its refund names no lines: all of it on its one SKU.
      item('MUG-WHITE', 2, 2250, 1000),
      item('TSHIRT-RED-M', 1, 1999 - 200, 0),
      item('SOCKS-3PACK', 1, 1500 - 150, 0),
    ]);
    expect(await read(`/admin/analytics/products?${range}&currency=USD`)).toEqual([
      item('MUG-WHITE', 1 + 3, 1390 + 4170, 0),
      item('CAP-BLACK', 1, 2650, 0),
    ]);
    expect(await read(`/admin/analytics/products?${range}&currency=EUR&by=category`)).toEqual([
      {
        sku: null,
        productId: null,
        title: null,
        category: 'test',
        units: 4,
        revenue: 2250 + 1799 + 1350,
        refunds: 1000,
        net: 4399,
      },
    ]);
  });

  it('funnel: each day’s carts through items, checkout, order and payment', async () => {
    expect(await read(`/admin/analytics/funnel?${range}`)).toEqual([
      // Ada's (paid), Cleo's (items), Dan's (empty): 2/3, 1/2, 1/1, 1/1, 1/3.
      funnel('2026-03-02', 'EUR', [3, 2, 1, 1, 1], [0.6667, 0.5, 1, 1, 0.3333]),
      // Bob's: placed, never captured.
      funnel('2026-03-02', 'USD', [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]),
      // Ada's (paid the same day); her guest cart was merged into it and left this cohort.
      funnel('2026-03-03', 'EUR', [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]),
      // Bob's tote: a checkout, declined, no order: nothing placed to be paid.
      funnel('2026-03-03', 'USD', [1, 1, 1, 0, 0], [1, 1, 0, null, 0]),
      // Gus's cap, no checkout yet.
      funnel('2026-03-04', 'EUR', [1, 1, 0, 0, 0], [1, 0, null, null, 0]),
      // Fay's: placed, not captured.
      funnel('2026-03-04', 'USD', [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]),
    ]);
    expect(await read(`/admin/analytics/funnel?${range}&granularity=week&currency=EUR`)).toEqual([
      // 5 carts (the merged one left), 4 with items, 2 checkouts, 2 orders, 2 paid.
      funnel('2026-03-02', 'EUR', [5, 4, 2, 2, 2], [0.8, 0.5, 1, 1, 0.4]),
    ]);
  });

  it('abandonment: carts left with items for more than 24 hours, by the day of their last activity', async () => {
    // Read at noon on 4 March: idle since before noon on 3 March is abandoned.
    expect(await read(`/admin/analytics/abandonment?${range}`)).toEqual([
      // Ada's checked out; Cleo's two hoodies (2 × 49.99), idle since 11:02 on 2 March.
      // Dan's never held an item.
      abandonment('2026-03-02', 'EUR', 2, 1, 9998, 0.5),
      abandonment('2026-03-02', 'USD', 1, 0, 0, 0),
      // Ada's, checked out; her guest cart was merged (its lines went on), so not counted.
      abandonment('2026-03-03', 'EUR', 1, 0, 0, 0),
      // Bob's tote, idle since 11:01 on 3 March (his declined checkout is no cart activity).
      abandonment('2026-03-03', 'USD', 1, 1, 1990, 1),
      // Gus's cap: idle 2 h 29 min, not abandoned yet.
      abandonment('2026-03-04', 'EUR', 1, 0, 0, 0),
      abandonment('2026-03-04', 'USD', 1, 0, 0, 0),
    ]);
  });

  it('discounts: uses, the declined one given back, discount and revenue of the orders with the code', async () => {
    expect(await read(`/admin/analytics/discounts?${range}`)).toEqual([
      usage('2026-03-02', 'SPRING10', 'EUR', [1, 0, 250, 3294]),
      usage('2026-03-03', 'SPRING10', 'EUR', [1, 0, 350, 4373]),
      // Bob's: redeemed at his checkout, released when his card was declined; no order.
      usage('2026-03-03', 'SPRING10', 'USD', [1, 1, 0, 0]),
    ]);
    expect(await read(`/admin/analytics/discounts?${range}&granularity=month&code=spring10`)).toEqual([
      usage('2026-03-01', 'SPRING10', 'EUR', [2, 0, 600, 7667]),
      usage('2026-03-01', 'SPRING10', 'USD', [1, 1, 0, 0]),
    ]);
  });

  it('gives the same tables and answers after each analytics model is rebuilt from the log', async () => {
    const names = ['sales_daily', 'product_sales', 'funnel_daily', 'cart_abandonment', 'discount_usage'];
    const tables = async () =>
      Object.fromEntries(
        await Promise.all(
          names.map(async (name) => [name, await schemaRows(stack.db.pool, liveSchema(name))] as const),
        ),
      );
    const beforeTables = await tables();
    const beforeAnswers = await settle(reads());
    for (const name of names) {
      const { applied } = await rebuild({
        pool: stack.db.pool,
        store: stack.store,
        queues: stack.pipeline.queues,
        projection: projectionNamed(name),
      });
      expect(applied, name).toBeGreaterThan(0);
    }
    expect(await tables()).toEqual(beforeTables);
    expect(await settle(reads())).toEqual(beforeAnswers);
  });
});
