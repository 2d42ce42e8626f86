import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartEventTypes } from '@flowdose/domain/cart/events';
import { defineProjection, type Statement, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { cartAbandonmentTables } from './tables.ts';

/**
 * One row per cart: its currency, the value of its current lines (unit price × quantity,
 * before discounts), its last activity (its last cart event) and whether it was closed:
 * checked out or merged into another cart. Whether a cart is abandoned depends on the time it
 * is asked (idle longer than ABANDONED_CART_HOURS), so it is decided by the query, not here:
 * no timer, and a rebuild gives the same table. Each event's statements only set what the
 * event says (a line's quantity, the latest activity, a closed status) and recompute the
 * rest from the lines, so the same event applied twice changes nothing.
 */
export const cartAbandonmentProjection = defineProjection({
  name: 'cart_abandonment',
  version: 1,
  events: cartDecider.events,
  handles: cartEventTypes,
  tables: cartAbandonmentTables,
  apply(event, recorded, s) {
    const { cartId } = event.data;
    const at = recorded.createdAt;
    /**
     * Recomputes the cart's lines and value and moves its last activity to this event, unless
     * a later one was seen; `status` closes it. A statement of its own, after the line change:
     * it must see that change, which a CTE of the same statement would not.
     */
    const touch = (status: 'checked_out' | 'merged' | null = null): Statement =>
      sql(
        `update ${s}.cart_abandonment c set lines = l.lines, value = l.value, status = coalesce($4, c.status),
           last_day = case when $2 > c.last_activity then $3::date else c.last_day end,
           last_activity = greatest(c.last_activity, $2)
         from (select count(*)::int as lines, coalesce(sum(unit_price * quantity), 0)::bigint as value
               from ${s}.cart_abandonment_lines where cart_id = $1) l
         where c.cart_id = $1`,
        [cartId, at, shopDay(at), status],
      );
    switch (event.type) {
      case 'CartOpened':
        return [
          sql(
            `insert into ${s}.cart_abandonment (cart_id, currency, last_activity, last_day) values ($1, $2, $3, $4)
             on conflict (cart_id) do nothing`,
            [cartId, event.data.currency, at, shopDay(at)],
          ),
        ];
      case 'CartItemAdded': {
        const { lineId, quantity, unitPrice } = event.data;
        return [
          sql(
            `insert into ${s}.cart_abandonment_lines (cart_id, line_id, unit_price, quantity) values ($1, $2, $3, $4)
             on conflict (cart_id, line_id) do update set unit_price = excluded.unit_price, quantity = excluded.quantity`,
            [cartId, lineId, unitPrice.amount, quantity],
          ),
          touch(),
        ];
      }
      case 'CartItemQuantityChanged':
        return [
          sql(`update ${s}.cart_abandonment_lines set quantity = $3 where cart_id = $1 and line_id = $2`, [
            cartId,
            event.data.lineId,
            event.data.quantity,
          ]),
          touch(),
        ];
      case 'CartItemRemoved':
        return [
          sql(`delete from ${s}.cart_abandonment_lines where cart_id = $1 and line_id = $2`, [
            cartId,
            event.data.lineId,
          ]),
          touch(),
        ];
      case 'CartCheckedOut':
        return [touch('checked_out')];
      case 'CartMerged':
        return [touch('merged')];
      case 'CartClaimed':
        return [touch()];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
