import { Redis } from 'ioredis';

/**
 * For BullMQ: it blocks on its connections and needs them to retry forever
 * (maxRetriesPerRequest null). Never on a request's path: with Redis down it would wait.
 */
export const createRedis = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });

/**
 * For work on a request's path (rate-limit counters): with Redis down a command fails at
 * once instead of queueing, and a slow one gives up after a second, so the caller can fall
 * back or answer 503 rather than hang. It reconnects by itself, every half second at most.
 */
export const createRequestRedis = (url: string): Redis =>
  new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 500),
  });

export type { Redis };
