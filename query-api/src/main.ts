import { createSessions } from '@flowdose/shared/auth/sessions';
import { loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { createRedis } from '@flowdose/shared/redis';
import { buildApp } from './app.ts';
import { createPositionWaiter } from './min-position.ts';

const config = loadConfig();
const logger = createLogger('query-api', config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, {
  max: 20,
  onIdleError: (err) => logger.warn({ err }, 'idle database connection lost'),
});
const redis = createRedis(config.REDIS_URL);
const notifications = createNotifications(config.DATABASE_URL, (err) => logger.error({ err }, 'notifications'));
const waitForPosition = createPositionWaiter(pool, notifications, config.MIN_POSITION_TIMEOUT_MS);
const store = createPostgresEventStore({ pool, connectionString: config.DATABASE_URL });
const sessions = createSessions(pool, redis, config);
const app = buildApp({ config, logger, pool, redis, store, sessions, waitForPosition });
const server = app.listen(config.QUERY_API_PORT, () => logger.info(`query-api listening on :${config.QUERY_API_PORT}`));

const shutdown = async () => {
  logger.info('shutting down');
  server.close();
  await notifications.close();
  await store.close();
  await pool.end();
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
