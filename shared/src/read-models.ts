import type { Pool, PoolClient } from './db.ts';
import type { Position } from './event-store/position.ts';

/**
 * Each projection owns one schema; its checkpoint lives inside it, so a rebuilt schema
 * swapped in by rename brings its own checkpoint along and the two never disagree.
 */
export const liveSchema = (projection: string) => `rm_${projection}`;
export const shadowSchema = (projection: string) => `rm_${projection}_shadow`;

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
