import type { PublishChange } from '@flowdose/shared/change-feed';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { positionToken } from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { REBUILD_QUEUE } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { queueTelemetry } from '@flowdose/shared/trace-context';
import { Worker } from 'bullmq';
import type { Projection } from './projection.ts';
import type { ProjectionQueues } from './queues.ts';
import { rebuild } from './rebuild.ts';
import { projectionNamed } from './registry.ts';

/** `requestId`: the HTTP request that asked, so its id follows the rebuild into this log. */
export type RebuildJob = { projection: string; requestedBy: string; requestId?: string };

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
      const log = logger.child({ projection: projection.name, requestId: job.data.requestId });
      log.info({ requestedBy: job.data.requestedBy }, 'rebuild started');
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
      log.info({ applied }, 'rebuild swapped in');
      return { applied };
    },
    // A rebuild may run for long; the lock is renewed while it works.
    { connection, prefix, telemetry: queueTelemetry(), concurrency: 1, lockDuration: 60_000 },
  );
  worker.on('failed', (job, err) => logger.error({ err, projection: job?.data.projection }, 'rebuild failed'));
  worker.on('error', (err) => logger.error({ err }, 'rebuild worker'));
  return worker;
}
