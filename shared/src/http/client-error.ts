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
 * After a refusal that closes the connection, how long and how much of what the client still
 * sends is read and thrown away before the socket is closed. A socket closed with unread bytes
 * sends a reset instead of a close, and a client that gets the reset before reading the
 * refusal reports a broken connection, not the answer (RFC 9112 §9.6, "lingering close", as
 * nginx and Apache do it).
 */
const LINGER_MS = 2000;
const LINGER_BYTES = 1024 * 1024;

/** Sockets whose refusal is written: further parser errors on them are the rest of their bytes. */
const refused = new WeakSet<Duplex>();

function lingerThenClose(socket: Duplex): void {
  let discarded = 0;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) socket.destroy();
  });
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}

/**
 * Node answers what its parser refuses (a malformed request line or header, a DELETE whose
 * body has no length and so reads as a second, broken request, headers past 16 KiB) with a
 * bare 400 or 431 of its own, even ahead of the answer to a request read before. This
 * answers the same statuses as application/problem+json, after any such answer, written to
 * the socket since there is no request or response object for it, then reads what the client
 * still sends for a moment before closing, so its end is a close and not a reset.
 */
export function answerClientErrors(server: Server, logger: Logger): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The parser stays in its error state and reports every later chunk again: those are the
    // bytes being thrown away after the refusal below.
    if (refused.has(socket)) return;
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    refused.add(socket);
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
      lingerThenClose(socket);
    };
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

/**
 * Timeouts for life behind a load balancer or a reverse proxy, which keep connections to us
 * open between requests. An idle connection must be closed by the proxy, never by us: a
 * close from our side that crosses a request the proxy just sent on it is a reset (a 502 at
 * the proxy; with Node's 5 s default, clients pausing about 5 s saw them). So we wait longer
 * than the common idle timeouts (AWS's load balancers and nginx: 60 s).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Longer than the keep-alive wait, or a request arriving late in it could be cut off mid-headers (Node's advice). */
export const HEADERS_TIMEOUT_MS = 66_000;
/** A whole request, body included: a 10 MB image over a slow uplink fits; a client trickling bytes does not. */
export const REQUEST_TIMEOUT_MS = 300_000;

export function setConnectionTimeouts(server: Server): Server {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  return server;
}

type Listening = { listen: (...args: never[]) => Server };

/**
 * Wherever the app is served from (main.ts, the tests' server), `app.listen` is what makes the
 * server, so the server it makes gets the handler and the timeouts above before it accepts a
 * connection.
 */
export function withClientErrorProblems<App extends Listening>(app: App, logger: Logger): App {
  const listen = app.listen.bind(app) as (...args: unknown[]) => Server;
  app.listen = ((...args: unknown[]) =>
    setConnectionTimeouts(answerClientErrors(listen(...args), logger))) as App['listen'];
  return app;
}
