import { randomBytes } from 'node:crypto';
import { inTransaction } from '@flowdose/shared/db';
import { type Position, positionToken, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { createLogger } from '@flowdose/shared/logger';
import { readCheckpoint } from '@flowdose/shared/read-models';
import { createRedis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCartHistories, cartsSnapshot } from './harness.test-support.ts';
import { closeQueues, createQueues, enqueueRange } from './queues.ts';
import { buildRows, schemaRows, shopHistory } from './read-models/analytics-fixture.test-support.ts';
import { cartAbandonmentProjection } from './read-models/cart_abandonment/projection.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { salesDailyProjection } from './read-models/sales_daily/projection.ts';
import { shopDays } from './read-models/shop-day.ts';
import { catchUp, ProjectionVersionError, runRange } from './run-range.ts';
import { createSchema } from './schema.ts';
import { startWorker } from './worker.ts';

const logger = createLogger('test', 'silent');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

// What `npm run migrate` leaves after a new version's rebuild, while an old worker still runs.
const rebuilt = { ...cartsProjection, version: cartsProjection.version + 1 };
const oldVersion = `version ${cartsProjection.version}`;
const newVersion = `version ${rebuilt.version}`;
const cartCount = async (schema: string) =>
  Number((await db.pool.query(`select count(*) from ${schema}.carts`)).rows[0].count);

describe('a worker on another projection version', () => {
  it('refuses every range of a schema rebuilt for a newer version, and the checkpoint stays where it was', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const schema = 'rm_carts';
    await createSchema(db.pool, rebuilt, schema);
    const { head } = await appendCartHistories(store, 10, 1);
    const redis = createRedis('redis://127.0.0.1:6379');
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const queues = createQueues(redis, prefix, [cartsProjection]);
    const worker = startWorker({
      projection: cartsProjection,
      pool: db.pool,
      store,
      connection: redis,
      prefix,
      lockMs: 5000,
      logger,
      publishChange: async () => {},
    });

    await enqueueRange(queues, 'old-worker', head);
    const queue = queues.get('carts')!;
    await until(async () => ((await queue.getJobCounts('delayed')).delayed ?? 0) > 0, 10_000, 'the job refused');
    const [job] = await queue.getJobs(['delayed', 'failed']);
    expect(job?.failedReason).toContain('projection carts');
    expect(job?.failedReason).toContain(`holds ${newVersion}`);
    expect(job?.failedReason).toContain(`applies ${oldVersion}`);
    expect(await readCheckpoint(db.pool, schema)).toEqual(START);
    expect(await cartCount(schema)).toBe(0);
    await until(
      async () => (await db.pool.query(`select last_error from ${schema}.checkpoint`)).rows[0].last_error !== null,
      5_000,
      'last_error recorded',
    );

    await worker.close();
    await closeQueues(queues);
    redis.disconnect();
    await store.close();
  });

  it('refuses a range whose schema a rebuild swaps for a newer version while it waits for the checkpoint row', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { head } = await appendCartHistories(store, 10, 2);
    await createSchema(db.pool, cartsProjection, 'v_live');
    await createSchema(db.pool, rebuilt, 'v_shadow');

    // The swap as rebuild() does it: hold the live checkpoint row, rename both schemas, commit.
    let swapped = () => {};
    const commitSwap = new Promise<void>((resolve) => {
      swapped = resolve;
    });
    let holding = () => {};
    const rowHeld = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const swap = inTransaction(db.pool, async (tx) => {
      await tx.query('select 1 from v_live.checkpoint for update');
      holding();
      await commitSwap;
      await tx.query('alter schema v_live rename to v_retired');
      await tx.query('alter schema v_shadow rename to v_live');
    });
    await rowHeld;
    const range = runRange(db.pool, store, cartsProjection, 'v_live', { to: head }).then(
      () => null,
      (error: Error) => error,
    );
    await until(
      async () =>
        (
          await db.pool.query(
            "select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%v_live.checkpoint for update%'",
          )
        ).rowCount === 1,
      5_000,
      'the range waiting for the checkpoint row',
    );
    swapped();
    await swap;

    expect(await range).toBeInstanceOf(Error);
    expect(await readCheckpoint(db.pool, 'v_live')).toEqual(START);
    expect(await cartCount('v_live')).toBe(0);
    // The next attempt reads the swapped-in schema and names the mismatch.
    await expect(runRange(db.pool, store, cartsProjection, 'v_live', { to: head })).rejects.toThrow(
      ProjectionVersionError,
    );
    await store.close();
  });
});

