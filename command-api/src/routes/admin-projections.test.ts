import { randomUUID } from 'node:crypto';
import { appendCartHistories, cartsSnapshot } from '@flowdose/projections/harness.test-support';
import { cartsProjection } from '@flowdose/projections/read-models/carts/projection';
import { startRebuildWorker } from '@flowdose/projections/rebuild-worker';
import { projections } from '@flowdose/projections/registry';
import { catchUp } from '@flowdose/projections/run-range';
import { createSchema } from '@flowdose/projections/schema';
import { type Role, signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import type { TestDatabase } from '@flowdose/testing/db';
import type { TestServer } from '@flowdose/testing/http';
import { until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { commandDeps } from '../deps.ts';
import { startCommandApi } from '../harness.test-support.ts';

const config = testConfig();
const logger = createLogger('test', 'silent');
let db: TestDatabase;
let redis: Redis;
let close: () => Promise<void>;
let api: TestServer;
let deps: ReturnType<typeof commandDeps>;

beforeAll(async () => {
  ({ db, queueRedis: redis, api, deps, close } = await startCommandApi(config));
});
afterAll(() => close());

const as = async (role: Role) => ({
  Authorization: `Bearer ${await signAccessToken(config.AUTH_JWT_SECRET, { userId: randomUUID(), role, sessionId: randomUUID() }, 60)}`,
});

describe('POST /admin/projections/:name/rebuild', () => {
  it('needs ops or admin, and a projection that exists', async () => {
    expect((await api.request('POST', '/admin/projections/carts/rebuild')).status).toBe(401);
    for (const role of ['customer', 'analyst'] as const) {
      expect((await api.request('POST', '/admin/projections/carts/rebuild', { headers: await as(role) })).status).toBe(
        403,
      );
    }
    expect((await api.request('POST', '/admin/projections/nope/rebuild', { headers: await as('ops') })).status).toBe(
      404,
    );
  });

  it('queues one rebuild per projection, which the projections service runs and swaps in', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { head } = await appendCartHistories(store, 300, 9);
    await createSchema(db.pool, cartsProjection, liveSchema('carts'));

    const first = await api.request<{ jobId: string }>('POST', '/admin/projections/carts/rebuild', {
      headers: await as('ops'),
    });
    const second = await api.request<{ jobId: string }>('POST', '/admin/projections/carts/rebuild', {
      headers: await as('admin'),
    });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.jobId).toBe(first.body.jobId);
    expect(await deps.rebuilds.getJobCounts('waiting')).toMatchObject({ waiting: 1 });

    const worker = startRebuildWorker({
      pool: db.pool,
      store,
      queues: new Map(),
      projections,
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      publishChange: async () => {},
      logger,
    });
    try {
      const job = (await deps.rebuilds.getJob(first.body.jobId))!;
      await until(async () => (await job.getState()) === 'completed', 30_000, 'rebuild completed');
      const done = (await deps.rebuilds.getJob(first.body.jobId))!;
      expect(done.progress).toMatchObject({ phase: 'done', percent: 100 });
    } finally {
      await worker.close();
    }
    await createSchema(db.pool, cartsProjection, 'fresh');
    await catchUp(db.pool, store, cartsProjection, 'fresh', head);
    expect(await cartsSnapshot(db.pool, liveSchema('carts'))).toEqual(await cartsSnapshot(db.pool, 'fresh'));
    await store.close();
  });
});
