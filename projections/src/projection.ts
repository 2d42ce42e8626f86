import { type EventSchema, readEvent } from '@flowdose/domain/event-schemas';
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
   * The SQL an event turns into, on this projection's own tables. Pure: run-range executes
   * it, so a chunk of events goes to Postgres pipelined instead of one round trip each.
   */
  apply: (event: RecordedEvent, schema: string) => Statement[];
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
  apply: (event: Extract<E, { type: T }>, recorded: RecordedEvent, schema: string) => Statement[];
}): Projection {
  const { events, apply, ...projection } = spec;
  const handled = (event: E): event is Extract<E, { type: T }> =>
    (spec.handles as readonly string[]).includes(event.type);
  return {
    ...projection,
    apply(recorded, schema) {
      const event = readEvent(events, recorded);
      // run-range reads only the handled types; anything else changes nothing here.
      return handled(event) ? apply(event, recorded, schema) : [];
    },
  };
}

/**
 * One read model fed by several kinds of stream: each part is a `defineProjection` over one
 * stream's events (so each reads its events through its own schema and upcasters), sharing
 * the name, version and tables. An event goes to the part that handles its type.
 */
export function combineProjections(first: Projection, ...rest: Projection[]): Projection {
  const parts = [first, ...rest];
  return {
    ...first,
    handles: parts.flatMap((p) => p.handles),
    apply: (recorded, schema) => parts.find((p) => p.handles.includes(recorded.type))?.apply(recorded, schema) ?? [],
  };
}
