import { randomUUID } from 'node:crypto';
import { fold } from '@flowdose/domain/decider';
import { available, inventoryDecider } from '@flowdose/domain/inventory/decider';
import { type InventoryEvent, inventoryStream } from '@flowdose/domain/inventory/events';
import { orderStream } from '@flowdose/domain/order/events';
import { inventoryProjection } from '@flowdose/projections/read-models/inventory/projection';
import { catchUp } from '@flowdose/projections/run-range';
import { createSchema } from '@flowdose/projections/schema';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckoutRequest, checkout } from './checkout.ts';
import { handle } from './handle-command.ts';
import { startCommandApi } from './harness.test-support.ts';
import { releaseExpired } from './release-expired.ts';

let harness: Awaited<ReturnType<typeof startCommandApi>>;
beforeAll(async () => {
  harness = await startCommandApi();
  await publishTestCatalog(harness.api, harness.config.AUTH_JWT_SECRET);
});
afterAll(() => harness.close());

const stockOf = async (sku: string) =>
  fold(
    inventoryDecider,
    (await harness.store.readStream(inventoryStream(sku))).map(
      (e) => ({ type: e.type, data: e.data }) as InventoryEvent,
    ),
  );

describe('reservation expiry', () => {
  it('releases stock held for an order that never appeared, and keeps what a placed order holds', async () => {
    const { api, store, db, config } = harness;
    const token = await signAccessToken(
      config.AUTH_JWT_SECRET,
      { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
      60,
    );
    await api.request('POST', '/admin/inventory/MUG-WHITE/restock', {
      body: { quantity: 5, reason: 'test' },
      headers: { Authorization: `Bearer ${token}` },
    });
    // A real checkout: its order is placed and holds 1 unit.
    const cart = (
      await api.request<{ cartId: string; cartToken: string }>('POST', '/carts', { body: { currency: 'EUR' } })
    ).body;
    await api.request('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 1 },
      headers: { 'X-Cart-Token': cart.cartToken },
    });
    const placed = await api.request('POST', `/carts/${cart.cartId}/checkout`, {
      headers: { 'X-Cart-Token': cart.cartToken },
      body: checkoutDetails(),
    });
    expect(placed.status).toBe(201);
    // A checkout that crashed after reserving 2 units: no order was ever placed.
    const ctx = { requestId: 'r', correlationId: 'c', actor: { userId: null, role: 'test' }, idempotencyKey: null };
    const neverPlaced = randomUUID();
    const { position } = await handle(
      store,
      inventoryDecider,
      inventoryStream('MUG-WHITE'),
      {
        type: 'Reserve',
        data: {
          sku: 'MUG-WHITE',
          reservationId: randomUUID(),
          quantity: 2,
          expiresAt: new Date().toISOString(),
          orderId: neverPlaced,
        },
      },
      ctx,
    );
    expect(available(await stockOf('MUG-WHITE'))).toBe(2);

    await readableAt(store, position);
    await createSchema(db.pool, inventoryProjection, liveSchema('inventory'));
    await catchUp(db.pool, store, inventoryProjection, liveSchema('inventory'), position);
    const anHourLater = { now: () => new Date(Date.now() + 3_600_000) };
    expect(await releaseExpired(harness.deps, anHourLater)).toBe(1);
    const stock = await stockOf('MUG-WHITE');
    expect(available(stock)).toBe(4);
    expect(stock.reservations.size).toBe(1);
    // The order that never appeared is tombstoned first, so it can never be placed late.
    expect((await store.readStream(orderStream(neverPlaced))).map((e) => e.type)).toEqual(['OrderExpired']);

    // Run again (the read model has not caught up yet): nothing is released twice.
    expect(await releaseExpired(harness.deps, anHourLater)).toBe(0);
    expect(available(await stockOf('MUG-WHITE'))).toBe(4);
  });

  it('refuses a late placement after the hold expired: the retry answers checkout-expired and asks for no payment', async () => {
    const { api, store, db, deps } = harness;
    const token = await signAccessToken(
      harness.config.AUTH_JWT_SECRET,
      { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
      60,
    );
    await api.request('POST', '/admin/inventory/CAP-BLACK/restock', {
      body: { quantity: 1, reason: 'the last one' },
      headers: { Authorization: `Bearer ${token}` },
    });
    const cart = (
      await api.request<{ cartId: string; cartToken: string }>('POST', '/carts', { body: { currency: 'EUR' } })
    ).body;
    await api.request('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'CAP-BLACK', quantity: 1 },
      headers: { 'X-Cart-Token': cart.cartToken },
    });
    // The provider times out after the stock is held: the checkout stops at its payment step.
    const key = 'expires-mid-checkout';
    const ctx = { requestId: 'r', correlationId: 'c', actor: { userId: null, role: 'guest' }, idempotencyKey: key };
    const timingOut = {
      ...deps.payments,
      authorize: async () => {
        throw new Error('the provider timed out');
      },
    };
    await expect(
      checkout(
        { ...deps, payments: timingOut },
        ctx,
        { principal: null, cartToken: cart.cartToken },
        cart.cartId,
        checkoutDetails() as CheckoutRequest,
      ),
    ).rejects.toThrow('timed out');
    expect(available(await stockOf('CAP-BLACK'))).toBe(0);

    const { rows } = await db.pool.query<{ position: string }>(
      "select transaction_id::text || '.' || global_position as position from events order by global_position desc limit 1",
    );
    const [major, minor] = rows[0]!.position.split('.');
    const last = { major: BigInt(major!), minor: BigInt(minor!) };
    await readableAt(store, last);
    await catchUp(db.pool, store, inventoryProjection, liveSchema('inventory'), last);
    expect(await releaseExpired(deps, { now: () => new Date(Date.now() + 3_600_000) })).toBe(1);
    expect(available(await stockOf('CAP-BLACK'))).toBe(1);

    // The shopper's retry comes late: the process goes on, finds the order tombstoned, and undoes itself.
    const retry = await api.request<{ type: string }>('POST', `/carts/${cart.cartId}/checkout`, {
      headers: { 'X-Cart-Token': cart.cartToken, 'Idempotency-Key': key },
      body: checkoutDetails(),
    });
    expect([retry.status, retry.body.type]).toEqual([409, '/problems/checkout-expired']);
    const placed = await db.pool.query("select 1 from events where type = 'OrderPlaced' and data->>'cartId' = $1", [
      cart.cartId,
    ]);
    expect(placed.rowCount, 'no order holding nothing').toBe(0);
    const ledger = await db.pool.query<{ status: string }>(
      `select p.status from test_payments.payments p where p.order_id in
         (select data->>'orderId' from events where type = 'CheckoutStarted' and data->'plan'->>'cartId' = $1)`,
      [cart.cartId],
    );
    expect(ledger.rows, 'no payment asked for').toEqual([]);
    expect(available(await stockOf('CAP-BLACK')), 'the last unit is free for the next shopper').toBe(1);
  });
});
