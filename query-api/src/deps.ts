import type { RenditionsJob } from '@flowdose/projections/renditions';
import type { Sessions } from '@flowdose/shared/auth/sessions';
import type { BlobStore } from '@flowdose/shared/blob-store/port';
import type { Clock } from '@flowdose/shared/clock';
import type { Config } from '@flowdose/shared/config';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import type { Logger } from '@flowdose/shared/logger';
import type { Redis } from '@flowdose/shared/redis';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import type { ChangeHub } from './changes.ts';
import type { PositionWaiter } from './min-position.ts';

/** What the query routes are given (routes take it from here, not from app.ts, which imports them). */
export type Deps = {
  config: Config;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  store: EventStore;
  sessions: Pick<Sessions, 'isRevoked'>;
  waitForPosition: PositionWaiter;
  /**
   * The time reads that depend on it are judged at (abandoned carts); the system's unless a
   * test or simulation runs its own, the one its event store stamps events with.
   */
  clock?: Clock;
  /** Uploaded images' bytes (BLOB_STORE), served at /media. */
  blobs: BlobStore;
  /** Where a rendition found missing asks for its job again; null: it does not. */
  renditions: Queue<RenditionsJob> | null;
  /** What the projections changed, as they publish it (read cache, live order updates). */
  changes: ChangeHub;
  /**
   * Aborted when the service stops: long-lived answers (live order streams) end then, so a
   * graceful shutdown does not wait for them.
   */
  stopping?: AbortSignal;
  /**
   * The service's metrics registry (main.ts makes it and serves it on the metrics port); the
   * read cache and the live order streams count into it. Left out (tests), the app keeps one
   * of its own.
   */
  metrics?: Registry;
};
