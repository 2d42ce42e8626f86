import type { DeadLetter } from '@flowdose/contract/query-api';
import { DomainError, NotFoundError } from '@flowdose/domain/errors';
import { derivedId } from '@flowdose/domain/ids';
import {
  type DeadLetterPolicy,
  type DeadLetterStatus,
  type ProjectionEvent,
  projectionEvents,
  projectionStream,
} from '@flowdose/domain/projection/events';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore, RecordedEvent } from '@flowdose/shared/event-store/port';
import { comparePositions, type Position, parsePosition, positionToken } from '@flowdose/shared/event-store/position';
import type { CommandContext } from '@flowdose/shared/http/context';
import { readCheckpoint } from '@flowdose/shared/read-models';
import type { Projection } from './projection.ts';
import {
  CheckpointMovedError,
  catchUp,
  ProjectionVersionError,
  passOver,
  type RangeResult,
  runRange,
  skippedAhead,
} from './run-range.ts';

// Events a projection could not apply (issue 24). A range that fails is applied again one
// event at a time to find the event at fault; that event is tried a few more times with a
// growing pause, then kept in `projection_dead_letters` with its error. Under the `stop`
// policy (the default) the projection waits just before it until staff retry or skip it;
// under `skip` it is skipped at once, as staff would, by the system.

export type { DeadLetter, DeadLetterPolicy };

/** How hard the event at fault is tried before it is quarantined. */
export type RetryPolicy = { attempts: number; backoffMs: number };
export const DEFAULT_RETRIES: RetryPolicy = { attempts: 3, backoffMs: 500 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether a failure belongs to the moment rather than to the event: the database or its
 * connection away, a deadlock, a swap or another worker under the range, an outside index
 * (Meilisearch, fed in afterApply) away or slow. These go back to BullMQ's retries; anything
 * else (an event that does not parse, a constraint it breaks, a bug in the projection's
 * SQL) is the event's, and is what gets quarantined. A failure taken for the event's by
 * mistake stops the projection no worse than a poison does: a retry settles it.
 */
export function isTransient(error: unknown, depth = 0): boolean {
  if (error instanceof CheckpointMovedError || error instanceof ProjectionVersionError) return true;
  const { code, name, message, cause } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  // SQLSTATE classes: 08 connection, 40 rollback (serialization, deadlock), 53 resources,
  // 55 object in use, 57 operator intervention (shutdown, cancelled); node's E… socket errors.
  if (typeof code === 'string' && /^(08|40|53|55|57)|^E[A-Z]+$/.test(code)) return true;
  if (typeof name === 'string' && TRANSIENT_NAMES.test(name)) return true;
  if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
  // fetch and the Meilisearch client wrap the socket's error.
  return cause !== undefined && depth < 3 && isTransient(cause, depth + 1);
}

const TRANSIENT_NAMES =
  /^(MeiliSearchCommunicationError|MeiliSearchTimeOutError|MeiliSearchRequestTimeOutError|AbortError|TimeoutError)$/;
const TRANSIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|fetch failed/;

type Row = {
  projection: string;
  major: bigint;
  minor: bigint;
  event_id: string;
  event_type: string;
  stream_id: string;
  stream_position: bigint;
  error: string;
  attempts: number;
  first_failed_at: Date;
  last_failed_at: Date;
  status: DeadLetterStatus;
  resolved_by: string | null;
  resolved_at: Date | null;
  reason: string | null;
};

const toDeadLetter = (r: Row): DeadLetter => ({
  projection: r.projection,
  position: positionToken({ major: r.major, minor: r.minor }),
  eventId: r.event_id,
  eventType: r.event_type,
  streamId: r.stream_id,
  streamPosition: r.stream_position.toString(),
  error: r.error,
  attempts: r.attempts,
  firstFailedAt: r.first_failed_at.toISOString(),
  lastFailedAt: r.last_failed_at.toISOString(),
  status: r.status,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  reason: r.reason,
});

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 4000);

/** Keeps the event with its error; quarantined again after a retry that failed, its attempts add up. */
export async function quarantine(
  pool: Pool,
  projection: string,
  { event, error, attempts }: { event: RecordedEvent; error: unknown; attempts: number },
): Promise<void> {
  await pool.query(
    `insert into projection_dead_letters as d
       (projection, major, minor, event_id, event_type, stream_id, stream_position, error, attempts)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (projection, major, minor) do update
       set error = excluded.error, attempts = d.attempts + excluded.attempts, last_failed_at = now(),
           status = 'quarantined', resolved_by = null, resolved_at = null, reason = null`,
    [
      projection,
      event.position.major,
      event.position.minor,
      event.id,
      event.type,
      event.streamId,
      event.streamPosition,
      errorText(error),
      attempts,
    ],
  );
}

