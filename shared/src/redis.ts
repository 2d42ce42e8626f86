import { Redis } from 'ioredis';

// BullMQ needs maxRetriesPerRequest null on the connections it blocks on.
export const createRedis = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
export type { Redis };
