import { randomUUID } from 'node:crypto';
import type { Decider } from '@flowdose/domain/decider';
import { readEvent } from '@flowdose/domain/event-schemas';
import { derivedId, randomIds } from '@flowdose/domain/ids';
import { ConcurrencyError } from '@flowdose/shared/errors';
import type { EventStore, NewEvent } from '@flowdose/shared/event-store/port';
import { type Position, START } from '@flowdose/shared/event-store/position';
import type { CommandContext } from '@flowdose/shared/http/context';
import { activeTraceparent } from '@flowdose/shared/trace-context';

const MAX_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same request under another key: a step of a process that must happen once whoever runs it. */
export const withKey = (ctx: CommandContext, idempotencyKey: string): CommandContext => ({ ...ctx, idempotencyKey });

/** What the API does on its own (a sweep, expiry): the system as actor, one correlation id per kind of job. */
export const systemContext = (correlationId: string, idempotencyKey: string | null = null): CommandContext => ({
  requestId: randomUUID(),
  correlationId,
  actor: { userId: null, role: 'system' },
  idempotencyKey,
});

/** An id for something a command creates; derived from the Idempotency-Key so a retry re-creates the same one. */
export const newId = (ctx: CommandContext, purpose: string): string =>
  ctx.idempotencyKey ? derivedId(ctx.idempotencyKey, purpose) : randomIds.next();

// Streams are read in pages: a hot SKU's stream outgrows any single read.
const PAGE = 5_000;
// Folded states by store and stream, at the version they were folded to. Events never
// change once appended, so a cached state only needs the events after it: one short read
// instead of the whole stream. Bounded: CACHED_STREAMS a store, least recently used go
// first, and a store's entries go with the store (a WeakMap).
const CACHED_STREAMS = 20_000;
type Folded = { decider: unknown; state: unknown; version: bigint; last: Position | null };
const folded = new WeakMap<EventStore, Map<string, Folded>>();

function remember(store: EventStore, streamId: string, entry: Folded) {
  const streams = folded.get(store) ?? new Map<string, Folded>();
  folded.set(store, streams);
  streams.delete(streamId);
  streams.set(streamId, entry);
  if (streams.size > CACHED_STREAMS) streams.delete(streams.keys().next().value!);
}

/**
 * A stream read and folded: the state a decision starts from, its version and last position.
 * Each event is checked (and upcast) by the decider's schema first: one that does not fit
 * throws, naming its stream and position, and nothing of the fold is kept.
 */
export async function loadState<C, E extends { type: string; data: unknown }, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
): Promise<{ state: S; version: bigint; last: Position | null }> {
  const cached = folded.get(store)?.get(streamId);
  let { state, version, last } =
    cached?.decider === decider
      ? (cached as Folded & { state: S })
      : { state: decider.initialState(), version: 0n, last: null as Position | null };
  for (;;) {
    const page = await store.readStream(streamId, { fromVersion: version + 1n, limit: PAGE });
    state = page.reduce((s, e) => decider.evolve(s, readEvent(decider.events, e)), state);
    version += BigInt(page.length);
    last = page.at(-1)?.position ?? last;
    if (page.length < PAGE) break;
  }
  remember(store, streamId, { decider, state, version, last });
  return { state, version, last };
}

/**
 * `duplicate`: the store had these event ids already, from an earlier run of this key, and
 * appended nothing now. That earlier run may have been undone since (a hold released): a
 * caller for whom that matters checks the state. `events`: what was decided (and appended,
 * unless a duplicate); none when there was nothing to record.
 */
export type Handled<E> = { position: Position; nextVersion: bigint; duplicate: boolean; events: E[] };

/** Commands decided in turn, each on the state the ones before it leave, and appended together; null records nothing. */
export type Commands<C> = C | readonly C[] | null;

/**
 * What `handle` decides: as a rule the command itself. A function of the stream's state only
 * where the command cannot be known before it (a price in the cart's currency, a step an
 * earlier run took already, who may touch this cart): it runs again on each attempt's state.
 */
