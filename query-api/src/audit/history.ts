import type { OrderView } from '@flowdose/contract/query-api';
import { readEvent } from '@flowdose/domain/event-schemas';
import { type Order, orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import type { EventStore, RecordedEvent } from '@flowdose/shared/event-store/port';

// The store's reads are paged; an order of many thousand events is read a page at a time.
const PAGE = 5_000;

// Checked and upcast like the command side reads it: an event that does not fit throws with its position.
const evolve = (state: Order, event: RecordedEvent): Order =>
  orderDecider.evolve(state, readEvent(orderDecider.events, event));

/** An order just before and just after one of its events. */
export type OrderAt = { before: Order; after: Order; event: RecordedEvent };

export type OrderHistory = {
  /** The order after its `version`-th event and before it; null past the stream's end. */
  at: (orderId: string, version: bigint) => Promise<OrderAt | null>;
};

/**
 * Folds an order's stream up to any version with today's decider, keeping the states of
 * long streams at every `every`-th version: events never change once appended, so a kept
 * state stays true, and a later request reads and folds at most `every` events from the
 * nearest one. Needed because reading and folding a whole 5,000-event stream takes ~50 ms
 * here (infra/bench/results/audit.md), against a few ms from a kept state. At most
 * `streams` orders are kept; the least recently used are let go first.
 */
export function orderHistory(store: EventStore, { every = 128, streams = 32 } = {}): OrderHistory {
  // By order id: index k holds the state after k × every events.
  const kept = new Map<string, Order[]>();
  const keep = (orderId: string, states: Order[]) => {
    kept.delete(orderId);
    kept.set(orderId, states);
    if (kept.size > streams) kept.delete(kept.keys().next().value!);
  };

  async function at(orderId: string, version: bigint): Promise<OrderAt | null> {
    const states = kept.get(orderId) ?? [orderDecider.initialState()];
    const k = Math.min(states.length - 1, Math.floor(Number(version - 1n) / every));
    let v = k * every;
    let after = states[k]!;
    let before = after;
    let event: RecordedEvent | undefined;
    while (BigInt(v) < version) {
      const want = Math.min(PAGE, Number(version - BigInt(v)));
      const batch = await store.readStream(orderStream(orderId), { fromVersion: BigInt(v + 1), limit: want });
      for (const e of batch) {
        before = after;
        after = evolve(after, e);
        event = e;
        v++;
        // Only ever the next one: a request running alongside may have kept it already.
        if (v % every === 0 && states.length === v / every) states.push(after);
      }
      if (batch.length < want) break;
    }
    if (states.length > 1) keep(orderId, states);
    return event && BigInt(v) === version ? { before, after, event } : null;
  }
  return { at };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A state as JSON: Sets become arrays (in insertion order), Maps objects (or [key, value]
 * pairs when a key is no string), bigints decimal strings, dates ISO strings.
 */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Set) return [...value].map(toJson);
  if (value instanceof Map) {
    const entries = [...value.entries()];
    return entries.every(([k]) => typeof k === 'string')
      ? Object.fromEntries(entries.map(([k, v]) => [k, toJson(v)]))
      : entries.map(([k, v]) => [toJson(k), toJson(v)]);
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .map(([k, v]) => [k, toJson(v)]),
    );
  }
  return null;
}

/** One field an event changed; `before` is absent for a field it added, `after` for one it removed. */
export type Change = { field: string; kind: 'added' | 'removed' | 'changed'; before?: Json; after?: Json };

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A field-level diff: objects and arrays present on both sides are compared member by
 * member (`pending.step`, `reservations.0.sku`), anything else is one change with both values. So
 * a refund shows `refunded` 0 → 500, and a step's id appended to thousands shows only itself.
 */
export function diff(before: Json | undefined, after: Json | undefined, path = ''): Change[] {
  if (same(before, after)) return [];
  const both = (isObject(before) && isObject(after)) || (Array.isArray(before) && Array.isArray(after));
  if (!both) {
    if (before === undefined) return [{ field: path, kind: 'added', after: after as Json }];
    if (after === undefined) return [{ field: path, kind: 'removed', before }];
    return [{ field: path, kind: 'changed', before, after }];
  }
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diff(before[i], after[i], at(String(i)))).flat();
  }
  const b = before as { [key: string]: Json };
  const a = after as { [key: string]: Json };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.flatMap((key) => diff(b[key], a[key], at(key)));
}

export type Difference = { field: string; decided: Json; readModel: Json };

/**
 * Where the orders read model disagrees with a fold of the order's events, field by field,
 * on what both hold. A fold that placed no order (none yet, or expired) must have no row.
 */
export function compareWithReadModel(order: Order, view: OrderView | null): Difference[] {
  const placed = order.status !== 'none' && order.status !== 'expired';
  if (!placed || !view) return placed === !!view ? [] : [{ field: 'exists', decided: placed, readModel: !!view }];
  const pairs: [string, Json, Json][] = [
    ['status', order.status, view.status],
    ['currency', order.currency, view.currency],
    ['grandTotal', order.grandTotal, toJson(view.totals.grandTotal)],
    ['captured', order.captured, view.captured],
    ['refunded', order.refunded, view.refunded],
    ['discountCode', order.discountCode, view.discountCode],
  ];
  return pairs.filter(([, d, r]) => !same(d, r)).map(([field, decided, readModel]) => ({ field, decided, readModel }));
}
