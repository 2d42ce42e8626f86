import type { OrderView } from '@flowdose/contract/query-api';
import { orderStream } from '@flowdose/domain/order/events';
import { ordersPast, orderVersion } from '@flowdose/projections/read-models/orders/queries';
import type { Change } from '@flowdose/shared/change-feed';
import type { Pool } from '@flowdose/shared/db';
import type { Logger } from '@flowdose/shared/logger';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ChangeHub } from './changes.ts';

/** Called with the order each time it moved past what this watcher was last given. */
export type OrderPush = (order: OrderView, version: number) => void;

export type LiveOrders = {
  /**
   * Watches an order from `version` (0: nothing seen yet). The order is read once at once, so
   * whatever changed before the watch began is pushed too; `first` settles after that read.
   */
  watch(orderId: string, version: number, push: OrderPush): { first: Promise<void>; stop: () => void };
};

type Watcher = { version: number; push: OrderPush };

/** What an order's stream id starts with (`order-<orderId>`), as the change feed names it. */
const ORDER_STREAM = orderStream('');

/**
 * The open live order streams of this query-API instance, fed by the change feed: a notice
 * from the orders projection naming an order's stream (or `all`, after a rebuild's swap)
 * re-reads that order for its watchers. Notices can be lost (pub/sub keeps nothing for a
 * subscriber that is away), so every watched order is also re-read when the hub says some
 * were missed (Redis came back) and every `recheckMs` (a publish that failed while the
 * subscriber stayed connected: nothing else would tell). That interval is what a lost notice
 * costs at worst.
 *
 * Each watcher remembers the version it was given last and is pushed only a newer one, so
 * overlapping reads (a notice and a re-check at once) never push the same change twice or an
 * older state after a newer one.
 */
export function createLiveOrders({
  pool,
  changes,
  logger,
  recheckMs,
  metrics,
}: {
  pool: Pool;
  changes: ChangeHub;
  logger: Logger;
  recheckMs: number;
  metrics: Registry;
}): LiveOrders {
  const watchers = new Map<string, Set<Watcher>>();
  new Gauge({
    name: 'flowdose_live_order_streams',
    help: 'Live order streams open on this instance',
    registers: [metrics],
    collect() {
      this.set([...watchers.values()].reduce((n, set) => n + set.size, 0));
    },
  });
  // Pushes by what brought them: `missed` and `recheck` ones are changes whose notice was lost.
  const pushes = new Counter({
    name: 'flowdose_live_order_pushes_total',
    help: 'Orders pushed to live streams, by what found the change: open, notice, missed (after a Redis reconnect), recheck (the periodic re-read)',
    labelNames: ['cause'] as const,
    registers: [metrics],
  });

  type Cause = 'open' | 'notice' | 'missed' | 'recheck';
  const refresh = async (orderIds: Iterable<string>, cause: Cause) => {
    const seen = new Map<string, number>();
    for (const id of orderIds) {
      const set = watchers.get(id);
      if (set) seen.set(id, Math.min(...[...set].map((w) => w.version)));
    }
    for (const order of await ordersPast(pool, seen)) {
      const version = orderVersion(order);
      for (const watcher of watchers.get(order.orderId) ?? []) {
        if (version <= watcher.version) continue;
        watcher.version = version;
        watcher.push(order, version);
        pushes.inc({ cause });
      }
    }
  };
  // A failed re-read is retried by the next notice or re-check; it must not end the process.
  const refreshLogged = (orderIds: Iterable<string>, cause: Cause) =>
    refresh(orderIds, cause).catch((err) => logger.warn({ err }, 'live orders not re-read'));

  const onChange = (change: Change) => {
    if (change.projection !== 'orders') return;
    if (change.streams === 'all') {
      void refreshLogged([...watchers.keys()], 'notice');
      return;
    }
    const ids = change.streams.filter((s) => s.startsWith(ORDER_STREAM)).map((s) => s.slice(ORDER_STREAM.length));
    const watched = ids.filter((id) => watchers.has(id));
    if (watched.length > 0) void refreshLogged(watched, 'notice');
  };

  // Listening (and the timer) only while something is watched: an instance nobody streams from
  // does no work, and an app built and dropped (tests) leaves nothing running.
  let stopListening: (() => void) | null = null;
  const listen = () => {
    const offChange = changes.onChange(onChange);
    const offMissed = changes.onMissed(() => void refreshLogged([...watchers.keys()], 'missed'));
    const timer = setInterval(() => void refreshLogged([...watchers.keys()], 'recheck'), recheckMs);
    timer.unref();
    return () => {
      offChange();
      offMissed();
      clearInterval(timer);
    };
  };

  return {
    watch(orderId, version, push) {
      const watcher: Watcher = { version, push };
      let set = watchers.get(orderId);
      if (!set) {
        set = new Set();
        watchers.set(orderId, set);
      }
      set.add(watcher);
      stopListening ??= listen();
      const first = refresh([orderId], 'open');
      return {
        first,
        stop() {
          set.delete(watcher);
          if (set.size === 0 && watchers.get(orderId) === set) {
            watchers.delete(orderId);
          }
          if (watchers.size === 0 && stopListening) {
            stopListening();
            stopListening = null;
          }
        },
      };
    },
  };
}
