import type { Pool } from '@flowdose/shared/db';
import { PositionNotReachedError, ValidationError } from '@flowdose/shared/errors';
import { comparePositions, type Position, parsePosition } from '@flowdose/shared/event-store/position';
import type { Notifications } from '@flowdose/shared/notifications';
import { liveSchema, PROJECTIONS_CHANNEL, readCheckpoint } from '@flowdose/shared/read-models';
import type { Request } from 'express';

type Waiter = { target: Position; resolve: () => void };

export type PositionWaiter = (projection: string, target: Position) => Promise<void>;

/**
 * Waits until a projection's checkpoint passes a position. Woken by the projectors'
 * notifications, never by a polling loop; the checkpoint row is read once on arrival and
 * once after registering, so a notification that came first is not missed.
 */
export function createPositionWaiter(pool: Pool, notifications: Notifications, timeoutMs: number): PositionWaiter {
  const waiters = new Map<string, Set<Waiter>>();
  const listening = notifications.listen(PROJECTIONS_CHANNEL, (payload) => {
    const [schema, token] = payload.split(':');
    const at = token ? parsePosition(token) : null;
    const set = schema ? waiters.get(schema) : undefined;
    if (!at || !set) return;
    for (const w of set) if (comparePositions(at, w.target) >= 0) w.resolve();
  });

  const reached = async (schema: string, target: Position) => {
    const at = await readCheckpoint(pool, schema);
    return at !== null && comparePositions(at, target) >= 0;
  };

  return async (projection, target) => {
    const schema = liveSchema(projection);
    if (await reached(schema, target)) return;
    await listening;
    const set = waiters.get(schema) ?? new Set<Waiter>();
    waiters.set(schema, set);
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    const done = new Promise<boolean>((resolve) => {
      waiter = { target, resolve: () => resolve(true) };
      set.add(waiter);
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const ok = (await reached(schema, target)) || (await done);
      if (!ok) throw new PositionNotReachedError(projection, `${target.major}.${target.minor}`);
    } finally {
      clearTimeout(timer);
      if (waiter) set.delete(waiter);
    }
  };
}

/**
 * Honours `X-Min-Position` on a read: the answer reflects at least that position, or 503.
 * Name every projection the read draws on; each must have passed the position.
 */
export async function minPosition(req: Request, wait: PositionWaiter, ...projections: string[]): Promise<void> {
  const header = req.get('X-Min-Position');
  if (header === undefined) return;
  const target = parsePosition(header);
  if (!target)
    throw new ValidationError([
      { path: 'X-Min-Position', message: 'must be a position token from a command response' },
    ]);
  await Promise.all(projections.map((projection) => wait(projection, target)));
}
