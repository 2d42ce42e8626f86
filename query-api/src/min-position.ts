import type { Pool } from '@flowdose/shared/db';
import { PositionNotReachedError, ValidationError } from '@flowdose/shared/errors';
import { comparePositions, type Position, parsePosition } from '@flowdose/shared/event-store/position';
import type { Notifications } from '@flowdose/shared/notifications';
import { liveSchema, PROJECTIONS_CHANNEL, readCheckpoint } from '@flowdose/shared/read-models';
import type { Request } from 'express';

type Waiter = { target: Position; resolve: () => void };

export type PositionWaiter = (projection: string, target: Position) => Promise<void>;

// How long a lost notification may delay an answer: a fraction of the wait, so a waiter
// re-reads a few times before it gives up, and never so often that waiting costs much.
const recheckInterval = (timeoutMs: number) => Math.min(1000, Math.max(50, Math.floor(timeoutMs / 4)));

/**
 * Waits until a projection's checkpoint passes a position. Woken by the projectors'
 * notifications; the checkpoint row is read on arrival and once after registering, so a
 * notification that came first is not missed. A notification can still be lost: sent while
 * the listener was reconnecting (every waited-on checkpoint is re-read when it is back), or
 * naming a schema that a rebuild has since renamed to the live one (the swap notifies too).
 * As a last net, while anyone waits each waited-on checkpoint is also re-read on a short
 * interval (one read per schema, however many wait), and a waiter reads it once more
 * before it gives up.
 */
export function createPositionWaiter(pool: Pool, notifications: Notifications, timeoutMs: number): PositionWaiter {
  const waiters = new Map<string, Set<Waiter>>();
  const wake = (schema: string, at: Position) => {
    for (const w of waiters.get(schema) ?? []) if (comparePositions(at, w.target) >= 0) w.resolve();
  };
  const listening = notifications.listen(PROJECTIONS_CHANNEL, (payload) => {
    const [schema, token] = payload.split(':');
    const at = token ? parsePosition(token) : null;
    if (schema && at) wake(schema, at);
  });

  let rechecking: NodeJS.Timeout | undefined;
  const recheck = () => {
    for (const schema of waiters.keys())
      readCheckpoint(pool, schema).then(
        (at) => at && wake(schema, at),
        // Reported elsewhere: a waiter still unanswered reads the checkpoint itself before
        // giving up, and that read's failure reaches its request.
        () => {},
      );
  };
  notifications.onReconnect(recheck);
  const register = (schema: string, waiter: Waiter) => {
    const set = waiters.get(schema) ?? new Set<Waiter>();
    waiters.set(schema, set);
    set.add(waiter);
    rechecking ??= setInterval(recheck, recheckInterval(timeoutMs)).unref();
  };
  const unregister = (schema: string, waiter: Waiter) => {
    const set = waiters.get(schema);
    set?.delete(waiter);
    if (set?.size === 0) waiters.delete(schema);
    if (waiters.size > 0) return;
    clearInterval(rechecking);
    rechecking = undefined;
  };

  const reached = async (schema: string, target: Position) => {
    const at = await readCheckpoint(pool, schema);
    return at !== null && comparePositions(at, target) >= 0;
  };

  return async (projection, target) => {
    const schema = liveSchema(projection);
    if (await reached(schema, target)) return;
    await listening;
    const deadline = Date.now() + timeoutMs;
    // A notification (or a recheck) only says "look again": NOTIFY takes no privilege, so
    // anyone who can log in (an analyst's read-only role too) could announce any position.
    // Only the checkpoint row itself lets a read through.
    let poked = false;
    let poke = () => {};
    const waiter: Waiter = {
      target,
      resolve: () => {
        poked = true;
        poke();
      },
    };
    register(schema, waiter);
    try {
      for (;;) {
        poked = false;
        if (await reached(schema, target)) return;
        const left = deadline - Date.now();
        if (left <= 0) throw new PositionNotReachedError(projection, `${target.major}.${target.minor}`);
        if (poked) continue; // woken while reading: read again at once
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          poke = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        poke = () => {};
      }
    } finally {
      unregister(schema, waiter);
    }
  };
}

/**
 * Honours `X-Min-Position` on a read: the answer reflects at least that position, or 503.
 * Name every projection the read draws on; each must have passed the position.
 */
export async function minPosition(req: Request, wait: PositionWaiter, ...projections: string[]): Promise<void> {
  const target = requestedPosition(req);
  if (target) await Promise.all(projections.map((projection) => wait(projection, target)));
}

/** The request's `X-Min-Position`: none, a position, or a 400. */
export function requestedPosition(req: Request): Position | null {
  const header = req.get('X-Min-Position');
  if (header === undefined) return null;
  const target = parsePosition(header);
  if (!target)
    throw new ValidationError([
      { path: 'X-Min-Position', message: 'must be a position token from a command response' },
    ]);
  return target;
}
