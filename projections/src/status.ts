import type { ProjectionStatus } from '@flowdose/domain/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { positionToken, START } from '@flowdose/shared/event-store/position';
import { liveSchema, readCheckpoint, shadowSchema } from '@flowdose/shared/read-models';
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
