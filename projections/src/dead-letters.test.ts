import { randomBytes, randomUUID } from 'node:crypto';
import { cartStream } from '@flowdose/domain/cart/events';
import { projectionStream } from '@flowdose/domain/projection/events';
import type { EventStore, RecordedEvent } from '@flowdose/shared/event-store/port';
import { comparePositions, type Position, positionToken } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import type { CommandContext } from '@flowdose/shared/http/context';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema, readCheckpoint } from '@flowdose/shared/read-models';
import { createRedis, type Redis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { until } from '@flowdose/testing/process';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQuarantined, isTransient, listDeadLetters, retryDeadLetter, skipDeadLetter } from './dead-letters.ts';
import { appendCartHistories, appendPoisonCart, cartsSnapshot } from './harness.test-support.ts';
import type { Projection } from './projection.ts';
import { closeQueues, createQueues, enqueueRange, type ProjectionQueues } from './queues.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { catchUp } from './run-range.ts';
import { createSchema } from './schema.ts';
import { projectionStatus } from './status.ts';
import { startWorker } from './worker.ts';

const logger = createLogger('test', 'silent');
let db: TestDatabase;
let store: EventStore;
let redis: Redis;
const prefix = `t${randomBytes(4).toString('hex')}`;
beforeAll(async () => {
  db = await createTestDatabase();
  store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  redis = createRedis('redis://127.0.0.1:6379');
});
afterAll(async () => {
  redis.disconnect();
  await store.close();
  await db.drop();
});

const appendPoison = () => appendPoisonCart(db);

const staff: CommandContext = {
  requestId: 'req-skip-1',
  correlationId: 'corr-skip-1',
  actor: { userId: randomUUID(), role: 'ops' },
  idempotencyKey: null,
};

/** A projection's worker and queue, stopped after its test. */
async function running(projection: Projection): Promise<{ queues: ProjectionQueues; stop: () => Promise<void> }> {
  await createSchema(db.pool, projection, liveSchema(projection.name));
  const queues = createQueues(redis, prefix, [projection]);
  const worker: Worker = startWorker({
    projection,
    pool: db.pool,
    store,
    connection: redis,
    prefix,
    lockMs: 5000,
    logger,
    publishChange: async () => {},
    retries: { attempts: 2, backoffMs: 20 },
    resumeEveryMs: 100,
  });
  return {
    queues,
    async stop() {
      await worker.close();
      await closeQueues(queues);
    },
  };
}

const cartExists = async (schema: string, cartId: string) =>
  (await db.pool.query(`select 1 from ${schema}.carts where cart_id = $1`, [cartId])).rowCount === 1;
const linesOf = async (schema: string, cartId: string) =>
  (await db.pool.query<{ quantity: number }>(`select quantity from ${schema}.cart_lines where cart_id = $1`, [cartId]))
    .rows;
const reached = async (schema: string, position: Position) =>
  comparePositions((await readCheckpoint(db.pool, schema))!, position) >= 0;
const statusOf = async (projection: Projection) => (await projectionStatus(db.pool, store, [projection]))[0]!;

