import type { Pool, PoolClient } from '@flowdose/shared/db';
import { inTransaction } from '@flowdose/shared/db';
import type { EventStore, RecordedEvent } from '@flowdose/shared/event-store/port';
import { comparePositions, type Position, positionToken } from '@flowdose/shared/event-store/position';
import { PROJECTIONS_CHANNEL, readCheckpoint } from '@flowdose/shared/read-models';
import type { Projection, Statement } from './projection.ts';
import { traceRange } from './trace-range.ts';

/** `streams`: the streams whose events the range applied, for the change feed. */
export type RangeResult = { from: Position; to: Position; applied: number; streams: string[] };

export class CheckpointMovedError extends Error {
  override name = 'CheckpointMovedError';
}

/** The schema was built by another version of the projection than the one applying the range. */
export class ProjectionVersionError extends Error {
  override name = 'ProjectionVersionError';
}

/**
 * Applies the events after the schema's checkpoint, up to `to` and at most `maxEvents`, and
 * moves the checkpoint in the same transaction: a repeated or overlapping job finds the
 * checkpoint already past and does nothing. Returns null when there was nothing to do.
 * Refuses the range when the schema belongs to another version of the projection: during a
 * rolling migrate an old worker would otherwise write old-format rows into a rebuilt model.
 * It reads the events while holding the checkpoint row: the rebuild's swap wants exactly
 * that; workers use `runRange`, which reads first (see there).
 */
export async function applyRange(
  tx: PoolClient,
  store: EventStore,
  projection: Projection,
  schema: string,
  { to, maxEvents = 5000 }: { to: Position; maxEvents?: number },
): Promise<RangeResult | null> {
  const from = await lockCheckpoint(tx, projection, schema);
  if (comparePositions(from, to) >= 0) return null;
  const { events } = await store.readAll(from, { to, types: projection.handles, limit: maxEvents });
  return applyEvents(tx, projection, schema, { from, to, maxEvents }, pageOf(projection, schema, events));
}

/** Events read for a range, with the SQL they turn into. */
type Page = { events: RecordedEvent[]; statements: Statement[] };

const pageOf = (projection: Projection, schema: string, events: RecordedEvent[]): Page => ({
  events,
  statements: projection.apply(events, schema),
});

/** The checkpoint, locked for this transaction, once the schema is known to be this version's. */
async function lockCheckpoint(tx: PoolClient, projection: Projection, schema: string): Promise<Position> {
  const { rows } = await tx.query<{ major: bigint; minor: bigint; version: number }>(
    `select major, minor, projection_version as version from ${schema}.checkpoint for update`,
  );
  const row = rows[0]!;
  if (row.version !== projection.version) {
    throw new ProjectionVersionError(
      `projection ${projection.name}: ${schema} holds version ${row.version} but this worker applies version ${projection.version}; ` +
        "refusing the range (run the workers on the code of the schema's version)",
    );
  }
  return { major: row.major, minor: row.minor };
}

/**
 * A set-based projection's statements join the rows of a few thousand events to tables that
 * may hold millions: each should be index lookups. In a rebuild those tables grew from
 * nothing within the minute and have no statistics yet, and the planner, taking a join's keys
 * for anything but unique, hashed whole tables once per chunk, and JIT-compiled the plan its
 * high costs promised (measured on 1M orders: 38 of product_sales' 61 s, 14 of sales_daily's
 * 39 s in such joins). For such a range's transaction only, the planner joins by index
 * lookups (a merge join would walk a whole index instead; a table with no index is still
 * scanned) and never compiles. Projections of a statement or two per event are left alone.
 */
const PLAN_FOR_A_CHUNK =
  'set local enable_seqscan = off; set local enable_hashjoin = off; set local enable_mergejoin = off; set local jit = off';

