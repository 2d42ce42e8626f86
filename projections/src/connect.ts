import type { Config } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import type { Logger } from '@flowdose/shared/logger';
import { createRedis } from '@flowdose/shared/redis';
import { closeQueues, createQueues } from './queues.ts';
import { projections } from './registry.ts';

/** The clients both entry points (the service and the ops CLI) need. */
export function connect(config: Config, logger: Logger) {
  const pool = createPool(config.DATABASE_URL, {
    max: 10,
    pipeline: true,
    onIdleError: (err) => logger.warn({ err }, 'idle database connection lost'),
  });
  const store = createPostgresEventStore({
    pool,
    connectionString: config.DATABASE_URL,
    onError: (err) => logger.error({ err }, 'event store'),
  });
  const redis = createRedis(config.REDIS_URL);
  const queues = createQueues(redis, config.QUEUE_PREFIX, projections);
  return {
    pool,
    store,
    redis,
    queues,
    async close() {
      await closeQueues(queues);
      await store.close();
      await pool.end();
      redis.disconnect();
    },
  };
}
