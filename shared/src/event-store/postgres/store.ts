import type { Clock } from '../../clock.ts';
import type { Pool } from '../../db.ts';
import { ConcurrencyError } from '../../errors.ts';
import { createNotifications, type Notifications } from '../../notifications.ts';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../port.ts';
import type { Position } from '../position.ts';
import { checkAppend } from '../stream-schemas.ts';

export const EVENTS_CHANNEL = 'flowdose_events';
const UNIQUE_VIOLATION = '23505';

/**
 * The append statement. `stamped` adds `created_at` from a parameter ($7) for a store given a
 * clock; without it the column's default (the database's now()) stamps the events, as in
 * production. Two texts, so production's prepared statement stays the one measured below.
 */
const appendSql = (stamped: boolean) => `
  insert into events (stream_id, stream_position, event_id, type, data, metadata${stamped ? ', created_at' : ''})
  select $1, v.current + i.ord, i.id, i.type, i.data, i.metadata${stamped ? ', $7::timestamptz' : ''}
  from (select coalesce(max(stream_position), 0) as current from events where stream_id = $1) v,
       unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) with ordinality as i(id, type, data, metadata, ord)
  where $2::bigint = -1 or ($2 = -2 and v.current = 0) or ($2 = -3 and v.current > 0) or v.current = $2
  order by i.ord
  returning global_position, stream_position, transaction_id::text as tx`;
const APPEND_SQL = appendSql(false);
const STAMPED_APPEND_SQL = appendSql(true);

const expectedCode = (expected: ExpectedVersion): bigint =>
  expected === 'any' ? -1n : expected === 'no_stream' ? -2n : expected === 'stream_exists' ? -3n : expected;

/** The columns a recorded event is read from; `toRecordedEvent` turns such a row into one. */
export const EVENT_COLUMNS =
  'global_position, transaction_id::text as tx, stream_id, stream_position, event_id, type, data, metadata, created_at';

export type EventRow = {
  global_position: bigint;
  tx: string;
  stream_id: string;
  stream_position: bigint;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  created_at: Date;
};

export const toRecordedEvent = (r: EventRow): RecordedEvent => ({
  id: r.event_id,
  streamId: r.stream_id,
  streamPosition: r.stream_position,
  position: { major: BigInt(r.tx), minor: r.global_position },
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  createdAt: r.created_at,
});

/** Told of every append that added events, after its commit: the metrics count them (metrics/clients.ts). */
export type AppendHook = (appended: { events: number }) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type PostgresEventStoreOptions = {
  pool: Pool;
  connectionString: string;
  /** How long a follower sleeps when no notification comes; a safety net, not the path. */
  idlePollMs?: number;
  onError?: (error: unknown) => void;
  /**
   * For tests and simulations only: stamps each appended event's `created_at` with this
   * clock's time instead of the database's, so a scripted history can fall on chosen days
   * (the analytics models bucket by it). Production leaves it out: the database's clock is
   * the one every writer shares.
   */
  clock?: Clock;
  onAppended?: AppendHook;
  /**
   * Each append is first checked by its stream's schema, the one its readers use
   * (stream-schemas.ts). `false` is for tests alone that plant what today's code refuses (a
   * payload an old bug or a bad import left) to see how readers and projections cope with it.
   */
  checkEvents?: boolean;
};

