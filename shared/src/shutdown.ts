import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from './logger.ts';

/** After SIGTERM a service gets this long to finish what is under way; then it exits anyway. */
export const STOP_WITHIN_MS = 10_000;

/** What a connection is answering now; null between requests (Node's own field, also read in client-error.ts). */
const answering = (socket: Socket) => (socket as { _httpMessage?: ServerResponse | null })._httpMessage ?? null;

/** Past this much of a stop, a connection answering nothing is closed whatever Node thinks of it. */
const IDLE_GRACE_MS = 1000;

/**
 * Stops accepting connections and resolves once the requests under way are answered. A
 * keep-alive connection is closed as soon as it is idle, not after its 65 s timeout. Node's
 * closeIdleConnections misses some (seen: the storefront's connections after a live order
 * stream ended, which then held a stop for the whole keep-alive timeout); after a second,
 * any connection answering nothing is closed too.
 */
function closeServer(server: Server, sockets: ReadonlySet<Socket>): Promise<void> {
  const since = Date.now();
  const closeIdle = () => {
    server.closeIdleConnections();
    if (Date.now() - since < IDLE_GRACE_MS) return;
    for (const socket of sockets) {
      const answer = answering(socket);
      if (!answer || answer.writableFinished) socket.destroy();
    }
  };
  return new Promise<void>((resolve) => {
    const idle = setInterval(closeIdle, 100);
    server.close(() => {
      clearInterval(idle);
      resolve();
    });
    closeIdle();
  });
}

/**
 * A service's graceful stop, on SIGTERM, SIGINT, or its supervisor gone (`npm start` gives each
 * app an IPC channel, which closes then): the server stops taking connections and answers
 * what it has, then `steps` close the rest in order. Exits 0, or 1 when a step fails or all
 * of it takes longer than STOP_WITHIN_MS (open connections are cut then).
 */
export function gracefulShutdown({
  logger,
  server,
  beforeClose = () => {},
  steps,
}: {
  logger: Logger;
  server: Server;
  /** Ends answers that never finish by themselves (event streams), which the close would wait for. */
  beforeClose?: () => void;
  steps: () => Promise<void>;
}): { readonly stopping: boolean } {
  const state = { stopping: false };
  // Every open connection, for the stop's last word on idle ones (closeServer).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const shutdown = async (why: string) => {
    if (state.stopping) return;
    state.stopping = true;
    logger.info({ why }, 'shutting down');
    setTimeout(() => {
      logger.error(`not stopped within ${STOP_WITHIN_MS / 1000} s; closing open connections and exiting`);
      server.closeAllConnections();
      process.exit(1);
    }, STOP_WITHIN_MS).unref();
    try {
      const closed = closeServer(server, sockets);
      beforeClose();
      await closed;
      await steps();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('disconnect', () => void shutdown('supervisor gone'));
  return state;
}

/**
 * Express hands a listen error (the port taken) to the callback instead of throwing: exit, so
 * the supervisor starts the process again rather than keeping one that serves nothing.
 */
export const listenedOrExit = (logger: Logger, what: string) => (err?: Error) => {
  if (err) {
    logger.fatal({ err }, `cannot listen on ${what}`);
    process.exit(1);
  }
  logger.info(`listening on ${what}`);
};
