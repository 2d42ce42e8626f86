import { fold } from '@flowdose/domain/decider';
import { derivedId } from '@flowdose/domain/ids';
import { available, inventoryDecider } from '@flowdose/domain/inventory/decider';
import type { InventoryEvent } from '@flowdose/domain/inventory/events';
import { orderDecider, type PlacedOrder } from '@flowdose/domain/order/decider';
import { type OrderEvent, orderStream } from '@flowdose/domain/order/events';
import { testConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckoutRequest, checkout, giveUpCheckout, runCheckout } from './checkout.ts';
import { handle, systemContext } from './handle-command.ts';
import { startShop, type TestCart, untilServing } from './harness.test-support.ts';
import { confirmTestPayment, signWebhook } from './payments.ts';
import { recoverProcesses } from './recover.ts';

// Money and stock across crashes and races: real command API processes killed with
// SIGKILL at each step, and steps raced across two processes, checked against the test
// provider's own books (schema test_payments), which outlive any crash.

const config = testConfig({ COMMANDS_PER_MINUTE: '100000', IDEMPOTENCY_LOCK_SECONDS: '1' });
let shop: Awaited<ReturnType<typeof startShop>>;

beforeAll(async () => {
  shop = await startShop(config);
  await shop.api.request('POST', '/admin/discounts', {
    body: { code: 'CRASH10', value: { kind: 'percent', percent: 10 } },
    headers: shop.admin,
  });
  await shop.restock('MUG-WHITE', 1000);
  await shop.restock('HOODIE-GREY-M', 1000);
  await shop.restock('TSHIRT-RED-M', 1000);
  await shop.restock('CAP-BLACK', 1000);
});
afterAll(() => shop.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another command API, a real child process on the same database and Redis. */
async function startApi(env: Record<string, string> = {}) {
  const port = await freePort();
  const proc = spawnTs('command-api/src/main.ts', [], {
    DATABASE_URL: shop.db.url,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    COMMAND_API_PORT: String(port),
    COMMANDS_PER_MINUTE: '100000',
    IDEMPOTENCY_LOCK_SECONDS: '1',
    PROCESS_RECOVERY_SECONDS: '3600',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await untilServing(url);
  const post = (path: string, body: object, headers: Record<string, string>) =>
    fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
      () => ({ status: 0, body: {} as Record<string, unknown> }),
    );
  return { ...proc, url, post, kill: () => proc.child.kill('SIGKILL') };
}

const events = async (streamId: string) =>
  (
    await shop.db.pool.query<{ type: string; data: Record<string, unknown>; token: string }>(
      `select type, data, transaction_id::text || '.' || global_position as token
       from events where stream_id = $1 order by stream_position`,
      [streamId],
    )
  ).rows;
const orderOf = async (orderId: string) =>
  fold(orderDecider, (await events(`order-${orderId}`)) as unknown as OrderEvent[]) as PlacedOrder;
const stockOf = async (sku: string) =>
  fold(inventoryDecider, (await events(`inventory-${sku}`)) as unknown as InventoryEvent[]);
const ledgerOf = async (orderId: string) =>
  (
    await shop.db.pool.query<{ status: string; captured: string; refunded: string }>(
      'select status, captured::text, refunded::text from test_payments.payments where order_id = $1',
      [orderId],
    )
  ).rows;
const callsOf = async (kind: string, keyPrefix: string) =>
  Number(
    (
      await shop.db.pool.query<{ n: string }>(
        `select count(*) as n from test_payments.calls where kind = $1 and starts_with(idempotency_key, $2)`,
        [kind, keyPrefix],
      )
    ).rows[0]!.n,
  );
const checkoutKey = (key: string, cart: TestCart) => derivedId(key, `order:${cart.cartId}`);

/** The provider's books and the order's events tell the same story, and nothing is left half-way. */
async function expectAgreement(orderId: string) {
  const order = await orderOf(orderId);
  const [ledger] = await ledgerOf(orderId);
  expect(order.pending, `order ${orderId} left a step pending`).toBeNull();
  expect(Number(ledger!.captured)).toBe(order.captured);
  expect(Number(ledger!.refunded)).toBe(order.refunded);
  expect(Number(ledger!.refunded)).toBeLessThanOrEqual(Number(ledger!.captured));
  expect(ledger!.status === 'voided').toBe(order.paymentVoided);
  // Stock: a canceled order holds nothing and shipped nothing; a fulfilled one shipped its hold.
  for (const { sku, reservationId } of order.reservations) {
    const stock = await stockOf(sku);
    const shipped = ['fulfilled', 'shipped', 'delivered'].includes(order.status);
    expect(stock.reservations.has(reservationId), `${orderId} ${order.status} holds`).toBe(
      !shipped && order.status !== 'canceled',
    );
    expect(stock.committed.has(reservationId), `${orderId} ${order.status} shipped`).toBe(shipped);
  }
  return order;
}

const CHECKOUT_POINTS = [
  'checkout:started',
  'checkout:before-CheckoutStockHeld',
  'checkout:CheckoutStockHeld',
  'checkout:before-CheckoutDiscountRedeemed',
  'checkout:CheckoutDiscountRedeemed',
  'checkout:CheckoutPaymentRequested',
  'checkout:before-CheckoutPaymentAuthorized',
  'checkout:CheckoutPaymentAuthorized',
  'checkout:before-CheckoutOrderPlaced',
  'checkout:CheckoutOrderPlaced',
  'checkout:before-CheckoutCompleted',
  'checkout:CheckoutCompleted',
];

describe('a checkout killed at each step', () => {
  const body = checkoutDetails({ discountCode: 'CRASH10' });

  it.each(CHECKOUT_POINTS)('killed at %s: a retry with the same key makes exactly one order', async (point) => {
    const sku = 'MUG-WHITE';
    const before = available(await stockOf(sku));
    const cart = await shop.cartWith([[sku, 1]]);
    const key = `crash-${point}`;
    const api = await startApi({ FAILPOINT: point });
    const first = await api.post(`/carts/${cart.cartId}/checkout`, body, {
      'X-Cart-Token': cart.cartToken,
      'Idempotency-Key': key,
    });
    expect(first.status, 'the first run dies without answering').toBe(0);
    expect(await api.exited).toBeNull(); // killed by a signal
    await sleep(1100); // the key's lock lapses

    const retry = await shop.checkOut(cart, body, { 'Idempotency-Key': key });
    expect(retry.status, retry.text).toBe(201);
    const orderId = checkoutKey(key, cart);
    // The answer the first run would have given: its order, at its completion's position.
    const process = await events(`checkout-${orderId}`);
    expect(process.at(-1)!.type).toBe('CheckoutCompleted');
    expect(retry.body).toEqual({ orderId, position: process.at(-1)!.token });
    expect((await shop.checkOut(cart, body, { 'Idempotency-Key': key })).body).toEqual(retry.body);

    const placed = await shop.db.pool.query(
      `select 1 from events where type = 'OrderPlaced' and data->>'cartId' = $1`,
      [cart.cartId],
    );
    expect(placed.rowCount, 'one order').toBe(1);
    expect(await ledgerOf(orderId)).toEqual([{ status: 'authorized', captured: '0', refunded: '0' }]);
    expect(await callsOf('authorize', `authorize:${orderId}`)).toBe(1);
    const stock = await stockOf(sku);
    expect(available(stock), 'stock held once').toBe(before - 1);
    expect(stock.reservations.has(derivedId(orderId, sku))).toBe(true);
    const cartEvents = await events(`cart-${cart.cartId}`);
    expect(cartEvents.at(-1)).toMatchObject({ type: 'CartCheckedOut', data: { orderId } });
    const uses = (await events('discount-CRASH10')).filter((e) => e.data.orderId === orderId);
    expect(uses.map((e) => e.type)).toEqual(['DiscountRedeemed']);
    const open = await shop.db.pool.query('select 1 from open_processes where stream_id = $1', [`checkout-${orderId}`]);
    expect(open.rowCount).toBe(0);
  });

  it('a restarted API undoes a checkout killed before payment, and finishes one killed after it', async () => {
    const sku = 'HOODIE-GREY-M';
    const before = available(await stockOf(sku));
    const carts = [await shop.cartWith([[sku, 2]]), await shop.cartWith([[sku, 3]])];
    const points = ['checkout:CheckoutDiscountRedeemed', 'checkout:CheckoutPaymentAuthorized'];
    for (const [i, point] of points.entries()) {
      const api = await startApi({ FAILPOINT: point });
      const cart = carts[i]!;
      await api.post(`/carts/${cart.cartId}/checkout`, body, {
        'X-Cart-Token': cart.cartToken,
        'Idempotency-Key': `sweep-${i}`,
      });
      await api.exited;
    }
    const [undone, finished] = carts.map((cart, i) => checkoutKey(`sweep-${i}`, cart));
    // Nobody retries: the API's start-up sweep finishes or undoes what was left.
    const api = await startApi({ PROCESS_RECOVERY_SECONDS: '0' });
    try {
      await until(
        async () => (await shop.db.pool.query('select 1 from open_processes')).rowCount === 0,
        20_000,
        'the sweep closes both processes',
      );
    } finally {
      api.kill();
      await api.exited;
    }
    expect((await events(`checkout-${undone}`)).at(-1)!.type).toBe('CheckoutFailed');
    expect(await orderOf(undone!)).toEqual({ status: 'none' });
    expect(await ledgerOf(undone!)).toEqual([]);
    const uses = (await events('discount-CRASH10')).filter((e) => e.data.orderId === undone).map((e) => e.type);
    expect(uses).toEqual(['DiscountRedeemed', 'DiscountRedemptionReleased']);
    expect((await events(`checkout-${finished}`)).at(-1)!.type).toBe('CheckoutCompleted');
    expect((await orderOf(finished!)).status).toBe('authorized');
    expect((await events(`cart-${carts[1]!.cartId}`)).at(-1)!.type).toBe('CartCheckedOut');
    expect(available(await stockOf(sku)), 'only the finished order holds stock').toBe(before - 3);
    // A late retry of each (once the keys' locks lapse) is answered from its process: the refusal, the order.
    await sleep(1100);
    const late = await shop.checkOut(carts[0]!, body, { 'Idempotency-Key': 'sweep-0' });
    expect([late.status, late.body.type]).toEqual([409, '/problems/checkout-abandoned']);
    const done = await shop.checkOut(carts[1]!, body, { 'Idempotency-Key': 'sweep-1' });
    expect([done.status, done.body.orderId], done.text).toEqual([201, finished]);
  });
});

describe('giving back a checkout moves no money it did not take', () => {
  const body = checkoutDetails({ discountCode: 'CRASH10' });
  const sku = 'MUG-WHITE';
  /** A checkout whose API is killed at `point`, under `key`; answers its order id. */
  async function crashed(cart: TestCart, key: string, point: string) {
    const api = await startApi({ FAILPOINT: point });
    const first = await api.post(`/carts/${cart.cartId}/checkout`, body, {
      'X-Cart-Token': cart.cartToken,
      'Idempotency-Key': key,
    });
    expect(first.status, 'the first run dies without answering').toBe(0);
    await api.exited;
    return checkoutKey(key, cart);
  }
  const sweep = () =>
    recoverProcesses(
      { ...shop.deps, config: { ...shop.deps.config, PROCESS_RECOVERY_SECONDS: 0 } },
      createLogger('test', 'silent'),
    );
  const ordersOf = async (cart: TestCart) =>
    (
      await shop.db.pool.query<{ orderId: string }>(
        `select data->>'orderId' as "orderId" from events where type = 'OrderPlaced' and data->>'cartId' = $1`,
        [cart.cartId],
      )
    ).rows.map((r) => r.orderId);
  async function expectGivenBack(orderId: string) {
    expect((await stockOf(sku)).reservations.has(derivedId(orderId, sku)), 'its hold released').toBe(false);
    const uses = (await events('discount-CRASH10')).filter((e) => e.data.orderId === orderId).map((e) => e.type);
    expect(uses, 'its discount use given back').toEqual(['DiscountRedeemed', 'DiscountRedemptionReleased']);
    const open = await shop.db.pool.query('select 1 from open_processes where stream_id = $1', [`checkout-${orderId}`]);
    expect(open.rowCount).toBe(0);
  }

  it('undoing a checkout killed before the payment call authorizes nothing, and voids nothing', async () => {
    const cart = await shop.cartWith([[sku, 1]]);
    const orderId = await crashed(cart, 'undo-before-payment', 'checkout:CheckoutPaymentRequested');
    await sweep();
    const process = await events(`checkout-${orderId}`);
    expect(process.at(-1)!.type).toBe('CheckoutFailed');
    expect(await callsOf('authorize', `authorize:${orderId}`), 'the card is never asked').toBe(0);
    expect(await ledgerOf(orderId)).toEqual([]);
    expect(await callsOf('void', `checkout-void:${orderId}`)).toBe(0);
    await expectGivenBack(orderId);
  });

  it('a retried checkout whose order was tombstoned asks for no payment', async () => {
    const cart = await shop.cartWith([[sku, 1]]);
    const key = 'tombstoned-before-payment';
    const orderId = await crashed(cart, key, 'checkout:CheckoutPaymentRequested');
    // What the reservation sweep does to a lapsed hold's order before it releases the hold.
    await handle(
      shop.store,
      orderDecider,
      orderStream(orderId),
      { type: 'ExpireOrder', data: { orderId, reason: 'stock hold expired' } },
      systemContext('reservation-expiry', `expire:${orderId}`),
    );
    await sleep(1100); // the key's lock lapses
    const retry = await shop.checkOut(cart, body, { 'Idempotency-Key': key });
    expect([retry.status, retry.body.type], retry.text).toEqual([409, '/problems/checkout-expired']);
    expect(await callsOf('authorize', `authorize:${orderId}`), 'the card is never asked').toBe(0);
    expect(await ledgerOf(orderId)).toEqual([]);
    expect(await ordersOf(cart)).toEqual([]);
    await expectGivenBack(orderId);
  });

  it('a runner that reaches the provider after the sweep gave the checkout back cannot take the card', async () => {
    const cart = await shop.cartWith([[sku, 1]]);
    const ctx = {
      ...systemContext('test'),
      actor: { userId: null, role: 'guest' },
      idempotencyKey: 'late-authorization',
    };
    const { deps } = shop;
    const sweep = systemContext('process-recovery');
    // The runner reaches the provider late: meanwhile the sweep gave the stalled checkout up
    // and canceled its payment key (no payment yet), so the provider declines the runner.
    const slow = {
      ...deps.payments,
      authorize: async (request: Parameters<typeof deps.payments.authorize>[0]) => {
        await giveUpCheckout(deps, sweep, request.orderId, 'checkout-abandoned', 'undone by the sweep');
        await runCheckout(deps, sweep, request.orderId).catch(() => {});
        return deps.payments.authorize(request);
      },
    };
    const answer = checkout(
      { ...deps, payments: slow },
      ctx,
      { principal: null, cartToken: cart.cartToken },
      cart.cartId,
      body as CheckoutRequest,
    );
    await expect(answer).rejects.toMatchObject({ code: 'checkout-abandoned' });
    const orderId = checkoutKey('late-authorization', cart);
    expect(await ledgerOf(orderId), 'nothing authorized').toEqual([]);
    expect(await callsOf('cancel', `authorize:${orderId}`), 'the key canceled by the give-back').toBe(1);
    expect(await ordersOf(cart)).toEqual([]);
    await expectGivenBack(orderId);
  });

  it('after a crash past payment and a retry under a new key, the stalled checkout is given up unplaced', async () => {
    const cart = await shop.cartWith([[sku, 1]]);
    const stalled = await crashed(cart, 'paid-then-abandoned', 'checkout:CheckoutPaymentAuthorized');
    // The shopper, seeing no answer, checks out again: a new key, a new checkout of the same cart.
    const again = await shop.checkOut(cart, body, { 'Idempotency-Key': 'paid-then-new-key' });
    expect(again.status, again.text).toBe(201);
    await sweep();
    const process = await events(`checkout-${stalled}`);
    expect(process.map((e) => e.type).slice(-2)).toEqual(['CheckoutFailing', 'CheckoutFailed']);
    expect(process.at(-2)!.data.code).toBe('cart-changed');
    expect(await ordersOf(cart), 'one order in the history, never a placed-then-canceled one').toEqual([
      again.body.orderId,
    ]);
    expect(await events(orderStream(stalled))).toEqual([]);
    expect(await ledgerOf(stalled)).toEqual([{ status: 'voided', captured: '0', refunded: '0' }]);
    await expectGivenBack(stalled);
    expect((await events(`cart-${cart.cartId}`)).at(-1)).toMatchObject({
      type: 'CartCheckedOut',
      data: { orderId: again.body.orderId },
    });
  });
});

async function placeOrder(sku: string, overrides: Record<string, unknown> = {}) {
  const cart = await shop.cartWith([[sku, 1]]);
  const res = await shop.checkOut(cart, checkoutDetails(overrides));
  expect(res.status, res.text).toBe(201);
  return res.body.orderId;
}

describe('an order step killed half-way', () => {
  it.each(['order-step:requested', 'order-step:moved'])(
    'killed at %s: a retry finishes the cancel, refunding once',
    async (point) => {
      const orderId = await placeOrder('TSHIRT-RED-M');
      expect((await shop.api.request('POST', `/admin/orders/${orderId}/capture`, { headers: shop.admin })).status).toBe(
        200,
      );
      const api = await startApi({ FAILPOINT: point });
      const headers = { ...shop.admin, 'Idempotency-Key': `cancel-${point}` };
      const first = await api.post(`/admin/orders/${orderId}/cancel`, { reason: 'asked' }, headers);
      expect(first.status).toBe(0);
      await api.exited;
      // Meanwhile the order is busy: another step is refused, not run beside it.
      const other = await shop.api.request<{ type: string }>('POST', `/admin/orders/${orderId}/refund`, {
        body: { amount: 100, reason: 'meanwhile' },
        headers: shop.admin,
      });
      expect([other.status, other.body.type]).toEqual([409, '/problems/order-busy']);
      await sleep(1100);
      const retry = await shop.api.request('POST', `/admin/orders/${orderId}/cancel`, {
        body: { reason: 'asked' },
        headers,
      });
      expect(retry.status, retry.text).toBe(200);
      const order = await expectAgreement(orderId);
      expect([order.status, order.refunded]).toEqual(['canceled', order.captured]);
      expect(await callsOf('refund', 'cancel:')).toBeGreaterThan(0);
      expect(await ledgerOf(orderId)).toEqual([
        { status: 'captured', captured: String(order.captured), refunded: String(order.captured) },
      ]);
    },
  );
});

describe('order steps raced across two API processes', () => {
  let other: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    other = await startApi();
  });
  afterAll(async () => {
    other.kill();
    await other.exited;
  });

  type Call = (orderId: string, n: number) => Promise<number>;
  type Body = object | ((orderId: string) => Promise<object>);
  const bodyFor = (body: Body, orderId: string) => (typeof body === 'function' ? body(orderId) : body);
  const here =
    (action: string, body: Body = {}): Call =>
    async (orderId, n) =>
      (
        await shop.api.request('POST', `/admin/orders/${orderId}/${action}`, {
          body: await bodyFor(body, orderId),
          headers: { ...shop.admin, 'Idempotency-Key': `race-${action}-a-${n}-${orderId}` },
        })
      ).status;
  const there =
    (action: string, body: Body = {}): Call =>
    async (orderId, n) =>
      (
        await other.post(`/admin/orders/${orderId}/${action}`, await bodyFor(body, orderId), {
          ...shop.admin,
          'Idempotency-Key': `race-${action}-b-${n}-${orderId}`,
        })
      ).status;
  const everything = (reason: string) => async (orderId: string) => ({
    amount: (await orderOf(orderId)).captured,
    reason,
  });
  const capture = (orderId: string) =>
    shop.api.request('POST', `/admin/orders/${orderId}/capture`, { headers: shop.admin });

  const RACES = 20;
  const cases: [string, (orderId: string) => Promise<unknown>, Call, Call][] = [
    ['fulfil vs cancel', capture, here('fulfil'), there('cancel', { reason: 'race' })],
    ['capture vs cancel', async () => {}, here('capture'), there('cancel', { reason: 'race' })],
    ['refund vs refund', capture, here('refund', everything('a')), there('refund', everything('b'))],
  ];
  it.each(cases)('%s, 20 times: the books and the events agree', async (_name, prepare, a, b) => {
    for (let n = 0; n < RACES; n++) {
      const orderId = await placeOrder('CAP-BLACK');
      await prepare(orderId);
      const statuses = await Promise.all([a(orderId, n), b(orderId, n)]);
      expect(
        statuses.every((s) => s === 200 || s === 409),
        String(statuses),
      ).toBe(true);
      expect(statuses).toContain(200);
      await expectAgreement(orderId);
    }
  });

  it('cancel vs a late payment webhook, 20 times: a canceled order keeps no money', async () => {
    for (let n = 0; n < RACES; n++) {
      const orderId = await placeOrder('CAP-BLACK', {
        payment: { method: 'test-card', cardNumber: '4000000000003220' },
      });
      const paymentId = (await orderOf(orderId)).paymentId!;
      const event = { id: `evt-race-${n}-${orderId}`, type: 'payment.succeeded', orderId, paymentId };
      // The provider confirms and then delivers until it hears 200, as real ones do.
      const deliver = async () => {
        await confirmTestPayment(shop.db.pool, paymentId);
        for (let tries = 0; tries < 50; tries++) {
          const res = await other.post('/webhooks/payments', event, {
            'Flowdose-Signature': signWebhook(config.PAYMENT_WEBHOOK_SECRET, JSON.stringify(event)),
          });
          if (res.status === 200) return;
          await sleep(20);
        }
        throw new Error('the webhook was never accepted');
      };
      const [cancel] = await Promise.all([here('cancel', { reason: 'race' })(orderId, n), deliver()]);
      expect(cancel).toBe(200);
      const order = await expectAgreement(orderId);
      expect([order.status, order.paymentVoided]).toEqual(['canceled', true]);
    }
  });
});

