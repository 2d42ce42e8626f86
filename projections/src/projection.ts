import type { PoolClient } from '@flowdose/shared/db';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';

export type Projection = {
  name: string;
  /** A new version means its tables changed shape: rebuild it into a shadow schema. */
  version: number;
  handles: readonly string[];
  /** DDL for the projection's own tables inside `schema`. */
  tables: (schema: string) => string;
  apply: (tx: PoolClient, event: RecordedEvent, schema: string) => Promise<void>;
};

export const defineProjection = (projection: Projection): Projection => projection;
