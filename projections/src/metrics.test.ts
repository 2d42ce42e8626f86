import { randomBytes } from 'node:crypto';
import { changePublisher } from '@flowdose/shared/change-feed';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { type MetricsServer, serveMetrics } from '@flowdose/shared/metrics/serve';
import { liveSchema, shadowSchema } from '@flowdose/shared/read-models';
import { createRedis, createRequestRedis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { figure, scrape } from '@flowdose/testing/metrics';
import { freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCartHistories } from './harness.test-support.ts';
import { projectionGauges, projectionMetrics, watchWorker } from './metrics.ts';
import { closeQueues, createQueues, enqueueRange, queueName } from './queues.ts';
import { projections } from './registry.ts';
import { createSchema, dropSchema } from './schema.ts';
import { startWorker } from './worker.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const logger = createLogger('test', 'silent');

describe("a projection's lag", () => {
  it('rises while its worker is paused and falls to 0 once it has caught up', async () => {
    const carts = projections.find((p) => p.name === 'carts')!;
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const redis = createRedis('redis://127.0.0.1:6379');
    const publisher = createRequestRedis('redis://127.0.0.1:6379');
    publisher.on('error', () => {});
    const queues = createQueues(redis, prefix, [carts]);
    await createSchema(db.pool, carts, liveSchema(carts.name));
    const registry = createMetrics('projections');
    const counters = projectionMetrics(registry);
    projectionGauges(registry, {
      pool: db.pool,
      store,
      projections: [carts],
      queues: new Map([[queueName(carts.name), queues.get(carts.name)!]]),
      redis,
      logger,
    });
    const worker = startWorker({
      projection: carts,
      pool: db.pool,
      store,
      connection: redis,
      prefix,
      lockMs: 5000,
      logger,
      publishChange: changePublisher(publisher, prefix, logger),
    });
    watchWorker(counters, carts.name, worker);
    let server: MetricsServer | undefined;
    try {
      server = await serveMetrics(registry, { host: '127.0.0.1', port: 0, logger });
      const url = `http://127.0.0.1:${server.port}/metrics`;
      const lag = async (name: string) => figure(await scrape(url), name, { projection: 'carts' });
      await worker.waitUntilReady();
      await worker.pause();
      expect(await lag('flowdose_projection_lag_events')).toBe(0);

      const { events, head } = await appendCartHistories(store, 5);
      await enqueueRange(queues, 'test', head);
      await expect.poll(() => lag('flowdose_projection_lag_events'), { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(() => lag('flowdose_projection_lag_seconds'), { timeout: 10_000 }).toBeGreaterThan(0);
      const paused = await scrape(url);
      expect(figure(paused, 'flowdose_queue_jobs', { queue: queueName('carts'), state: 'waiting' })).toBe(1);
      expect(figure(paused, 'flowdose_global_log_held_back_seconds')).toBeGreaterThanOrEqual(0);

      worker.resume();
      await expect.poll(() => lag('flowdose_projection_lag_events'), { timeout: 30_000 }).toBe(0);
      const after = await scrape(url);
      expect(figure(after, 'flowdose_projection_lag_seconds', { projection: 'carts' })).toBe(0);
      expect(figure(after, 'flowdose_queue_jobs', { queue: queueName('carts'), state: 'waiting' })).toBe(0);
      await expect
        .poll(async () =>
          figure(await scrape(url), 'flowdose_projection_events_applied_total', { projection: 'carts' }),
        )
        .toBe(events);
      // No rebuild runs: no progress series.
      expect(after).not.toMatch(/^flowdose_projection_rebuild_progress\{/m);

      // A transaction that took an id holds the log back for as long as it stays open.
      const holder = await db.pool.connect();
      try {
        await holder.query('begin');
        await holder.query('select pg_current_xact_id()');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(figure(await scrape(url), 'flowdose_global_log_held_back_seconds')).toBeGreaterThanOrEqual(1);
      } finally {
        await holder.query('rollback');
        holder.release();
      }

      // A rebuild under way (its shadow schema, its checkpoint at the start): its progress shows.
      await createSchema(db.pool, carts, shadowSchema(carts.name));
      await expect.poll(() => lag('flowdose_projection_rebuild_progress')).toBe(0);
      await dropSchema(db.pool, shadowSchema(carts.name));
      await expect.poll(() => lag('flowdose_projection_rebuild_progress')).toBeNaN();
    } finally {
      await server?.close();
      await worker.close();
      await closeQueues(queues);
      await store.close();
      redis.disconnect();
      publisher.disconnect();
    }
  });
});

describe('a scrape while Redis is away', () => {
  it('answers at once without the queue figures, and with the rest', async () => {
    const carts = projections.find((p) => p.name === 'carts')!;
    await createSchema(db.pool, carts, liveSchema(carts.name));
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    // Nothing listens there: BullMQ's connection retries for ever, and a count asked of it would wait.
    const redis = createRedis(`redis://127.0.0.1:${await freePort()}`);
    redis.on('error', () => {});
    const queues = createQueues(redis, 'taway', [carts]);
    const registry = createMetrics('projections');
    projectionGauges(registry, {
      pool: db.pool,
      store,
      projections: [carts],
      queues: new Map([[queueName(carts.name), queues.get(carts.name)!]]),
      redis,
      logger,
    });
    try {
      const text = await registry.metrics();
      expect(text).not.toMatch(/^flowdose_queue_jobs\{/m);
      expect(figure(text, 'flowdose_projection_lag_events', { projection: 'carts' })).toBeGreaterThanOrEqual(0);
      expect(figure(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
      await store.close();
    }
  });
});

describe('the projections service', () => {
  it('serves its figures on its own metrics port, apart from its status port', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const service = spawnTs('projections/src/main.ts', [], {
      DATABASE_URL: db.url,
      PROJECTIONS_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    });
    const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
    try {
      await until(
        () =>
          fetch(`http://127.0.0.1:${port}/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
        'projections ready',
      );
      const text = await scrape(metrics);
      for (const p of projections) {
        expect(figure(text, 'flowdose_projection_lag_events', { projection: p.name }), p.name).toBeGreaterThanOrEqual(
          0,
        );
        expect(figure(text, 'flowdose_queue_jobs', { queue: queueName(p.name), state: 'failed' }), p.name).toBe(0);
      }
      expect(figure(text, 'flowdose_queue_jobs', { queue: 'projection-rebuilds', state: 'active' })).toBe(0);
      expect(figure(text, 'flowdose_global_log_held_back_seconds', { service: 'projections' })).toBeGreaterThanOrEqual(
        0,
      );
      expect(figure(text, 'flowdose_pg_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(figure(text, 'flowdose_redis_reconnects_total', { client: 'queues' })).toBe(0);
      expect(figure(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
