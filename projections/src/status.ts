import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { positionToken, START } from '@flowdose/shared/event-store/position';
import { liveSchema, readCheckpoint, shadowSchema } from '@flowdose/shared/read-models';
import type { Projection } from './projection.ts';
import type { ProjectionQueues } from './queues.ts';
import { schemaState } from './schema.ts';

export type ProjectionStatus = {
  name: string;
  version: number;
  state: 'live' | 'missing' | 'stale';
  checkpoint: string | null;
  head: string | null;
  /** Events between the checkpoint and the head (global positions, so aborted writes count too). */
  lag: number;
  lastError: string | null;
  rebuild: { checkpoint: string; progress: number } | null;
  queue: { waiting: number; active: number; failed: number; delayed: number } | null;
};

export async function projectionStatus(
  pool: Pool,
  store: EventStore,
  projections: readonly Projection[],
  queues?: ProjectionQueues,
): Promise<ProjectionStatus[]> {
  const head = await store.head();
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
      const headMinor = (head ?? START).minor;
      const queue = queues?.get(p.name);
      return {
        name: p.name,
        version: p.version,
        state: state === 'current' ? 'live' : state,
        checkpoint: checkpoint ? positionToken(checkpoint) : null,
        head: head ? positionToken(head) : null,
        lag: Math.max(0, Number(headMinor - (checkpoint ?? START).minor)),
        lastError: error,
        rebuild: shadowAt
          ? {
              checkpoint: positionToken(shadowAt),
              progress: headMinor === 0n ? 1 : Math.min(1, Number(shadowAt.minor) / Number(headMinor)),
            }
          : null,
        queue: queue
          ? ((await queue.getJobCounts('waiting', 'active', 'failed', 'delayed')) as ProjectionStatus['queue'])
          : null,
      };
    }),
  );
}
