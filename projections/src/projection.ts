import { type EventSchema, readEvent } from '@flowdose/domain/event-schemas';
import type { DeadLetterPolicy } from '@flowdose/domain/projection/events';
import type { PoolClient } from '@flowdose/shared/db';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';

export type Statement = { text: string; values: unknown[] };

/** One statement of a projection's SQL. */
export const sql = (text: string, values: unknown[]): Statement => ({ text, values });

export type Projection = {
  name: string;
  /** A new version means its tables changed shape: rebuild it into a shadow schema. */
  version: number;
  handles: readonly string[];
  /** DDL for the projection's own tables inside `schema`. */
  tables: (schema: string) => string;
  /**
   * The SQL a chunk of events (in log order) turns into, on this projection's own tables.
   * Pure: run-range executes it, in order, pipelined instead of one round trip each.
   */
  apply: (events: readonly RecordedEvent[], schema: string) => Statement[];
  /**
   * Its statements join a whole chunk's rows (thousands) to tables of millions, and are
   * planned as index lookups (run-range's PLAN_FOR_A_CHUNK): `defineChunkProjection` sets it.
   */
  setBased?: true;
  /**
   * The analysts' views over this projection's tables, if any (issue 14, read-only SQL): each
   * key names a view in the `analytics` schema, each value is its SELECT over `schema`'s
   * tables. Only this projection's own schema: a rebuild moves these views to the new tables
   * and drops the old ones, so a view reaching into another projection's schema would be
   * lost when that one is rebuilt. List columns by name and leave out what analysts must not
   * see (credentials, tokens, e-mails, addresses). `applyViews` in schema.ts makes them.
   */
  views?: (schema: string) => Record<string, string>;
  /**
   * Work a range needs once its statements ran, inside its transaction, after the checkpoint
   * moved and before the commit: the search projection hands the documents the range changed
   * to its index here (a table in the same transaction, or Meilisearch, waited for, so the
   * checkpoint never passes documents the index lacks). A failure rolls the range back.
   * Anything it writes outside the transaction must be safe to write again (a replay).
   */
  afterApply?: (tx: PoolClient, schema: string, events: readonly RecordedEvent[]) => Promise<void>;
  /**
   * What its worker does with an event it cannot apply, once quarantined (dead-letters.ts):
   * `stop` there (unset: the default, since a skipped event leaves the read model wrong) or
   * `skip` it. Set from DEAD_LETTER_SKIP by `projectionsFor`.
   */
  deadLetterPolicy?: DeadLetterPolicy;
};

/**
 * A projection over one stream kind's events. Each recorded event reaches `apply` read as the
 * deciders read it (upcast from the version that wrote it, then parsed by the stream's
 * schema), so a projection sees today's shapes only and an event that does not fit stops the
 * range with `UnreadableEventError` instead of writing a wrong row.
 */
export function defineProjection<E extends { type: string }, T extends E['type'] = E['type']>(spec: {
  name: string;
  version: number;
  events: EventSchema<E>;
  handles: readonly T[];
  tables: (schema: string) => string;
  views?: (schema: string) => Record<string, string>;
  afterApply?: Projection['afterApply'];
  apply: (event: Extract<E, { type: T }>, recorded: RecordedEvent, schema: string) => Statement[];
}): Projection {
  const { events, apply, ...projection } = spec;
  const { read } = source(events, spec.handles);
  const applyOne = (recorded: RecordedEvent, schema: string) => {
    const event = read(recorded);
    // run-range reads only the handled types; anything else changes nothing here.
    return event ? apply(event, recorded, schema) : [];
  };
  return { ...projection, apply: (chunk, schema) => chunk.flatMap((recorded) => applyOne(recorded, schema)) };
}

/** An event as a chunk projection reads it: in today's shape, with its place in the log. */
type Read<E> = { event: E; recorded: RecordedEvent };

/** The events a chunk projection reads from one kind of stream, through that stream's schema. */
type Source<E> = { handles: readonly string[]; read: (recorded: RecordedEvent) => E | undefined };

/**
 * A chunk projection's `handles` of one stream kind, read as `defineProjection` reads them:
 * upcast, then parsed by the stream's schema (an event that does not fit stops the range).
 */
export const source = <E extends { type: string }, T extends E['type']>(
  events: EventSchema<E>,
  handles: readonly T[],
): Source<Extract<E, { type: T }>> => ({
  handles,
  read(recorded) {
    const event = readEvent(events, recorded);
    return (handles as readonly string[]).includes(event.type) ? (event as Extract<E, { type: T }>) : undefined;
  },
});

type SourceEvent<S> = S extends Source<infer E> ? E : never;

/**
 * A projection that turns a whole chunk of events into a few set-based statements: it folds
 * the chunk in memory (sums per day, each cart's furthest step…) and sends arrays, instead of
 * statements per event, which cost a round of parsing, planning and index lookups each (the
 * analytics models' rebuilds run over millions of events). `applyChunk` sees the chunk's
 * events of its sources, in log order, read as the deciders read them.
 */
export function defineChunkProjection<const S extends readonly Source<{ type: string }>[]>(spec: {
  name: string;
  version: number;
  sources: S;
  tables: (schema: string) => string;
  views?: (schema: string) => Record<string, string>;
  applyChunk: (events: Read<SourceEvent<S[number]>>[], schema: string) => Statement[];
}): Projection {
  const { sources, applyChunk, ...projection } = spec;
  return {
    ...projection,
    setBased: true,
    handles: sources.flatMap((s) => s.handles),
    apply(chunk, schema) {
      const read = chunk.flatMap((recorded) => {
        const event = sources.find((s) => s.handles.includes(recorded.type))?.read(recorded);
        return event ? [{ event: event as SourceEvent<S[number]>, recorded }] : [];
      });
      return read.length > 0 ? applyChunk(read, schema) : [];
    },
  };
}

/**
 * One read model fed by several kinds of stream: each part is a `defineProjection` over one
 * stream's events (so each reads its events through its own schema and upcasters), sharing
 * the name, version, tables, views and afterApply (the first part's). An event goes to the part that
 * handles its type.
 */
export function combineProjections(first: Projection, ...rest: Projection[]): Projection {
  const parts = [first, ...rest];
  return {
    ...first,
    handles: parts.flatMap((p) => p.handles),
    apply: (chunk, schema) =>
      chunk.flatMap(
        (recorded) => parts.find((p) => p.handles.includes(recorded.type))?.apply([recorded], schema) ?? [],
      ),
  };
}
