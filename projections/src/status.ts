import type { ProjectionStatus } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { positionToken, START } from '@flowdose/shared/event-store/position';
import { liveSchema, readCheckpoint, shadowSchema } from '@flowdose/shared/read-models';
import { askQueue } from '@flowdose/shared/unavailable';
import { countQuarantined, stoppedAt } from './dead-letters.ts';
import type { Projection } from './projection.ts';
import type { ProjectionQueues } from './queues.ts';
import { schemaState } from './schema.ts';

// The shape is the query API's answer, defined once in the contract.
export type { ProjectionStatus };

export async function projectionStatus(
  pool: Pool,
  store: EventStore,
  projections: readonly Projection[],
  queues?: ProjectionQueues,
): Promise<ProjectionStatus[]> {
  const [head, quarantined] = await Promise.all([store.head(), countQuarantined(pool)]);
  return Promise.all(
    projections.map(async (p) => {
      const schema = liveSchema(p.name);
      const [state, checkpoint, shadowAt, error] = await Promise.all([
        schemaState(pool, p, schema),
        readCheckpoint(pool, schema),
        readCheckpoint(pool, shadowSchema(p.name)),
        pool
          .query<{ last_error: string | null }>(`select last_error from ${schema}.checkpoint`)
          .then((r) => r.rows[0]?.last_error ?? null)
          .catch(() => null),
      ]);
      // Stopped: waiting just before a quarantined event, whose error is the one to show.
      const stopped = quarantined.has(p.name) ? await stoppedAt(pool, p.name, schema).catch(() => null) : null;
      const headMinor = (head ?? START).minor;
      const queue = queues?.get(p.name);
      return {
        name: p.name,
        version: p.version,
        state: stopped ? 'stopped' : state === 'current' ? 'live' : state,
        checkpoint: checkpoint ? positionToken(checkpoint) : null,
        head: head ? positionToken(head) : null,
        lag: Math.max(0, Number(headMinor - (checkpoint ?? START).minor)),
        lastError: stopped?.error ?? error,
        deadLetters: {
          quarantined: quarantined.get(p.name) ?? 0,
          stoppedAt: stopped ? positionToken(stopped.position) : null,
        },
        rebuild: shadowAt
          ? {
              checkpoint: positionToken(shadowAt),
              progress: headMinor === 0n ? 1 : Math.min(1, Number(shadowAt.minor) / Number(headMinor)),
            }
          : null,
        // Redis away: the queue is unknown, the rest of the status still stands.
        queue: queue ? await queueDepth(queue) : null,
      };
    }),
  );
}

/**
 * How many of a queue's range jobs wait, run, failed or wait for a retry; null without Redis
 * (asked only once its connection is up within a second: BullMQ's own would wait forever).
 */
async function queueDepth(queue: ProjectionQueues extends Map<string, infer Q> ? Q : never) {
  const counts = await askQueue(queue, () => queue.getJobCounts('waiting', 'active', 'failed', 'delayed')).catch(
    () => null,
  );
  if (!counts) return null;
  const { waiting = 0, active = 0, failed = 0, delayed = 0 } = counts;
  return { waiting, active, failed, delayed } satisfies ProjectionStatus['queue'];
}
