import type { Server } from 'node:http';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { buildApp } from './app.ts';
import { createPositionWaiter } from './min-position.ts';

/** After SIGTERM, requests under way (an X-Min-Position wait among them) get this long; then it exits anyway. */
const STOP_WITHIN_MS = 10_000;

const config = loadConfig();
const logger = createLogger('query-api', config.LOG_LEVEL);
const { pool, store, redis, close } = connectClients(config, logger);
const notifications = createNotifications(config.DATABASE_URL, (err) => logger.error({ err }, 'notifications'));
const waitForPosition = createPositionWaiter(pool, notifications, config.MIN_POSITION_TIMEOUT_MS);
const sessions = createSessions(pool, config);
const app = buildApp({ config, logger, pool, redis, store, sessions, waitForPosition });
const server = app.listen(config.QUERY_API_PORT, (err?: Error) => {
  // Express hands a listen error (the port taken) here instead of throwing: exit, so the
  // supervisor starts the process again rather than keeping one that serves nothing.
  if (err) {
    logger.fatal({ err }, `cannot listen on :${config.QUERY_API_PORT}`);
    process.exit(1);
  }
  logger.info(`query-api listening on :${config.QUERY_API_PORT}`);
});

/**
 * Stops accepting connections and resolves once the requests under way are answered. A
 * keep-alive connection is closed as soon as it is idle, not after its 5 s timeout.
 */
function closeServer(s: Server) {
  return new Promise<void>((resolve) => {
    const idle = setInterval(() => s.closeIdleConnections(), 100);
    s.close(() => {
      clearInterval(idle);
      resolve();
    });
    s.closeIdleConnections();
  });
}

let stopping = false;
async function shutdown(why: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ why }, 'shutting down');
  setTimeout(() => {
    logger.error(`not stopped within ${STOP_WITHIN_MS / 1000} s; closing open connections and exiting`);
    server.closeAllConnections();
    process.exit(1);
  }, STOP_WITHIN_MS).unref();
  try {
    // The waiters of requests still under way listen through the notifications: those close after.
    await closeServer(server);
    await notifications.close();
    await close();
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
// `npm start` gives each app an IPC channel; it closes when the supervisor is gone.
process.once('disconnect', () => void shutdown('supervisor gone'));
