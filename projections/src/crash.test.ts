import { randomBytes } from 'node:crypto';
import { comparePositions, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { liveSchema, readCheckpoint } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCartHistories, cartsSnapshot } from './harness.test-support.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { catchUp } from './run-range.ts';
import { createSchema } from './schema.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe('a projector killed with SIGKILL mid-batch', () => {
  it('leaves a consistent read model, and after a restart one identical to a fresh build', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { events, head } = await appendCartHistories(store, 2500, 7);
    const live = liveSchema('carts');
    const env = {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
      PROJECTIONS_PORT: '0',
      JOB_LOCK_MS: '2000',
    };

    const first = spawnTs('projections/src/main.ts', [], env);
    // A transaction that has written (it holds a transaction id) inside the carts schema:
    // the worker is in the middle of applying a chunk.
    const midBatch = async () => {
      const { rows } = await db.pool.query<{ n: bigint }>(
        `select count(*)::bigint as n from pg_stat_activity
         where datname = current_database() and backend_xid is not null and query like '%rm_carts%'`,
      );
      return rows[0]!.n > 0n;
    };
    await until(async () => (await readCheckpoint(db.pool, live)) !== null, 30_000, 'schema created');
    await until(midBatch, 30_000, 'worker mid-batch');
    first.child.kill('SIGKILL');
    await first.exited;
    // Postgres rolls back the dead client's transaction once it notices the closed socket.
    await until(async () => !(await midBatch()), 10_000, 'rolled back');

    const atCrash = (await readCheckpoint(db.pool, live)) ?? START;
    expect(comparePositions(atCrash, head)).toBeLessThan(0);
    await createSchema(db.pool, cartsProjection, 'at_crash');
    await catchUp(db.pool, store, cartsProjection, 'at_crash', atCrash);
    expect(await cartsSnapshot(db.pool, live)).toEqual(await cartsSnapshot(db.pool, 'at_crash'));

    const second = spawnTs('projections/src/main.ts', [], env);
    await until(
      async () => comparePositions((await readCheckpoint(db.pool, live)) ?? START, head) >= 0,
      60_000,
      `caught up after restart (${events} events)`,
    );
    second.child.kill('SIGTERM');
    await second.exited;

    await createSchema(db.pool, cartsProjection, 'fresh');
    await catchUp(db.pool, store, cartsProjection, 'fresh', head);
    expect(await cartsSnapshot(db.pool, live)).toEqual(await cartsSnapshot(db.pool, 'fresh'));
    await store.close();
  });
});