/** Applies a page read from `from` (the locked checkpoint) and moves the checkpoint past it. */
async function applyEvents(
  tx: PoolClient,
  projection: Projection,
  schema: string,
  { from, to, maxEvents }: { from: Position; to: Position; maxEvents: number },
  { events, statements }: Page,
): Promise<RangeResult> {
  // Issued together: on a pipelined connection they travel without waiting on each other,
  // and the pg client keeps their order either way.
  await Promise.all([
    ...(projection.setBased ? [tx.query(PLAN_FOR_A_CHUNK)] : []),
    ...statements.map((st) => tx.query(st.text, st.values)),
  ]);
  // A full page may stop short of `to`: then only what was read is done.
  const reached = events.length === maxEvents ? events[events.length - 1]!.position : to;

  // Compare-and-set: if a schema swap moved the table under us, this touches no row. The
  // version is in it too: a swap while this waited for the row lock leaves the read above on
  // the retired table, while these statements resolve the name to the swapped-in one.
  const moved = await tx.query(
    `update ${schema}.checkpoint set major = $1, minor = $2, updated_at = now(), last_error = null
     where major = $3 and minor = $4 and projection_version = $5`,
    [reached.major, reached.minor, from.major, from.minor, projection.version],
  );
  if (moved.rowCount !== 1)
    throw new CheckpointMovedError(`${schema} checkpoint moved, or its schema was swapped, during the range`);
  // Only once the range is known to be this transaction's: a duplicate job never reaches it.
  if (events.length > 0) await projection.afterApply?.(tx, schema, events);
  await tx.query('select pg_notify($1, $2)', [PROJECTIONS_CHANNEL, `${schema}:${positionToken(reached)}`]);
  return { from, to: reached, applied: events.length, streams: [...new Set(events.map((e) => e.streamId))] };
}

/**
 * Moves a caught-up projection's checkpoint over a range that holds none of its events,
 * without a job: compare-and-set from `from`, so a projection still behind (a job pending)
 * is left alone, and one whose worker holds the row is re-checked after it commits.
 * Answers whether it moved.
 */
export async function skipRange(pool: Pool, schema: string, from: Position, to: Position): Promise<boolean> {
  const { rowCount } = await pool.query(
    `with moved as (
       update ${schema}.checkpoint set major = $1, minor = $2, updated_at = now()
       where major = $3 and minor = $4 returning 1
     )
     select pg_notify($5, $6) from moved`,
    [to.major, to.minor, from.major, from.minor, PROJECTIONS_CHANNEL, `${schema}:${positionToken(to)}`],
  );
  return rowCount === 1;
}

/** The place just before an event's in the log's order (global positions start at 1): nothing lies between. */
export const justBefore = (p: Position): Position => ({ major: p.major, minor: p.minor - 1n });

/**
 * Moves the checkpoint over one event the projection is not to apply (a skipped dead letter),
 * once everything before it is applied: compare-and-set from the place just before it, in
 * the checkpoint row's lock, so a checkpoint anywhere else is left alone. Answers whether it
 * moved.
 */
export async function passOver(pool: Pool, projection: Projection, schema: string, event: Position): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    const from = await lockCheckpoint(tx, projection, schema);
    if (comparePositions(from, justBefore(event)) !== 0) return false;
    await tx.query(`update ${schema}.checkpoint set major = $1, minor = $2, updated_at = now(), last_error = null`, [
      event.major,
      event.minor,
    ]);
    await tx.query('select pg_notify($1, $2)', [PROJECTIONS_CHANNEL, `${schema}:${positionToken(event)}`]);
    return true;
  });
}

/**
 * One range as a worker runs it: the events are read first, with no transaction open, and
 * applied in a transaction that locks the checkpoint row only if the checkpoint is still where
 * the read began (else another worker got there first: read again from where it is now).
 * Reading under the lock needed a second connection while holding the first: with a worker
 * per projection on one pool, a pool's worth of workers each holding a row lock and waiting
 * for a connection to read with stalled the service for good (seen on a fresh start with ten
 * projections on a pool of ten). Now whoever holds a row lock needs nothing more to finish.
 */
