import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import { createPool } from './db.ts';
import { createPostgresEventStore } from './event-store/postgres/store.ts';
import type { Logger } from './logger.ts';
import { appendMetrics, redisMetrics } from './metrics/clients.ts';
import { poolMetrics } from './metrics/pool.ts';
import { createRedis, createRequestRedis } from './redis.ts';

/**
 * The clients every service starts with, reporting their background errors to its log and,
 * given the service's registry, their figures (pool, appends, Redis reconnects) to it.
 */
export function connectClients(
  config: Config,
  logger: Logger,
  { max = 20, pipeline = false, metrics }: { max?: number; pipeline?: boolean; metrics?: Registry } = {},
) {
  const pool = createPool(config.DATABASE_URL, {
    max,
    pipeline,
    onIdleError: (err) => logger.warn({ err }, 'idle database connection lost'),
  });
  const store = createPostgresEventStore({
    pool,
    connectionString: config.DATABASE_URL,
    onError: (err) => logger.error({ err }, 'event store'),
    ...(metrics ? { onAppended: appendMetrics(metrics) } : {}),
  });
  // Two connections: one that fails fast for requests, one that waits for BullMQ.
  const redis = createRequestRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.debug({ err }, 'redis (requests)'));
  const queueRedis = createRedis(config.REDIS_URL);
  queueRedis.on('error', (err) => logger.debug({ err }, 'redis (queues)'));
  if (metrics) {
    poolMetrics(metrics, pool);
    const countReconnects = redisMetrics(metrics);
    countReconnects('requests', redis);
    countReconnects('queues', queueRedis);
  }
  return {
    pool,
    store,
    redis,
    queueRedis,
    async close() {
      await store.close();
      await pool.end();
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