describe('the last units under load', () => {
  it('200 shoppers on the last 10 units, with an API killed mid-way: never oversold', async () => {
    const sku = 'SOCKS-3PACK';
    await shop.restock(sku, 10);
    const carts: TestCart[] = [];
    for (let i = 0; i < 200; i++) carts.push(await shop.cartWith([[sku, 1]]));
    const api = await startApi();
    const body = checkoutDetails();
    const send = (cart: TestCart, i: number, via: 'here' | 'there') => {
      const headers = { 'X-Cart-Token': cart.cartToken, 'Idempotency-Key': `last-${i}` };
      return via === 'there'
        ? api.post(`/carts/${cart.cartId}/checkout`, body, headers)
        : shop
            .checkOut(cart, body, headers)
            .then((r) => ({ status: r.status, body: r.body as Record<string, unknown> }));
    };
    const answers = carts.map((cart, i) => send(cart, i, i % 2 ? 'there' : 'here'));
    await sleep(150);
    api.kill();
    let results = await Promise.all(answers);
    await api.exited;
    // Whoever got no final answer retries with the same key, as the storefront does.
    for (let round = 0; round < 10 && results.some((r) => r.status === 0 || r.status >= 500); round++) {
      await sleep(1100);
      results = await Promise.all(
        results.map((r, i) => (r.status === 0 || r.status >= 500 ? send(carts[i]!, i, 'here') : r)),
      );
    }
    const sold = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || r.body.type === '/problems/out-of-stock')).toBe(true);
    await recoverProcesses(
      { ...shop.deps, config: { ...shop.deps.config, PROCESS_RECOVERY_SECONDS: 0 } },
      createLogger('test', 'silent'),
    );
    expect(sold.length).toBeLessThanOrEqual(10);
    const stock = await stockOf(sku);
    const held = [...stock.reservations.values()].reduce((n, r) => n + r.quantity, 0);
    expect([stock.onHand, held], 'never oversold').toEqual([10, sold.length]);
    for (const r of sold) await expectAgreement(r.body.orderId as string);
    const { rows } = await shop.db.pool.query<{ n: string }>(
      `select count(*) as n from test_payments.payments p join events e
         on e.type = 'OrderPlaced' and e.data->>'orderId' = p.order_id
       where p.status = 'authorized' and e.data->'lines'->0->>'sku' = $1`,
      [sku],
    );
    expect(Number(rows[0]!.n), 'an authorization per sold order, none orphaned').toBe(sold.length);
  });
});
