import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testConfig } from '@flowdose/shared/config';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { secretsIn } from '@flowdose/testing/log-secrets';
import { TEST_LOG_DIR } from '@flowdose/testing/logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop } from './harness.test-support.ts';
import { signWebhook } from './payments.ts';

// The test stack logs as the whole suite does (testConfig: debug level, headers included, JSON
// lines into this process's file of the run's logs), so what is read here is what is written.
const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let shop: Awaited<ReturnType<typeof startShop>>;

beforeAll(async () => {
  shop = await startShop(config);
});
afterAll(() => shop.close());

type Tokens = { customerId: string; accessToken: string; refreshToken: string };
type LogLine = {
  level: number;
  service: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  ms?: number;
  requestHeaders?: Record<string, string>;
  msg: string;
};

const run = randomBytes(4).toString('hex');
// Each step sends its own request id, as the storefront's forwarders do, to find its log line.
const ids = (step: string) => ({ 'X-Request-Id': `journey-${run}-${step}` });
const logLines = async () =>
  (await readFile(join(TEST_LOG_DIR, `${process.pid}.log`), 'utf8')).split('\n').filter(Boolean);
const lineOf = async (step: string) =>
  (await logLines()).map((l) => JSON.parse(l) as LogLine).find((l) => l.requestId === `journey-${run}-${step}`);

describe('request logs', () => {
  it('write one line per request, the same request id through the events, and no secret of a whole journey', async () => {
    const password = 'correct horse battery';
    const email = `journey-${run}@example.com`;
    const { api } = shop;
    const secrets: string[] = [password];

    const registered = await api.request<Tokens>('POST', '/auth/register', {
      body: { email, password },
      headers: ids('register'),
    });
    expect(registered.status, registered.text).toBe(201);
    const login = await api.request<Tokens>('POST', '/auth/login', {
      body: { email, password },
      headers: ids('login'),
    });
    expect(login.status, login.text).toBe(200);
    const refreshed = await api.request<Tokens>('POST', '/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
      headers: ids('refresh'),
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    for (const tokens of [registered.body, login.body, refreshed.body])
      secrets.push(tokens.accessToken, tokens.refreshToken);

    // A signed-in shopper's own cart, then a guest's with its cart token, checked out with a card.
    const own = await api.request('POST', '/carts', {
      body: { currency: 'EUR' },
      headers: { Authorization: `Bearer ${refreshed.body.accessToken}`, ...ids('customer-cart') },
    });
    expect(own.status, own.text).toBe(201);
    await shop.restock('SOCKS-3PACK', 5);
    const cart = (
      await api.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
        body: { currency: 'EUR' },
        headers: { 'Idempotency-Key': `journey-${run}-cart`, ...ids('cart') },
      })
    ).body;
    secrets.push(cart.cartToken);
    const added = await api.request('POST', `/carts/${cart.cartId}/items?cartToken=${cart.cartToken}`, {
      body: { sku: 'SOCKS-3PACK', quantity: 1 },
      headers: { 'X-Cart-Token': cart.cartToken, ...ids('add') },
    });
    expect(added.status, added.text).toBe(201);
    const cardNumber = '4000000000003220'; // needs the provider's confirmation: the webhook below
    secrets.push(cardNumber);
    const checkout = await api.request<{ orderId: string }>('POST', `/carts/${cart.cartId}/checkout`, {
      body: checkoutDetails({ payment: { method: 'test-card', cardNumber } }),
      headers: { 'X-Cart-Token': cart.cartToken, 'Idempotency-Key': `journey-${run}-checkout`, ...ids('checkout') },
    });
    expect(checkout.status, checkout.text).toBe(201);
    expect(checkout.headers.get('X-Request-Id')).toBe(`journey-${run}-checkout`);

    const delivery = JSON.stringify({
      id: `evt_${run}`,
      type: 'payment.succeeded',
      orderId: checkout.body.orderId,
      paymentId: 'pay_test_0123456789abcdef01234567',
    });
    const signature = signWebhook(config.PAYMENT_WEBHOOK_SECRET, delivery);
    secrets.push(signature);
    const webhook = await api.request('POST', '/webhooks/payments', {
      raw: delivery,
      headers: { 'Flowdose-Signature': signature, ...ids('webhook') },
    });
    expect(webhook.status, webhook.text).toBe(200);

    // The checkout's events carry its request id as their correlation id.
    const { rows } = await shop.db.pool.query<{ correlation: string }>(
      // The order's first event: the webhook's come after it, under the webhook's own id.
      `select metadata->>'correlationId' as correlation from events where stream_id = $1 order by stream_position limit 1`,
      [`order-${checkout.body.orderId}`],
    );
    expect(rows[0]?.correlation).toBe(`journey-${run}-checkout`);

    // One line per request: method, path without its query, status, time taken, and at debug
    // level the headers, their credentials redacted.
    await expect.poll(() => lineOf('webhook')).toBeDefined();
    const add = await lineOf('add');
    expect(add).toMatchObject({
      service: 'command-api',
      method: 'POST',
      path: `/carts/${cart.cartId}/items`,
      status: 201,
      ms: expect.any(Number),
      msg: expect.stringMatching(new RegExp(`^POST /carts/${cart.cartId}/items 201 \\d+ms$`)),
    });
    expect(add?.requestHeaders?.['x-cart-token']).toBe('[Redacted]');
    expect((await lineOf('customer-cart'))?.requestHeaders?.authorization).toBe('[Redacted]');
    expect((await lineOf('cart'))?.requestHeaders?.['idempotency-key']).toBe('[Redacted]');
    expect((await lineOf('webhook'))?.requestHeaders?.['flowdose-signature']).toBe('[Redacted]');
    for (const step of ['register', 'login', 'refresh', 'checkout']) expect(await lineOf(step), step).toBeDefined();

    const lines = await logLines();
    for (const secret of secrets)
      expect(
        lines.filter((l) => l.includes(secret)),
        secret,
      ).toEqual([]);
    expect(lines.flatMap(secretsIn)).toEqual([]);
  });
});
