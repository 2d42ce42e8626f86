import { available } from '@flowdose/domain/inventory/decider';
import { testConfig } from '@flowdose/shared/config';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { countEvents, type TestDatabase } from '@flowdose/testing/db';
import type { TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop, type TestCart } from '../harness.test-support.ts';

type Problem = { type: string; status: number; detail: string };

// Many carts from one test IP: the per-client limit is not what this file tests.
const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let shop: Awaited<ReturnType<typeof startShop>>;
let db: TestDatabase;
let api: TestServer;

beforeAll(async () => {
  shop = await startShop(config);
  ({ db, api } = shop);
});
afterAll(() => shop.close());

const details = checkoutDetails;
describe('checkout', () => {
  it('reserves stock, takes the payment, places the order with exact totals and closes the cart', async () => {
    await shop.restock('HOODIE-GREY-M', 10);
    await shop.restock('MUG-WHITE', 10);
    const cart = await shop.cartWith([
      ['HOODIE-GREY-M', 2],
      ['MUG-WHITE', 1],
    ]);
    const res = await shop.checkOut(cart);
    expect(res.status).toBe(201);
    const order = await shop.stream(`order-${res.body.orderId}`);
    expect(order.map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentAuthorized']);
    // 2 × 49.99 + 12.50 = 112.48; shipping 4.95; VAT 20 % in France.
    expect(order[0]!.data.totals).toEqual({
      subtotal: 11248,
      discount: 0,
      shipping: 495,
      tax: 2349,
      grandTotal: 14092,
    });
    expect(order[1]!.data.amount).toBe(14092);
    expect(available(await shop.stockOf('HOODIE-GREY-M'))).toBe(8);
    expect((await shop.stream(`cart-${cart.cartId}`)).at(-1)!.type).toBe('CartCheckedOut');
    const again = await shop.checkOut(cart);
    expect([again.status, again.body.type]).toEqual([409, '/problems/cart-not-open']);
  });

  it('refuses to grow a line past the free stock, and always lets it shrink', async () => {
    await shop.restock('HOODIE-GREY-L', 3);
    const cart = await shop.cartWith([['HOODIE-GREY-L', 2]]);
    const add = (quantity: number) =>
      api.request<{ type: string; detail: string }>('POST', `/carts/${cart.cartId}/items`, {
        body: { sku: 'HOODIE-GREY-L', quantity },
        headers: { 'X-Cart-Token': cart.cartToken },
      });
    const tooMany = await add(2);
    expect([tooMany.status, tooMany.body.type]).toEqual([409, '/problems/out-of-stock']);
    expect(tooMany.body.detail).toContain('3 available, 4 asked');
    const line = await add(1);
    expect(line.status).toBe(201);
    const { lineId } = line.body as unknown as { lineId: string };
    await shop.api.request('POST', '/admin/inventory/HOODIE-GREY-L/adjust', {
      body: { delta: -3, reason: 'damaged' },
      headers: shop.admin,
    });
    const change = (quantity: number) =>
      api.request('PATCH', `/carts/${cart.cartId}/items/${lineId}`, {
        body: { quantity },
        headers: { 'X-Cart-Token': cart.cartToken },
      });
    expect((await change(4)).status).toBe(409);
    expect((await change(1)).status).toBe(200);
  });

  it('answers a repeated request with the same order', async () => {
    await shop.restock('CAP-BLACK', 5);
    const cart = await shop.cartWith([['CAP-BLACK', 1]]);
    const first = await shop.checkOut(cart, details(), { 'Idempotency-Key': 'checkout-1' });
    const second = await shop.checkOut(cart, details(), { 'Idempotency-Key': 'checkout-1' });
    expect(first.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(available(await shop.stockOf('CAP-BLACK'))).toBe(4);
  });

  it('refuses a cart it cannot fill, naming the short lines, and holds nothing back', async () => {
    await shop.restock('SOCKS-3PACK', 2);
    await shop.restock('TOTE-NATURAL', 10);
    const cart = await shop.cartWith([
      ['TOTE-NATURAL', 3],
      ['SOCKS-3PACK', 2],
    ]);
    // Stock the cart saw when it was filled, gone by checkout (a recount, another shopper).
    await shop.api.request('POST', '/admin/inventory/SOCKS-3PACK/adjust', {
      body: { delta: -1, reason: 'recount' },
      headers: shop.admin,
    });
    const res = await shop.checkOut(cart);
    expect([res.status, res.body.type]).toEqual([409, '/problems/out-of-stock']);
    expect(res.body.detail).toContain('SOCKS-3PACK');
    expect(res.body.detail).not.toContain('TOTE-NATURAL');
    expect(available(await shop.stockOf('TOTE-NATURAL'))).toBe(10);
    expect((await shop.stockOf('TOTE-NATURAL')).reservations.size).toBe(0);
  });

  it('gives the stock back when the card is declined', async () => {
    await shop.restock('TSHIRT-RED-S', 3);
    const cart = await shop.cartWith([['TSHIRT-RED-S', 2]]);
    const res = await shop.checkOut(
      cart,
      details({ payment: { method: 'test-card', cardNumber: '4000000000000002' } }),
    );
    expect([res.status, res.body.type]).toEqual([402, '/problems/payment-declined']);
    expect(available(await shop.stockOf('TSHIRT-RED-S'))).toBe(3);
    expect((await shop.stream(`cart-${cart.cartId}`)).at(-1)!.type).not.toBe('CartCheckedOut');
  });

  it('answers a retried checkout that already ended with its first answer, holding nothing', async () => {
    await shop.restock('TSHIRT-RED-M', 2);
    const cart = await shop.cartWith([['TSHIRT-RED-M', 1]]);
    const declined = details({ payment: { method: 'test-card', cardNumber: '4000000000000002' } });
    const key = { 'Idempotency-Key': 'declined-then-lost' };
    expect((await shop.checkOut(cart, declined, key)).status).toBe(402);
    // The stored answer is lost (a crash before it was saved): the retry runs again.
    await db.pool.query("delete from idempotency_keys where key = 'declined-then-lost'");
    const retried = await shop.checkOut(cart, declined, key);
    expect([retried.status, retried.body.type]).toEqual([402, '/problems/payment-declined']);
    const stock = await shop.stockOf('TSHIRT-RED-M');
    expect([available(stock), stock.reservations.size]).toEqual([2, 0]);
  });

  it('refuses bad checkout input with 4xx and appends nothing', async () => {
    await shop.restock('TSHIRT-RED-L', 5);
    const cart = await shop.cartWith([['TSHIRT-RED-L', 1]]);
    const before = await countEvents(db.pool);
    const cases: [object, number, string?][] = [
      [details({ email: 'not-an-email' }), 400],
      [details({ shippingMethod: 'teleport' }), 400],
      [details({ payment: { method: 'test-card', cardNumber: '42' } }), 400],
      [details({ shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'XX' } }), 400],
      [details({ shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'fr' } }), 400],
      [details({ extra: true }), 400],
      [details({ discountCode: 'SPRING' }), 409, 'discount-unknown'],
      [details({ discountCode: 'no spaces' }), 400],
    ];
    for (const [body, status, code] of cases) {
      const res = await shop.checkOut(cart, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (code) expect(res.body.type).toBe(`/problems/${code}`);
    }
    const empty = (await api.request<TestCart>('POST', '/carts', { body: { currency: 'EUR' } })).body;
    const before2 = await countEvents(db.pool);
    expect((await shop.checkOut(empty)).body.type).toBe('/problems/cart-empty');
    expect(await countEvents(db.pool)).toBe(before2);
    expect(before2 - before).toBe(1); // the empty cart's CartOpened, nothing else
  });

  it('never oversells: stock 10 and 200 concurrent checkouts give exactly 10 orders', async () => {
    await shop.restock('TSHIRT-BLUE-M', 10);
    const carts = [];
    for (let i = 0; i < 200; i++) carts.push(await shop.cartWith([['TSHIRT-BLUE-M', 1]]));
    const results = await Promise.all(carts.map((cart) => shop.checkOut(cart)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.body.type)).toEqual(refused.map(() => '/problems/out-of-stock'));
    const stock = await shop.stockOf('TSHIRT-BLUE-M');
    expect(available(stock)).toBe(0);
    // Exactly the placed orders hold stock; nothing left behind by the refused ones.
    expect(stock.reservations.size).toBe(10);
    const { rows } = await db.pool.query(
      "select count(*)::int as n from events where type = 'OrderPlaced' and data->'lines'->0->>'sku' = 'TSHIRT-BLUE-M'",
    );
    expect(rows[0].n).toBe(10);
  });
});

describe('discount codes', () => {
  const createCode = (body: object, headers = shop.admin) =>
    api.request<{ code: string } & Problem>('POST', '/admin/discounts', { body, headers });
  const redemptions = async (code: string) => {
    const events = await shop.stream(`discount-${code}`);
    return (
      events.filter((e) => e.type === 'DiscountRedeemed').length -
      events.filter((e) => e.type === 'DiscountRedemptionReleased').length
    );
  };

  it('are created by admins only, from valid definitions, once', async () => {
    const before = await countEvents(db.pool);
    const bad: object[] = [
      { code: 'x', value: { kind: 'percent', percent: 10 } },
      { code: 'TOO-MUCH', value: { kind: 'percent', percent: 101 } },
      { code: 'NONE', value: { kind: 'fixed', amountOff: {} } },
      { code: 'NEG', value: { kind: 'fixed', amountOff: { EUR: -5 } } },
      { code: 'WHEN', value: { kind: 'percent', percent: 5 }, validUntil: 'soon' },
      { code: 'EXTRA', value: { kind: 'percent', percent: 5 }, surprise: 1 },
    ];
    for (const body of bad) expect((await createCode(body)).status, JSON.stringify(body)).toBe(400);
    const empty = await createCode({
      code: 'EMPTY',
      value: { kind: 'percent', percent: 5 },
      validFrom: '2026-05-01T00:00:00Z',
      validUntil: '2026-04-01T00:00:00Z',
    });
    expect(empty.status).toBe(422);
    expect((await createCode({ code: 'ANON', value: { kind: 'percent', percent: 5 } }, {})).status).toBe(401);
    expect(await countEvents(db.pool)).toBe(before);
    expect((await createCode({ code: 'once', value: { kind: 'percent', percent: 5 } })).body.code).toBe('ONCE');
    const again = await createCode({ code: 'ONCE', value: { kind: 'percent', percent: 7 } });
    expect([again.status, again.body.type]).toEqual([409, '/problems/discount-exists']);
  });

  it('take their share off the order, and are matched without regard to case', async () => {
    await createCode({ code: 'TENOFF', value: { kind: 'percent', percent: 10 }, minimumSubtotal: { EUR: 3000 } });
    await shop.restock('HOODIE-GREY-L', 10);
    const cart = await shop.cartWith([['HOODIE-GREY-L', 1]]);
    const res = await shop.checkOut(cart, details({ discountCode: 'tenoff' }));
    expect(res.status).toBe(201);
    const [placed] = await shop.stream(`order-${res.body.orderId}`);
    // 49.99 − 5.00 = 44.99; VAT 20 % on 44.99 and on 4.95 shipping.
    expect(placed!.data.totals).toEqual({ subtotal: 4999, discount: 500, shipping: 495, tax: 999, grandTotal: 5993 });
    expect(placed!.data.discountCode).toBe('TENOFF');
    expect(await redemptions('TENOFF')).toBe(1);
  });

  it('refuse unknown, expired, early, exhausted, too small and wrong-currency uses, appending nothing', async () => {
    await shop.restock('SOCKS-3PACK', 50);
    await createCode({ code: 'PAST', value: { kind: 'percent', percent: 5 }, validUntil: '2020-01-01T00:00:00Z' });
    await createCode({ code: 'FUTURE', value: { kind: 'percent', percent: 5 }, validFrom: '2099-01-01T00:00:00Z' });
    await createCode({ code: 'BIG', value: { kind: 'percent', percent: 5 }, minimumSubtotal: { EUR: 100000 } });
    await createCode({ code: 'DOLLARS', value: { kind: 'fixed', amountOff: { USD: 500 } } });
    await createCode({ code: 'SINGLE', value: { kind: 'fixed', amountOff: { EUR: 300 } }, usageLimit: 1 });
    const first = await shop.checkOut(await shop.cartWith([['SOCKS-3PACK', 1]]), details({ discountCode: 'SINGLE' }));
    expect(first.status).toBe(201);
    await api.request('POST', '/admin/discounts/DOLLARS/disable', { body: { reason: 'ended' }, headers: shop.admin });
    await createCode({ code: 'EUROS', value: { kind: 'fixed', amountOff: { USD: 500 } } });

    const cart = await shop.cartWith([['SOCKS-3PACK', 2]]);
    const before = await countEvents(db.pool);
    const cases: [string, string][] = [
      ['NOSUCH', 'discount-unknown'],
      ['PAST', 'discount-expired'],
      ['FUTURE', 'discount-not-started'],
      ['BIG', 'discount-minimum-not-met'],
      ['DOLLARS', 'discount-disabled'],
      ['EUROS', 'discount-not-applicable'],
      ['SINGLE', 'discount-exhausted'],
    ];
    for (const [discountCode, type] of cases) {
      const res = await shop.checkOut(cart, details({ discountCode }));
      expect([res.status, res.body.type], discountCode).toEqual([409, `/problems/${type}`]);
    }
    expect(await countEvents(db.pool)).toBe(before);
  });

  it('never exceed their usage limit under concurrent checkouts', async () => {
    await shop.restock('TOTE-NATURAL', 100);
    await createCode({ code: 'FIRST5', value: { kind: 'percent', percent: 20 }, usageLimit: 5 });
    const carts = [];
    for (let i = 0; i < 40; i++) carts.push(await shop.cartWith([['TOTE-NATURAL', 1]]));
    const results = await Promise.all(carts.map((cart) => shop.checkOut(cart, details({ discountCode: 'FIRST5' }))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status !== 201);
    expect(new Set(refused.map((r) => r.body.type))).toEqual(new Set(['/problems/discount-exhausted']));
    expect(await redemptions('FIRST5')).toBe(5);
    // The refused checkouts gave back the stock they had held.
    const stock = await shop.stockOf('TOTE-NATURAL');
    expect(stock.reservations.size).toBe(5);
  });

  it('give the use back when the card is declined', async () => {
    await shop.restock('MUG-WHITE', 10);
    await createCode({ code: 'ONEUSE', value: { kind: 'percent', percent: 10 }, usageLimit: 1 });
    const declined = await shop.checkOut(
      await shop.cartWith([['MUG-WHITE', 1]]),
      details({ discountCode: 'ONEUSE', payment: { method: 'test-card', cardNumber: '4000000000000002' } }),
    );
    expect(declined.status).toBe(402);
    expect(await redemptions('ONEUSE')).toBe(0);
    const paid = await shop.checkOut(await shop.cartWith([['MUG-WHITE', 1]]), details({ discountCode: 'ONEUSE' }));
    expect(paid.status).toBe(201);
  });
});
