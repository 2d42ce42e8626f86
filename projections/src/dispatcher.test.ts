import { randomBytes } from 'node:crypto';
import { createServer, connect as dial, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool } from '@flowdose/shared/db';
import { comparePositions, type Position, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import { createRedis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatcher } from './dispatcher.ts';
import { appendCartHistories } from './harness.test-support.ts';
import { closeQueues, createQueues } from './queues.ts';
import { projections } from './registry.ts';
import { createSchema } from './schema.ts';

const logger = createLogger('test', 'silent');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

/**
 * A TCP relay in front of Postgres that resets the first connection carrying the election
 * query, before the query reaches the server: the client sees its socket die mid-query.
 */
async function relayResettingElection(databaseUrl: string) {
  const target = new URL(databaseUrl);
  let resets = 0;
  const server: Server = createServer((client) => {
    const upstream = dial(Number(target.port || 5432), target.hostname);
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (resets === 0 && chunk.includes('pg_try_advisory_lock')) {
        resets++;
        client.resetAndDestroy();
        return;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    resets: () => resets,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const advisoryLockHolders = async () =>
  (
    await db.pool.query<{ pid: number }>(
      `select pid from pg_locks
       where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
    )
  ).rows.map((r) => r.pid);

const dispatchedTo = async (): Promise<Position> => {
  const { rows } = await db.pool.query<{ major: bigint; minor: bigint }>(
    "select major, minor from dispatcher_checkpoint where id = 'projections'",
  );
  return rows[0] ? { major: rows[0].major, minor: rows[0].minor } : START;
};

describe('dispatcher election', () => {
  it('elects one leader after a connection reset during pg_try_advisory_lock, leaks no lock, and dispatches again', async () => {
    const relay = await relayResettingElection(db.url);
    const pool = createPool(relay.url, { max: 5, pipeline: true });
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const redis = createRedis('redis://127.0.0.1:6379');
    const queues = createQueues(redis, `t${randomBytes(4).toString('hex')}`, projections);
    for (const p of projections) await createSchema(db.pool, p, liveSchema(p.name));

    const dispatcher = startDispatcher({ pool, store, queues, projections, logger, standbyRetryMs: 50 });
    await until(async () => relay.resets() === 1, 10_000, 'election connection reset');
    const { head } = await appendCartHistories(store, 5, 1);
    await until(async () => comparePositions(await dispatchedTo(), head) >= 0, 10_000, 'dispatched after the reset');

    // Many retry periods: a second election attempt scheduled by the same reset would have
    // run by now and fought the first over the lock.
    await sleep(1000);
    expect(dispatcher.isLeader()).toBe(true);
    expect(await advisoryLockHolders()).toHaveLength(1);
    const { head: later } = await appendCartHistories(store, 5, 2);
    await until(async () => comparePositions(await dispatchedTo(), later) >= 0, 10_000, 'still dispatching');

    await dispatcher.stop();
    // Stopping ends the leader's own session; a lock still held after that is a leaked session's.
    await until(async () => (await advisoryLockHolders()).length === 0, 5_000, 'no advisory lock left after stop');
    expect(pool.totalCount - pool.idleCount).toBe(0);

    await closeQueues(queues);
    redis.disconnect();
    await pool.end();
    await relay.close();
    await store.close();
  });
});