/** A projection's dead letters, the latest event first (at most `limit`). */
export async function listDeadLetters(
  pool: Pool,
  projection: string,
  { status, limit = 200 }: { status?: DeadLetterStatus; limit?: number } = {},
): Promise<DeadLetter[]> {
  const { rows } = await pool.query<Row>(
    `select * from projection_dead_letters where projection = $1 and ($2::text is null or status = $2)
     order by major desc, minor desc limit $3`,
    [projection, status ?? null, limit],
  );
  return rows.map(toDeadLetter);
}

/** Quarantined events per projection (for the `flowdose_projection_dead_letters` gauge and the status). */
export async function countQuarantined(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ projection: string; n: number }>(
    `select projection, count(*)::int as n from projection_dead_letters where status = 'quarantined' group by projection`,
  );
  return new Map(rows.map((r) => [r.projection, r.n]));
}

/**
 * The quarantined event a schema's checkpoint waits before, if any: the projection is
 * stopped there until it is retried or skipped (skipped ones are passed over by catchUp).
 */
export async function stoppedAt(
  pool: Pool,
  projection: string,
  schema: string,
): Promise<{ position: Position; error: string } | null> {
  const { rows } = await pool.query<{ major: bigint; minor: bigint; error: string }>(
    `select d.major, d.minor, d.error from projection_dead_letters d, ${schema}.checkpoint c
     where d.projection = $1 and d.status = 'quarantined' and (d.major, d.minor) > (c.major, c.minor)
     order by d.major, d.minor limit 1`,
    [projection],
  );
  const row = rows[0];
  return row ? { position: { major: row.major, minor: row.minor }, error: row.error } : null;
}

async function quarantinedRow(pool: Pool, projection: string, token: string): Promise<Row> {
  const position = parsePosition(token);
  if (!position) throw new NotFoundError(`Dead letter ${token} of ${projection}`);
  const { rows } = await pool.query<Row>(
    'select * from projection_dead_letters where projection = $1 and major = $2 and minor = $3',
    [projection, position.major, position.minor],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`Dead letter ${token} of ${projection}`);
  if (row.status !== 'quarantined')
    throw new DomainError('dead-letter-not-quarantined', `The event at ${token} is ${row.status} already.`);
  return row;
}

/** Marks a row resolved, if still quarantined: two staff acting at once cannot both win. */
async function resolve(
  pool: Pool,
  row: Row,
  status: 'retried' | 'skipped',
  { by, reason }: { by: string | null; reason: string | null },
): Promise<DeadLetter> {
  const { rows } = await pool.query<Row>(
    `update projection_dead_letters set status = $4, resolved_by = $5, resolved_at = now(), reason = $6
     where projection = $1 and major = $2 and minor = $3 and status = 'quarantined' returning *`,
    [row.projection, row.major, row.minor, status, by, reason],
  );
  if (!rows[0]) throw new DomainError('dead-letter-not-quarantined', 'The event was retried or skipped meanwhile.');
  return toDeadLetter(rows[0]);
}

/**
 * Lets the projection apply the event again (once its code or data was fixed): the worker
 * notices within seconds and goes on from just before it; failing again, it is quarantined
 * again with its attempts added up.
 */
export async function retryDeadLetter(
  pool: Pool,
  {
    projection,
    position,
    reason,
    by,
  }: { projection: string; position: string; reason: string | null; by: string | null },
): Promise<DeadLetter> {
  return resolve(pool, await quarantinedRow(pool, projection, position), 'retried', { by, reason });
}

/**
 * Lets the projection pass over the event, leaving its read model without it: first the
 * skip is recorded as a `DeadLetterSkipped` event on `projection-<name>` (who, when, why,
 * with the caller's correlation id, for the audit), then the row says so, and the worker
 * moves the checkpoint over the event. The event's id derives from the dead letter, so a
 * skip repeated after a crash between the two writes appends nothing twice.
 */
