import { projections } from '@flowdose/projections/registry';
import type { Pool } from '@flowdose/shared/db';
import { healthRoutes } from '@flowdose/shared/http/health';
import { liveSchema } from '@flowdose/shared/read-models';
import type { Router } from 'express';
import type { Deps } from '../deps.ts';

/**
 * A read model is too stale to serve once the oldest event it has not applied was recorded
 * this long ago. Time, not a count of events: 1,000 events are a minute on a busy day and a
 * week on a quiet one, while a reader's staleness is what matters.
 */
export const MAX_PROJECTION_DELAY_SECONDS = 30;

/**
 * Each projection's delay: how long ago its oldest unapplied event was recorded (0 when it is
 * at the head), from its checkpoint in the same order the store reads (transaction id, then
 * global position), below the snapshot's xmin like the store's head. One index probe each.
 * Answers what is wrong, or undefined when every projection is recent enough.
 */
async function projectionsBehind(pool: Pool, maxDelaySeconds: number): Promise<string | undefined> {
  const states = await Promise.all(
    projections.map(async (p) => {
      const { rows } = await pool
        .query<{ version: number; delay: number | null }>(
          `select c.projection_version as version,
             (select extract(epoch from now() - e.created_at)::float8 from events e
               where (e.transaction_id, e.global_position) > (c.major::text::xid8, c.minor)
                 and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
               order by e.transaction_id, e.global_position limit 1) as delay
           from ${liveSchema(p.name)}.checkpoint c`,
        )
        .catch((error: { code?: string }) => {
          if (error.code === '42P01' || error.code === '3F000') return { rows: [] };
          throw error;
        });
      const row = rows[0];
      if (!row) return `${p.name} missing`;
      if (row.version !== p.version) return `${p.name} at version ${row.version}, not ${p.version}`;
      const delay = Math.max(0, row.delay ?? 0);
      return delay > maxDelaySeconds ? `${p.name} ${Math.round(delay)} s behind` : null;
    }),
  );
  const wrong = states.filter((s) => s !== null);
  return wrong.length > 0 ? wrong.join(', ') : undefined;
}

/**
 * /health, and /ready while Postgres and Redis answer and every read model is at most
 * maxDelaySeconds behind the log.
 */
export function healthRoute(
  { pool, redis }: Pick<Deps, 'pool' | 'redis'>,
  { maxDelaySeconds = MAX_PROJECTION_DELAY_SECONDS } = {},
): Router {
  return healthRoutes('query-api', {
    postgres: async () => void (await pool.query('select 1')),
    redis: async () => void (await redis.ping()),
    projections: () => projectionsBehind(pool, maxDelaySeconds),
  });
}
