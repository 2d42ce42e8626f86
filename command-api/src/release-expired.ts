import { DomainError } from '@flowdose/domain/errors';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import { expiredReservations } from '@flowdose/projections/read-models/inventory/queries';
import { deleteExpiredSessions } from '@flowdose/shared/auth/sessions';
import type { Clock } from '@flowdose/shared/clock';
import { withClient } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import type { CommandContext } from '@flowdose/shared/http/context';
import { deleteSpentIdempotencyKeys } from '@flowdose/shared/http/idempotency';
import type { Logger } from '@flowdose/shared/logger';
import { Counter, Gauge, type Registry } from 'prom-client';
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

/** Rows one retention statement deletes: short enough never to hold a sweep's locks for long. */
const RETENTION_BATCH = 1000;
/** Batches per kind per sweep; what is left goes at the next sweep. */
const RETENTION_MAX_BATCHES = 100;
/**
 * Retention sweeps run at most this often (the housekeeping tick is every minute): finding
 * the expired sessions reads every session, which once an hour costs little.
 */
const RETENTION_EVERY_MS = 3_600_000;

/** The retention sweep's figures, on the service's metrics registry. */
export function retentionMetrics(registry: Registry) {
  return {
    deleted: new Counter({
      name: 'flowdose_retention_deleted_total',
      help: 'Rows the retention sweep deleted: spent idempotency records (kind="idempotency_keys") and expired or revoked sessions (kind="sessions")',
      labelNames: ['kind'],
      registers: [registry],
    }),
    lastRun: new Gauge({
      name: 'flowdose_retention_last_run_timestamp_seconds',
      help: 'When the retention sweep last finished (Unix time); a stale value means it is failing',
      registers: [registry],
    }),
  };
}

/**
 * Deletes spent idempotency records older than IDEMPOTENCY_RETENTION_HOURS and sessions past
 * all use, in batches of RETENTION_BATCH until a batch comes back short, and answers how many
 * of each went.
 */
export async function applyRetention({
  pool,
  config,
}: Pick<Deps, 'pool' | 'config'>): Promise<{ idempotencyKeys: number; sessions: number }> {
  const drain = async (batch: () => Promise<number>) => {
    let total = 0;
    for (let i = 0; i < RETENTION_MAX_BATCHES; i++) {
      const n = await batch();
      total += n;
      if (n < RETENTION_BATCH) break;
    }
    return total;
  };
  return {
    idempotencyKeys: await drain(() =>
      deleteSpentIdempotencyKeys(pool, config.IDEMPOTENCY_RETENTION_HOURS, RETENTION_BATCH),
    ),
    sessions: await drain(() => deleteExpiredSessions(pool, config.ACCESS_TOKEN_TTL_SECONDS, RETENTION_BATCH)),
  };
}

// One key for the whole cluster: however many API instances run, one tick runs at a time.
const HOUSEKEEPING_LOCK = 'flowdose:housekeeping';

/**
 * The recovery sweep and releaseExpired, at start and every minute, and retention (applyRetention)
 * at start and every hour. Driven by a timer in each API process and serialised by a Postgres
 * advisory lock, not by a queue: Redis holds nothing that must survive (a flush, or Redis being
 * away, must not stop abandoned holds from expiring). An instance that finds the lock taken
 * skips its tick. With a `registry`, retention's figures are on it (retentionMetrics).
 */
export function startHousekeeping(deps: Deps, logger: Logger, { registry }: { registry?: Registry } = {}) {
  const metrics = registry ? retentionMetrics(registry) : null;
  let retainedAt = 0;
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
        if (Date.now() - retainedAt >= RETENTION_EVERY_MS) {
          const deleted = await applyRetention(deps);
          retainedAt = Date.now();
          metrics?.deleted.inc({ kind: 'idempotency_keys' }, deleted.idempotencyKeys);
          metrics?.deleted.inc({ kind: 'sessions' }, deleted.sessions);
          metrics?.lastRun.setToCurrentTime();
          if (deleted.idempotencyKeys + deleted.sessions > 0) logger.info({ deleted }, 'retention');
        }
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
