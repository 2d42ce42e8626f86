import type { Position } from './position.ts';

export type EventMetadata = {
  correlationId: string;
  causationId: string;
  actor: { userId: string | null; role: string };
  idempotencyKey: string | null;
  schemaVersion: number;
};

export type NewEvent = {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
};

export type RecordedEvent = {
  id: string;
  streamId: string;
  /** 1-based place in its stream. */
  streamPosition: bigint;
  position: Position;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  createdAt: Date;
};

/** `bigint`: the stream must be at exactly this version (its event count). */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendResult = {
  /** The stream's version after the append (its event count). */
  nextVersion: bigint;
  /** Position of the last event appended. */
  position: Position;
  /** True when these event ids were appended before: nothing new was written. */
  duplicate: boolean;
};

export type ReadStreamOptions = { direction?: 'forward' | 'backward'; fromVersion?: bigint; limit?: number };

export type ReadAllOptions = { limit?: number; to?: Position; types?: readonly string[] };

export type ReadAllResult = {
  events: RecordedEvent[];
  /**
   * True when committed events exist beyond what may be read yet, held back because an
   * older transaction is still open. A reader should look again shortly.
   */
  heldBack: boolean;
};

export type Subscription = { stop: () => Promise<void> };

export type SubscribeOptions = {
  after: Position;
  batchSize?: number;
  /** Called with each batch in log order; the next batch waits until it resolves. */
  onEvents: (events: RecordedEvent[]) => Promise<void>;
  onError?: (error: unknown) => void;
};

export interface EventStore {
  /**
   * Appends all of `events` or none. An event its stream's schema refuses (stream-schemas.ts:
   * the schema readers use) refuses the whole append with `UnwritableEventError`, before
   * anything is written; every adapter calls `checkAppend` first.
   */
  append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events after `after` in the gap-safe global order: none is ever skipped, none repeated. */
  readAll(after: Position, options?: ReadAllOptions): Promise<ReadAllResult>;
  /** The last readable position, or null while the log is empty. */
  head(): Promise<Position | null>;
  /** Catches up from `after`, then follows new events as they commit. */
  subscribe(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}