describe('catchUp', () => {
  it('reads each page once, the next while the one before is applied, and reads again where another range moved it', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { head } = await appendCartHistories(store, 20, 3);
    await createSchema(db.pool, cartsProjection, 'ahead_whole');
    // The log's every cart event (the tests before appended some too), in one page.
    const events = await catchUp(db.pool, store, cartsProjection, 'ahead_whole', head, { chunk: 100_000 });
    const whole = await cartsSnapshot(db.pool, 'ahead_whole');

    const reads: Position[] = [];
    const counting = {
      ...store,
      readAll: (after: Position, options: Parameters<typeof store.readAll>[1]) => {
        reads.push(after);
        return store.readAll(after, options);
      },
    };
    await createSchema(db.pool, cartsProjection, 'ahead_pages');
    expect(await catchUp(db.pool, counting, cartsProjection, 'ahead_pages', head, { chunk: 7 })).toBe(events);
    expect(await cartsSnapshot(db.pool, 'ahead_pages')).toEqual(whole);
    // A page per 7 events (and an empty one after a last full page), none read twice.
    expect(reads.length).toBe(Math.floor(events / 7) + 1);
    expect(new Set(reads.map(positionToken)).size).toBe(reads.length);

    // Two at once on one schema: each finds pages the other applied, its page read ahead
    // from a checkpoint that moved on is dropped, and every event is applied once.
    await createSchema(db.pool, cartsProjection, 'ahead_raced');
    const raced = await Promise.all([
      catchUp(db.pool, store, cartsProjection, 'ahead_raced', head, { chunk: 5 }),
      catchUp(db.pool, store, cartsProjection, 'ahead_raced', head, { chunk: 5 }),
    ]);
    expect(raced[0] + raced[1]).toBe(events);
    expect(await cartsSnapshot(db.pool, 'ahead_raced')).toEqual(whole);
    await store.close();
  });

  // The analytics models fold a chunk into a few statements whose order matters (a chunk's
  // sums before its refunds, patched carts before the carts it opened): through the real
  // store, pipelined on one connection and with the next page read ahead, small pages give
  // the tables one page of the same events gives.
  it('applies chunk projections page by page as one page of the same events', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    let head: Position = START;
    for (const { id, streamId, type, data, metadata } of shopHistory().events)
      ({ position: head } = await store.append(streamId, [{ id, type, data, metadata }], 'any'));
    // Transaction ids are the cluster's: another test's open transaction, in any database,
    // holds the readable log back until it ends. Wait for the whole history to be readable.
    await readableAt(store, head);
    const utc = shopDays('UTC');
    for (const projection of [salesDailyProjection(utc), cartAbandonmentProjection(utc)]) {
      const schema = `paged_${projection.name}`;
      await createSchema(db.pool, projection, schema);
      expect(await catchUp(db.pool, store, projection, schema, head, { chunk: 3 })).toBeGreaterThan(3);
      // The same events as the store recorded them (their times are the store's).
      const { events } = await store.readAll(START, { to: head, types: projection.handles, limit: 100_000 });
      const whole = await buildRows(db.pool, projection, `whole_${projection.name}`, events);
      expect(await schemaRows(db.pool, schema), projection.name).toEqual(whole);
    }
    await store.close();
  });
});
