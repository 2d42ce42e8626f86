import { randomUUID } from 'node:crypto';
import { inventoryProjection } from '@flowdose/projections/projections/inventory/projection';
import { catchUp } from '@flowdose/projections/run-range';
import { createSchema } from '@flowdose/projections/schema';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { fold } from '@flowdose/shared/domain/decider';
import { available, inventoryDecider } from '@flowdose/shared/domain/inventory/decider';
import { type InventoryEvent, inventoryStream } from '@flowdose/shared/domain/inventory/events';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { publishTestCatalog } from '@flowdose/shared/testing/catalog';
import { checkoutDetails } from '@flowdose/shared/testing/checkout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from './handle-command.ts';
import { releaseExpired } from './release-expired.ts';
import { startCommandApi } from './test-support.ts';

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
    const { position } = await handle(store, inventoryDecider, inventoryStream('MUG-WHITE'), ctx, (state) =>
      inventoryDecider.decide(
        {
          type: 'Reserve',
          data: {
            sku: 'MUG-WHITE',
            reservationId: randomUUID(),
            quantity: 2,
            expiresAt: new Date().toISOString(),
            orderId: randomUUID(),
          },
        },
        state,
      ),
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

    // Run again (the read model has not caught up yet): nothing is released twice.
    expect(await releaseExpired(harness.deps, anHourLater)).toBe(0);
    expect(available(await stockOf('MUG-WHITE'))).toBe(4);
  });
});