export type CommandOf<C, S> = Commands<C> | OfState<C, S>;
type OfState<C, S> = (state: S) => Commands<C> | Promise<Commands<C>>;

function decideAll<C, E, S>(decider: Decider<C, E, S>, commands: Commands<C>, state: S): E[] {
  const list = commands === null ? [] : Array.isArray(commands) ? (commands as readonly C[]) : [commands as C];
  const events: E[] = [];
  for (const command of list) {
    const decided = decider.decide(command, state);
    state = decided.reduce(decider.evolve, state);
    events.push(...decided);
  }
  return events;
}

// Writers to one stream in this process take turns: on a hot stream (one SKU at a sale)
// racing them only makes them fail each other's appends and read the stream again.
// Bounded by the streams being written now: a stream's entry goes when its last writer ends.
const turns = new Map<string, Promise<unknown>>();
async function inTurn<T>(streamId: string, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(streamId) ?? Promise.resolve();
  const mine = previous.then(work, work);
  const settled = mine.then(
    () => {},
    () => {},
  );
  turns.set(streamId, settled);
  try {
    return await mine;
  } finally {
    if (turns.get(streamId) === settled) turns.delete(streamId);
  }
}

/**
 * Event ids derive from (Idempotency-Key, stream, index): one key must not drive two
 * different decisions on the same stream, or the second is taken for a repeat of the first.
 *
 * The one command pipeline: read the stream, fold it, decide, append at the version read.
 * If another writer got there first, decide again on the newer state, a few times.
 */
export async function handle<C, E extends { type: string; data: unknown }, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: NoInfer<CommandOf<C, S>>,
  ctx: CommandContext,
  // A hot stream (one SKU's stock at a sale) needs more tries than the default. `atVersion`
  // decides only if the stream is still where the caller saw it, and never retries.
  { attempts = MAX_ATTEMPTS, atVersion }: { attempts?: number; atVersion?: bigint } = {},
): Promise<Handled<E>> {
  return inTurn(streamId, () => decideAndAppend(store, decider, streamId, command, ctx, attempts, atVersion));
}

async function decideAndAppend<C, E extends { type: string; data: unknown }, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: CommandOf<C, S>,
  ctx: CommandContext,
  attempts: number,
  atVersion: bigint | undefined,
): Promise<Handled<E>> {
  for (let attempt = 1; ; attempt++) {
    const { state, version, last } = await loadState(store, decider, streamId);
    if (atVersion !== undefined && version !== atVersion)
      throw new ConcurrencyError(streamId, String(atVersion), version);
    // A function of the state may await what the decision needs from elsewhere (a price); the decider stays pure.
    const events = decideAll(
      decider,
      typeof command === 'function' ? await (command as OfState<C, S>)(state) : (command as Commands<C>),
      state,
    );
    // Nothing to record (the change happened already, say): answer where the stream stands.
    if (events.length === 0) return { position: last ?? START, nextVersion: version, duplicate: false, events };
    const toAppend: NewEvent[] = events.map((event, index) => ({
      id: ctx.idempotencyKey ? derivedId(ctx.idempotencyKey, streamId, String(index)) : randomIds.next(),
      type: event.type,
      data: event.data,
      metadata: {
        correlationId: ctx.correlationId,
        causationId: ctx.requestId,
        actor: ctx.actor,
        idempotencyKey: ctx.idempotencyKey,
        schemaVersion: decider.events.version,
        // The request's trace, for the projections that apply the event to continue (tracing on only).
        ...activeTraceparent(),
      },
    }));
    try {
      const { position, nextVersion, duplicate } = await store.append(streamId, toAppend, version);
      return { position, nextVersion, duplicate, events };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= attempts || atVersion !== undefined) throw error;
      // A little random wait spreads the writers that just collided.
      if (attempt > 2) await sleep(Math.random() * Math.min(50, 2 * attempt));
    }
  }
}
