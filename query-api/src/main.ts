// First: tracing patches pg, ioredis and express before anything loads them.
import '@flowdose/shared/tracing';
import { queryApi } from '@flowdose/contract/query-api';
import { createRenditionsQueue } from '@flowdose/projections/renditions';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { createBlobStore } from '@flowdose/shared/blob-store/create';
import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { expressRouteLabel, instrumentHttp } from '@flowdose/shared/metrics/http';
import { metricsPort, serveMetrics } from '@flowdose/shared/metrics/serve';
import { createNotifications } from '@flowdose/shared/notifications';
import { gracefulShutdown, listenedOrExit } from '@flowdose/shared/shutdown';
import { flushTracing } from '@flowdose/shared/tracing';
import { buildApp } from './app.ts';
import { createChangeHub } from './changes.ts';
import { createPositionWaiter } from './min-position.ts';

const config = loadConfig();
const logger = createLogger('query-api', config.LOG_LEVEL, config);
const metrics = createMetrics('query-api');
const { pool, store, redis, queueRedis, close } = connectClients(config, logger, { metrics });
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
  metrics,
});
const server = app.listen(config.QUERY_API_PORT, listenedOrExit(logger, `:${config.QUERY_API_PORT}`));
instrumentHttp(server, metrics, expressRouteLabel(queryApi));
const metricsServer = serveMetrics(metrics, {
  host: config.METRICS_HOST,
  port: metricsPort(config, 'query-api'),
  logger,
});

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
    await (await metricsServer).close();
    await flushTracing();
  },
});
