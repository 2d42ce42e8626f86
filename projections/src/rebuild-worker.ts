import type { PublishChange } from '@flowdose/shared/change-feed';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { positionToken } from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { REBUILD_QUEUE } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { Worker } from 'bullmq';
import type { Projection } from './projection.ts';
import type { ProjectionQueues } from './queues.ts';
import { rebuild } from './rebuild.ts';
import { projectionNamed } from './registry.ts';

export type RebuildJob = { projection: string; requestedBy: string };

/** Runs rebuilds asked for over HTTP, one at a time, reporting progress on the job. */
export function startRebuildWorker({
  pool,
  store,
  queues,
  projections,
  connection,
  prefix,
  logger,
  publishChange,
}: {
  pool: Pool;
  store: EventStore;
  queues: ProjectionQueues;
  /** As the configuration applies them (`projectionsFor`). */
  projections: readonly Projection[];
  connection: Redis;
  prefix: string;
  logger: Logger;
  publishChange: PublishChange;
}): Worker<RebuildJob> {
  const worker = new Worker<RebuildJob>(
    REBUILD_QUEUE,
    async (job) => {
      const projection = projectionNamed(job.data.projection, projections);
      logger.info({ projection: projection.name, requestedBy: job.data.requestedBy }, 'rebuild started');
      const { applied } = await rebuild({
        pool,
        store,
        queues,
        projection,
        publishChange,
        onProgress: ({ phase, at, head }) => {
          const percent =
            head.minor === 0n ? 100 : Math.min(100, Math.round((Number(at.minor) / Number(head.minor)) * 100));
          void job.updateProgress({ phase, at: positionToken(at), head: positionToken(head), percent }).catch(() => {});
        },
      });
      logger.info({ projection: projection.name, applied }, 'rebuild swapped in');
      return { applied };
    },
    // A rebuild may run for long; the lock is renewed while it works.
    { connection, prefix, concurrency: 1, lockDuration: 60_000 },
  );
  worker.on('failed', (job, err) => logger.error({ err, projection: job?.data.projection }, 'rebuild failed'));
  worker.on('error', (err) => logger.error({ err }, 'rebuild worker'));
  return worker;
}
