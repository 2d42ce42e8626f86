import type { PublishChange } from '@flowdose/shared/change-feed';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { parsePosition, positionToken, START } from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { queueTelemetry } from '@flowdose/shared/trace-context';
import { Queue, Worker } from 'bullmq';
import { catchUpWithDeadLetters, DEFAULT_RETRIES, type RetryPolicy, stoppedAt } from './dead-letters.ts';
import type { Projection } from './projection.ts';
import { queueName, quiet, type RangeJob, rangeJobId } from './queues.ts';

/**
 * One worker per projection queue, concurrency 1 so ranges apply in order; a second
 * process on the same queue is safe too, since run-range locks the checkpoint row.
 * An event the projection cannot apply is quarantined (dead-letters.ts); stopped there,
 * the worker looks every `resumeEveryMs` whether staff retried or skipped it, and then
 * queues a range to the head itself (the ranges that came meanwhile found it stopped).
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
  retries = DEFAULT_RETRIES,
  resumeEveryMs = 2000,
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
  /** How often the event at fault is tried, and the first pause, before it is quarantined. */
  retries?: RetryPolicy;
  resumeEveryMs?: number;
}): Worker<RangeJob> {
  const schema = liveSchema(projection.name);
  const log = logger.child({ projection: projection.name });
  const worker = new Worker<RangeJob>(
    queueName(projection.name),
    async (job) => {
      const to = parsePosition(job.data.to);
      if (!to) throw new Error(`job ${job.id} has a malformed position ${job.data.to}`);
      const { applied, stoppedAt: stopped } = await catchUpWithDeadLetters({ pool, store }, projection, schema, to, {
        policy: projection.deadLetterPolicy ?? 'stop',
        retries,
        onProgress: (at) => void job.updateProgress({ at: positionToken(at) }).catch(() => {}),
        onApplied: ({ to, streams }) =>
          publishChange({ projection: projection.name, position: positionToken(to), streams }),
      });
      if (!stopped) return { applied };
      if (!watching) {
        log.error({ position: positionToken(stopped) }, 'projection stopped at a quarantined event');
        watch();
      }
      return { applied, stoppedAt: positionToken(stopped) };
    },
    {
      connection,
      prefix,
      telemetry: queueTelemetry(),
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

  // While stopped at a quarantined event: one check at a time, each arming the next, until
  // it is retried or skipped (or the worker closes).
  let watching: NodeJS.Timeout | undefined;
  let closing = false;
  let queue: Queue<RangeJob> | undefined;
  const watch = () => {
    if (!closing) watching = setTimeout(() => void resumeIfResolved(), resumeEveryMs);
  };
  const resumeIfResolved = async () => {
    try {
      if (await stoppedAt(pool, projection.name, schema)) return watch();
      const to = positionToken((await store.head()) ?? START);
      queue ??= quiet(new Queue<RangeJob>(queueName(projection.name), { connection, prefix }));
      // A fresh id: the ranges to this head may have run already (and found it stopped).
      const from = `resume.${Date.now()}`;
      // Cleared first: the range may stop at another event, and must then watch again.
      watching = undefined;
      await queue.add('range', { from, to }, { jobId: rangeJobId(projection.name, from, to) });
      log.info({ to }, 'projection resumes: its quarantined event was retried or skipped');
    } catch (err) {
      log.warn({ err }, 'could not check the quarantined event, or queue its range; next time');
      watch();
    }
  };
  worker.on('closing', () => {
    closing = true;
    clearTimeout(watching);
    void queue?.close().catch(() => {});
  });
  return worker;
}