export async function runRange(
  pool: Pool,
  store: EventStore,
  projection: Projection,
  schema: string,
  {
    to,
    maxEvents = 5000,
    ahead,
    onRead,
  }: {
    to: Position;
    maxEvents?: number;
    /** A page already read from `ahead.from` (up to `to`, at most `maxEvents`), used if the range starts there. */
    ahead?: ReadAhead;
    /** Told of the events read, before they are applied. */
    onRead?: (events: RecordedEvent[]) => void;
  },
): Promise<RangeResult | null> {
  for (;;) {
    const seen = await readCheckpoint(pool, schema);
    if (!seen) throw new Error(`${schema} has no checkpoint: its schema was not created`);
    if (comparePositions(seen, to) >= 0) return null;
    const page =
      ahead && comparePositions(ahead.from, seen) === 0
        ? await ahead.page
        : pageOf(
            projection,
            schema,
            (await store.readAll(seen, { to, types: projection.handles, limit: maxEvents })).events,
          );
    onRead?.(page.events);
    // In the traces of the requests that appended the events (when tracing is on).
    const result = await traceRange(projection.name, page.events, () =>
      inTransaction(pool, async (tx) => {
        const from = await lockCheckpoint(tx, projection, schema);
        if (comparePositions(from, seen) !== 0) return 'moved' as const;
        return applyEvents(tx, projection, schema, { from, to, maxEvents }, page);
      }),
    );
    if (result !== 'moved') return result;
  }
}

/** A page read (and turned into SQL) before its range runs: see catchUp. */
type ReadAhead = { from: Position; page: Promise<Page> };

function readAhead(
  store: EventStore,
  projection: Projection,
  schema: string,
  { from, to, limit }: { from: Position; to: Position; limit: number },
): ReadAhead {
  const page = store
    .readAll(from, { to, types: projection.handles, limit })
    .then(({ events }) => pageOf(projection, schema, events));
  // Awaited by the range that uses it; one that fails first leaves it unused, not unhandled.
  page.catch(() => {});
  return { from, page };
}

type CatchUpOptions = {
  chunk?: number;
  onProgress?: (at: Position) => void;
  onApplied?: (range: RangeResult) => Promise<void>;
};

/**
 * Brings a schema up to `to` in transactions of at most `chunk` events, so a long catch-up
 * never holds one huge transaction open (which would hold back every gap-safe reader).
 * Events staff skipped (dead-letters.ts) are passed over, in a live schema and in a rebuild
 * alike: one a projection could not apply would otherwise stop every rebuild of it.
 */
export async function catchUp(
  pool: Pool,
  store: EventStore,
  projection: Projection,
  schema: string,
  to: Position,
  options: CatchUpOptions = {},
): Promise<number> {
  let applied = 0;
  for (const event of await skippedAhead(pool, projection.name, schema, to)) {
    applied += await catchUpTo(pool, store, projection, schema, justBefore(event), options);
    await passOver(pool, projection, schema, event);
  }
  return applied + (await catchUpTo(pool, store, projection, schema, to, options));
}

/** The events skipped for this projection between the schema's checkpoint and `to`, in log order. */
export async function skippedAhead(pool: Pool, projection: string, schema: string, to: Position): Promise<Position[]> {
  const { rows } = await pool.query<{ major: bigint; minor: bigint }>(
    `select d.major, d.minor from projection_dead_letters d, ${schema}.checkpoint c
     where d.projection = $1 and d.status = 'skipped'
       and (d.major, d.minor) > (c.major, c.minor) and (d.major, d.minor) <= ($2::bigint, $3::bigint)
     order by d.major, d.minor`,
    [projection, to.major, to.minor],
  );
  return rows.map((r) => ({ major: r.major, minor: r.minor }));
}

async function catchUpTo(
  pool: Pool,
  store: EventStore,
  projection: Projection,
  schema: string,
  to: Position,
  { chunk = 5000, onProgress, onApplied }: CatchUpOptions,
): Promise<number> {
  let applied = 0;
  let ahead: ReadAhead | undefined;
  // A full page leaves more to read: the next one is read and turned into SQL while Postgres
  // applies this one (a rebuild's chunks, one after another), instead of each side waiting.
  const readNext = (events: RecordedEvent[]) => {
    const from = events.at(-1)?.position;
    ahead =
      from && events.length === chunk ? readAhead(store, projection, schema, { from, to, limit: chunk }) : undefined;
  };
  for (;;) {
    const result = await runRange(pool, store, projection, schema, { to, maxEvents: chunk, ahead, onRead: readNext });
    if (!result) return applied;
    applied += result.applied;
    onProgress?.(result.to);
    if (result.applied > 0) await onApplied?.(result);
    if (comparePositions(result.to, to) >= 0) return applied;
  }
}