describe('dead letters', () => {
  // The carts model as deployed: `fixed` stands for a release whose upcaster reads the bad
  // lines (as one line each) instead of rejecting them.
  let fixed = false;
  const repair = (e: RecordedEvent): RecordedEvent =>
    fixed && e.type === 'CartItemAdded' && (e.data as { quantity: number }).quantity < 1
      ? { ...e, data: { ...(e.data as object), quantity: 1 } }
      : e;
  const carts: Projection = { ...cartsProjection, apply: (events, s) => cartsProjection.apply(events.map(repair), s) };
  const schema = liveSchema(carts.name);

  it('quarantines an event the projection cannot apply and stops just before it; a skip is an event and moves it on; a retry after a fix applies it', async () => {
    const { queues, stop } = await running(carts);
    const before = await appendCartHistories(store, 5, 1);
    const { cartId: poisoned, poison } = await appendPoison();
    const after = await appendCartHistories(store, 5, 2);
    await enqueueRange(queues, 'first', after.head);

    await until(async () => (await statusOf(carts)).state === 'stopped', 30_000, 'the projection stopped');
    const [letter] = await listDeadLetters(db.pool, 'carts');
    expect(letter).toMatchObject({
      position: positionToken(poison.position),
      eventId: poison.id,
      eventType: 'CartItemAdded',
      streamId: cartStream(poisoned),
      status: 'quarantined',
      attempts: 2,
    });
    expect(letter!.error).toContain("does not fit today's schema");
    const status = await statusOf(carts);
    expect(status.deadLetters).toEqual({ quarantined: 1, stoppedAt: positionToken(poison.position) });
    expect(status.lastError).toContain('CartItemAdded');
    expect((await countQuarantined(db.pool)).get('carts')).toBe(1);
    // Everything before the poison is applied (its cart's opening too), nothing after it.
    expect(await cartExists(schema, poisoned)).toBe(true);
    expect(await reached(schema, before.head)).toBe(true);
    expect(await reached(schema, poison.position)).toBe(false);
    for (const stream of after.streams) expect(await cartExists(schema, stream.slice(5))).toBe(false);

    // New ranges find it stopped and apply nothing past it.
    const more = await appendCartHistories(store, 2, 3);
    await enqueueRange(queues, 'second', more.head);
    await until(
      async () => ((await queues.get('carts')!.getJobCounts('completed')).completed ?? 0) >= 2,
      30_000,
      'the second range ran',
    );
    expect(await reached(schema, poison.position)).toBe(false);

    // Skip: an event with who, when and why, then the projection applies the rest.
    const skipped = await skipDeadLetter(
      { pool: db.pool, store },
      {
        projection: 'carts',
        position: positionToken(poison.position),
        reason: 'bad import, line re-added by hand',
        context: staff,
      },
    );
    expect(skipped.deadLetter).toMatchObject({ status: 'skipped', resolvedBy: staff.actor.userId });
    const [event] = await store.readStream(projectionStream('carts'));
    expect(event).toMatchObject({
      type: 'DeadLetterSkipped',
      data: {
        projection: 'carts',
        position: positionToken(poison.position),
        eventId: poison.id,
        eventType: 'CartItemAdded',
        reason: 'bad import, line re-added by hand',
      },
      metadata: { actor: staff.actor, correlationId: staff.correlationId, causationId: staff.requestId },
    });
    await until(async () => reached(schema, more.head), 30_000, 'the projection past the skipped event');
    for (const stream of [...after.streams, ...more.streams])
      expect(await cartExists(schema, stream.slice(5))).toBe(true);
    expect(await linesOf(schema, poisoned)).toEqual([]);
    expect((await statusOf(carts)).state).toBe('live');
    // Once skipped, neither a second skip nor a retry.
    await expect(
      skipDeadLetter(
        { pool: db.pool, store },
        { projection: 'carts', position: positionToken(poison.position), reason: 'again', context: staff },
      ),
    ).rejects.toThrow('skipped already');

    // A second poison stops it again; a retry before the fix fails again, after it applies.
    const second = await appendPoison();
    const last = await appendCartHistories(store, 2, 4);
    await enqueueRange(queues, 'third', last.head);
    await until(async () => (await statusOf(carts)).state === 'stopped', 30_000, 'stopped at the second poison');
    const token = positionToken(second.poison.position);
    await retryDeadLetter(db.pool, { projection: 'carts', position: token, reason: null, by: staff.actor.userId });
    await until(
      async () => (await listDeadLetters(db.pool, 'carts')).find((d) => d.position === token)?.attempts === 4,
      30_000,
      'the retry failed again',
    );
    expect((await statusOf(carts)).state).toBe('stopped');

    fixed = true;
    const retried = await retryDeadLetter(db.pool, {
      projection: 'carts',
      position: token,
      reason: 'upcaster for zero quantities',
      by: staff.actor.userId,
    });
    expect(retried.status).toBe('retried');
    await until(async () => reached(schema, last.head), 30_000, 'the projection past the retried event');
    expect(await linesOf(schema, second.cartId)).toEqual([{ quantity: 1 }]);
    const done = await statusOf(carts);
    expect(done.state).toBe('live');
    expect(done.deadLetters).toEqual({ quarantined: 0, stoppedAt: null });
    await stop();
  });

  it('passes over the skipped event in a rebuild too, which then holds what the live model holds', async () => {
    const head = (await store.head())!;
    await createSchema(db.pool, carts, 'carts_rebuilt');
    await catchUp(db.pool, store, carts, 'carts_rebuilt', head, { chunk: 7 });
    expect(await cartsSnapshot(db.pool, 'carts_rebuilt')).toEqual(await cartsSnapshot(db.pool, schema));
  });

  it('skips at once, as the system, under the skip policy', async () => {
    const skipping: Projection = { ...cartsProjection, name: 'carts_skipping', deadLetterPolicy: 'skip' };
    const { queues, stop } = await running(skipping);
    const { poison } = await appendPoison();
    const after = await appendCartHistories(store, 3, 5);
    await enqueueRange(queues, 'first', after.head);
    await until(async () => reached(liveSchema(skipping.name), after.head), 30_000, 'past the poison');
    // From the start of the log: the two poisons of the test before, and this one.
    const letters = await listDeadLetters(db.pool, skipping.name);
    expect(letters.map((d) => d.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(letters[0]).toMatchObject({ position: positionToken(poison.position), resolvedBy: null });
    const events = await store.readStream(projectionStream(skipping.name));
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({
      type: 'DeadLetterSkipped',
      data: { eventId: poison.id, reason: 'skip policy (DEAD_LETTER_SKIP)' },
      metadata: { actor: { userId: null, role: 'system' } },
    });
    expect((await statusOf(skipping)).state).toBe('live');
    await stop();
  });
});

describe('isTransient', () => {
  it('sends the moment’s failures back to the job retries and keeps the event’s', () => {
    expect(isTransient(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('null value in column'), { code: '23502' }))).toBe(false);
    expect(isTransient(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('timeout'), { name: 'MeiliSearchTimeOutError' }))).toBe(true);
    expect(isTransient(new TypeError('cannot read properties of undefined'))).toBe(false);
  });
});