export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const { pool } = options;
  const idlePollMs = options.idlePollMs ?? 1000;
  const reportError = options.onError ?? (() => {});
  const onAppended = options.onAppended ?? (() => {});
  let notifications: Notifications | null = null;
  const subscriptions = new Set<{ stop: () => Promise<void> }>();

  // NOTIFY inside the append transaction would take Postgres's global notify lock at
  // commit and serialise every writer's commit. So appends commit first and one
  // notification per burst follows, outside any write transaction.
  let notifying = false;
  let notifyAgain = false;
  const wakeFollowers = () => {
    if (notifying) {
      notifyAgain = true;
      return;
    }
    notifying = true;
    pool
      .query(`select pg_notify('${EVENTS_CHANNEL}', '')`)
      .catch(reportError)
      .finally(() => {
        notifying = false;
        if (notifyAgain) {
          notifyAgain = false;
          wakeFollowers();
        }
      });
  };

  async function currentVersion(streamId: string): Promise<bigint> {
    const { rows } = await pool.query<{ v: bigint }>(
      'select coalesce(max(stream_position), 0)::bigint as v from events where stream_id = $1',
      [streamId],
    );
    return rows[0]!.v;
  }

  /** The result of an earlier append that began with this event id, if there was one. */
  async function original(streamId: string, firstEventId: string): Promise<AppendResult | null> {
    const { rows } = await pool.query<{ stream_position: bigint; tx: string; global_position: bigint }>(
      `select e.stream_position, e.transaction_id::text as tx, e.global_position from events e
       where e.stream_id = $1 and e.transaction_id = (select transaction_id from events where event_id = $2 and stream_id = $1)
       order by e.stream_position desc limit 1`,
      [streamId, firstEventId],
    );
    const row = rows[0];
    return row
      ? {
          nextVersion: row.stream_position,
          position: { major: BigInt(row.tx), minor: row.global_position },
          duplicate: true,
        }
      : null;
  }

  // One prepared statement per append. The expected version is checked in its WHERE clause
  // and the unique indexes settle races: a second writer at the same version fails on
  // (stream_id, stream_position), a repeated append on event_id. Measured with pgbench here
  // (16 clients, prepared): 12.2k appends/s, against 8.2k for a plpgsql function that took a
  // per-stream advisory lock first, and 14.9k for a bare INSERT.
  async function append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    // Before any I/O: a refused append writes nothing, and a retry of it is refused again.
    if (options.checkEvents !== false) checkAppend(streamId, events);
    const firstId = events[0]!.id;
    for (let attempt = 1; ; attempt++) {
      try {
        const values: unknown[] = [
          streamId,
          expectedCode(expected),
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
        ];
        const { rows } = await pool.query<{ global_position: bigint; stream_position: bigint; tx: string }>(
          options.clock
            ? { name: 'flowdose_append_stamped_v1', text: STAMPED_APPEND_SQL, values: [...values, options.clock.now()] }
            : { name: 'flowdose_append_v1', text: APPEND_SQL, values },
        );
        const last = rows[rows.length - 1];
        if (!last) {
          // The version did not match: a retry of an append that already happened, or a conflict.
          const earlier = await original(streamId, firstId);
          if (earlier) return earlier;
          throw new ConcurrencyError(streamId, String(expected), await currentVersion(streamId));
        }
        wakeFollowers();
        onAppended({ events: rows.length });
        return {
          nextVersion: last.stream_position,
          position: { major: BigInt(last.tx), minor: last.global_position },
          duplicate: false,
        };
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        const earlier = await original(streamId, firstId);
        if (earlier) return earlier;
        // Another writer took the same stream position first; 'any' simply goes again.
        if (expected !== 'any' || attempt >= 50) {
          throw new ConcurrencyError(streamId, String(expected), await currentVersion(streamId));
        }
      }
    }
  }

  async function readStream(
    streamId: string,
    {
      direction = 'forward',
      fromVersion,
      limit = 10_000,
    }: { direction?: 'forward' | 'backward'; fromVersion?: bigint; limit?: number } = {},
  ): Promise<RecordedEvent[]> {
    const forward = direction === 'forward';
    const from = fromVersion ?? (forward ? 1n : 9223372036854775807n);
    const { rows } = await pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from events where stream_id = $1 and stream_position ${forward ? '>=' : '<='} $2
       order by stream_position ${forward ? 'asc' : 'desc'} limit $3`,
      [streamId, from, limit],
    );
    return rows.map(toRecordedEvent);
  }

  // Only transactions older than every open one are read: their events can no longer be
  // joined by a late commit, so a reader that moves past them never skips one. The page and
  // the held-back flag come from one statement, so they agree on the horizon: judged in two,
  // a transaction committing in between would hide a held-back event until the idle poll.
  async function readAll(after: Position, { limit = 1000, to, types }: ReadAllOptions = {}) {
    const params: unknown[] = [after.major.toString(), after.minor, limit];
    let where = '(transaction_id, global_position) > ($1::xid8, $2::bigint) and transaction_id < h.xmin';
    if (to) {
      params.push(to.major.toString(), to.minor);
      where += ` and (transaction_id, global_position) <= ($${params.length - 1}::xid8, $${params.length}::bigint)`;
    }
    const page = (filter: string) =>
      `(select * from events where ${filter}${where} order by transaction_id, global_position limit $3)`;
    // Filtered by type, each type is its own range of events_type_order, merged in log order
    // (a Merge Append that stops at the limit): a projection of one event in ten reads its
    // events and no others, where one scan of the log in order read all ten and threw nine
    // away (a page of 5,000 order events of 9.1M: 12 ms of the database's time instead of 48,
    // before writing out their JSON, which costs more than either).
    const pages = types
      ? types.map((type) => {
          params.push(type);
          return page(`type = $${params.length} and `);
        })
      : [page('')];
    const { rows } =
      pages.length === 0
        ? { rows: [] }
        : await pool.query<EventRow & { held_back: boolean }>(
            // held_back is computed once, in the CTE; "order by … limit 1" makes it an index probe.
            `with h as materialized (
               select x.xmin, exists (
                 select 1 from events e where e.transaction_id >= x.xmin order by e.transaction_id limit 1
               ) as held_back
               from (select pg_snapshot_xmin(pg_current_snapshot()) as xmin) x
             )
             select h.held_back, p.*
             from h left join lateral (
               select ${EVENT_COLUMNS} from (${pages.join(' union all ')}) e
               order by transaction_id, global_position limit $3
             ) p on true`,
            params,
          );
    const events = rows.filter((r) => r.global_position !== null).map(toRecordedEvent);
    return { events, heldBack: rows[0]?.held_back ?? false };
  }

  async function head(): Promise<Position | null> {
    const { rows } = await pool.query<{ tx: string; global_position: bigint }>(
      `select transaction_id::text as tx, global_position from events
       where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       order by transaction_id desc, global_position desc limit 1`,
    );
    const row = rows[0];
    return row ? { major: BigInt(row.tx), minor: row.global_position } : null;
  }

  function subscribe({ after, batchSize = 1000, onEvents, onError }: SubscribeOptions) {
    let stopped = false;
    let wake: (() => void) | null = null;
    // Set by a notification that lands while a read is under way, so it is not slept through.
    let signalled = false;
    let checkpoint = after;
    let unlisten: (() => void) | null = null;

    const loop = async () => {
      notifications ??= createNotifications(options.connectionString, reportError);
      unlisten = await notifications.listen(EVENTS_CHANNEL, () => {
        signalled = true;
        wake?.();
      });
      let heldBackDelay = 2;
      while (!stopped) {
        try {
          signalled = false;
          const { events, heldBack } = await readAll(checkpoint, { limit: batchSize });
          if (events.length > 0) {
            await onEvents(events);
            checkpoint = events[events.length - 1]!.position;
            heldBackDelay = 2;
            continue;
          }
          // A held-back event waits for an older transaction that may never notify
          // (a read-model write, say), so look again soon rather than at the next append.
          const delay = heldBack ? heldBackDelay : idlePollMs;
          heldBackDelay = heldBack ? Math.min(heldBackDelay * 2, 100) : 2;
          if (signalled) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, delay);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
        } catch (error) {
          (onError ?? reportError)(error);
          await sleep(500);
        }
      }
    };
    const running = loop();
    const subscription = {
      stop: async () => {
        stopped = true;
        wake?.();
        await running.catch(() => {});
        unlisten?.();
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    append,
    readStream,
    readAll,
    head,
    subscribe,
    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await notifications?.close();
    },
  };
}
