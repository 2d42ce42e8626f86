import { cartDecider } from '@flowdose/shared/domain/cart/decider';
import { cartStream } from '@flowdose/shared/domain/cart/events';
import { ConcurrencyError } from '@flowdose/shared/errors';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createTestDatabase, type TestDatabase } from '@flowdose/shared/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from './handle-command.ts';

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
    await handle(store, cartDecider, cartStream(cartId), ctx, (s) =>
      cartDecider.decide({ type: 'OpenCart', data: { cartId, currency: 'EUR', customerId: null } }, s),
    );
    let decisions = 0;
    const remove = () =>
      handle(
        store,
        cartDecider,
        cartStream(cartId),
        ctx,
        (s) => {
          decisions++;
          return cartDecider.decide({ type: 'CheckOutCart', data: { cartId, orderId: cartId } }, s);
        },
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
    const result = await handle(store, cartDecider, cartStream(cartId), ctx, () => []);
    expect(result).toEqual({ position: last!.position, nextVersion: 1n });
    expect(await store.readStream(cartStream(cartId))).toHaveLength(1);
    await store.close();
  });
});
