import { UnreadableEventError } from '@flowdose/domain/event-schemas';
import { orderPlacedV1 } from '@flowdose/domain/events.test-support';
import { orderStream } from '@flowdose/domain/order/events';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema, readCheckpoint } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRange } from '../../run-range.ts';
import { createSchema } from '../../schema.ts';
import { ordersProjection } from './projection.ts';
import { findOrder } from './queries.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const event = (type: string, data: object, schemaVersion = 2) => ({
  id: crypto.randomUUID(),
  type,
  data,
  metadata: { ...testMetadata, schemaVersion },
});

describe('orders read model', () => {
  it('projects a v1 OrderPlaced read through its upcaster, and its query answers what the events say', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const orderId = crypto.randomUUID();
    const { position } = await store.append(
      orderStream(orderId),
      [
        event('OrderPlaced', orderPlacedV1(orderId), 1),
        event('PaymentCaptured', { orderId, amount: 1250 }),
        event('OrderRefunded', { orderId, amount: 250, reason: 'scratched' }),
      ],
      'no_stream',
    );
    await readableAt(store, position);
    const schema = liveSchema('orders');
    await createSchema(db.pool, ordersProjection, schema);
    await runRange(db.pool, store, ordersProjection, schema, { to: position });
    const order = await findOrder(db.pool, orderId);
    expect(order).toMatchObject({
      orderId,
      status: 'captured',
      captured: 1250,
      refunded: 250,
      email: 'ada@example.com',
    });
    expect(order?.history.map((h) => [h.status, h.amount])).toEqual([
      ['placed', undefined],
      ['captured', undefined],
      ['refunded', 250],
    ]);
    expect(await runRange(db.pool, store, ordersProjection, schema, { to: position })).toBeNull();
    expect(await findOrder(db.pool, orderId)).toEqual(order);
    await store.close();
  });

  it('stops at an event that does not fit its schema instead of writing a wrong row', async () => {
    // Planted past the append's own check, as an old bug or a bad import would have left it.
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url, checkEvents: false });
    const orderId = crypto.randomUUID();
    const { position } = await store.append(
      orderStream(orderId),
      [event('OrderPlaced', orderPlacedV1(orderId), 1), event('OrderShipped', { orderId })],
      'no_stream',
    );
    await readableAt(store, position);
    await createSchema(db.pool, ordersProjection, 'orders_unreadable');
    const before = await readCheckpoint(db.pool, 'orders_unreadable');
    await expect(runRange(db.pool, store, ordersProjection, 'orders_unreadable', { to: position })).rejects.toThrow(
      UnreadableEventError,
    );
    expect(await readCheckpoint(db.pool, 'orders_unreadable')).toEqual(before);
    await store.close();
  });
});
