import type { PublishChange } from '@flowdose/shared/change-feed';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { parsePosition, positionToken } from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { Worker } from 'bullmq';
import type { Projection } from './projection.ts';
import { queueName, type RangeJob } from './queues.ts';
import { catchUp } from './run-range.ts';

/**
 * One worker per projection queue, concurrency 1 so ranges apply in order; a second
 * process on the same queue is safe too, since run-range locks the checkpoint row.
 */
export function startWorker({
  projection,
  pool,
  store,
  connection,
  prefix,
  lockMs,
  logger,
  publishChange,
}: {
  projection: Projection;
  pool: Pool;
  store: EventStore;
  connection: Redis;
  prefix: string;
  lockMs: number;
  logger: Logger;
  /** Tells the query side what the committed range changed (cache, live updates). */
  publishChange: PublishChange;
}): Worker<RangeJob> {
  const schema = liveSchema(projection.name);
  const log = logger.child({ projection: projection.name });
  const worker = new Worker<RangeJob>(
    queueName(projection.name),
    async (job) => {
      const to = parsePosition(job.data.to);
      if (!to) throw new Error(`job ${job.id} has a malformed position ${job.data.to}`);
      const applied = await catchUp(pool, store, projection, schema, to, {
        onProgress: (at) => void job.updateProgress({ at: positionToken(at) }).catch(() => {}),
        onApplied: ({ to, streams }) =>
          publishChange({ projection: projection.name, position: positionToken(to), streams }),
      });
      return { applied };
    },
    {
      connection,
      prefix,
      concurrency: 1,
      // A killed worker's job is handed out again once its lock lapses.
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 10,
    },
  );
  worker.on('failed', (job, err) => {
    log.error({ err, jobId: job?.id }, 'projection range failed');
    void pool.query(`update ${schema}.checkpoint set last_error = $1`, [String(err.message)]).catch(() => {});
  });
  worker.on('error', (err) => log.error({ err }, 'projection worker'));
  return worker;
}