export async function skipDeadLetter(
  { pool, store }: { pool: Pool; store: EventStore },
  {
    projection,
    position,
    reason,
    context,
  }: { projection: string; position: string; reason: string; context: CommandContext },
): Promise<{ deadLetter: DeadLetter; position: Position }> {
  const row = await quarantinedRow(pool, projection, position);
  const skipped: ProjectionEvent = {
    type: 'DeadLetterSkipped',
    data: { projection, position, eventId: row.event_id, eventType: row.event_type, reason },
  };
  const appended = await store.append(
    projectionStream(projection),
    [
      {
        id: derivedId('dead-letter-skipped', projection, position),
        type: skipped.type,
        data: skipped.data,
        metadata: {
          correlationId: context.correlationId,
          causationId: context.requestId,
          actor: context.actor,
          idempotencyKey: context.idempotencyKey,
          schemaVersion: projectionEvents.version,
        },
      },
    ],
    'any',
  );
  const deadLetter = await resolve(pool, row, 'skipped', { by: context.actor.userId, reason });
  return { deadLetter, position: appended.position };
}

/** The projection's skip policy, the system as actor. */
const policyContext = (projection: string): CommandContext => ({
  requestId: derivedId('dead-letter-policy', projection, String(Date.now())),
  correlationId: `dead-letter-skip-${projection}`,
  actor: { userId: null, role: 'system' },
  idempotencyKey: null,
});

export type Outcome = { applied: number; stoppedAt: Position | null };

/**
 * What a range job does: catch up to `to`, stopping just before a quarantined event and
 * passing over skipped ones. An event that fails is found, tried again, quarantined and
 * then stops the projection or is skipped, as `policy` says.
 */
export async function catchUpWithDeadLetters(
  { pool, store }: { pool: Pool; store: EventStore },
  projection: Projection,
  schema: string,
  to: Position,
  {
    policy,
    retries = DEFAULT_RETRIES,
    onProgress,
    onApplied,
  }: {
    policy: DeadLetterPolicy;
    retries?: RetryPolicy;
    onProgress?: (at: Position) => void;
    onApplied?: (range: RangeResult) => Promise<void>;
  },
): Promise<Outcome> {
  let applied = 0;
  for (;;) {
    const stopped = await stoppedAt(pool, projection.name, schema);
    if (stopped) return { applied, stoppedAt: stopped.position };
    try {
      return {
        applied: applied + (await catchUp(pool, store, projection, schema, to, { onProgress, onApplied })),
        stoppedAt: null,
      };
    } catch (error) {
      if (isTransient(error)) throw error;
      const found = await isolate(pool, store, projection, schema, to, { retries, onApplied });
      applied += found.applied;
      if (!found.failure) continue;
      await quarantine(pool, projection.name, found.failure);
      if (policy === 'stop') return { applied, stoppedAt: found.failure.event.position };
      await skipDeadLetter(
        { pool, store },
        {
          projection: projection.name,
          position: positionToken(found.failure.event.position),
          reason: 'skip policy (DEAD_LETTER_SKIP)',
          context: policyContext(projection.name),
        },
      );
    }
  }
}

/**
 * Applies the projection's events up to `until` one per transaction, each tried
 * `retries.attempts` times with a doubling pause, until one still fails: that one is the
 * event at fault (the ones before it are applied and stay so). None failing (the range's
 * failure passed) applies them all.
 */
async function isolate(
  pool: Pool,
  store: EventStore,
  projection: Projection,
  schema: string,
  until: Position,
  { retries, onApplied }: { retries: RetryPolicy; onApplied?: (range: RangeResult) => Promise<void> },
): Promise<{ applied: number; failure: { event: RecordedEvent; error: unknown; attempts: number } | null }> {
  let applied = 0;
  const skipped = new Set((await skippedAhead(pool, projection.name, schema, until)).map(positionToken));
  for (;;) {
    const at = await readCheckpoint(pool, schema);
    if (!at || comparePositions(at, until) >= 0) return { applied, failure: null };
    const [next] = (await store.readAll(at, { to: until, types: projection.handles, limit: 1 })).events;
    if (next && skipped.has(positionToken(next.position))) {
      await passOver(pool, projection, schema, next.position);
      continue;
    }
    if (!next) {
      // Nothing of this projection's left before `until`: only the checkpoint moves.
      await runRange(pool, store, projection, schema, { to: until });
      return { applied, failure: null };
    }
    let failed: { error: unknown } | null = null;
    for (let attempt = 1; attempt <= retries.attempts; attempt++) {
      try {
        const result = await runRange(pool, store, projection, schema, { to: next.position, maxEvents: 1 });
        if (result && result.applied > 0) {
          applied += result.applied;
          await onApplied?.(result);
        }
        failed = null;
        break;
      } catch (error) {
        if (isTransient(error)) throw error;
        failed = { error };
        if (attempt < retries.attempts) await sleep(retries.backoffMs * 2 ** (attempt - 1));
      }
    }
    if (failed) return { applied, failure: { event: next, error: failed.error, attempts: retries.attempts } };
  }
}
