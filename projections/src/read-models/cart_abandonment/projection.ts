import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartEventTypes } from '@flowdose/domain/cart/events';
import { defineChunkProjection, source, sql } from '../../projection.ts';
import type { ShopDay } from '../shop-day.ts';
import { type AbandonmentEvent, foldCarts, rowOf } from './fold.ts';
import { CART_ABANDONMENT, cartAbandonmentTables } from './tables.ts';

/**
 * The tail of a statement whose `counted` lists carts going into the counts per day (n = 1)
 * or out of them (n = -1): the carts that count (holding items, not merged), and of those the
 * open ones and their value, moved on their day's row.
 */
const moveCounts = (s: string) => `
  deltas as (
    select last_day, currency, sum(n) as carts, coalesce(sum(n) filter (where status = 'open'), 0) as open_carts,
      coalesce(sum(n * value) filter (where status = 'open'), 0) as open_value
    from counted where lines > 0 and status <> 'merged' group by last_day, currency)
  insert into ${s}.cart_abandonment_days as d (last_day, currency, carts, open_carts, open_value)
  select * from deltas where (carts, open_carts, open_value) <> (0, 0, 0)
  on conflict (last_day, currency) do update set carts = d.carts + excluded.carts,
    open_carts = d.open_carts + excluded.open_carts, open_value = d.open_value + excluded.open_value`;

/**
 * One row per cart: its currency, the value of its current lines (unit price × quantity,
 * before discounts), its last activity (its last cart event) and whether it was closed:
 * checked out or merged into another cart. Whether a cart is abandoned depends on the time it
 * is asked (idle longer than ABANDONED_CART_HOURS), so it is decided by the query, not here:
 * no timer, and a rebuild gives the same table. An event sets what it says (a line's price and
 * quantity, the latest activity, a closed status), and the value and line count follow from
 * the lines, so the same event applied twice changes nothing.
 *
 * `cart_abandonment_days` counts per shop day of last activity and currency the carts that
 * count (holding items, not merged), and of those the open ones and their value, kept in step
 * with the carts' rows: a chunk's carts are counted out as they were and in as they are, so a
 * cart whose activity moves from day A to day B moves between them. The query reads them for
 * every day that ended before the idle threshold (all its open carts are abandoned then), and
 * the carts themselves only for the last days.
 */
export const cartAbandonmentProjection = (shopDay: ShopDay) =>
  defineChunkProjection({
    name: CART_ABANDONMENT,
    version: 2, // 2: cart_abandonment_days
    sources: [source(cartDecider.events, cartEventTypes)],
    tables: cartAbandonmentTables,
    // One row per cart; abandonment is judged when read (ABANDONED_CART_HOURS), so here too.
    views: (s) => ({
      cart_abandonment: `select cart_id, currency, status, lines, value, last_activity, last_day
      from ${s}.cart_abandonment`,
    }),
    applyChunk(events, s) {
      const { patches, opened } = foldCarts(
        events.map(({ event, recorded }): AbandonmentEvent => {
          const at = recorded.createdAt;
          switch (event.type) {
            case 'CartItemAdded': {
              const { cartId, lineId, quantity, unitPrice } = event.data;
              return { type: event.type, cartId, at, lineId, quantity, unitPrice: unitPrice.amount };
            }
            case 'CartOpened':
              return { type: event.type, cartId: event.data.cartId, at, currency: event.data.currency };
            case 'CartItemQuantityChanged':
              return { ...event.data, type: event.type, at };
            case 'CartItemRemoved':
              return { ...event.data, type: event.type, at };
            default:
              return { type: event.type, cartId: event.data.cartId, at };
          }
        }),
      );
      const statements = [];
      if (patches.size > 0) {
        const rows = [...patches].map(([cartId, { lines, status, latest }]) => {
          // Each line's change, by kind: the three parameters the statement patches with.
          const sets: Record<string, [number, number]> = {};
          const quantities: Record<string, number> = {};
          const removed: string[] = [];
          for (const [id, change] of lines) {
            if (change === 'removed') removed.push(id);
            else if ('set' in change) sets[id] = change.set;
            else quantities[id] = change.quantity;
          }
          return {
            cart_id: cartId,
            sets,
            quantities,
            removed,
            status,
            latest,
            latest_day: latest && shopDay(latest),
          };
        });
        statements.push(
          // The rows there were before the chunk, patched (`old` is the statement's snapshot):
          // lines removed, quantities changed on the lines they have, lines set; the count and
          // value recomputed from them.
          sql(
            `with p as (
             select * from jsonb_to_recordset($1::jsonb) as p(cart_id uuid, sets jsonb, quantities jsonb,
               removed text[], status text, latest timestamptz, latest_day date)),
           old as (select c.* from ${s}.cart_abandonment c join p using (cart_id)),
           patched as (
             select o.cart_id, coalesce((
                 select jsonb_object_agg(e.key, case when p.quantities ? e.key
                   then jsonb_build_array(e.value -> 0, p.quantities -> e.key) else e.value end)
                 from jsonb_each(o.line_values - p.removed) e), '{}') || p.sets as line_values
             from old o join p using (cart_id)),
           new as (
             update ${s}.cart_abandonment c set line_values = n.line_values,
               lines = (select count(*) from jsonb_object_keys(n.line_values)),
               value = (select coalesce(sum((v ->> 0)::bigint * (v ->> 1)::bigint), 0)
                        from jsonb_each(n.line_values) x(k, v)),
               status = coalesce(p.status, c.status),
               last_day = case when p.latest > c.last_activity then p.latest_day else c.last_day end,
               last_activity = greatest(c.last_activity, p.latest)
             from p join patched n using (cart_id) where c.cart_id = p.cart_id
             returning c.*),
           counted as (
             select last_day, currency, status, lines, value, 1 as n from new
             union all
             select last_day, currency, status, lines, value, -1 from old),
           ${moveCounts(s)}`,
            [JSON.stringify(rows)],
          ),
        );
      }
      if (opened.size > 0) {
        const rows = [...opened].map(([cartId, state]) => {
          const { lines, value, lastDay } = rowOf(state, shopDay);
          return {
            cart_id: cartId,
            currency: state.currency,
            status: state.status,
            lines,
            value,
            line_values: state.lineValues,
            last_activity: state.lastActivity,
            last_day: lastDay,
          };
        });
        statements.push(
          // After the patches: a cart that had no row starts with its CartOpened and the events
          // after it (the patch above found no row for it); one that had a row keeps it.
          sql(
            `with new as (
             insert into ${s}.cart_abandonment (cart_id, currency, status, lines, value, line_values,
               last_activity, last_day)
             select * from jsonb_to_recordset($1::jsonb) as r(cart_id uuid, currency text, status text, lines int,
               value bigint, line_values jsonb, last_activity timestamptz, last_day date)
             on conflict (cart_id) do nothing
             returning *),
           counted as (select last_day, currency, status, lines, value, 1 as n from new),
           ${moveCounts(s)}`,
            [JSON.stringify(rows)],
          ),
        );
      }
      // A day whose carts all moved on (or were merged) counts nowhere: as if it never had a
      // row, so the table is the same however the events were chunked.
      statements.push(sql(`delete from ${s}.cart_abandonment_days where carts = 0`, []));
      return statements;
    },
  });
