import { createRenditionsQueue } from '@flowdose/projections/renditions';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { createBlobStore } from '@flowdose/shared/blob-store/create';
import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { gracefulShutdown, listenedOrExit } from '@flowdose/shared/shutdown';
import { buildApp } from './app.ts';
import { createChangeHub } from './changes.ts';
import { createPositionWaiter } from './min-position.ts';

const config = loadConfig();
const logger = createLogger('query-api', config.LOG_LEVEL);
const { pool, store, redis, queueRedis, close } = connectClients(config, logger);
const notifications = createNotifications(config.DATABASE_URL, (err) => logger.error({ err }, 'notifications'));
const waitForPosition = createPositionWaiter(pool, notifications, config.MIN_POSITION_TIMEOUT_MS);
const sessions = createSessions(pool, config);
const blobs = createBlobStore(config);
const renditions = createRenditionsQueue(queueRedis, config.QUEUE_PREFIX);
const changes = createChangeHub({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger });
const stopping = new AbortController();
const app = buildApp({
  config,
  logger,
  pool,
  redis,
  store,
  sessions,
  waitForPosition,
  blobs,
  renditions,
  changes,
  stopping: stopping.signal,
});
const server = app.listen(config.QUERY_API_PORT, listenedOrExit(logger, `:${config.QUERY_API_PORT}`));

gracefulShutdown({
  logger,
  server,
  // Live order streams never finish on their own: ended first, their clients reconnect elsewhere.
  beforeClose: () => stopping.abort(),
  async steps() {
    // The waiters of requests still under way listen through the notifications: those close after.
    await notifications.close();
    changes.close();
    await renditions.close();
    await blobs.close();
    await close();
  },
});
