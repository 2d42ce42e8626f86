import { randomUUID } from 'node:crypto';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { ConcurrencyError } from '@flowdose/shared/errors';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, loadState } from './handle-command.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const ctx = { requestId: 'r', correlationId: 'c', actor: { userId: null, role: 'test' }, idempotencyKey: null };
const cartId = '0190b8a0-0000-7000-8000-0000000000c7';

describe('handle', () => {
  it('with atVersion decides only on the version the caller saw, and never retries', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    await handle(
      store,
      cartDecider,
      cartStream(cartId),
      { type: 'OpenCart', data: { cartId, currency: 'EUR', customerId: null } },
      ctx,
    );
    let decisions = 0;
    const remove = () =>
      handle(
        store,
        cartDecider,
        cartStream(cartId),
        () => {
          decisions++;
          return { type: 'CheckOutCart', data: { cartId, orderId: cartId } };
        },
        ctx,
        { atVersion: 0n },
      );
    await expect(remove()).rejects.toBeInstanceOf(ConcurrencyError);
    expect(decisions).toBe(0);
    expect(await store.readStream(cartStream(cartId))).toHaveLength(1);
    await store.close();
  });

  it('appends nothing for an empty decision and answers where the stream stands', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const [last] = await store.readStream(cartStream(cartId), { direction: 'backward', limit: 1 });
    const result = await handle(store, cartDecider, cartStream(cartId), null, ctx);
    expect(result).toEqual({ position: last!.position, nextVersion: 1n, duplicate: false, events: [] });
    expect(await store.readStream(cartStream(cartId))).toHaveLength(1);
    await store.close();
  });

  it('decides several commands in turn, each on the state the one before leaves, and appends them at once', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const other = '0190b8a0-0000-7000-8000-0000000000c8';
    const line = {
      lineId: cartId,
      sku: 'MUG-WHITE',
      quantity: 2,
      unitPrice: { amount: 900, currency: 'EUR' as const },
    };
    const { events, nextVersion } = await handle(
      store,
      cartDecider,
      cartStream(other),
      [
        { type: 'OpenCart', data: { cartId: other, currency: 'EUR', customerId: null } },
        // Refused on the empty cart: it sees the cart the first command opened.
        { type: 'AddCartItem', data: { cartId: other, ...line } },
      ],
      ctx,
    );
    expect(events.map((e) => e.type)).toEqual(['CartOpened', 'CartItemAdded']);
    expect(nextVersion).toBe(2n);
    expect((await store.readStream(cartStream(other))).map((e) => e.type)).toEqual(['CartOpened', 'CartItemAdded']);
    await store.close();
  });
});

describe('loadState', () => {
  it('folds a stream longer than one read, and sees what another process appended since', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const other = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const sku = 'HOT-SKU';
    const restocked = (n: number) => ({
      id: randomUUID(),
      type: 'StockRestocked',
      data: { sku, quantity: 1, reason: `batch ${n}` },
      metadata: testMetadata,
    });
    for (let batch = 0; batch < 12; batch++) {
      await store.append(
        inventoryStream(sku),
        Array.from({ length: 1000 }, () => restocked(batch)),
        'any',
      );
    }
    const first = await loadState(store, inventoryDecider, inventoryStream(sku));
    expect([first.version, first.state.onHand]).toEqual([12_000n, 12_000]);
    await handle(
      other,
      inventoryDecider,
      inventoryStream(sku),
      { type: 'Restock', data: { sku, quantity: 5, reason: 'elsewhere' } },
      ctx,
    );
    const again = await loadState(store, inventoryDecider, inventoryStream(sku));
    expect([again.version, again.state.onHand]).toEqual([12_001n, 12_005]);
    await Promise.all([store.close(), other.close()]);
  });
});
