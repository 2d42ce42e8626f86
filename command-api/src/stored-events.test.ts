import { randomUUID } from 'node:crypto';
import { UnreadableEventError } from '@flowdose/domain/event-schemas';
import { orderPlaced, orderPlacedV1 } from '@flowdose/domain/events.test-support';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, loadState } from './handle-command.ts';

let db: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  db = await createTestDatabase();
  store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
});
afterAll(async () => {
  await store.close();
  await db.drop();
});

// Rows as older code wrote them, straight into the table: no adapter, no schema in between.
async function insertRows(streamId: string, rows: { type: string; data: unknown; schemaVersion: number }[]) {
  for (const [i, row] of rows.entries()) {
    await db.pool.query(
      `insert into events (stream_id, stream_position, event_id, type, data, metadata) values ($1, $2, $3, $4, $5, $6)`,
      [streamId, i + 1, randomUUID(), row.type, row.data, { ...testMetadata, schemaVersion: row.schemaVersion }],
    );
  }
}

const ctx = { correlationId: 'c', requestId: 'r', actor: { userId: null, role: 'ops' }, idempotencyKey: null };

describe('stored events are read through their schema', () => {
  it('folds a v1 order stream through the upcaster, and decides on it', async () => {
    const orderId = randomUUID();
    const streamId = orderStream(orderId);
    await insertRows(streamId, [{ type: 'OrderPlaced', data: orderPlacedV1(orderId), schemaVersion: 1 }]);

    const { state, version } = await loadState(store, orderDecider, streamId);
    expect(version).toBe(1n);
    expect(state).toMatchObject({ status: 'placed', orderId, grandTotal: 1250, paymentId: null });

    // Today's writer appends v2 after the v1 event, and a fresh read folds both.
    await handle(
      store,
      orderDecider,
      streamId,
      { type: 'AuthorizePayment', data: { orderId, paymentId: 'pay_1' } },
      ctx,
    );
    const events = await store.readStream(streamId);
    expect(events.map((e) => [e.type, e.metadata.schemaVersion])).toEqual([
      ['OrderPlaced', 1],
      ['PaymentAuthorized', 2],
    ]);
    // The stored v1 row is never edited.
    expect(events[0]!.data).not.toHaveProperty('paymentId');
    const other = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    expect((await loadState(other, orderDecider, streamId)).state).toMatchObject({
      status: 'authorized',
      paymentId: 'pay_1',
    });
    await other.close();
  });

  it('reads money as integer minor units: a placed order with a fraction of a cent in its totals is refused', async () => {
    const good = orderPlaced();
    await insertRows(orderStream(good.data.orderId), [{ type: 'OrderPlaced', data: good.data, schemaVersion: 2 }]);
    expect((await loadState(store, orderDecider, orderStream(good.data.orderId))).state).toMatchObject({
      status: 'placed',
      grandTotal: good.data.totals.grandTotal,
    });

    const { data } = orderPlaced();
    const streamId = orderStream(data.orderId);
    const totals = { ...data.totals, tax: data.totals.tax + 0.5, grandTotal: data.totals.grandTotal + 0.5 };
    await insertRows(streamId, [{ type: 'OrderPlaced', data: { ...data, totals }, schemaVersion: 2 }]);
    const reading = loadState(store, orderDecider, streamId);
    await expect(reading).rejects.toBeInstanceOf(UnreadableEventError);
    await expect(reading).rejects.toThrow(/data\.totals\.tax/);
  });

  it('fails loudly on a malformed event, naming its stream and positions, and appends nothing', async () => {
    const orderId = randomUUID();
    const streamId = orderStream(orderId);
    await insertRows(streamId, [
      { type: 'OrderPlaced', data: orderPlacedV1(orderId), schemaVersion: 1 },
      { type: 'PaymentCaptured', data: { orderId, amount: '12.50' }, schemaVersion: 1 },
    ]);
    const [, bad] = await store.readStream(streamId);
    const position = `${bad!.position.major}.${bad!.position.minor}`;

    const reading = loadState(store, orderDecider, streamId);
    await expect(reading).rejects.toBeInstanceOf(UnreadableEventError);
    await expect(reading).rejects.toThrow(
      `PaymentCaptured (schemaVersion 1) at ${streamId} #2, global position ${position}`,
    );
    await expect(reading).rejects.toThrow(/data\.amount/);

    const deciding = handle(
      store,
      orderDecider,
      streamId,
      { type: 'AuthorizePayment', data: { orderId, paymentId: 'pay_1' } },
      ctx,
    );
    await expect(deciding).rejects.toBeInstanceOf(UnreadableEventError);
    expect(await store.readStream(streamId)).toHaveLength(2);
  });
});
