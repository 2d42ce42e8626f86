import { randomUUID } from 'node:crypto';
import { available } from '@flowdose/domain/inventory/decider';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { countEvents } from '@flowdose/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop } from '../harness.test-support.ts';
import { signWebhook } from '../payments.ts';

type Answer = { type: string; detail: string; position: string };

const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let shop: Awaited<ReturnType<typeof startShop>>;
let ops: Record<string, string>;

beforeAll(async () => {
  shop = await startShop(config);
  const token = await signAccessToken(
    config.AUTH_JWT_SECRET,
    { userId: randomUUID(), role: 'ops', sessionId: randomUUID() },
    600,
  );
  ops = { Authorization: `Bearer ${token}` };
});
afterAll(() => shop.close());

const act = (orderId: string, action: string, body: object = {}, headers = shop.admin) =>
  shop.api.request<Answer>('POST', `/admin/orders/${orderId}/${action}`, { body, headers });
const types = async (orderId: string) => (await shop.stream(`order-${orderId}`)).map((e) => e.type);
async function placeOrder(sku: string, quantity: number, overrides: Record<string, unknown> = {}) {
  await shop.restock(sku, 10);
  const cart = await shop.cartWith([[sku, quantity]]);
  const res = await shop.checkOut(cart, checkoutDetails(overrides));
  expect(res.status, res.text).toBe(201);
  return res.body.orderId;
}
const webhook = (body: object, signature = signWebhook(config.PAYMENT_WEBHOOK_SECRET, JSON.stringify(body))) =>
  shop.api.request<Answer>('POST', '/webhooks/payments', {
    raw: JSON.stringify(body),
    headers: { 'Flowdose-Signature': signature },
  });

describe('admin order routes', () => {
  it('walk an order from placed to delivered, committing its stock at fulfilment, then refund in parts', async () => {
    const orderId = await placeOrder('HOODIE-GREY-M', 2);
    expect((await shop.stockOf('HOODIE-GREY-M')).onHand).toBe(10);
    expect((await act(orderId, 'capture', {}, ops)).status).toBe(200);
    expect((await act(orderId, 'fulfil', {}, ops)).status).toBe(200);
    const stock = await shop.stockOf('HOODIE-GREY-M');
    expect([stock.onHand, stock.reservations.size, available(stock)]).toEqual([8, 0, 8]);
    expect((await act(orderId, 'ship', { trackingNumber: 'TRK-123' }, ops)).status).toBe(200);
    expect((await act(orderId, 'deliver', {}, ops)).status).toBe(200);
    expect((await act(orderId, 'refund', { amount: 1000, reason: 'scratched' }, ops)).status).toBe(403);
    expect((await act(orderId, 'refund', { amount: 1000, reason: 'scratched' })).status).toBe(200);
    const tooMuch = await act(orderId, 'refund', { amount: 1_000_000, reason: 'greedy' });
    expect([tooMuch.status, tooMuch.body.type]).toEqual([409, '/problems/refund-too-large']);
    expect(await types(orderId)).toEqual([
      'OrderPlaced',
      'PaymentAuthorized',
      'OrderStepRequested',
      'PaymentCaptured',
      'OrderStepRequested',
      'OrderFulfilled',
      'OrderShipped',
      'OrderDelivered',
      'OrderStepRequested',
      'OrderRefunded',
    ]);
  });

  it('answer a step retried after it ended (its answer lost) as it answered then, moving nothing again', async () => {
    const orderId = await placeOrder('MUG-WHITE', 1);
    const headers = { ...shop.admin, 'Idempotency-Key': `capture-lost-${orderId}` };
    const first = await shop.api.request<Answer>('POST', `/admin/orders/${orderId}/capture`, { body: {}, headers });
    expect(first.status).toBe(200);
    // The stored answer is gone (a crash before it was saved): the retry runs again.
    await shop.db.pool.query('delete from idempotency_keys where key = $1', [headers['Idempotency-Key']]);
    const before = await countEvents(shop.db.pool);
    const retry = await shop.api.request<Answer>('POST', `/admin/orders/${orderId}/capture`, { body: {}, headers });
    expect([retry.status, retry.body.position]).toEqual([200, first.body.position]);
    expect(await countEvents(shop.db.pool)).toBe(before);
  });

  it('refuse an illegal transition with 409, naming what is allowed, and append nothing', async () => {
    const orderId = await placeOrder('CAP-BLACK', 1);
    const before = await countEvents(shop.db.pool);
    for (const [action, body] of [
      ['fulfil', {}],
      ['ship', { trackingNumber: 'T1' }],
      ['deliver', {}],
      ['refund', { amount: 100, reason: 'early' }],
    ] as const) {
      const res = await act(orderId, action, body);
      expect([res.status, res.body.type], action).toEqual([409, '/problems/illegal-transition']);
      expect(res.body.detail).toContain('it can capture, cancel');
    }
    expect(await countEvents(shop.db.pool)).toBe(before);
  });

  it('refuse bad input, unknown orders and callers without the role', async () => {
    const orderId = await placeOrder('MUG-WHITE', 1);
    const before = await countEvents(shop.db.pool);
    expect((await act(orderId, 'ship', {})).status).toBe(400);
    expect((await act(orderId, 'capture', { amount: 5 })).status).toBe(400);
    expect((await act(orderId, 'cancel', { reason: '' })).status).toBe(400);
    expect((await act(orderId, 'refund', { amount: -5, reason: 'x' })).status).toBe(400);
    expect((await act(randomUUID(), 'capture')).status).toBe(404);
    expect((await act('not-an-id', 'capture')).status).toBe(404);
    expect((await act(orderId, 'capture', {}, {})).status).toBe(401);
    expect((await act(orderId, 'cancel', { reason: 'x' }, ops)).status).toBe(403);
    expect(await countEvents(shop.db.pool)).toBe(before);
  });

  it('cancel gives the stock and the discount use back, and refunds what was captured', async () => {
    await shop.api.request('POST', '/admin/discounts', {
      body: { code: 'CANCELME', value: { kind: 'percent', percent: 10 }, usageLimit: 1 },
      headers: shop.admin,
    });
    const orderId = await placeOrder('TSHIRT-RED-M', 3, { discountCode: 'CANCELME' });
    expect(available(await shop.stockOf('TSHIRT-RED-M'))).toBe(7);
    await act(orderId, 'capture');
    const res = await act(orderId, 'cancel', { reason: 'customer asked' }, shop.admin);
    expect(res.status).toBe(200);
    expect((await types(orderId)).slice(-2)).toEqual(['OrderRefunded', 'OrderCanceled']);
    const stock = await shop.stockOf('TSHIRT-RED-M');
    expect([available(stock), stock.reservations.size]).toEqual([10, 0]);
    expect((await shop.stream('discount-CANCELME')).at(-1)!.type).toBe('DiscountRedemptionReleased');
    const again = await act(orderId, 'cancel', { reason: 'twice' });
    expect([again.status, again.body.type]).toEqual([409, '/problems/illegal-transition']);
  });
});

