import { comparePositions, positionToken, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema, readCheckpoint } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatcher } from './dispatcher.ts';
import { appendCartHistories, cartsSnapshot, startPipeline } from './harness.test-support.ts';
import { rangeJobId } from './queues.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { projections } from './registry.ts';
import { catchUp } from './run-range.ts';
import { createSchema } from './schema.ts';

const logger = createLogger('test', 'silent');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe('dispatcher and worker', () => {
  it('keep the read model equal to a fresh build while events keep arriving, and ignore duplicate jobs', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const live = liveSchema('carts');
    await appendCartHistories(store, 30, 1);
    const pipeline = await startPipeline(db.pool, store, { batchSize: 50 });
    const standby = startDispatcher({
      pool: db.pool,
      store,
      queues: pipeline.queues,
      projections,
      logger,
      standbyRetryMs: 100,
    });
    const { head } = await appendCartHistories(store, 30, 2); // while it runs

    await until(async () => comparePositions((await readCheckpoint(db.pool, live)) ?? START, head) >= 0);
    expect(pipeline.dispatcher.isLeader() !== standby.isLeader()).toBe(true);
    // Only cart events so far: the other projections moved along without a single job.
    for (const name of ['catalog', 'inventory', 'orders']) {
      expect(comparePositions((await readCheckpoint(db.pool, liveSchema(name))) ?? START, head)).toBeGreaterThanOrEqual(
        0,
      );
      const counts = await pipeline.queues.get(name)!.getJobCounts('completed', 'waiting', 'active', 'delayed');
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    }

    await createSchema(db.pool, cartsProjection, 'fresh');
    await catchUp(db.pool, store, cartsProjection, 'fresh', head);
    const expected = await cartsSnapshot(db.pool, 'fresh');
    expect(expected.carts).toHaveLength(60);
    expect(await cartsSnapshot(db.pool, live)).toEqual(expected);

    // The same range twice, and an overlapping older one: nothing changes.
    const queue = pipeline.queues.get('carts')!;
    const token = positionToken(head);
    for (const from of ['0.0', '0.0', '1.1']) {
      await queue.add('range', { from, to: token }, { jobId: rangeJobId('carts', `dup-${from}`, token) });
    }
    await until(async () => (await queue.getJobCounts('waiting', 'active')).waiting === 0);
    await until(async () => (await queue.getJobCounts('active')).active === 0);
    expect(await cartsSnapshot(db.pool, live)).toEqual(expected);
    expect(await readCheckpoint(db.pool, live)).toEqual(head);
    expect((await queue.getJobCounts('failed')).failed).toBe(0);

    // The leader loses its lock connection: leadership moves (or returns) and nothing is missed.
    const terminated = await db.pool.query(
      `select pg_terminate_backend(pid) from pg_locks
       where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(terminated.rowCount).toBe(1);
    const { head: later } = await appendCartHistories(store, 20, 3);
    await until(async () => comparePositions((await readCheckpoint(db.pool, live)) ?? START, later) >= 0);
    expect(pipeline.dispatcher.isLeader() || standby.isLeader()).toBe(true);
    await createSchema(db.pool, cartsProjection, 'fresh_later');
    await catchUp(db.pool, store, cartsProjection, 'fresh_later', later);
    expect(await cartsSnapshot(db.pool, live)).toEqual(await cartsSnapshot(db.pool, 'fresh_later'));

    await standby.stop();
    await pipeline.stop();
    await store.close();
  });
});
