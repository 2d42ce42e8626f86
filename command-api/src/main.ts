import { loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createRedis } from '@flowdose/shared/redis';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';

const config = loadConfig();
const logger = createLogger('command-api', config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, {
  max: 20,
  onIdleError: (err) => logger.warn({ err }, 'idle database connection lost'),
});
const store = createPostgresEventStore({
  pool,
  connectionString: config.DATABASE_URL,
  onError: (err) => logger.error({ err }, 'event store'),
});
const redis = createRedis(config.REDIS_URL);
const deps = commandDeps({ config, logger, pool, store, redis });
const app = buildApp(deps);
const server = app.listen(config.COMMAND_API_PORT, () =>
  logger.info(`command-api listening on :${config.COMMAND_API_PORT}`),
);

const shutdown = async () => {
  logger.info('shutting down');
  server.close();
  await deps.rebuilds.close();
  await store.close();
  await pool.end();
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
