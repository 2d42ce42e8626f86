import { z } from 'zod';

/** An event as stored: its type and data, in the shape of the version that wrote it. */
export type StoredEvent = { type: string; data: unknown };

/** Lifts one event written at version v to its shape at v + 1; events it does not concern pass through. */
export type Upcaster = (event: StoredEvent) => StoredEvent;

/** A stream's events: today's shapes, the version today's code writes, and how older ones become today's. */
export type EventSchema<E> = {
  readonly union: z.ZodType<E>;
  readonly version: number;
  /** `upcasters[v]` lifts an event written at v to v + 1; a version without one changed no shape. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
};

export const eventSchema = <E>(
  union: z.ZodType<E>,
  { version = 1, upcasters = {} }: { version?: number; upcasters?: Record<number, Upcaster> } = {},
): EventSchema<E> => ({ union, version, upcasters });

/** What a reader knows of a recorded event; structural, so the domain needs no store. */
export type RecordedEventLike = StoredEvent & {
  streamId: string;
  streamPosition: bigint;
  position: { major: bigint; minor: bigint };
  metadata: { schemaVersion?: unknown } | null;
};

/** A stored event that today's code cannot read: folding it anyway would build a wrong state. */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
  constructor(
    readonly streamId: string,
    readonly streamPosition: bigint,
    readonly position: string,
    readonly type: string,
    readonly schemaVersion: unknown,
    readonly issues: readonly z.core.$ZodIssue[],
    why: string,
  ) {
    super(
      `Event ${type} (schemaVersion ${String(schemaVersion)}) at ${streamId} #${streamPosition}, ` +
        `global position ${position}: ${why}`,
    );
  }
}

/** A new event as a writer hands it to the store: its type, data and the version it stamped. */
export type NewEventLike = StoredEvent & { metadata: { schemaVersion?: unknown } | null };

/**
 * A new event today's readers could not read, refused before it reaches its stream: a bug in
 * the writer (bad input is refused as a 400 before anything is decided), so no HTTP status of
 * its own and a 500 at the edge. Appended, it would fail every later fold of its stream.
 */
export class UnwritableEventError extends Error {
  override readonly name = 'UnwritableEventError';
  constructor(
    readonly streamId: string,
    readonly type: string,
    readonly schemaVersion: unknown,
    readonly issues: readonly z.core.$ZodIssue[],
    why: string,
  ) {
    super(`Event ${type} (schemaVersion ${String(schemaVersion)}) refused for ${streamId}: ${why}`);
  }
}

type Fit<E> = { event: E } | { why: string; issues: readonly z.core.$ZodIssue[] };

/** The one judgement readers and writers share: upcast from the version written, then parse. */
function inTodaysShape<E>(schema: EventSchema<E>, written: unknown, stored: StoredEvent): Fit<E> {
  if (typeof written !== 'number' || !Number.isInteger(written) || written < 1) {
    return { why: 'no schemaVersion in its metadata', issues: [] };
  }
  // A newer writer's shape (a deploy rolling forward, or back) is not guessed at.
  if (written > schema.version) {
    return { why: `written by a newer version; this code reads up to ${schema.version}`, issues: [] };
  }
  let event = stored;
  for (let v = written; v < schema.version; v++) event = schema.upcasters[v]?.(event) ?? event;
  const parsed = schema.union.safeParse(event);
  return parsed.success
    ? { event: parsed.data }
    : { why: `does not fit today's schema:\n${z.prettifyError(parsed.error)}`, issues: parsed.error.issues };
}

/**
 * A recorded event in today's shape: upcast from the version that wrote it, then parsed.
 * Throws `UnreadableEventError` naming the stream, both positions, the type and the zod
 * issues when it does not fit. Parsing also drops fields today's shape does not know.
 */
export function readEvent<E>(schema: EventSchema<E>, recorded: RecordedEventLike): E {
  const written = recorded.metadata?.schemaVersion;
  const fit = inTodaysShape(schema, written, { type: recorded.type, data: recorded.data });
  if ('event' in fit) return fit.event;
  throw new UnreadableEventError(
    recorded.streamId,
    recorded.streamPosition,
    `${recorded.position.major}.${recorded.position.minor}`,
    recorded.type,
    written,
    fit.issues,
    fit.why,
  );
}

/**
 * Refuses, with `UnwritableEventError`, a new event that `readEvent` would refuse once it is
 * stored: the writer's check is the readers' own, so what one appends the others can read.
 * An event stamped with an older version passes when that version's shape upcasts to today's.
 */
export function checkNewEvent<E>(schema: EventSchema<E>, streamId: string, event: NewEventLike): void {
  const written = event.metadata?.schemaVersion;
  const fit = inTodaysShape(schema, written, { type: event.type, data: event.data });
  if (!('event' in fit)) throw new UnwritableEventError(streamId, event.type, written, fit.issues, fit.why);
}
