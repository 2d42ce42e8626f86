import type { RecordedEvent } from '@flowdose/shared/event-store/port';

export type Statement = { text: string; values: unknown[] };

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

export const defineProjection = (projection: Projection): Projection => projection;
