import type { Config } from './config.ts';
import { createPool } from './db.ts';
import { createPostgresEventStore } from './event-store/postgres/store.ts';
import type { Logger } from './logger.ts';
import { createRedis } from './redis.ts';

/** The clients every service starts with, reporting their background errors to its log. */
export function connectClients(config: Config, logger: Logger, { max = 20, pipeline = false } = {}) {
  const pool = createPool(config.DATABASE_URL, {
    max,
    pipeline,
    onIdleError: (err) => logger.warn({ err }, 'idle database connection lost'),
  });
  const store = createPostgresEventStore({
    pool,
    connectionString: config.DATABASE_URL,
    onError: (err) => logger.error({ err }, 'event store'),
  });
  const redis = createRedis(config.REDIS_URL);
  return {
    pool,
    store,
    redis,
    async close() {
      await store.close();
      await pool.end();
      redis.disconnect();
    },
  };
}
