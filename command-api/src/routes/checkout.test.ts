import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { fold } from '@flowdose/shared/domain/decider';
import { available, inventoryDecider } from '@flowdose/shared/domain/inventory/decider';
import type { InventoryEvent } from '@flowdose/shared/domain/inventory/events';
import { publishTestCatalog } from '@flowdose/shared/testing/catalog';
import { checkoutDetails } from '@flowdose/shared/testing/checkout';
import { countEvents, type TestDatabase } from '@flowdose/shared/testing/db';
import type { TestServer } from '@flowdose/shared/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../test-support.ts';

type Cart = { cartId: string; cartToken: string };
type Problem = { type: string; status: number; detail: string };

// Many carts from one test IP: the per-client limit is not what this file tests.
const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let db: TestDatabase;
let api: TestServer;
let close: () => Promise<void>;
let admin: Record<string, string>;

beforeAll(async () => {
  ({ db, api, close } = await startCommandApi(config));
  await publishTestCatalog(api, config.AUTH_JWT_SECRET);
  admin = {
    Authorization: `Bearer ${await signAccessToken(config.AUTH_JWT_SECRET, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 600)}`,
  };
});
afterAll(() => close());

const restock = (sku: string, quantity: number) =>
  api.request('POST', `/admin/inventory/${sku}/restock`, { body: { quantity, reason: 'test' }, headers: admin });
async function cartWith(lines: [string, number][], currency = 'EUR'): Promise<Cart> {
  const cart = (await api.request<Cart>('POST', '/carts', { body: { currency } })).body;
  for (const [sku, quantity] of lines) {
    const res = await api.request('POST', `/carts/${cart.cartId}/items`, {
      body: { sku, quantity },
      headers: { 'X-Cart-Token': cart.cartToken },
    });
    expect(res.status).toBe(201);
  }
  return cart;
}
const details = checkoutDetails;
const checkOut = (cart: Cart, body: object = details(), headers: Record<string, string> = {}) =>
  api.request<{ orderId: string; position: string } & Problem>('POST', `/carts/${cart.cartId}/checkout`, {
    body,
    headers: { 'X-Cart-Token': cart.cartToken, ...headers },
  });
const stream = async (id: string) =>
  (await db.pool.query('select type, data from events where stream_id = $1 order by stream_position', [id])).rows as {
    type: string;
    data: Record<string, unknown>;
  }[];
const stockOf = async (sku: string) =>
  fold(inventoryDecider, (await stream(`inventory-${sku}`)) as unknown as InventoryEvent[]);

describe('checkout', () => {
  it('reserves stock, takes the payment, places the order with exact totals and closes the cart', async () => {
    await restock('HOODIE-GREY-M', 10);
    await restock('MUG-WHITE', 10);
    const cart = await cartWith([
      ['HOODIE-GREY-M', 2],
      ['MUG-WHITE', 1],
    ]);
    const res = await checkOut(cart);
    expect(res.status).toBe(201);
    const order = await stream(`order-${res.body.orderId}`);
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
    expect(available(await stockOf('HOODIE-GREY-M'))).toBe(8);
    expect((await stream(`cart-${cart.cartId}`)).at(-1)!.type).toBe('CartCheckedOut');
    const again = await checkOut(cart);
    expect([again.status, again.body.type]).toEqual([409, '/problems/cart-not-open']);
  });

  it('answers a repeated request with the same order', async () => {
    await restock('CAP-BLACK', 5);
    const cart = await cartWith([['CAP-BLACK', 1]]);
    const first = await checkOut(cart, details(), { 'Idempotency-Key': 'checkout-1' });
    const second = await checkOut(cart, details(), { 'Idempotency-Key': 'checkout-1' });
    expect(first.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(available(await stockOf('CAP-BLACK'))).toBe(4);
  });

  it('refuses a cart it cannot fill, naming the short lines, and holds nothing back', async () => {
    await restock('SOCKS-3PACK', 1);
    await restock('TOTE-NATURAL', 10);
    const cart = await cartWith([
      ['TOTE-NATURAL', 3],
      ['SOCKS-3PACK', 2],
    ]);
    const res = await checkOut(cart);
    expect([res.status, res.body.type]).toEqual([409, '/problems/out-of-stock']);
    expect(res.body.detail).toContain('SOCKS-3PACK');
    expect(res.body.detail).not.toContain('TOTE-NATURAL');
    expect(available(await stockOf('TOTE-NATURAL'))).toBe(10);
    expect((await stockOf('TOTE-NATURAL')).reservations.size).toBe(0);
  });

  it('gives the stock back when the card is declined', async () => {
    await restock('TSHIRT-RED-S', 3);
    const cart = await cartWith([['TSHIRT-RED-S', 2]]);
    const res = await checkOut(cart, details({ payment: { method: 'test-card', cardNumber: '4000000000000002' } }));
    expect([res.status, res.body.type]).toEqual([402, '/problems/payment-declined']);
    expect(available(await stockOf('TSHIRT-RED-S'))).toBe(3);
    expect((await stream(`cart-${cart.cartId}`)).at(-1)!.type).not.toBe('CartCheckedOut');
  });

  it('refuses bad checkout input with 4xx and appends nothing', async () => {
    await restock('TSHIRT-RED-L', 5);
    const cart = await cartWith([['TSHIRT-RED-L', 1]]);
    const before = await countEvents(db.pool);
    const cases: [object, number, string?][] = [
      [details({ email: 'not-an-email' }), 400],
      [details({ shippingMethod: 'teleport' }), 400],
      [details({ payment: { method: 'test-card', cardNumber: '42' } }), 400],
      [details({ shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'XX' } }), 400],
      [details({ shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'fr' } }), 400],
      [details({ extra: true }), 400],
      [details({ discountCode: 'SPRING' }), 409, 'discount-unknown'],
    ];
    for (const [body, status, code] of cases) {
      const res = await checkOut(cart, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (code) expect(res.body.type).toBe(`/problems/${code}`);
    }
    const empty = (await api.request<Cart>('POST', '/carts', { body: { currency: 'EUR' } })).body;
    const before2 = await countEvents(db.pool);
    expect((await checkOut(empty)).body.type).toBe('/problems/cart-empty');
    expect(await countEvents(db.pool)).toBe(before2);
    expect(before2 - before).toBe(1); // the empty cart's CartOpened, nothing else
  });

  it('never oversells: stock 10 and 200 concurrent checkouts give exactly 10 orders', async () => {
    await restock('TSHIRT-BLUE-M', 10);
    const carts = [];
    for (let i = 0; i < 200; i++) carts.push(await cartWith([['TSHIRT-BLUE-M', 1]]));
    const results = await Promise.all(carts.map((cart) => checkOut(cart)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.body.type)).toEqual(refused.map(() => '/problems/out-of-stock'));
    const stock = await stockOf('TSHIRT-BLUE-M');
    expect(available(stock)).toBe(0);
    // Exactly the placed orders hold stock; nothing left behind by the refused ones.
    expect(stock.reservations.size).toBe(10);
    const { rows } = await db.pool.query(
      "select count(*)::int as n from events where type = 'OrderPlaced' and data->'lines'->0->>'sku' = 'TSHIRT-BLUE-M'",
    );
    expect(rows[0].n).toBe(10);
  });
});