describe('payment webhook', () => {
  const needsConfirmation = { payment: { method: 'test-card', cardNumber: '4000000000003220' } };

  it('confirms a payment only with a valid, recent signature, once', async () => {
    const orderId = await placeOrder('SOCKS-3PACK', 1, needsConfirmation);
    expect(await types(orderId)).toEqual(['OrderPlaced']);
    const event = { id: 'evt_1', type: 'payment.succeeded', orderId, paymentId: 'pay_test_0123456789abcdef01234567' };
    const before = await countEvents(shop.db.pool);
    const forged = signWebhook('another-secret-another-secret-another-0', JSON.stringify(event));
    const stale = signWebhook(config.PAYMENT_WEBHOOK_SECRET, JSON.stringify(event), new Date(Date.now() - 600_000));
    const otherBody = signWebhook(config.PAYMENT_WEBHOOK_SECRET, JSON.stringify({ ...event, id: 'evt_2' }));
    for (const signature of [forged, stale, otherBody, '', 't=1,v1=zz']) {
      expect((await webhook(event, signature)).status, signature).toBe(401);
    }
    expect(await countEvents(shop.db.pool)).toBe(before);
    expect((await webhook(event)).status).toBe(200);
    expect((await webhook(event)).status).toBe(200);
    expect(await types(orderId)).toEqual(['OrderPlaced', 'PaymentAuthorized']);
  });

  it('cancels the order of a failed payment and gives its stock back', async () => {
    const orderId = await placeOrder('TOTE-NATURAL', 2, needsConfirmation);
    const before = available(await shop.stockOf('TOTE-NATURAL'));
    const res = await webhook({ id: 'evt_3', type: 'payment.failed', orderId, paymentId: 'pay_x' });
    expect(res.status).toBe(200);
    // The authorization waiting for confirmation is let go with the order.
    expect(await types(orderId)).toEqual(['OrderPlaced', 'OrderStepRequested', 'PaymentVoided', 'OrderCanceled']);
    expect(available(await shop.stockOf('TOTE-NATURAL'))).toBe(before + 2);
    const bad = await webhook({ id: 'evt_4', type: 'payment.refunded', orderId, paymentId: 'pay_x' });
    expect(bad.status).toBe(400);
  });
});
