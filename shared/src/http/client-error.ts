import { type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.ts';

// Node's own statuses for what its HTTP parser refuses before express sees a request.
const STATUS_OF: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

const DETAIL_OF: Record<number, [string, string]> = {
  400: ['bad-request', 'The request is not valid HTTP/1.1 (its framing, a header, or a body without a length).'],
  408: ['request-timeout', 'The request did not arrive in time.'],
  413: ['payload-too-large', 'The request is larger than allowed.'],
  431: ['headers-too-large', 'The request headers are larger than allowed.'],
};

/**
 * Node answers what its parser refuses (a malformed request line or header, a DELETE whose
 * body has no length and so reads as a second, broken request, headers past 16 KiB) with a
 * bare 400 or 431 of its own, even ahead of the answer to a request read before. This
 * answers the same statuses as application/problem+json, after any such answer, written to
 * the socket since there is no request or response object for it.
 */
export function answerClientErrors(server: Server, logger: Logger): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = STATUS_OF[error.code ?? ''] ?? 400;
    const [code, detail] = DETAIL_OF[status] ?? DETAIL_OF[400]!;
    const body = JSON.stringify({ type: `/problems/${code}`, title: STATUS_CODES[status], status, detail });
    const refuse = () => {
      if (!socket.writable) return socket.destroy();
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          'Content-Type: application/problem+json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'X-Content-Type-Options: nosniff\r\n' +
          `Connection: close\r\n\r\n${body}`,
      );
    };
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    logger.warn({ code: error.code, status }, 'request refused by the HTTP parser');
    // A request read before the broken bytes is still being answered on this socket (a
    // DELETE whose body had no length: the body reads as the next request). Its answer goes
    // first, in order; the refusal follows and closes the connection.
    const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (pending && !pending.writableFinished) {
      pending.once('finish', refuse);
      pending.once('close', () => pending.writableFinished || socket.destroy());
      return;
    }
    refuse();
  });
  return server;
}

type Listening = { listen: (...args: never[]) => Server };

/**
 * Wherever the app is served from (main.ts, the tests' server), `app.listen` is what makes the
 * server, so the server it makes gets the handler above before it accepts a connection.
 */
export function withClientErrorProblems<App extends Listening>(app: App, logger: Logger): App {
  const listen = app.listen.bind(app) as (...args: unknown[]) => Server;
  app.listen = ((...args: unknown[]) => answerClientErrors(listen(...args), logger)) as App['listen'];
  return app;
}
