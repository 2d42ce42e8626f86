import type { PublishChange } from '@flowdose/shared/change-feed';
import type { Pool } from '@flowdose/shared/db';
import { inTransaction } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { type Position, positionToken, START } from '@flowdose/shared/event-store/position';
import { liveSchema, PROJECTIONS_CHANNEL, readCheckpoint, shadowSchema } from '@flowdose/shared/read-models';
import type { Projection } from './projection.ts';
import { enqueueRange, type ProjectionQueues } from './queues.ts';
import { applyRange, catchUp } from './run-range.ts';
import { analyzeSchema, applyViews, createSchema, dropSchema, lockSchema, schemaState } from './schema.ts';

export type RebuildProgress = { phase: 'build' | 'swap' | 'done'; at: Position; head: Position };

const lagOf = (at: Position, head: Position) => Number(head.minor - at.minor);

/**
 * Rebuilds a projection without downtime: builds a shadow schema from the start of the log
 * in chunked transactions while the live schema keeps serving, catches up to the head, then
 * swaps the two by renaming in one short transaction, which also moves the projection's
 * analytics views to the new tables. A killed rebuild resumes from the shadow's own checkpoint.
 */
export async function rebuild({
  pool,
  store,
  queues,
  projection,
  chunk = 5000,
  lockWaitSeconds = 15,
  onProgress = () => {},
  publishChange = async () => {},
}: {
  pool: Pool;
  store: EventStore;
  queues: ProjectionQueues;
  projection: Projection;
  chunk?: number;
  lockWaitSeconds?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Tells the query side the whole model was replaced (a read cache drops its entries). */
  publishChange?: PublishChange;
}): Promise<{ applied: number }> {
  const live = liveSchema(projection.name);
  const shadow = shadowSchema(projection.name);
  const lock = await pool.connect();
  // A server restart while the lock is held must not crash the process: the rebuild's next
  // query fails instead (and the lock went with the session), and the client is destroyed.
  let lockLost: Error | undefined;
  const onLockError = (error: Error) => {
    lockLost = error;
  };
  lock.on('error', onLockError);
  try {
    // Wait a little: a rebuild killed a moment ago holds the lock until Postgres notices its
    // connection is gone.
    await lock.query(`set lock_timeout = '${lockWaitSeconds}s'`);
    await lock
      .query('select pg_advisory_lock(hashtextextended($1, 2))', [`rebuild:${projection.name}`])
      .catch((error) => {
        if ((error as { code?: string }).code === '55P03')
          throw new Error(`a rebuild of ${projection.name} is already running`);
        throw error;
      });
    await lock.query('reset lock_timeout');

    const state = await schemaState(pool, projection, shadow);
    if (state === 'stale') await dropSchema(pool, shadow);
    if (state !== 'current') await createSchema(pool, projection, shadow);

    let applied = 0;
    let head = (await store.head()) ?? START;
    // Chase the head until what is left fits in one short swap transaction.
    for (;;) {
      applied += await catchUp(pool, store, projection, shadow, head, {
        chunk,
        onProgress: (at) => onProgress({ phase: 'build', at, head }),
      });
      const next = (await store.head()) ?? START;
      if (lagOf(head, next) < chunk) break;
      head = next;
    }

    await analyzeSchema(pool, shadow);
    onProgress({ phase: 'swap', at: head, head });
    const retired = `${live}_retired_${Date.now()}`;
    await inTransaction(pool, async (tx) => {
      // The analytics views move to the new tables in this transaction: made over the shadow's
      // tables they follow them through the rename below (a view binds to tables, not names),
      // and the old ones, bound to the retired tables, are replaced before the retired schema
      // and all that hangs on it are dropped. First, before the checkpoint row: a view waits
      // for analysts' queries on it to end, and the live worker need not wait with it.
      await lockSchema(tx, live);
      await applyViews(tx, projection, shadow);
      // Holding the live checkpoint row stops the live worker until the swap commits. No live
      // schema (a first build, a restore) is asked first: a failed select would abort the swap.
      const hasLive = await tx.query('select to_regclass($1) is not null as yes', [`${live}.checkpoint`]);
      const liveAt = hasLive.rows[0]?.yes
        ? await tx
            .query<{ major: bigint; minor: bigint }>(`select major, minor from ${live}.checkpoint for update`)
            .then((r) => (r.rows[0] ? { major: r.rows[0].major, minor: r.rows[0].minor } : null))
        : null;
      if (liveAt) {
        const last = await applyRange(tx, store, projection, shadow, {
          to: liveAt,
          maxEvents: Number.MAX_SAFE_INTEGER,
        });
        applied += last?.applied ?? 0;
        await tx.query(`alter schema ${live} rename to ${retired}`);
      }
      await tx.query(`alter schema ${shadow} rename to ${live}`);
      // Readers waiting for a position hear of the new live checkpoint at once.
      await tx.query(`select pg_notify($1, $2 || ':' || major::text || '.' || minor::text) from ${live}.checkpoint`, [
        PROJECTIONS_CHANNEL,
        live,
      ]);
    });
    await dropSchema(pool, retired);
    const swappedAt = (await readCheckpoint(pool, live)) ?? START;
    await publishChange({ projection: projection.name, position: positionToken(swappedAt), streams: 'all' });

    // Events after the swap point are brought in by the live worker; wake it now.
    const after = (await store.head()) ?? START;
    await enqueueRange(queues, 'rebuild', after);
    onProgress({ phase: 'done', at: (await readCheckpoint(pool, live)) ?? START, head: after });
    return { applied };
  } finally {
    await lock.query('select pg_advisory_unlock_all()').catch(() => {});
    // The client goes back to the pool: a listener left on it would pile up, one per rebuild.
    lock.off('error', onLockError);
    lock.release(lockLost);
  }
}
