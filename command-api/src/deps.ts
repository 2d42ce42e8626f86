import { quiet } from '@flowdose/projections/queues';
import type { RebuildJob } from '@flowdose/projections/rebuild-worker';
import { projections } from '@flowdose/projections/registry';
import { createRenditionsQueue, type RenditionsJob } from '@flowdose/projections/renditions';
import { argon2idHasher, type PasswordHasher } from '@flowdose/shared/auth/passwords';
import { createSessions, type Sessions } from '@flowdose/shared/auth/sessions';
import { createBlobStore } from '@flowdose/shared/blob-store/create';
import type { BlobStore } from '@flowdose/shared/blob-store/port';
import { type Clock, systemClock } from '@flowdose/shared/clock';
import type { Config } from '@flowdose/shared/config';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import type { Logger } from '@flowdose/shared/logger';
import { REBUILD_QUEUE } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { Queue } from 'bullmq';
import { type PaymentProvider, testPaymentProvider } from './payments.ts';
import { catalogPrices, type Prices } from './prices.ts';
import { createRateLimits, type RateLimits } from './rate-limits.ts';

/** What the routes and command flows are given (routes take it from here, not from app.ts, which imports them). */
export type Deps = {
  config: Config;
  logger: Logger;
  pool: Pool;
  store: EventStore;
  prices: Prices;
  sessions: Sessions;
  hasher: PasswordHasher;
  limits: RateLimits;
  rebuilds: Queue<RebuildJob>;
  /** Uploaded images' bytes (BLOB_STORE). */
  blobs: BlobStore;
  /** Where an upload asks for its renditions (the projections service makes them). */
  renditions: Queue<RenditionsJob>;
  payments: PaymentProvider;
  clock: Clock;
  projectionNames: readonly string[];
};

/** The command API's dependencies from its clients: used by main.ts and by the tests alike. */
export const commandDeps = ({
  config,
  logger,
  pool,
  store,
  redis,
  queueRedis,
}: {
  config: Config;
  logger: Logger;
  pool: Pool;
  store: EventStore;
  /** Fails fast: rate-limit counters on the request's path. */
  redis: Redis;
  /** Waits for Redis: BullMQ's. */
  queueRedis: Redis;
}): Deps => ({
  config,
  logger,
  pool,
  store,
  prices: catalogPrices(pool, store),
  sessions: createSessions(pool, config),
  hasher: argon2idHasher(config.PASSWORD_HASH_MEMORY_KIB),
  limits: createRateLimits(redis, config),
  rebuilds: quiet(new Queue(REBUILD_QUEUE, { connection: queueRedis, prefix: config.QUEUE_PREFIX })),
  blobs: createBlobStore(config),
  renditions: createRenditionsQueue(queueRedis, config.QUEUE_PREFIX),
  projectionNames: projections.map((p) => p.name),
  payments: testPaymentProvider(pool),
  clock: systemClock,
});
