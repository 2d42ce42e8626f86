import type { Position } from '@flowdose/shared/event-store/position';
import { positionToken } from '@flowdose/shared/event-store/position';
import type { Redis } from '@flowdose/shared/redis';
import { queueTelemetry } from '@flowdose/shared/trace-context';
import { Queue } from 'bullmq';
import type { Projection } from './projection.ts';

export type RangeJob = { from: string; to: string };

export const queueName = (projection: string) => `projection-${projection}`;

// BullMQ refuses ':' in custom job ids; positions are "<major>.<minor>".
export const rangeJobId = (projection: string, from: string, to: string) => `${projection}-${from}-${to}`;

export type ProjectionQueues = Map<string, Queue<RangeJob>>;

export function createQueues(connection: Redis, prefix: string, projections: readonly Projection[]): ProjectionQueues {
  return new Map(
    projections.map((p) => [
      p.name,
      quiet(
        new Queue<RangeJob>(queueName(p.name), {
          connection,
          prefix,
          telemetry: queueTelemetry(),
          defaultJobOptions: {
            attempts: 20,
            backoff: { type: 'exponential', delay: 250 },
            removeOnComplete: { age: 3600, count: 1000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        }),
      ),
    ]),
  );
}

/**
 * A queue re-emits its connection's errors as 'error'; with no listener, EventEmitter throws,
 * inside a promise: an unhandled rejection that ends the process while Redis is away. The
 * connection's own listener (shared/src/clients.ts) reports them; an enqueue that fails
 * fails its caller.
 */
export function quiet<Q extends Queue>(queue: Q): Q {
  queue.on('error', () => {});
  return queue;
}

/** Same range, same job id: BullMQ keeps one, and run-range makes any repeat a no-op anyway. */
export async function enqueueRange(
  queues: ProjectionQueues,
  from: string,
  to: Position,
  only: readonly string[] = [...queues.keys()],
): Promise<void> {
  const toToken = positionToken(to);
  await Promise.all(
    only.map((name) =>
      queues.get(name)?.add('range', { from, to: toToken }, { jobId: rangeJobId(name, from, toToken) }),
    ),
  );
}

export const closeQueues = (queues: ProjectionQueues) => Promise.all([...queues.values()].map((q) => q.close()));
