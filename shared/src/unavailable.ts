/**
 * Errors that mean a service we depend on (PostgreSQL, Redis, the blob store) is away for a moment, not that
 * the request is wrong or the code is: the answer is a retryable 503, never stored as an
 * Idempotency-Key's final answer.
 */

// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (shut down by an
// administrator, crash shutdown, cannot connect now), 53300 (too many connections).
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const NODE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
// Messages of the clients themselves, which carry no code.
const CLIENT_MESSAGES = [
  'Connection terminated', // pg: the server closed the socket mid-query
  'timeout exceeded when trying to connect', // pg-pool connectionTimeoutMillis
  'Client has encountered a connection error', // pg: a client reused after its socket died
  'Cannot use a pool after calling end on the pool', // shutting down
  "Stream isn't writeable", // ioredis with the offline queue off
  'Connection is closed', // ioredis
  'Command timed out', // ioredis commandTimeout
  'Reached the max retries per request limit', // ioredis
];

export function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  // Errors of our own adapters that say so (the blob store's BlobStoreUnavailableError).
  if ((error as { unavailable?: unknown }).unavailable === true) return true;
  if (typeof code === 'string' && (POSTGRES_UNAVAILABLE.test(code) || NODE_NETWORK.has(code))) return true;
  if (typeof message === 'string' && CLIENT_MESSAGES.some((m) => message.includes(m))) return true;
  // An aggregate (several connection attempts) or a wrapped error: look inside.
  const inner = (error as { errors?: unknown[]; cause?: unknown }).errors ?? [(error as { cause?: unknown }).cause];
  return inner.some((e) => e !== undefined && e !== error && isUnavailable(e));
}

/** A dependency that did not answer within the bound set on a request's path: a retryable 503. */
export class DependencyUnavailableError extends Error {
  override name = 'DependencyUnavailableError';
  readonly unavailable = true;
  constructor(what: string) {
    super(`${what} did not answer in time`);
  }
}

/** How long a request waits for Redis through a BullMQ queue before answering 503 instead. */
export const QUEUE_WAIT_MS = 1000;

/** An ioredis client, as far as telling whether it is connected goes. */
type Connection = {
  status: string;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
};
type WithConnection = { opts: { connection?: unknown } };

const isConnection = (value: unknown): value is Connection =>
  typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'string';

/** Resolves once connected, or rejects with DependencyUnavailableError after `ms`. */
function readyWithin(connection: Connection, ms: number, what: string): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      connection.off('ready', ready);
      reject(new DependencyUnavailableError(what));
    }, ms);
    connection.once('ready', ready);
  });
}

/** `work`, or DependencyUnavailableError once `ms` have passed without its answer. */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyUnavailableError(what)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Asks a BullMQ queue for something on a request's path, waiting at most `ms` for Redis.
 * BullMQ's connection must retry forever (its workers block on it), so while Redis is away
 * anything asked of a queue waits as long, and a request that asks hangs. Here: while the
 * queue's connection is not up, nothing is sent (a command queued offline would run whenever
 * Redis came back, long after the client was told 503) and the answer is a 503 once `ms` pass
 * without it coming up; once up, its answer is awaited for what is left of `ms`. What is
 * asked of our queues is named by job id, so one that still lands after a 503 does no harm.
 */
export async function askQueue<T>(
  queue: WithConnection,
  work: () => Promise<T>,
  what = 'Redis (the job queues)',
  ms = QUEUE_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + ms;
  const connection = queue.opts.connection;
  if (isConnection(connection)) await readyWithin(connection, ms, what);
  return within(work(), Math.max(0, deadline - Date.now()), what);
}
