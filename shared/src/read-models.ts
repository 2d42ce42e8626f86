import type { Pool, PoolClient } from './db.ts';
import type { Position } from './event-store/position.ts';

/**
 * Each projection owns one schema; its checkpoint lives inside it, so a rebuilt schema
 * swapped in by rename brings its own checkpoint along and the two never disagree.
 */
export const liveSchema = (projection: string) => `rm_${projection}`;
export const shadowSchema = (projection: string) => `rm_${projection}_shadow`;

/**
 * Analysts' read-only SQL (issue 14): stable views over the read models live in this schema,
 * whatever rebuild swapped in underneath, and this NOLOGIN group role may read them and
 * nothing else. Both are made by the migration `analytics-access` (which spells the names
 * out: keep them in step); `npm run ops -- create-analyst-role` makes members of the role.
 */
export const ANALYTICS_SCHEMA = 'analytics';
export const ANALYTICS_READER_ROLE = 'flowdose_analytics_reader';

/** BullMQ queue the projections service takes rebuild requests from; job id `rebuild-<projection>`. */
export const REBUILD_QUEUE = 'projection-rebuilds';
export const rebuildJobId = (projection: string) => `rebuild-${projection}`;

/** Projectors notify "<schema>:<position>" here when a commit moves their checkpoint. */
export const PROJECTIONS_CHANNEL = 'flowdose_projections';

export async function readCheckpoint(db: Pool | PoolClient, schema: string): Promise<Position | null> {
  try {
    const { rows } = await db.query<{ major: bigint; minor: bigint }>(`select major, minor from ${schema}.checkpoint`);
    const row = rows[0];
    return row ? { major: row.major, minor: row.minor } : null;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return null; // schema not created yet
    throw error;
  }
}
