import { DomainError } from '@flowdose/domain/errors';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import { expiredReservations } from '@flowdose/projections/read-models/inventory/queries';
import type { Clock } from '@flowdose/shared/clock';
import { withClient } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Logger } from '@flowdose/shared/logger';
import type { Deps } from './deps.ts';
import { handle, loadState, systemContext } from './handle-command.ts';
import { HOT_STREAM_ATTEMPTS } from './holds.ts';
import { recoverProcesses } from './recover.ts';

/**
 * Gives back stock held for orders that never appeared: a checkout that crashed, or a
 * shopper who left, between reserving and placing. A reservation whose order exists (and
 * is not canceled) stays: the order holds it. Answers how many were released.
 *
 * It reads the inventory read model only to find candidates; each is checked against the
 * order's and the SKU's own streams before anything is released.
 */
export async function releaseExpired(
  { pool, store }: Pick<Deps, 'pool' | 'store'>,
  clock: Clock,
  limit = 500,
): Promise<number> {
  // A lagging read is safe here: a hold not projected yet is found at a later tick, and one
  // listed but already gone is checked against the streams below.
  const candidates = await expiredReservations(pool, clock.now(), limit);
  let released = 0;
  for (const r of candidates) {
    const ctx = systemContext('reservation-expiry', `expire:${r.reservationId}`);
    // The read model may lag: the order's own stream decides. A placed order keeps its hold; an
    // order never placed gets a tombstone first, so its checkout can no longer place it late.
    if (r.orderId && !(await orderGivenUp(store, ctx, r.orderId))) continue;
    // The read model may still list a reservation released a moment ago: count real releases only.
    const { events } = await handle(
      store,
      inventoryDecider,
      inventoryStream(r.sku),
      (state) =>
        state.reservations.has(r.reservationId)
          ? { type: 'Release', data: { sku: r.sku, reservationId: r.reservationId, reason: 'expired' } }
          : null,
      ctx,
      { attempts: HOT_STREAM_ATTEMPTS },
    );
    if (events.length > 0) released++;
  }
  return released;
}

/** True when the order will never hold stock: canceled, expired, or now tombstoned (placement raced and lost). */
async function orderGivenUp(store: EventStore, ctx: CommandContext, orderId: string): Promise<boolean> {
  try {
    await handle(
      store,
      orderDecider,
      orderStream(orderId),
      (order) =>
        order.status === 'none' ? { type: 'ExpireOrder', data: { orderId, reason: 'stock hold expired' } } : null,
      ctx,
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
  const { state } = await loadState(store, orderDecider, orderStream(orderId));
  return state.status === 'expired' || state.status === 'canceled';
}

// One key for the whole cluster: however many API instances run, one tick runs at a time.
const HOUSEKEEPING_LOCK = 'flowdose:housekeeping';

/**
 * The recovery sweep and releaseExpired, at start and every minute. Driven by a timer in
 * each API process and serialised by a Postgres advisory lock, not by a queue: Redis holds
 * nothing that must survive (a flush, or Redis being away, must not stop abandoned holds
 * from expiring). An instance that finds the lock taken skips its tick.
 */
export function startHousekeeping(deps: Deps, logger: Logger) {
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    await withClient(deps.pool, async (client) => {
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [HOUSEKEEPING_LOCK],
      );
      if (!rows[0]?.ok) return;
      try {
        // Stalled processes first: finishing one may place the order a reservation was held for.
        const recovered = await recoverProcesses(deps, logger);
        const released = await releaseExpired(deps, deps.clock);
        if (released > 0 || recovered.checkouts + recovered.orderSteps > 0)
          logger.info({ released, ...recovered }, 'housekeeping');
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [HOUSEKEEPING_LOCK]);
      }
    });
  };
  const run = () => {
    running = running.then(tick).catch((err) => logger.warn({ err }, 'housekeeping failed; next tick tries again'));
  };
  run();
  const timer = setInterval(run, deps.config.HOUSEKEEPING_SECONDS * 1000);
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
