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
